"""Administration of users and organizations."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import scope
from eduplatform.auth.access import roles_required
from eduplatform.config import LANGUAGES
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.forms import ConfirmForm, apply_errors, refused_by_form
from eduplatform.ids import page_arg
from eduplatform.people import placement, service, staffing
from eduplatform.people.forms import (
    ROLE_LABELS,
    OrganizationForm,
    OrganizationNamesForm,
    UserEditForm,
    UserForm,
    organization_choices,
)
from eduplatform.people.memberships import schools_of
from eduplatform.people.models import Organization, Role, User

bp = Blueprint("people", __name__, url_prefix="/admin")

# The service names the organization "organization"; the form's field is organization_id.
FORM_FIELDS = {"organization": "organization_id"}


def _organization(db, raw):
    return scope.find("organization", raw, source="form", name="organization_id") if raw else None


def _show_errors(form, errors):
    """Put the service's errors on the form's fields (its names for them mapped to the form's);
    a field WTForms already faulted keeps its one message (apply_errors)."""
    errors = [{**e, "field": FORM_FIELDS.get(e.get("field"), e.get("field"))} for e in errors]
    apply_errors(form, Invalid(errors))


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    db = get_session()
    page = page_arg()
    role = request.args.get("role") if request.args.get("role") in ROLE_LABELS else None
    rows, total = service.list_users(db, search=request.args.get("q"), role=role, page=page)
    return render_template(
        "people/users.html",
        users=rows,
        total=total,
        page=page,
        organizations=service.organizations_by_id(db),
        roles=ROLE_LABELS,
    )


def _user_values(db, form):
    return {
        "full_name": form.full_name.data,
        "email": form.email.data,
        "role": form.role.data,
        "organization": _organization(db, form.organization_id.data),
    }


def _new_user_values(db, form):
    return {
        **_user_values(db, form),
        "nisn": form.nisn.data,
        "password": form.password.data or None,
    }


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_user():
    db = get_session()
    form = UserForm()
    active = [org for org in service.list_organizations(db) if org.active]  # closed schools hidden
    form.organization_id.choices = organization_choices(active, "—")
    if form.validate_on_submit():
        try:
            user = service.create_user(db, actor=current_user, **_new_user_values(db, form))
        except Invalid as refused:
            _show_errors(form, refused.errors)
        else:
            flash(_("Account created for %(name)s.", name=user.full_name), "success")
            return redirect(url_for("people.users"))
    elif refused_by_form(form):
        _show_errors(form, service.check_user(db, **_new_user_values(db, form)))
    return render_template("people/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user, organization_id=str(user.organization_id or ""))
    form.organization_id.choices = organization_choices(service.list_organizations(db), "—")
    if form.validate_on_submit():
        try:
            service.update_user(
                db,
                actor=current_user,
                user=user,
                confirmed=request.form.get("confirm_change"),
                **_user_values(db, form),
            )
        except placement.Unconfirmed as asked:  # a change of school: say what it ends, ask
            db.rollback()
            if asked.stale:
                flash(_("What the change ends has changed meanwhile; check it again."), "warning")
            return render_template(
                "people/confirm_school_change.html", form=form, user=user, change=asked.change
            )
        except Invalid as refused:
            db.rollback()
            _show_errors(form, refused.errors)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("people.users"))
    elif refused_by_form(form):
        _show_errors(form, service.check_user(db, user=user, **_user_values(db, form)))
    schools = schools_of(db, user) if user.role == Role.TEACHER else []
    return render_template(
        "people/user_form.html",
        form=form,
        user=user,
        schools=schools,
        anonymised_at=service.anonymised_at(db, user),
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def set_active(user_id):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    activate = request.form.get("active") == "1"
    asked = request.form.get("confirm") == "1"
    if not (activate or asked or not user.active or user.id == current_user.id):
        return render_template(  # ask once, naming what ends
            "people/confirm_deactivate_user.html",
            preview=staffing.deactivation_preview(db, user),
            form=ConfirmForm(),
        )
    try:
        service.set_active(db, actor=current_user, user=user, active=activate)
    except Invalid as refused:
        flash(refused.errors[0]["message"], "error")
    else:
        flash(
            _("Account reactivated.")
            if activate
            else _("Account deactivated; its sessions have ended."),
            "success",
        )
    return redirect(url_for("people.edit_user", user_id=user.id))


@bp.route("/organizations", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organizations():
    db = get_session()
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            org = service.create_organization(
                db,
                actor=current_user,
                kind=form.kind.data,
                name=form.name.data,
                npsn=form.npsn.data,
                city=form.city.data,
                country=form.country.data,
                address=form.address.data,
                contact=form.contact.data,
                name_translations=form.names(),
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            flash(_("%(name)s was added.", name=org.name), "success")
            return redirect(url_for("people.organizations"))
    return render_template(
        "people/organizations.html", form=form, organizations=service.list_organizations(db)
    )


@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organization_names(organization_id):
    """An organization's name in each language (a Chinese university's Chinese name)."""
    db = get_session()
    organization = db.get(Organization, organization_id) or abort(404)
    names = organization.name_translations or {}
    form = OrganizationNamesForm(**{f"name_{lang}": names.get(lang, "") for lang in LANGUAGES})
    if form.validate_on_submit():
        try:
            service.set_organization_names(
                db, actor=current_user, organization=organization, names=form.names()
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("The names of %(name)s are saved.", name=organization.name), "success")
            return redirect(url_for("people.organizations"))
    return render_template(
        "people/organization_names.html", form=form, organization=organization
    ), (422 if form.errors else 200)
