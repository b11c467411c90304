"""Token management on the profile page: create (shown once), list, revoke. A web page with a
session and CSRF like every other form; the API itself only accepts the tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import once
from eduplatform.api import service
from eduplatform.api.forms import SCOPE_LABELS, TokenForm
from eduplatform.auth.access import login_required
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.forms import apply_errors
from eduplatform.sqltypes import utcnow

bp = Blueprint("api_tokens", __name__)


@bp.app_context_processor
def token_section():
    """The profile page lists the user's tokens (templates/api/_tokens.html)."""
    if request.endpoint != "auth.profile" or not current_user.is_authenticated:
        return {}
    form = TokenForm(prefix="token")
    form.form_key.data = once.new_key()
    return {"api_tokens": _token_rows(), "api_token_form": form}


def _token_rows():
    now = utcnow()
    return [
        {
            "token": token,
            "state": service.token_state(token, now),
            "expires_on": service.expiry_date(token),
            "scope_label": SCOPE_LABELS.get(token.scope, token.scope),
        }
        for token in service.user_tokens(get_session(), current_user.id)
    ]


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create():
    form = TokenForm(prefix="token")
    if form.validate_on_submit():
        db = get_session()
        if not once.first_time(db, actor=current_user, key=form.form_key.data):
            flash(
                _(
                    "This form was sent before: the token was made then, and its value shown "
                    "only once. If you did not copy it, revoke it below and create another."
                ),
                "warning",
            )
            return redirect(url_for("auth.profile", _anchor="api-tokens"))
        try:
            token, raw = service.create_token(
                db,
                actor=current_user,
                user=current_user,
                name=form.name.data,
                scope=form.scope.data,
                expires_on=form.expires_on.data,
            )
        except Invalid as refused:
            db.rollback()  # the key too: the corrected form, sent with it, makes the token
            apply_errors(form, refused)
        else:
            # Shown on this response only: never stored, never put in a flash message or cookie.
            return render_template(
                "api/token_created.html",
                token=token,
                raw=raw,
                expires_on=service.expiry_date(token),
                scope_label=SCOPE_LABELS.get(token.scope, token.scope),
            )
    return render_template("api/token_form.html", form=form), 422


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    db = get_session()
    token = service.user_token(db, user_id=current_user.id, token_id=token_id) or abort(404)
    service.revoke_token(db, actor=current_user, token=token)
    flash(_("The token %(name)s was revoked.", name=token.name), "success")
    return redirect(url_for("auth.profile", _anchor="api-tokens"))
