"""Students log the practical units they did: the rules every interface (web, API) obeys."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from eduplatform import uploads
from eduplatform.audit.service import record_event
from eduplatform.auth.access import school_scope
from eduplatform.clock import local_today  # noqa: F401 - used here and re-exported
from eduplatform.curriculum.generation import GENERATION
from eduplatform.errors import Conflict, Invalid
from eduplatform.i18n import current_language, translated
from eduplatform.people.models import (
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Organization,
    Role,
    User,
)
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.programme import class_programme
from eduplatform.training.progress import (
    CERTIFICATE_CODES,
    LockReason,
    UnitState,
    certificate_codes,
    cohort_modules,
    following,
    unit_standing,
)
from eduplatform.training.signals import completion_logged

MAX_NOTE = 1000
MAX_HOURS = Decimal("24")
# A UUID (36 characters) as the phone makes it, or any client's own scheme of that shape.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def unit_label(unit):
    return f"{unit.code} {translated(unit.title)}".strip()


def locked_message(progress):
    """Why a unit cannot be logged yet, naming the units that must be verified first."""
    # Semicolons, not commas: a unit's title may hold commas. Chinese has its own.
    separator = "；" if current_language() == "zh" else "; "
    names = separator.join(unit_label(u) for u in progress.missing)
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
                    date=LazyString(format_date, enrolled_on, "long"),
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


# Built once (building a statement costs about as much as running it): the student's active
# class, with its enrollment (student_cohort: logging a unit, the API) or with its school and
# the student's valid certificates (student_home_class: the student's home, which shows them).
ACTIVE_ENROLLMENT = (
    Enrollment.student_id == bindparam("student_id"),
    Enrollment.status == EnrollmentStatus.ACTIVE,
)
STUDENT_COHORT = (
    select(Enrollment, Cohort, GENERATION)
    .join(Cohort, col(Cohort.id) == Enrollment.cohort_id)
    .where(*ACTIVE_ENROLLMENT)
)
STUDENT_HOME = (
    select(Cohort, Organization, GENERATION, CERTIFICATE_CODES)
    .join(Enrollment, col(Enrollment.cohort_id) == Cohort.id)
    .join(Organization, col(Organization.id) == Cohort.school_id)
    .where(*ACTIVE_ENROLLMENT)
)


def _active_class_row(session, statement, student):
    row = session.exec(statement, params={"student_id": student.id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def student_cohort(session, student):
    """(enrollment, cohort) of the student's active class, or (None, None)."""
    return _active_class_row(session, STUDENT_COHORT, student)


def student_cohort_programme(session, student):
    """(enrollment, cohort, the modules it follows) of the student's active class, the modules as
    training.programme keeps them for the curriculum's token read in the same statement;
    (None, None, None) without a class."""
    row = session.exec(STUDENT_COHORT, params={"student_id": student.id}).first()
    if row is None:
        return None, None, None
    enrollment, cohort, token = row
    return enrollment, cohort, class_programme(session, cohort, token)


def student_home_class(session, student):
    """(cohort, its school, the modules it follows, {version id: CertificateCode} of the
    student's valid certificates) of the student's active class, in one statement;
    (None, None, None, {}) without a class."""
    row = session.exec(STUDENT_HOME, params={"student_id": student.id}).first()
    if row is None:
        return None, None, None, {}
    cohort, school, token, codes = row
    return cohort, school, class_programme(session, cohort, token), certificate_codes(codes)


def unit_in_cohort(session, cohort, unit):
    """Whether the unit belongs to a module version the cohort follows (of its program's modules,
    as cohort_modules() lists them)."""
    return cohort is not None and following(cohort_modules(session, cohort), unit) is not None


def log_completion(
    session,
    *,
    actor,
    unit,
    performed_on,
    hours,
    note,
    photo=None,
    today=None,
    idempotency_key=None,
    known=None,
):
    """Record that the student did a unit; checks the unit's rules, stores the optional photo.

    `photo` is an uploaded stream (or None). Raises Invalid for bad input or a locked unit and
    Conflict when the unit is already verified or awaiting review; nothing is written then.
    `known`: (enrollment, cohort, unit_standing()) as the caller read them for this student and
    unit in this request (the log form reads them to answer at all), not read again here.
    """
    if actor.role != Role.STUDENT:
        raise Invalid.field("unit", _l("Only students log their own units."))
    if known is not None:
        enrollment, cohort, standing = known
    else:
        enrollment, cohort, programme = student_cohort_programme(session, actor)
        standing = None
        if cohort is not None:
            standing = unit_standing(
                session, student_id=actor.id, cohort=cohort, unit=unit, programme=programme
            )
    if cohort is None:
        raise Invalid.field("unit", _l("You are not enrolled in a class yet."))
    if standing is None:
        raise Invalid.field("unit", _l("This unit is not part of your class's modules."))
    progress = standing.progress
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
        idempotency_key=idempotency_key,
    )
    if stored:
        _set_photo(completion, stored)
    session.add(completion)
    try:
        session.flush()
        completion_logged.send(completion, session=session, module_id=standing.version.module_id)
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


def parse_idempotency_key(raw):
    """The client's key for one entry as stored, None when it sent none; Invalid if malformed."""
    if raw is None or str(raw).strip() == "":
        return None
    key = str(raw).strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise Invalid.field(
            "idempotency_key",
            _l("The entry's key must be 8 to 64 letters, digits, dashes or underscores."),
        )
    return key


def completion_by_key(session, *, student, key):
    """The student's own record sent with this key, or None: never another student's."""
    return session.exec(
        select(UnitCompletion).where(
            UnitCompletion.student_id == student.id, UnitCompletion.idempotency_key == key
        )
    ).first()


def _sent_before(session, *, actor, unit, key):
    earlier = completion_by_key(session, student=actor, key=key)
    if earlier is not None and earlier.unit_id != unit.id:
        raise Invalid.field(
            "idempotency_key", _l("This entry's key was already used for another unit.")
        )
    return earlier


def log_completion_once(session, *, actor, unit, idempotency_key, **fields):
    """log_completion, at most once per key: (record, True) when it made the record, or
    (the record made by an earlier send of the same entry, False).

    A phone that lost the answer, or sends its offline queue again, repeats the key; two sends
    racing each other meet at the unique (student, key) index and the loser finds the winner's
    record. Without a key it is log_completion.
    """
    key = parse_idempotency_key(idempotency_key)
    if key is None:
        return log_completion(session, actor=actor, unit=unit, **fields), True
    earlier = _sent_before(session, actor=actor, unit=unit, key=key)
    if earlier is not None:
        return earlier, False
    try:
        record = log_completion(session, actor=actor, unit=unit, idempotency_key=key, **fields)
    except Conflict:
        earlier = _sent_before(session, actor=actor, unit=unit, key=key)
        if earlier is None:
            raise
        return earlier, False
    return record, True


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
        # The teacher's schools as the request read them once (every record of a page, every
        # check of one page, asks the same).
        if cohort is None or cohort.school_id not in school_scope(actor, session):
            return False
        # A student who moved to another school is no longer the old school's to review.
        student = session.get(User, completion.student_id)
        return student is not None and student.organization_id == cohort.school_id
    return False
