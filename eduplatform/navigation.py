"""The navigation menu: which pages each role reaches from every page."""

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from eduplatform.config import LANGUAGES

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


# The header every page shows is the same for every reader of the same menu, language and page
# (endpoint): it is rendered once per process from templates/_header.html and kept, with marks
# where each request's own values go (the session's CSRF token in the sign-out and language
# forms, the page's address the language form returns to), filled in per request.
HEADER_PARTS = "eduplatform.header_parts"
HEADER_TEMPLATE = "_header.html"
KEPT_HEADER_PARTS = 512  # menus x languages x endpoints actually visited
CSRF_MARK = "\x00csrf\x00"
NEXT_MARK = "\x00next\x00"


def _header_part(name, key, **arguments):
    """The macro `name` of the header template, rendered for `key` once and kept."""
    from eduplatform.dashboard.cache import RenderCache

    kept = current_app.extensions.get(HEADER_PARTS)
    if kept is None:
        kept = current_app.extensions.setdefault(HEADER_PARTS, RenderCache(KEPT_HEADER_PARTS))
    markup = kept.get((name, key))
    if markup is None:
        module = current_app.jinja_env.get_template(HEADER_TEMPLATE).make_module(
            {"csrf_mark": CSRF_MARK, "next_mark": NEXT_MARK, "LANGUAGES": LANGUAGES}
        )
        markup = getattr(module, name)(**arguments)
        kept.put((name, key), markup)
    return markup


def header_nav(user):
    """The menu's links (shown twice: a bar on wide screens, a menu on phones), with this
    session's CSRF token in the sign-out form."""
    from eduplatform.i18n import current_language

    signed_in = user.is_authenticated
    items = nav_items(user) if signed_in else ()
    key = (
        user.role if signed_in else None,
        tuple(item["endpoint"] for item in items),
        current_language(),
        request.endpoint,
        request.script_root,
    )
    markup = _header_part("nav_links", key, items=items, signed_in=signed_in)
    # Signed out, the menu has no form: no token (it would start a session on pages that
    # must not have one, like a supervisor's link).
    return markup.replace(CSRF_MARK, generate_csrf()) if signed_in else markup


def language_switch():
    """The language buttons, with this session's CSRF token; the form returns to the page the
    reader is on."""
    from eduplatform.i18n import current_language

    lang = current_language()
    markup = _header_part("language_form", (lang, request.script_root), lang=lang)
    back = request.full_path if request.query_string else request.path
    # Markup.replace escapes what it puts in.
    return markup.replace(CSRF_MARK, generate_csrf()).replace(NEXT_MARK, back)
