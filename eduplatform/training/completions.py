"""Students log the practical units they did: the rules every interface (web, API) obeys."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eduplatform import uploads
from eduplatform.audit.service import record_event
from eduplatform.clock import local_today  # noqa: F401 - used here and re-exported
from eduplatform.curriculum.service import cohort_version
from eduplatform.errors import Conflict, Invalid
from eduplatform.i18n import translated
from eduplatform.people.models import Cohort, Role
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.progress import (
    LockReason,
    UnitState,
    active_enrollment,
    unit_context,
    unit_progress,
)
from eduplatform.training.signals import completion_logged

MAX_NOTE = 1000
MAX_HOURS = Decimal("24")


def unit_label(unit):
    return f"{unit.code} {translated(unit.title)}".strip()


def locked_message(progress):
    """Why a unit cannot be logged yet, naming the units that must be verified first."""
    names = "; ".join(unit_label(u) for u in progress.missing)
    if progress.reason == LockReason.SAFETY:
        if not names:
            return _l("The high-voltage safety module must be verified first.")
        return _l("Locked until the high-voltage safety units are verified: %(units)s", units=names)
    return _l("Locked until these units are verified: %(units)s", units=names)


def _parse_hours(raw):
    try:
        hours = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not hours.is_finite():
        return None
    return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _field_errors(*, performed_on, hours, note, enrolled_on, today):
    errors = []
    if not isinstance(performed_on, date):
        errors.append({"field": "performed_on", "message": _l("Enter the date you did the task.")})
    elif performed_on > today:
        errors.append({"field": "performed_on", "message": _l("The date cannot be in the future.")})
    elif enrolled_on and performed_on < enrolled_on:
        errors.append(
            {
                "field": "performed_on",
                "message": _l(
                    "The date cannot be before you joined the class (%(date)s).",
                    date=enrolled_on.isoformat(),
                ),
            }
        )
    if hours is None:
        errors.append({"field": "hours", "message": _l("Enter the hours as a number, e.g. 2.5.")})
    elif hours <= 0 or hours > MAX_HOURS:
        errors.append(
            {"field": "hours", "message": _l("Hours must be more than 0 and at most 24.")}
        )
    if not note:
        errors.append({"field": "note", "message": _l("Write a short note on what you did.")})
    elif len(note) > MAX_NOTE:
        errors.append({"field": "note", "message": _l("Use at most 1000 characters.")})
    return errors


def _open_record_conflict(progress):
    if progress.state == UnitState.VERIFIED:
        return Conflict(_l("This unit is already verified."))
    if progress.state == UnitState.SUBMITTED:
        return Conflict(_l("This unit is already waiting for your teacher's review."))
    return None


def student_cohort(session, student):
    """(enrollment, cohort) of the student's active class, or (None, None)."""
    enrollment = active_enrollment(session, student.id)
    if enrollment is None:
        return None, None
    return enrollment, session.get(Cohort, enrollment.cohort_id)


def unit_in_cohort(session, cohort, unit):
    """Whether the unit belongs to the module version the cohort follows."""
    version, module = unit_context(session, unit)
    if cohort is None or module.program_id != cohort.program_id:
        return False
    followed = cohort_version(session, cohort=cohort, module=module)
    return followed is not None and followed.id == version.id


def log_completion(session, *, actor, unit, performed_on, hours, note, photo=None, today=None):
    """Record that the student did a unit; checks the unit's rules, stores the optional photo.

    `photo` is an uploaded stream (or None). Raises Invalid for bad input or a locked unit and
    Conflict when the unit is already verified or awaiting review; nothing is written then.
    """
    if actor.role != Role.STUDENT:
        raise Invalid.field("unit", _l("Only students log their own units."))
    enrollment, cohort = student_cohort(session, actor)
    if cohort is None:
        raise Invalid.field("unit", _l("You are not enrolled in a class yet."))
    if not unit_in_cohort(session, cohort, unit):
        raise Invalid.field("unit", _l("This unit is not part of your class's modules."))
    progress = unit_progress(session, student_id=actor.id, cohort=cohort, unit=unit)
    conflict = _open_record_conflict(progress)
    if conflict:
        raise conflict
    if progress.state == UnitState.LOCKED:
        raise Invalid.field("unit", locked_message(progress))

    note = (note or "").strip()
    hours = _parse_hours(hours) if hours not in (None, "") else None
    errors = _field_errors(
        performed_on=performed_on,
        hours=hours,
        note=note,
        enrolled_on=enrollment.enrolled_on,
        today=today or local_today(),
    )
    if errors:
        if photo is not None:  # its problem too, at once, rather than on the next attempt
            errors += _photo_errors(photo)
        raise Invalid(errors)
    stored = uploads.store(photo, field="photo") if photo is not None else None

    completion = UnitCompletion(
        student_id=actor.id,
        unit_id=unit.id,
        cohort_id=cohort.id,
        performed_on=performed_on,
        hours=hours,
        note=note,
    )
    if stored:
        _set_photo(completion, stored)
    session.add(completion)
    try:
        session.flush()
        completion_logged.send(completion, session=session)
        record_event(
            session,
            actor=actor,
            action="completion.logged",
            target=completion,
            details={"unit": unit.code, "cohort_id": cohort.id, "hours": str(hours)},
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        uploads.remove(stored.name if stored else None)
        raise Conflict(_l("This unit is already waiting for your teacher's review.")) from None
    except Exception:
        session.rollback()
        uploads.remove(stored.name if stored else None)
        raise
    return completion


def _photo_errors(photo):
    try:
        uploads.check(photo, field="photo")
    except Invalid as refused:
        return refused.errors
    return []


def _set_photo(completion, stored):
    completion.photo_name = stored.name
    completion.photo_mime_type = stored.mime_type
    completion.photo_size = stored.size


def attach_photo(session, *, actor, completion, photo):
    """Add or replace the evidence photo of one's own record while it awaits review."""
    if completion.student_id != actor.id:
        raise Invalid.field("photo", _l("You can add evidence only to your own records."))
    if completion.status != CompletionStatus.SUBMITTED:
        raise Conflict(_l("This record was already reviewed; its evidence cannot change."))
    stored = uploads.store(photo, field="photo")
    previous = completion.photo_name
    _set_photo(completion, stored)
    session.add(completion)
    try:
        record_event(session, actor=actor, action="completion.evidence_added", target=completion)
        session.commit()
    except Exception:
        session.rollback()
        uploads.remove(stored.name)
        raise
    uploads.remove(previous)
    return completion


def can_see_completion(session, actor, completion):
    """The student themself, teachers of the cohort's school, the office and admins."""
    if actor.role in (Role.OFFICE, Role.ADMIN):
        return True
    if actor.role == Role.STUDENT:
        return completion.student_id == actor.id
    if actor.role == Role.TEACHER:
        cohort = session.get(Cohort, completion.cohort_id)
        return cohort is not None and cohort.school_id == actor.organization_id
    return False
