"""Manifest, service worker and the offline queue's session check.

The service worker (static/js/sw.js) keeps a copy of the pages the server marks with
`X-Offline-Cache`, in a cache named after the account in `X-Offline-User`: only a student's
own home, module, unit and certificates pages, never a staff page. Any page of another account
empties the other accounts' caches; any page without an account (the sign-in page after
signing out) empties them all.
"""

from flask import Blueprint, current_app, jsonify, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from eduplatform.auth.access import roles_required
from eduplatform.i18n import current_language
from eduplatform.people.models import Role

bp = Blueprint("offline", __name__)

# The student's pages that open offline with their last known state.
STUDENT_PAGES = {
    "core.home",
    "training.log_unit",
    "training.certificates",
    "curriculum.module",
}
THEME_COLOUR = "#0b6e4f"  # the top bar's --brand


@bp.after_app_request
def mark_offline_pages(response):
    """Name the account on every signed-in answer; mark what the phone may keep."""
    user = current_user._get_current_object()  # one look-up, not one per attribute
    if not user.is_authenticated:
        return response
    response.headers["X-Offline-User"] = str(user.id)
    if (
        user.role == Role.STUDENT
        and request.method == "GET"
        and request.endpoint in STUDENT_PAGES
        and response.status_code == 200
        and response.mimetype == "text/html"
    ):
        response.headers["X-Offline-Cache"] = "1"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest in the page's language (`?lang=`: it is fetched without cookies)."""
    icons = [
        {"src": url_for("static", filename=f"icons/{name}"), "sizes": size, "type": "image/png"}
        for name, size in (("icon-192.png", "192x192"), ("icon-512.png", "512x512"))
    ]
    icons.append(
        {
            "src": url_for("static", filename="icons/icon-512-maskable.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    response = jsonify(
        {
            "id": "/",
            "name": _("eduplatform: EV mechanic training"),
            "short_name": "eduplatform",
            "description": _(
                "Log the practical units you did, read your modules and certificates, also "
                "without a signal."
            ),
            "lang": current_language(),
            "start_url": url_for("core.home"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": "#f6f7f9",
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is every page."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline/session")
@roles_required(Role.STUDENT)
def session_check():
    """Who is signed in and a fresh CSRF token, asked before the phone sends its queue: it sends
    only the entries this same student made, with a token of this session."""
    response = jsonify(user=str(current_user.id), csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
