"""Forgot password, the page an emailed link opens, and staff invitations."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user

from eduplatform import scope
from eduplatform.auth import recovery, service, throttle
from eduplatform.auth.access import roles_required
from eduplatform.auth.forms import ForgotPasswordForm, InvitationForm, SetPasswordForm
from eduplatform.db import get_session, lock_free_reads
from eduplatform.errors import Invalid
from eduplatform.forms import ConfirmForm, apply_errors, choices
from eduplatform.ids import parse_id
from eduplatform.people.forms import ROLE_LABELS, organization_choices
from eduplatform.people.models import Organization, OrgKind, Role, TokenPurpose, User
from eduplatform.people.service import list_organizations
from eduplatform.sqltypes import utcnow

bp = Blueprint("account", __name__)

LINK_KEY = "account_link"  # the emailed token, kept in the signed session cookie


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        with lock_free_reads(db) as reads:  # a request the limits refuse writes nothing
            account = service.find_login(reads, form.email.data)
        throttle.begin(
            "password-reset",
            account=throttle.account_key(account, form.email.data),
            per_account="RATELIMIT_PASSWORD_RESET_PER_ACCOUNT",
            per_address="RATELIMIT_PASSWORD_RESET_PER_ADDRESS",
        )
        recovery.request_password_reset(session=db, email=form.email.data)
        # The same answer whether or not an account has this address.
        return render_template(
            "auth/forgot_password.html",
            form=form,
            sent_to=form.email.data.strip(),
            minutes=current_app.config["PASSWORD_RESET_VALID_MINUTES"],
        )
    return render_template("auth/forgot_password.html", form=form, sent_to=None)


@bp.route("/account/password", methods=["GET", "POST"])
def set_password():
    """The page an invitation or reset link opens: choose a password, then you are signed in."""
    if request.args.get("token"):
        # Out of the address bar, the history and any Referer at once.
        session[LINK_KEY] = request.args["token"]
        return redirect(url_for("account.set_password"))
    db = get_session()
    link = recovery.find_link(db, session.get(LINK_KEY))
    if link is None:
        session.pop(LINK_KEY, None)
        return render_template("auth/link_invalid.html")
    user = db.get(User, link.user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = recovery.set_password_with_link(
                session=db, token=session.get(LINK_KEY), password=form.password.data
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            session.clear()
            session["sid"] = service.start_session(db, user=user)
            login_user(user)
            flash(
                _("Welcome! Your password is set.")
                if link.purpose == TokenPurpose.INVITATION
                else _("Your new password is set. Every other device was signed out."),
                "success",
            )
            return redirect(url_for("core.home"))
    return render_template(
        "auth/set_password.html",
        form=form,
        user=user,
        invited=link.purpose == TokenPurpose.INVITATION,
    )


def _invitation_form(db):
    form = InvitationForm()
    form.role.choices = choices(
        (role, ROLE_LABELS[role]) for role in recovery.invitable_roles(current_user)
    )
    if current_user.role == Role.OFFICE:
        organizations = [o for o in list_organizations(db, kind=OrgKind.SCHOOL) if o.active]
    else:
        organizations = [o for o in list_organizations(db) if o.active]
    form.organization_id.choices = organization_choices(organizations, "—")
    if request.method == "GET":
        offered = {parse_id(c.value): c.value for c in form.organization_id.choices}
        school = scope.chosen(
            request.args.get("school"), offered, source="query", name="school", kind="organization"
        )
        if school is not None:  # a school the list offers; anything else is ignored
            form.organization_id.data = school
    return form


def _organization(db, raw):
    return scope.find("organization", raw, source="form", name="organization_id") if raw else None


@bp.route("/admin/invitations", methods=["GET", "POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def invite():
    """Invite teachers (and, for admins, other staff) by email; the pending invitations."""
    db = get_session()
    form = _invitation_form(db)
    if form.validate_on_submit():
        try:
            user = recovery.invite_staff(
                session=db,
                actor=current_user,
                email=form.email.data,
                full_name=form.full_name.data,
                organization=_organization(db, form.organization_id.data),
                role=form.role.data,
                locale=form.locale.data,
            )
        except Invalid as refused:
            db.rollback()
            errors = [
                {**e, "field": "organization_id" if e["field"] == "organization" else e["field"]}
                for e in refused.errors
            ]
            apply_errors(form, Invalid(errors))
        else:
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            # The next invitation is most often for the same school: it stays chosen.
            return redirect(url_for("account.invite", school=user.organization_id))
    status = 422 if form.errors else 200
    return render_template(
        "auth/invitations.html",
        form=form,
        pending=recovery.pending_invitations(db, actor=current_user),
        now=utcnow(),
        organizations={o.id: o for o in list_organizations(db)},
    ), status


@bp.route("/admin/invitations/<int:user_id>/resend", methods=["POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def resend(user_id):
    """A new link for someone who has not accepted yet (the old link stops working)."""
    db = get_session()
    user = recovery.pending_invitee(db, actor=current_user, user_id=user_id) or abort(404)
    try:
        recovery.invite_staff(
            session=db,
            actor=current_user,
            email=user.email,
            full_name=user.full_name,
            organization=db.get(Organization, user.organization_id)
            if user.organization_id
            else None,
            role=user.role,
            locale=user.locale,
        )
    except Invalid as refused:
        db.rollback()
        flash(refused.errors[0]["message"], "error")
    else:
        flash(_("A new invitation was sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("account.invite"))


@bp.route("/admin/invitations/<int:user_id>/withdraw", methods=["POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def withdraw(user_id):
    """Withdraw an invitation not yet accepted: asks once, naming the person, then acts."""
    db = get_session()
    user = recovery.pending_invitee(db, actor=current_user, user_id=user_id) or abort(404)
    form = ConfirmForm()
    if request.form.get("confirm") != "1" or not form.validate_on_submit():
        return render_template("auth/confirm_withdraw_invitation.html", person=user, form=form)
    recovery.withdraw_invitation(session=db, actor=current_user, user=user)
    flash(_("The invitation of %(name)s was withdrawn.", name=user.full_name), "success")
    return redirect(url_for("account.invite"))
