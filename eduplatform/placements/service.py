"""Placements: who may see and create them, the dates, the expected units, the status.

A placement belongs to the student's school: teachers of that school (a teacher of several
schools: any of them) create and manage it, the office and admins see every one. A student has
at most one running placement (a partial unique index); starting a second one is a Conflict.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select, update

from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.curriculum.service import current_versions
from eduplatform.errors import Conflict, Invalid
from eduplatform.exchange.validation import (
    Errors,
    check_date_range,
    check_length,
    clean_text,
    years_after,
)
from eduplatform.i18n import translated
from eduplatform.people.memberships import school_filter, school_ids
from eduplatform.people.models import (
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Organization,
    OrgKind,
    Role,
    SchoolMembership,
    User,
)
from eduplatform.placements.models import (
    Placement,
    PlacementStatus,
    PlacementUnit,
    Supervisor,
)
from eduplatform.training.progress import active_enrollment, cohort_modules, units_by_version

MANAGERS = (Role.TEACHER, Role.ADMIN)
VIEWERS = (Role.TEACHER, Role.OFFICE, Role.ADMIN)
MAX_UNITS = 60
# A placement is a current student's: an SMK course lasts three or four years, so none starts
# more than four years ago, and placements are planned at most a school year or so ahead. The
# note on the dates explains a placement outside the class's year, not one outside these.
PLACEMENT_YEARS_BACK = 4
PLACEMENT_YEARS_AHEAD = 2


def scope_ids(actor):
    """The schools whose placements the actor sees (None: every school)."""
    if actor.role in (Role.OFFICE, Role.ADMIN):
        return None
    if actor.role == Role.TEACHER:
        return school_ids(actor)
    return frozenset()


def can_see(actor, placement):
    if actor.role == Role.STUDENT:
        return placement.student_id == actor.id
    ids = scope_ids(actor)
    return ids is None or placement.school_id in ids


def can_manage(actor, placement):
    """Teachers of the placement's school and admins change it; the office only reads."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.TEACHER and placement.school_id in school_ids(actor)


def list_placements(session, *, actor, status=None, company_id=None):
    query = select(Placement).where(school_filter(Placement.school_id, scope_ids(actor)))
    if actor.role == Role.STUDENT:
        query = select(Placement).where(Placement.student_id == actor.id)
    if status in set(PlacementStatus):
        query = query.where(Placement.status == status)
    if company_id:
        query = query.where(Placement.company_id == company_id)
    return session.exec(
        query.order_by(col(Placement.starts_on).desc(), col(Placement.id).desc())
    ).all()


def students_in_scope(session, actor):
    """The students whose placements the actor may create, by name."""
    if actor.role not in MANAGERS:
        return []
    query = select(User).where(User.role == Role.STUDENT, col(User.active).is_(True))
    query = query.where(school_filter(User.organization_id, scope_ids(actor)))
    return session.exec(query.order_by(User.full_name, User.id)).all()


def teachers_of(session, school_ids_):
    """Teachers who belong to any of these schools (accompanying teachers), by name."""
    if not school_ids_:
        return []
    members = select(SchoolMembership.user_id).where(
        col(SchoolMembership.school_id).in_(sorted(school_ids_))
    )
    return session.exec(
        select(User)
        .where(User.role == Role.TEACHER, col(User.active).is_(True), col(User.id).in_(members))
        .order_by(User.full_name, User.id)
    ).all()


def students_by_class(session, actor):
    """[(student, their class or None)] whose placements the actor may create, by class then
    name: two students of one name are told apart by their class."""
    students = students_in_scope(session, actor)
    rows = session.exec(
        select(Enrollment.student_id, Cohort)
        .join(Cohort, col(Cohort.id) == Enrollment.cohort_id)
        .where(
            col(Enrollment.student_id).in_([s.id for s in students]),
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    ).all()
    classes = dict(rows)

    def order(row):
        student, cohort = row
        name = _natural(cohort.name) if cohort else ()
        return (cohort is None, name, getattr(cohort, "school_id", 0), student.full_name.casefold())

    return sorted(((s, classes.get(s.id)) for s in students), key=order)


def _natural(text):
    """'XII TKRO 2' before 'XII TKRO 10': numbers in a class's name compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def student_units(session, student):
    """The units the student's school may teach them (class_units of their active class)."""
    enrollment = active_enrollment(session, student.id)
    cohort = session.get(Cohort, enrollment.cohort_id) if enrollment else None
    return class_units(session, cohort)


def class_units(session, cohort):
    """The units a class's school may teach its students, in program order: those of the module
    versions the class follows, each followed by its school adaptation's where the class keeps
    the shared module (it started on it) while the school teaches its own version too."""
    followed = cohort_modules(session, cohort)
    versions = [version for _module, version in followed if version]
    adapted = _adaptations_kept_aside(session, cohort, [module for module, _v in followed])
    versions = [v for version in versions for v in (version, *adapted.get(version.module_id, ()))]
    found = units_by_version(session, [v.id for v in versions])
    return [unit for version in versions for unit in found[version.id]]


@dataclass(frozen=True)
class UnitLabel:
    """How a placement's pages name a unit: `full` (its code and title) and `short` (its code)."""

    full: str
    short: str


def unit_labels(session, units):
    """{unit id: UnitLabel} of `units`. A unit of a school's adaptation has the same code as the
    shared module's, and a placement may expect both (class_units): its labels name the
    adaptation's module too."""
    adapted = adapted_module_codes(session, {unit.version_id for unit in units})
    labels = {}
    for unit in units:
        full, short = f"{unit.code} {translated(unit.title)}", unit.code
        module = adapted.get(unit.version_id)
        if module is not None:
            full = _("%(unit)s (%(module)s, the school's adaptation)", unit=full, module=module)
            short = f"{unit.code} ({module})"
        labels[unit.id] = UnitLabel(full, short)
    return labels


def adapted_module_codes(session, version_ids):
    """{version id: its module's code} for those of the versions that belong to a school's
    adaptation (which shares its units' codes with the shared module's)."""
    return dict(
        session.exec(
            select(ModuleVersion.id, Module.code)
            .join(Module, col(Module.id) == ModuleVersion.module_id)
            .where(
                col(ModuleVersion.id).in_(sorted(version_ids)),
                col(Module.school_id).is_not(None),
            )
        ).all()
    )


def _adaptations_kept_aside(session, cohort, followed):
    """{shared module id: [current version of the school's adaptation]} for the shared modules
    the class follows in place of a published adaptation by its school (read, never pinned:
    pinning the adaptation would move the class onto it)."""
    if cohort is None or not followed:
        return {}
    followed_ids = {module.id for module in followed}
    adaptations = session.exec(
        select(Module).where(
            Module.school_id == cohort.school_id,
            col(Module.adapted_from_id).in_(sorted(followed_ids)),
        )
    ).all()
    current = current_versions(session, [m.id for m in adaptations if m.id not in followed_ids])
    kept = {}
    for adaptation in adaptations:
        if adaptation.id in current:
            kept.setdefault(adaptation.adapted_from_id, []).append(current[adaptation.id])
    return kept


def academic_year_bounds(session, student):
    """(first, last day) of the academic year of the student's class (July to June), or None."""
    enrollment = active_enrollment(session, student.id)
    cohort = session.get(Cohort, enrollment.cohort_id) if enrollment else None
    if cohort is None:
        return None
    first = int(cohort.academic_year[:4])
    return date(first, 7, 1), date(first + 1, 6, 30)


def _date_errors(session, errors, *, student, starts_on, ends_on, dates_note):
    """The dates' problems; each check needs only the dates (and the student's class for the
    academic year), never the other fields right, so every problem shows in one submit."""
    dates = Errors()
    if not isinstance(starts_on, date):
        dates.add("starts_on", _l("Enter the first day of the placement."))
    if not isinstance(ends_on, date):
        dates.add("ends_on", _l("Enter the last day of the placement."))
    if not dates:
        today = local_today()
        earliest = years_after(today, -PLACEMENT_YEARS_BACK)
        latest = years_after(today, PLACEMENT_YEARS_AHEAD)
        check_date_range(dates, "starts_on", starts_on, earliest=earliest, latest=latest)
        check_date_range(dates, "ends_on", ends_on, earliest=earliest, latest=latest)
    if not dates and ends_on <= starts_on:
        dates.add("ends_on", _l("The last day must be after the first day."))
    bounds = academic_year_bounds(session, student) if student and not dates else None
    if bounds and (starts_on < bounds[0] or ends_on > bounds[1]) and not dates_note:
        dates.add(
            "dates_note",
            _l(
                "The placement runs outside the class's academic year (%(first)s to %(last)s): "
                "say why in the note.",
                first=LazyString(format_date, bounds[0], "long"),
                last=LazyString(format_date, bounds[1], "long"),
            ),
        )
    errors.extend(dates)


def _placement_errors(
    session, *, actor, student, company, supervisor, teacher, starts_on, ends_on, unit_ids,
    dates_note,
):  # fmt: skip
    """(every problem of the placement's fields, the chosen unit ids, the cleaned note)."""
    errors = Errors()
    dates_note = clean_text(dates_note)
    check_length(errors, "dates_note", dates_note, 300)
    scope = scope_ids(actor)
    if (
        student is None
        or student.role != Role.STUDENT
        or (scope is not None and student.organization_id not in scope)
    ):
        errors.add("student_id", _l("Choose a student of your school."))
        student = None
    if company is None or company.kind != OrgKind.INDUSTRY:
        errors.add("company_id", _l("Choose a company."))
    if supervisor is None or company is None or supervisor.company_id != company.id:
        errors.add("supervisor_id", _l("Choose a supervisor of this company."))
    # (without a student, a teacher chosen is not yet wrong: the student's error says it all)
    if (
        teacher is None
        or teacher.role != Role.TEACHER
        or (student is not None and student.organization_id not in school_ids(teacher, session))
    ):
        errors.add("teacher_id", _l("Choose a teacher of the student's school."))
    _date_errors(
        session,
        errors,
        student=student,
        starts_on=starts_on,
        ends_on=ends_on,
        dates_note=dates_note,
    )
    unit_ids = sorted({int(u) for u in unit_ids or ()})
    if not unit_ids:
        errors.add("unit_ids", _l("Choose the units the placement is expected to cover."))
    elif len(unit_ids) > MAX_UNITS:
        errors.add("unit_ids", _l("Choose at most %(count)d units.", count=MAX_UNITS))
    elif student is not None:
        allowed = {unit.id for unit in student_units(session, student)}
        if not set(unit_ids) <= allowed:
            errors.add("unit_ids", _l("Choose units of the modules the student's class follows."))
    return errors, unit_ids, dates_note


def check_placement(session: Session, *, actor, **fields):
    """Every field problem create_placement would refuse; writes nothing. The form calls it when
    its own checks failed, so that all problems show at once."""
    if actor.role not in MANAGERS:
        return [{"field": None, "message": _l("Only teachers create placements.")}]
    return list(_placement_errors(session, actor=actor, **fields)[0])


def create_placement(
    session: Session,
    *,
    actor,
    student,
    company,
    supervisor,
    teacher,
    starts_on,
    ends_on,
    unit_ids,
    dates_note="",
):
    """Plan a placement (status planned) for a student of the actor's school; one transaction."""
    if actor.role not in MANAGERS:
        raise Invalid.field(None, _l("Only teachers create placements."))
    errors, unit_ids, dates_note = _placement_errors(
        session, actor=actor, student=student, company=company, supervisor=supervisor,
        teacher=teacher, starts_on=starts_on, ends_on=ends_on, unit_ids=unit_ids,
        dates_note=dates_note,
    )  # fmt: skip
    errors.raise_any()

    placement = Placement(
        student_id=student.id,
        school_id=student.organization_id,
        company_id=company.id,
        supervisor_id=supervisor.id,
        teacher_id=teacher.id,
        starts_on=starts_on,
        ends_on=ends_on,
        dates_note=dates_note,
        created_by_id=actor.id,
    )
    session.add(placement)
    session.flush()
    session.add_all(PlacementUnit(placement_id=placement.id, unit_id=u) for u in unit_ids)
    record_event(
        session,
        actor=actor,
        action="placement.created",
        target=placement,
        details={"student_id": student.id, "company_id": company.id, "units": len(unit_ids)},
    )
    session.commit()
    return placement


# action -> (statuses it starts from, the status it leads to)
TRANSITIONS = {
    "start": ((PlacementStatus.PLANNED,), PlacementStatus.RUNNING),
    "finish": ((PlacementStatus.RUNNING,), PlacementStatus.FINISHED),
    "end_early": ((PlacementStatus.PLANNED, PlacementStatus.RUNNING), PlacementStatus.ENDED_EARLY),
}


def change_status(session: Session, *, actor, placement, action, reason="", today=None):
    """Start, finish or end a placement early (with a reason), by a conditional update.

    A second running placement of the same student is refused by the database: Conflict.
    """
    if not can_manage(actor, placement):
        raise Invalid.field(None, _l("You cannot change placements of another school."))
    if action not in TRANSITIONS:
        raise Invalid.field("action", _l("Unknown action."))
    sources, target = TRANSITIONS[action]
    reason = clean_text(reason)
    values = {"status": target}
    if action == "end_early":
        if not reason:
            raise Invalid.field("reason", _l("Say why the placement ends early."))
        if len(reason) > 500:
            raise Invalid.field("reason", _l("Use at most %(count)d characters.", count=500))
        values.update(end_reason=reason, ended_on=today or local_today())
    elif action == "finish":
        values["ended_on"] = today or local_today()
    try:
        result = session.exec(
            update(Placement)
            .where(col(Placement.id) == placement.id, col(Placement.status).in_(sources))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.rollback()
            raise Conflict(_l("The placement's status changed meanwhile; reload the page."))
        record_event(
            session,
            actor=actor,
            action="placement.status_changed",
            target=placement,
            details={"status": str(target), **({"reason": reason} if reason else {})},
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(_l("This student already has a running placement.")) from None
    session.refresh(placement)
    return placement


def accompany(session, *, actor, placement):
    """A teacher of the placement's school takes over a planned or running placement that has
    no accompanying teacher (its teacher left the school), by a conditional update."""
    if actor.role != Role.TEACHER or not can_manage(actor, placement):
        raise Invalid.field(None, _l("Only a teacher of the placement's school can accompany it."))
    result = session.exec(
        update(Placement)
        .where(
            col(Placement.id) == placement.id,
            col(Placement.teacher_id).is_(None),
            col(Placement.status).in_([PlacementStatus.PLANNED, PlacementStatus.RUNNING]),
        )
        .values(teacher_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("Another teacher accompanies this placement already, or it has ended."))
    record_event(session, actor=actor, action="placement.accompanied", target=placement)
    session.commit()
    session.refresh(placement)
    return placement


def expected_units(session, placement_id):
    """The placement's expected units, in curriculum order."""
    return session.exec(
        select(Unit)
        .join(PlacementUnit, PlacementUnit.unit_id == Unit.id)
        .where(PlacementUnit.placement_id == placement_id)
        .order_by(Unit.version_id, Unit.position, Unit.id)
    ).all()


def running_placement(session, student_id):
    return session.exec(
        select(Placement).where(
            Placement.student_id == student_id, Placement.status == PlacementStatus.RUNNING
        )
    ).first()


def supervisor_of(session, placement):
    return session.get(Supervisor, placement.supervisor_id)


def finished_placements(session, student):
    """[(placement, company, certificate code or None)] of the student's finished placements,
    for the skills passport; the code of a valid placement certificate (its public check links
    the credential)."""
    from eduplatform.placements.models import PlacementAssessment

    return session.exec(
        select(Placement, Organization, PlacementAssessment.certificate_code)
        .join(Organization, Organization.id == Placement.company_id)
        .join(
            PlacementAssessment,
            (PlacementAssessment.placement_id == Placement.id)
            & col(PlacementAssessment.revoked_at).is_(None),
            isouter=True,
        )
        .where(Placement.student_id == student.id, Placement.status == PlacementStatus.FINISHED)
        .order_by(Placement.starts_on)
    ).all()


@dataclass(frozen=True)
class Accompanied:
    """A placement a teacher accompanies, as a change of their school names it."""

    id: int
    placement: Placement
    student: User
    company: Organization
    status_label: object  # the placement's status, translated where shown


def accompanied_at(session, teacher, school_ids_):
    """The planned and running placements of these schools the teacher accompanies."""
    if not school_ids_:
        return []
    student = aliased(User)
    rows = session.exec(
        select(Placement, student, Organization)
        .join(student, col(student.id) == Placement.student_id)
        .join(Organization, col(Organization.id) == Placement.company_id)
        .where(
            Placement.teacher_id == teacher.id,
            col(Placement.school_id).in_(sorted(school_ids_)),
            col(Placement.status).in_([PlacementStatus.PLANNED, PlacementStatus.RUNNING]),
        )
        .order_by(col(Placement.starts_on), col(Placement.id))
    ).all()
    from eduplatform.placements.forms import STATUS_LABELS

    return [
        Accompanied(p.id, p, s, company, STATUS_LABELS.get(p.status, p.status))
        for p, s, company in rows
    ]


def leave_accompanied(session, actor, teacher, items):
    """The teacher no longer accompanies these placements (no commit): the school's other
    teachers still manage them, and one of them takes them over on the placement's page."""
    for item in items:
        placement = session.get(Placement, item.id)
        if placement is not None and placement.teacher_id == teacher.id:
            placement.teacher_id = None
            session.add(placement)


def register_passport_section():
    """The student's finished placements on the skills passport, the credentials of their
    placement certificates in the learner record (CLR) next to the module certificates', and
    the placements a teacher accompanies among what a change of their school ends."""
    from eduplatform.credentials.service import LEARNER_RECORD_CREDENTIALS
    from eduplatform.people.placement import TEACHER_DEPARTURES, Departure
    from eduplatform.placements.credential import learner_record_credentials
    from eduplatform.training.passport import PASSPORT_SECTIONS

    PASSPORT_SECTIONS["placements"] = finished_placements
    LEARNER_RECORD_CREDENTIALS["placements"] = learner_record_credentials
    TEACHER_DEPARTURES["placements"] = Departure(
        find=accompanied_at, end=leave_accompanied, template="placements/_teacher_leaves.html"
    )
