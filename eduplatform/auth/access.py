"""Authorization: role checks on views and school scope on objects."""

from functools import wraps

from flask import abort, g, has_request_context, jsonify, redirect, request, url_for
from flask_login import current_user

from eduplatform.people.memberships import school_filter, school_ids
from eduplatform.people.models import Role

ALL_SCHOOLS = (Role.OFFICE, Role.ADMIN)


def wants_json():
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _refuse(status):
    if wants_json():
        from eduplatform.api.problems import default_detail

        title = "Authentication required" if status == 401 else "Forbidden"
        detail = str(default_detail(status))
        response = jsonify(
            {"type": "about:blank", "title": title, "status": status, "detail": detail}
        )
        response.status_code = status
        response.mimetype = "application/problem+json"
        abort(response)
    if status == 401:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    abort(status)


def roles_required(*roles):
    """Let only signed-in users with one of these roles through (401/403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user._get_current_object()
            if not user.is_authenticated:
                _refuse(401)
            if roles and user.role not in roles:
                _refuse(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = roles_required()


def school_scope(user, session=None):
    """The ids of the schools a user is confined to (a frozenset), or None for every school.

    A teacher's scope is the union of the schools they belong to, never a third one; a
    student's or author's is their one organization. Asked once per request (read through
    `session`, else the user's own).
    """
    if user.role in ALL_SCHOOLS:
        return None
    if not has_request_context():
        return school_ids(user, session)
    cache = g.setdefault("school_scopes", {})
    if user.id not in cache:
        cache[user.id] = school_ids(user, session)
    return cache[user.id]


def sees_school(user, school_id):
    scope = school_scope(user)
    return scope is None or school_id in scope


def require_school(user, school_id):
    """404 unless the user may see records of this school (never reveal that they exist)."""
    if not sees_school(user, school_id):
        abort(404)


def in_scope(user, column):
    """A WHERE clause keeping rows whose school `column` is within the user's scope."""
    return school_filter(column, school_scope(user))
