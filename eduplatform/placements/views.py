"""Placement pages for teachers, the office and admins: companies, supervisors, placements."""

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from eduplatform import scope
from eduplatform.auth.access import roles_required
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Unit
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import ConfirmForm, apply_errors, choices, refused_by_form
from eduplatform.ids import parse_id, parse_ids
from eduplatform.people.models import Organization, Role, User
from eduplatform.placements import companies as company_rules
from eduplatform.placements import journal, links, monitoring, service
from eduplatform.placements.blueprint import bp
from eduplatform.placements.forms import (
    CompanyForm,
    LinkForm,
    PlacementForm,
    StatusForm,
    SupervisorForm,
    SupervisorLanguageForm,
    VisitForm,
)
from eduplatform.placements.models import Placement, Supervisor, SupervisorLink
from eduplatform.sqltypes import utcnow

STAFF = (Role.TEACHER, Role.OFFICE, Role.ADMIN)
SHOWN_LINK = "placements.shown_link"  # the session key of a link to show once


def load_placement(db, placement_id, *, manage=False):
    """The placement, or 404 when missing or outside the user's scope (403 never tells)."""
    placement = db.get(Placement, placement_id)
    if placement is None or not service.can_see(current_user, placement):
        abort(404)
    if manage and not service.can_manage(current_user, placement):
        abort(404 if current_user.role == Role.TEACHER else 403)
    return placement


def load_company(db, company_id):
    organization, company = company_rules.company_of(db, company_id)
    if organization is None:
        abort(404)
    return organization, company


def _names(db, placements):
    """What the list and the page show next to ids: people, companies, supervisors."""
    users = {
        u.id: u
        for u in db.exec(
            select(User).where(
                col(User.id).in_(
                    sorted(
                        {p.student_id for p in placements} | {p.teacher_id or 0 for p in placements}
                    )
                )
            )
        )
    }
    orgs = {
        o.id: o
        for o in db.exec(
            select(Organization).where(
                col(Organization.id).in_(
                    sorted({p.company_id for p in placements} | {p.school_id for p in placements})
                )
            )
        )
    }
    supervisors = {
        s.id: s
        for s in db.exec(
            select(Supervisor).where(
                col(Supervisor.id).in_(sorted({p.supervisor_id for p in placements}))
            )
        )
    }
    return users, orgs, supervisors


@bp.route("/")
@roles_required(*STAFF)
def index():
    db = get_session()
    status = request.args.get("status") or None
    placements = service.list_placements(db, actor=current_user, status=status)
    users, orgs, supervisors = _names(db, placements)
    return render_template(
        "placements/index.html",
        placements=placements,
        users=users,
        orgs=orgs,
        supervisors=supervisors,
        can_create=current_user.role in service.MANAGERS,
        status=status,
    )


def _placement_form(db, form):
    by_class = service.students_by_class(db, current_user)
    students = [student for student, _cohort in by_class]
    form.student_id.choices = choices(_student_choices(db, by_class), blank="—")
    companies = company_rules.list_companies(db)
    form.company_id.choices = choices(((o.id, o.name) for o, _c in companies), blank="—")
    supervisors = company_rules.supervisors_of(db, {o.id for o, _c in companies})
    company_names = {o.id: o.name for o, _c in companies}
    form.supervisor_id.choices = choices(
        ((s.id, f"{s.full_name} ({company_names[s.company_id]})") for s in supervisors), blank="—"
    )
    scope = service.scope_ids(current_user)
    teachers = service.teachers_of(
        db, scope if scope is not None else {s.organization_id for s in students}
    )
    form.teacher_id.choices = choices(((t.id, t.full_name) for t in teachers), blank="—")
    if not form.teacher_id.data and current_user.role == Role.TEACHER:
        form.teacher_id.data = str(current_user.id)
    units = {}
    # Once per class, not per student: classmates share their units.
    for cohort in {cohort.id: cohort for _student, cohort in by_class if cohort}.values():
        for unit in service.class_units(db, cohort):
            units.setdefault(unit.id, unit)
    labels = service.unit_labels(db, list(units.values()))
    form.unit_ids.choices = choices((unit_id, labels[unit_id].full) for unit_id in units)
    return students, companies


def _student_choices(db, by_class):
    """'Siti Rahma (XII TKRO 1)': the class beside each name (and the school, when the list
    holds several schools' students, whose classes may share a name)."""
    school_ids = sorted({student.organization_id for student, _cohort in by_class})
    schools = {}
    if len(school_ids) > 1:
        found = db.exec(select(Organization).where(col(Organization.id).in_(school_ids)))
        schools = {org.id: org.name for org in found}
    for student, cohort in by_class:
        where = cohort.name if cohort else _("no class")
        if student.organization_id in schools:
            where = f"{where}, {schools[student.organization_id]}"
        yield student.id, f"{student.full_name} ({where})"


def _get(db, model, field, kind):
    """The record a select field names, through the scope guard: one of the field's own
    (scoped) choices, else None."""
    offered = {parse_id(c.value): c.value for c in field.choices if parse_id(c.value)}
    found = scope.chosen(field.data, offered, source="form", name=field.name, kind=kind)
    return db.get(model, parse_id(found)) if found else None


def _placement_values(db, form, students):
    """The placement's fields as the service takes them: each chosen record through the scope
    guard (one of the form's own choices, else None)."""
    in_scope = {s.id: s for s in students}
    return {
        "student": scope.chosen(
            form.student_id.data, in_scope, source="form", name="student_id", kind="student"
        ),
        "company": _get(db, Organization, form.company_id, "organization"),
        "supervisor": _get(db, Supervisor, form.supervisor_id, "supervisor"),
        "teacher": _get(db, User, form.teacher_id, "teacher"),
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "unit_ids": parse_ids(form.unit_ids.data or ()),
        "dates_note": form.dates_note.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*service.MANAGERS)
def new():
    db = get_session()
    form = PlacementForm()
    students, _companies = _placement_form(db, form)
    if form.validate_on_submit():
        try:
            placement = service.create_placement(
                db, actor=current_user, **_placement_values(db, form, students)
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            flash(_("Placement planned."), "success")
            return redirect(url_for("placements.detail", placement_id=placement.id))
    elif refused_by_form(form):  # the rules' word on the other fields, in the same page
        errors = service.check_placement(
            db, actor=current_user, **_placement_values(db, form, students)
        )
        apply_errors(form, Invalid(errors))
    return render_template("placements/form.html", form=form)


@bp.route("/<int:placement_id>")
@roles_required(*STAFF)
def detail(placement_id):
    db = get_session()
    return _placement_page(db, load_placement(db, placement_id), VisitForm())


def _placement_page(db, placement, visit_form):
    users, orgs, supervisors = _names(db, [placement])
    return render_template(
        "placements/detail.html",
        placement=placement,
        student=users[placement.student_id],
        teacher=users.get(placement.teacher_id),
        company=orgs[placement.company_id],
        school=orgs[placement.school_id],
        supervisor=supervisors[placement.supervisor_id],
        can_manage=service.can_manage(current_user, placement),
        status_form=StatusForm(),
        visit_form=visit_form,
        **_detail_extras(db, placement),
    )


def _detail_extras(db, placement):
    """The journal, the supervisor's links and what they did, for the placement page."""
    entries = journal.entries_of(db, placement.id)
    units = service.expected_units(db, placement.id)
    return {
        "entries": entries,
        "entry_units": journal.entry_units(db, [e.id for e in entries]),
        "units": units,
        "unit_labels": service.unit_labels(db, units),
        "links": links.current_links(db, placement.id),
        "figures": monitoring.placement_figures(db, placement),
        "visits": monitoring.visits_of(db, placement.id),
        **_assessment_context(db, placement),
        "link_form": _link_form(db, placement),
        "now": utcnow(),
        # Grading closes the placement: before its planned end, the form says so first.
        "closes_early": placement.ends_on > local_today(),
    }


def _link_form(db, placement):
    """The form that gives the supervisor a link: no "send it by email" to a supervisor without
    an address (it was offered, then refused)."""
    form = LinkForm()
    supervisor = db.get(Supervisor, placement.supervisor_id)
    if supervisor is None or not supervisor.email:
        form.delivery.choices = [c for c in form.delivery.choices if c.value != "email"]
    return form


def _assessment_context(db, placement):
    from eduplatform.placements.assessment import assessment_of
    from eduplatform.placements.assessment_views import ATTITUDE_LABELS
    from eduplatform.placements.models import ATTITUDES

    found, levels = assessment_of(db, placement.id)
    return {
        "assessment": found,
        "assessment_levels": levels,
        "attitudes": ATTITUDES,
        "attitude_labels": ATTITUDE_LABELS,
    }


@bp.route("/<int:placement_id>/links", methods=["POST"])
@roles_required(*service.MANAGERS)
def issue_link(placement_id):
    """A new supervisor link, emailed or shown once as a QR code (the old one ends)."""
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            token, link = links.issue_link(
                db,
                actor=current_user,
                placement=placement,
                purpose=form.purpose.data,
                email=form.delivery.data == "email",
            )
        except Invalid as refused:
            flash(str(refused), "error")
        else:
            if form.delivery.data == "email":
                flash(_("The link was sent to the supervisor."), "success")
            else:
                # Shown by the page this redirects to, once: reloading that page never posts
                # again (which would make another link and end the one just scanned).
                session[SHOWN_LINK] = {"link": link.id, "token": token}
                return redirect(
                    url_for("placements.show_link", placement_id=placement.id, link_id=link.id)
                )
    return redirect(url_for("placements.detail", placement_id=placement.id))


@bp.route("/<int:placement_id>/links/<int:link_id>")
@roles_required(*service.MANAGERS)
def show_link(placement_id, link_id):
    """The link just made, as a QR code: only on the first visit after making it (the token is
    kept nowhere else; the session holds it for that one redirect)."""
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    link = db.get(SupervisorLink, link_id)
    if link is None or link.placement_id != placement.id:
        abort(404)
    shown = session.get(SHOWN_LINK)
    if not shown or shown.get("link") != link.id:  # reloaded, or opened from the history
        return render_template("placements/link_issued.html", placement=placement, link=None)
    session.pop(SHOWN_LINK)
    url = links.link_url(shown["token"])
    import segno  # imported when a QR code is drawn (9 MB a worker keeps)

    response = make_response(
        render_template(
            "placements/link_issued.html",
            placement=placement,
            link=link,
            url=url,
            qr=segno.make(url, error="m").png_data_uri(scale=5, border=4),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:placement_id>/links/<int:link_id>/revoke", methods=["POST"])
@roles_required(*service.MANAGERS)
def revoke_link(placement_id, link_id):
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    if ConfirmForm().validate_on_submit():
        try:
            links.revoke_link(db, actor=current_user, placement=placement, link_id=link_id)
        except Invalid as refused:
            flash(str(refused), "error")
        else:
            flash(_("The link no longer works."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id))


@bp.route("/<int:placement_id>/status", methods=["POST"])
@roles_required(*service.MANAGERS)
def change_status(placement_id):
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            service.change_status(
                db,
                actor=current_user,
                placement=placement,
                action=form.action.data,
                reason=form.reason.data,
            )
        except (Invalid, Conflict) as refused:
            flash(str(refused), "error")
        else:
            flash(_("Placement updated."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id))


@bp.route("/<int:placement_id>/accompany", methods=["POST"])
@roles_required(Role.TEACHER)
def accompany(placement_id):
    """A teacher of the school takes over a placement left without an accompanying teacher."""
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    if StatusForm().validate_on_submit():
        try:
            service.accompany(db, actor=current_user, placement=placement)
        except (Invalid, Conflict) as refused:
            flash(str(refused), "error")
        else:
            flash(_("You accompany this placement now."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id))


@bp.route("/companies")
@roles_required(*STAFF)
def companies():
    db = get_session()
    return render_template("placements/companies.html", companies=company_rules.list_companies(db))


@bp.route("/companies/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def company_new():
    db = get_session()
    form = CompanyForm()
    if form.validate_on_submit():
        try:
            organization = company_rules.create_company(
                db,
                actor=current_user,
                name=form.name.data,
                name_zh=form.name_zh.data,
                sector=form.sector.data,
                address=form.address.data,
                city=form.city.data,
                country=form.country.data,
                contact=form.contact.data,
                npwp=form.npwp.data,
                nib=form.nib.data,
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            flash(_("Company added."), "success")
            return redirect(url_for("placements.company", company_id=organization.id))
    return render_template("placements/company_form.html", form=form)


def _company_page(db, organization, company, form):
    placements = service.list_placements(db, actor=current_user, company_id=organization.id)
    users, _orgs, _supervisors = _names(db, placements)
    return render_template(
        "placements/company.html",
        organization=organization,
        company=company,
        supervisors=company_rules.supervisors_of(db, {organization.id}),
        placements=placements,
        users=users,
        form=form,
    )


@bp.route("/companies/<int:company_id>")
@roles_required(*STAFF)
def company(company_id):
    db = get_session()
    organization, company_row = load_company(db, company_id)
    return _company_page(db, organization, company_row, SupervisorForm())


@bp.route("/companies/<int:company_id>/supervisors", methods=["POST"])
@roles_required(*STAFF)
def supervisor_new(company_id):
    db = get_session()
    organization, company_row = load_company(db, company_id)
    form = SupervisorForm()
    if form.validate_on_submit():
        try:
            company_rules.add_supervisor(
                db,
                actor=current_user,
                company=organization,
                full_name=form.full_name.data,
                position=form.position.data,
                phone=form.phone.data,
                email=form.email.data,
                locale=form.locale.data,
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            flash(_("Supervisor added."), "success")
            return redirect(url_for("placements.company", company_id=organization.id))
    return _company_page(db, organization, company_row, form), 422


@bp.route("/companies/<int:company_id>/supervisors/<int:supervisor_id>/language", methods=["POST"])
@roles_required(*STAFF)
def supervisor_language(company_id, supervisor_id):
    """The language of a supervisor's link pages (a Chinese firm's supervisor reads Chinese)."""
    db = get_session()
    organization, _company = load_company(db, company_id)
    supervisor = db.get(Supervisor, supervisor_id)
    if supervisor is None or supervisor.company_id != organization.id:
        abort(404)
    form = SupervisorLanguageForm()
    try:
        if not form.validate_on_submit():
            raise Invalid.field("locale", _("Choose a language."))
        company_rules.set_supervisor_language(
            db, actor=current_user, supervisor=supervisor, locale=form.locale.data
        )
    except Invalid as refused:
        flash(str(refused), "error")
    else:
        flash(_("Language saved."), "success")
    return redirect(url_for("placements.company", company_id=organization.id))


@bp.route("/<int:placement_id>/visits", methods=["POST"])
@roles_required(*service.MANAGERS)
def record_visit(placement_id):
    """A refused visit shows the page again, each error at its field and what was typed kept."""
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    form = VisitForm()
    if form.validate_on_submit():
        try:
            monitoring.record_visit(
                db,
                actor=current_user,
                placement=placement,
                visited_on=form.visited_on.data,
                notes=form.notes.data,
                issues=form.issues.data,
            )
        except Invalid as refused:
            db.rollback()
            apply_errors(form, refused)
        else:
            flash(_("Visit recorded."), "success")
            return redirect(
                url_for("placements.detail", placement_id=placement.id, _anchor="visits")
            )
    elif refused_by_form(form):  # the rules' word on the other fields, in the same page
        errors = monitoring.check_visit(
            visited_on=form.visited_on.data, notes=form.notes.data, issues=form.issues.data
        )
        apply_errors(form, Invalid(errors))
    return _placement_page(db, placement, form), 422


@bp.route("/<int:placement_id>/units/<int:unit_id>/verify", methods=["POST"])
@roles_required(*service.MANAGERS)
def verify_unit(placement_id, unit_id):
    """One tap: verify the unit from the countersigned entries that practised it."""
    db = get_session()
    placement = load_placement(db, placement_id, manage=True)
    if ConfirmForm().validate_on_submit():
        try:
            monitoring.verify_unit_from_journal(
                db, actor=current_user, placement=placement, unit=db.get(Unit, unit_id)
            )
        except (Invalid, Conflict) as refused:
            flash(str(refused), "error")
        else:
            flash(_("Unit verified from the journal."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id, _anchor="units"))
