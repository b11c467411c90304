"""The navigation menu: which pages each role reaches from every page."""

from flask import current_app
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles); an area adds its pages here as it lands.
NAV_ITEMS = [
    ("people.users", _l("Users"), {"admin"}),
    ("people.organizations", _l("Organizations"), {"admin"}),
    ("audit.events", _l("Audit log"), {"admin"}),
    ("dashboard.index", _l("Dashboard"), {"office", "admin", "teacher", "author"}),
    ("curriculum.catalogue", _l("Curriculum"), {"student", "teacher", "author", "office", "admin"}),
    ("schools.index", _l("Schools"), {"office", "admin"}),
    ("cohorts.index", _l("My classes"), {"teacher"}),
    ("cohorts.index", _l("Classes"), {"office", "admin"}),
    ("exchange.activities", _l("Exchange"), {"teacher", "author", "office", "admin"}),
    ("exchange.my_exchanges", _l("My exchanges"), {"student"}),
    ("teaching.queue", _l("Verification queue"), {"teacher", "admin"}),
    ("teaching.progress", _l("Class progress"), {"teacher", "office", "admin"}),
    ("training.certificates", _l("Certificates"), {"student", "teacher", "office", "admin"}),
    ("training.passport_settings", _l("Skills passport"), {"student"}),
]


def nav_items(user):
    """The menu entries for this user's role, skipping areas not installed."""
    return [
        {"endpoint": endpoint, "label": label}
        for endpoint, label, roles in NAV_ITEMS
        if user.role in roles and endpoint in current_app.view_functions
    ]
