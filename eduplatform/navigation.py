"""The navigation menu: which pages each role reaches from every page."""

from flask import current_app
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles); an area adds its pages here as it lands.
NAV_ITEMS = [
    ("people.users", _l("Users"), {"admin"}),
    ("people.organizations", _l("Organizations"), {"admin"}),
    ("audit.events", _l("Audit log"), {"admin"}),
]


def nav_items(user):
    """The menu entries for this user's role, skipping areas not installed."""
    return [
        {"endpoint": endpoint, "label": label}
        for endpoint, label, roles in NAV_ITEMS
        if user.role in roles and endpoint in current_app.view_functions
    ]
