"""The navigation menu: which pages each role reaches from every page."""

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles); an area adds its pages here as it lands.
NAV_ITEMS = [
    ("people.users", _l("Users"), {"admin"}),
    ("people.organizations", _l("Organizations"), {"admin"}),
    ("audit.events", _l("Audit log"), {"admin"}),
    ("dashboard.index", _l("Dashboard"), {"office", "admin", "teacher", "author"}),
    ("curriculum.catalogue", _l("Curriculum"), {"student", "teacher", "author", "office", "admin"}),
    ("schools.index", _l("Schools"), {"office", "admin"}),
    ("account.invite", _l("Invite staff"), {"office", "admin"}),
    ("cohorts.index", _l("My classes"), {"teacher"}),
    ("cohorts.index", _l("Classes"), {"office", "admin"}),
    ("exchange.activities", _l("Exchange"), {"teacher", "author", "office", "admin"}),
    ("exchange.my_exchanges", _l("My exchanges"), {"student"}),
    ("teaching.queue", _l("Verification queue"), {"teacher", "admin"}),
    ("teaching.progress", _l("Class progress"), {"teacher", "office", "admin"}),
    ("placements.index", _l("Placements (PKL)"), {"teacher", "office", "admin"}),
    ("placements.my_journal", _l("PKL journal"), {"student"}),
    ("training.certificates", _l("Certificates"), {"student", "teacher", "office", "admin"}),
    ("training.passport_settings", _l("Skills passport"), {"student"}),
    ("quality.queue", _l("Quality samples"), {"author"}),
    ("quality.figures_page", _l("Quality figures"), {"author"}),
    ("quality.my_samples", _l("Sampled decisions"), {"teacher"}),
    ("quality.reviewers", _l("Quality reviewers"), {"admin"}),
]
# Pages that need a permission beyond the role: endpoint -> who(user) -> bool.
NAV_PERMISSIONS = {}


MENUS = "eduplatform.menus"


def nav_items(user):
    """The menu entries for this user's role, skipping areas not installed and pages the user
    lacks the permission for.

    The role's entries are built once per app, role and mount point (every page shows the
    menu); the labels stay lazy, translated when a page shows them. Permissions are asked of
    the user each time.
    """
    menus = current_app.extensions.setdefault(MENUS, {})
    key = (user.role, request.script_root)
    menu = menus.get(key)
    if menu is None:
        menu = menus[key] = tuple(
            {"endpoint": endpoint, "label": label, "url": url_for(endpoint)}
            for endpoint, label, roles in NAV_ITEMS
            if user.role in roles and endpoint in current_app.view_functions
        )
    if not any(item["endpoint"] in NAV_PERMISSIONS for item in menu):
        return menu
    return tuple(item for item in menu if NAV_PERMISSIONS.get(item["endpoint"], _anyone)(user))


def _anyone(_user):
    return True


STATIC_URLS = "eduplatform.static_urls"


def static_url(filename):
    """url_for('static', filename=...), built once per app and mount point."""
    urls = current_app.extensions.setdefault(STATIC_URLS, {})
    key = (filename, request.script_root)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for("static", filename=filename)
    return url
