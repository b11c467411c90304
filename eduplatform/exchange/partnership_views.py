"""Partnership pages: the list and its export, one partnership, recording and editing them."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from eduplatform import scope
from eduplatform.auth.access import roles_required
from eduplatform.clock import local_today
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.exchange import access, exports, queries
from eduplatform.exchange import partnerships as partnership_rules
from eduplatform.exchange.forms import PartnershipForm, organization_choices
from eduplatform.exchange.views import STAFF, bp, csv_response, load_partnership
from eduplatform.forms import apply_errors
from eduplatform.people.models import Organization, OrgKind, Role


def _partnership_list(db):
    school = scope.query_id("school", "organization")  # 404 when unknown or not the user's
    partnerships = queries.list_partnerships(
        db,
        viewer=current_user,
        school_id=school.id if school else None,
        kind=request.args.get("kind"),
        status=request.args.get("status"),
    )
    return partnerships, queries.organizations_of_partnerships(db, partnerships)


@bp.route("/partnerships")
@roles_required(*STAFF)
def partnerships():
    db = get_session()
    rows, orgs = _partnership_list(db)
    return render_template(
        "exchange/partnerships.html",
        partnerships=rows,
        orgs=orgs,
        schools=queries.schools(db) if current_user.role in access.EVERYTHING else [],
        can_create=access.manages_partnerships(current_user),
    )


@bp.route("/partnerships.csv")
@roles_required(*STAFF)
def partnerships_csv():
    rows, orgs = _partnership_list(get_session())
    parts = [request.args.get("kind"), request.args.get("status")]
    return csv_response(
        exports.csv_bytes(exports.PARTNERSHIP_HEADER, exports.partnership_rows(rows, orgs)),
        exports.file_name("partnerships", parts, local_today()),
    )


def _partnership_form(db, partnership=None):
    if partnership is None:
        form = PartnershipForm()
    else:
        form = PartnershipForm(
            obj=partnership,
            school_id=str(partnership.school_id),
            partner_id=str(partnership.partner_id or ""),
            contacts=partnership_rules.contacts_text(partnership.contacts),
            member_schools=[str(i) for i in sorted(partnership.member_school_ids)],
        )
    schools = queries.schools(db)
    offices = db.exec(
        select(Organization).where(Organization.kind == OrgKind.OFFICE).order_by(Organization.name)
    ).all()
    form.school_id.choices = organization_choices([*offices, *schools], "—")
    form.member_schools.choices = organization_choices(schools, None)
    partners = db.exec(
        select(Organization)
        .where(Organization.kind != OrgKind.OFFICE)
        .order_by(Organization.kind, Organization.name)
    ).all()
    form.partner_id.choices = organization_choices(partners, "—")
    return form


# The partnership rules name the school and the partner as the API does; the form's fields
# hold their ids.
FORM_FIELDS = {"school": "school_id", "partner": "partner_id"}


def _show_refusal(form, refused):
    """Each refusal next to the form's field it is about (see eduplatform.forms.apply_errors)."""
    apply_errors(
        form,
        Invalid(
            [
                {**e, "field": FORM_FIELDS.get(e.get("field"), e.get("field"))}
                for e in refused.errors
            ]
        ),
    )


def _organization(db, raw, kinds=None, *, name):
    """The organization a form field names, through the scope guard (None: refused alike)."""
    org = scope.find("organization", raw, source="form", name=name, db=db) if raw else None
    return org if org is None or kinds is None or org.kind in kinds else None


def _member_schools(db, form):
    """The ticked member schools (an id that is not a school stays None for the rules)."""
    return [
        _organization(db, raw, {OrgKind.SCHOOL}, name="member_schools")
        for raw in form.member_schools.data or ()
    ]


def _partnership_values(form):
    return {
        "kind": form.kind.data,
        "partner_name": form.partner_name.data,
        "areas": form.areas.data,
        "mou_reference": form.mou_reference.data,
        "mou_signed_on": form.mou_signed_on.data,
        "started_on": form.started_on.data,
        "ended_on": form.ended_on.data,
        "status": form.status.data,
        "contacts": partnership_rules.parse_contacts(form.contacts.data),
        "notes": form.notes.data,
    }


@bp.route("/partnerships/new", methods=["GET", "POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def partnership_new():
    db = get_session()
    form = _partnership_form(db)
    if form.validate_on_submit():
        try:
            partnership = partnership_rules.create_partnership(
                db,
                actor=current_user,
                school=_organization(
                    db, form.school_id.data, {OrgKind.SCHOOL, OrgKind.OFFICE}, name="school_id"
                ),
                partner=_organization(db, form.partner_id.data, name="partner_id"),
                register_partner_country=(
                    (form.partner_country.data or "").strip().upper()
                    if form.register_partner.data
                    else None
                ),
                member_schools=_member_schools(db, form),
                **_partnership_values(form),
            )
        except Invalid as refused:
            db.rollback()
            _show_refusal(form, refused)
        else:
            flash(_("The partnership was recorded."), "success")
            return redirect(url_for("exchange.partnership", partnership_id=partnership.id))
    return render_template("exchange/partnership_form.html", form=form, partnership=None)


@bp.route("/partnerships/<int:partnership_id>")
@roles_required(*STAFF)
def partnership(partnership_id):
    db = get_session()
    partnership = load_partnership(partnership_id)
    filters = queries.ActivityFilters(partnership_id=partnership.id)
    rows, total = queries.list_activities(db, viewer=current_user, filters=filters, per_page=None)
    orgs = queries.organizations_of_partnerships(db, [partnership])
    members = sorted(
        (orgs[i] for i in partnership.member_school_ids if i in orgs), key=lambda o: o.name
    )
    return render_template(
        "exchange/partnership.html",
        partnership=partnership,
        orgs=orgs,
        city_wide=orgs[partnership.school_id].kind == OrgKind.OFFICE,
        member_schools=members,
        rows=rows,
        counts=queries.participant_counts(db, [a.id for a, _ in rows]),
        can_edit=access.manages_partnerships(current_user),
        can_plan=access.manages_activities_of(current_user, partnership),
        feed_schools=_feed_schools(partnership, orgs),
    )


def _feed_schools(partnership, orgs):
    """The schools of the partnership whose calendar feed page the user may open."""
    schools = [orgs[i] for i in partnership.member_ids if i in orgs and orgs[i].npsn]
    schools = [s for s in schools if s.kind == OrgKind.SCHOOL]
    if current_user.role == Role.TEACHER:
        schools = [s for s in schools if s.id in access.own_orgs(current_user)]
    elif current_user.role not in access.EVERYTHING or partnership.member_school_ids:
        schools = []  # the office opens a member school's feed from its own page
    return sorted(schools, key=lambda s: s.name)


@bp.route("/partnerships/<int:partnership_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def partnership_edit(partnership_id):
    db = get_session()
    partnership = load_partnership(partnership_id)
    form = _partnership_form(db, partnership)
    school = db.get(Organization, partnership.school_id)
    del form.school_id, form.register_partner, form.partner_country
    if school.kind != OrgKind.OFFICE:
        del form.member_schools
    if form.validate_on_submit():
        try:
            partnership_rules.update_partnership(
                db,
                actor=current_user,
                partnership=partnership,
                partner=_organization(db, form.partner_id.data, name="partner_id"),
                member_schools=_member_schools(db, form) if form.member_schools else None,
                **_partnership_values(form),
            )
        except Invalid as refused:
            db.rollback()
            _show_refusal(form, refused)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("exchange.partnership", partnership_id=partnership.id))
    return render_template(
        "exchange/partnership_form.html",
        form=form,
        partnership=partnership,
        school=school,
    )
