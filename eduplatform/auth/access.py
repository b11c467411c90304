"""Authorization: role checks on views and school scope on objects."""

from functools import wraps

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user

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
        title = "Authentication required" if status == 401 else "Forbidden"
        response = jsonify({"type": "about:blank", "title": title, "status": status})
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
            if not current_user.is_authenticated:
                _refuse(401)
            if roles and current_user.role not in roles:
                _refuse(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = roles_required()


def school_scope(user):
    """The school id a user is confined to, or None when they may see every school."""
    if user.role in ALL_SCHOOLS:
        return None
    return user.organization_id


def sees_school(user, school_id):
    scope = school_scope(user)
    return scope is None or scope == school_id


def require_school(user, school_id):
    """404 unless the user may see records of this school (never reveal that they exist)."""
    if not sees_school(user, school_id):
        abort(404)
