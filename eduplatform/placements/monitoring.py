"""The accompanying teacher's side of a placement: monitoring visits, the placement's figures,
and verifying a unit from the countersigned journal (the school's teacher signs off).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.errors import Conflict, Invalid
from eduplatform.exchange.validation import Errors, check_length, clean_text
from eduplatform.people.models import Organization, Role
from eduplatform.placements import journal
from eduplatform.placements.models import (
    DayKind,
    EntryStatus,
    JournalEntry,
    JournalEntryUnit,
    MonitoringVisit,
    SupervisorLink,
)
from eduplatform.placements.service import can_manage, expected_units
from eduplatform.training.completions import locked_message, student_cohort
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.progress import UnitState, unit_progress
from eduplatform.training.reviews import approve_completion
from eduplatform.training.signals import completion_logged

MAX_HOURS = Decimal("24")  # a logged unit's hours are at most 24 (ck_unit_completion_hours)
# Empty notes: say what a visit's notes are for, not only that something is missing.
NOTES_MISSING = _l(
    "Write what you saw at the visit: what the student was doing, how they work, and what the "
    "supervisor said."
)


def check_visit(*, visited_on, notes, issues="", today=None):
    """Every field problem of a visit record_visit would refuse; writes nothing. The form asks
    it when its own checks failed (a date it cannot read), so that all problems show at once."""
    errors = Errors()
    if not isinstance(visited_on, date):
        errors.add("visited_on", _l("Enter the date of the visit."))
    elif visited_on > (today or local_today()):
        errors.add("visited_on", _l("The date cannot be in the future."))
    check_length(errors, "notes", clean_text(notes), 2000, required=True, missing=NOTES_MISSING)
    check_length(errors, "issues", clean_text(issues), 2000)
    return list(errors)


def record_visit(session: Session, *, actor, placement, visited_on, notes, issues="", today=None):
    """Record the teacher's visit to the workplace; one transaction."""
    if not can_manage(actor, placement):
        raise Invalid.field(None, _l("You cannot change placements of another school."))
    notes, issues = clean_text(notes), clean_text(issues)
    Errors(check_visit(visited_on=visited_on, notes=notes, issues=issues, today=today)).raise_any()
    visit = MonitoringVisit(
        placement_id=placement.id,
        teacher_id=actor.id,
        visited_on=visited_on,
        notes=notes,
        issues=issues,
    )
    session.add(visit)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="placement.visit_recorded",
        target=placement,
    )
    session.commit()
    return visit


def visits_of(session, placement_id):
    return session.exec(
        select(MonitoringVisit)
        .where(MonitoringVisit.placement_id == placement_id)
        .order_by(col(MonitoringVisit.visited_on).desc())
    ).all()


@dataclass
class Figures:
    attendance: dict  # day kind -> days
    approved: int
    waiting: int
    returned: int
    hours: float
    covered: list  # (unit, approved entries practising it, verified already)
    last_activity: object  # when the supervisor last used a link, or None


def placement_figures(session, placement):
    """What the placement page shows at a glance."""
    entries = journal.entries_of(session, placement.id)
    attendance = {kind.value: 0 for kind in DayKind}
    for entry in entries:
        attendance[entry.kind] += 1
    approved = [e for e in entries if e.status == EntryStatus.APPROVED]
    practised = journal.entry_units(session, [e.id for e in approved])
    counts = {}
    for unit_ids in practised.values():
        for unit_id in unit_ids:
            counts[unit_id] = counts.get(unit_id, 0) + 1
    verified = set(
        session.exec(
            select(UnitCompletion.unit_id).where(
                UnitCompletion.student_id == placement.student_id,
                UnitCompletion.status == CompletionStatus.VERIFIED,
            )
        ).all()
    )
    last = session.exec(
        select(SupervisorLink.last_used_at)
        .where(
            SupervisorLink.placement_id == placement.id,
            col(SupervisorLink.last_used_at).is_not(None),
        )
        .order_by(col(SupervisorLink.last_used_at).desc())
    ).first()
    return Figures(
        attendance=attendance,
        approved=len(approved),
        waiting=sum(1 for e in entries if e.status == EntryStatus.PENDING),
        returned=sum(1 for e in entries if e.status == EntryStatus.RETURNED),
        hours=round(sum(journal.hours_at_work(e) for e in approved), 1),
        covered=[
            (unit, counts.get(unit.id, 0), unit.id in verified)
            for unit in expected_units(session, placement.id)
        ],
        last_activity=last,
    )


def verify_unit_from_journal(session: Session, *, actor, placement, unit):
    """The teacher verifies a unit from the countersigned entries that practised it.

    The unit is recorded for the student as a completion whose evidence is the journal (the
    entries' days and hours), then approved by the teacher through the training service, in
    one transaction: the school's teacher stays the one who signs off. Returns the certificate
    this completed, if any.
    """
    if actor.role != Role.TEACHER or not can_manage(actor, placement):
        raise Invalid.field(None, _l("Only a teacher of the student's school verifies units."))
    if unit is None or unit.id not in {u.id for u in expected_units(session, placement.id)}:
        raise Invalid.field("unit", _l("This unit is not expected on this placement."))
    entries = session.exec(
        select(JournalEntry)
        .join(JournalEntryUnit, JournalEntryUnit.entry_id == JournalEntry.id)
        .where(
            JournalEntry.placement_id == placement.id,
            JournalEntry.status == EntryStatus.APPROVED,
            JournalEntryUnit.unit_id == unit.id,
        )
        .order_by(JournalEntry.day)
    ).all()
    if not entries:
        raise Invalid.field("unit", _l("No countersigned entry practised this unit yet."))
    from eduplatform.people.models import User

    student = session.get(User, placement.student_id)
    _enrollment, cohort = student_cohort(session, student)
    if cohort is None:
        raise Invalid.field("unit", _l("The student is not enrolled in a class."))
    progress = unit_progress(session, student_id=student.id, cohort=cohort, unit=unit)
    if progress.state == UnitState.VERIFIED:
        raise Conflict(_l("This unit is already verified."))
    if progress.state == UnitState.SUBMITTED:
        raise Conflict(_l("The student logged this unit already: review it in the queue."))
    if progress.state == UnitState.LOCKED:
        raise Invalid.field("unit", locked_message(progress))
    company = session.get(Organization, placement.company_id)
    hours = sum(Decimal(str(journal.hours_at_work(e))) for e in entries)
    days = ", ".join(e.day.isoformat() for e in entries)
    completion = UnitCompletion(
        student_id=student.id,
        unit_id=unit.id,
        cohort_id=cohort.id,
        performed_on=entries[-1].day,
        hours=min(max(hours, Decimal("0.1")), MAX_HOURS),
        note=f"PKL {company.name}: {days}"[:1000],
    )
    session.add(completion)
    session.flush()
    completion_logged.send(completion, session=session)
    record_event(
        session,
        actor=actor,
        action="placement.unit_verified",
        target=placement,
        details={"unit": unit.code, "entries": [e.id for e in entries]},
    )
    return approve_completion(
        session,
        actor=actor,
        completion=completion,
        criteria_met=range(1, len(unit.criteria or []) + 1),
        feedback=str(_l("Verified from the countersigned placement journal.")),
    )
