"""Home, language choice, health check and error pages."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from eduplatform.auth.access import wants_json
from eduplatform.auth.views import safe_next
from eduplatform.core import service
from eduplatform.db import get_engine, get_session
from eduplatform.people.memberships import schools_of
from eduplatform.people.models import Organization, Role
from eduplatform.people.service import set_locale

bp = Blueprint("core", __name__)

LANG_COOKIE = "lang"


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    if current_user.role == Role.STUDENT:
        from eduplatform.training.views import student_home

        return student_home()
    db = get_session()
    organization = (
        db.get(Organization, current_user.organization_id) if current_user.organization_id else None
    )
    context = {"organization": organization}
    if current_user.role == Role.ADMIN:
        from eduplatform.audit.labels import Names, action_label

        events = service.recent_events(db)
        context.update(
            counts=service.people_counts(db),
            events=events,
            action_label=action_label,
            actors=Names(db, events).users,
        )
    elif current_user.role == Role.OFFICE:
        context.update(schools=service.school_overview(db))
    elif current_user.role == Role.TEACHER:
        schools = schools_of(db, current_user)
        counts = service.school_people_counts(db, [s.id for s in schools])
        context.update(schools=[(school, counts[school.id]) for school in schools])
    return render_template(f"core/home_{current_user.role}.html", **context)


@bp.route("/privacy")
def privacy():
    return render_template("core/privacy.html")


@bp.route("/language", methods=["POST"])
def language():
    """Switch language: stored on the account when signed in, in a cookie otherwise."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        set_locale(
            get_session(),
            user=current_user,
            locale=locale,
            languages=current_app.config["LANGUAGES"],
        )
    response = redirect(safe_next(request.form.get("next")) or url_for("core.home"))
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


@bp.route("/healthz")
def healthz():
    """Readiness: the database answers and its schema is not behind this code's migrations."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            revisions = sorted(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        current_app.logger.warning("health check failed: %s", exc)
        return jsonify(status="unavailable", database="down"), 503
    revision = ",".join(revisions) or None
    if service.schema_behind(revisions):
        return jsonify(status="unavailable", database="ok", schema="behind", revision=revision), 503
    return jsonify(status="ok", database="ok", schema="ok", revision=revision)


@bp.route("/healthz/live")
def liveness():
    """Liveness: the process answers requests; the database is not consulted."""
    return jsonify(status="ok")


ERROR_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Server error",
}


def error_page(error):
    """Every HTTP error as a translated page, or as a problem document for JSON callers."""
    status = error.code if isinstance(error, HTTPException) and error.code else 500
    if request.path.startswith("/api/") and "api" in current_app.blueprints:
        # No API route matched (a malformed or out-of-range path value): the API's own problem
        # document, with its detail, like every other answer of the API.
        from eduplatform.api.framework import problem_for

        return problem_for(error)
    expired = isinstance(error, CSRFError)
    typed = _typed_texts() if expired and not wants_json() else []
    message = _expired_form_message(typed) if expired else _error_message(status)
    if wants_json():
        body = {
            "type": "about:blank",
            "title": ERROR_TITLES.get(status, "Error"),
            "status": status,
            "detail": str(message),
        }
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
    else:
        try:
            if expired:
                page = render_template(
                    "errors/form_expired.html", message=message, typed=typed, back=_form_url()
                )
            else:
                page = render_template("errors/error.html", status=status, message=message)
        except Exception:  # noqa: BLE001 - the page itself failed (database down): stay plain
            current_app.logger.exception("error page could not be rendered")
            page = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{message}</p>"
        response = make_response(page, status)
    return response


def _expired_form_message(typed):
    if typed:
        return _(
            "This form could not be sent: the page is too old or you were signed out. What you "
            "typed is below: copy it, open the form again (sign in if asked), paste it and send "
            "it again."
        )
    return _(
        "This form could not be sent: the page is too old or you were signed out. Open the form "
        "again (sign in if asked) and send it again."
    )


# Fields never shown back: secrets, and the codes a form carries for itself.
SECRET_FIELD_PARTS = ("pass", "token", "csrf", "code", "secret", "key")


def _typed_texts():
    """The longer texts the refused form carried, to copy from the error page: the Back button
    cannot bring them back once the session has ended (the form's page then asks to sign in).

    Only for a form sent from this site's own pages (the browser's Sec-Fetch-Site or Origin
    says so): another site's forged form would otherwise put its own words on our page."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = urlsplit(request.headers.get("Origin") or "")
    if site != "same-origin" and origin.netloc != request.host:
        return []
    return [
        value
        for name, value in request.form.items(multi=True)
        if len(value.strip()) >= 20 and not any(part in name.lower() for part in SECRET_FIELD_PARTS)
    ][:10]


def _form_url():
    """The page the refused form came from (the referrer on this site), else the URL it was
    sent to: most forms send to their own page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if safe_next(back):
            return back
    return request.full_path.rstrip("?")


def _error_message(status):
    """What an error page tells, in the reader's language."""
    messages = {
        400: _(
            "The request could not be understood. If you sent a form, reload the page "
            "and try again."
        ),
        403: _("You do not have access to this page."),
        404: _("The page was not found."),
        405: _("This action is not allowed here."),
        413: _(
            "The file or form is too large: a photo or file may have up to 15 MB. Go back "
            "and choose a smaller one."
        ),
        429: _("Too many attempts. Wait a few minutes and try again."),
        500: _("Something went wrong on our side. The team has been told; please try again later."),
    }
    return messages.get(status, messages[500])
