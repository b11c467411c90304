"""The student's daily placement journal (jurnal PKL): one entry per day, at the workplace with
arrival and leaving times, what they did and the units practised, or a missed day (sick,
permitted, absent). Written from a phone; checked here for every interface (web, API).
"""

from datetime import date, time

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

from eduplatform import uploads
from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.errors import Conflict, Invalid
from eduplatform.exchange.validation import Errors, clean_text
from eduplatform.placements.models import (
    DayKind,
    EntryStatus,
    JournalEntry,
    JournalEntryUnit,
    Placement,
    PlacementStatus,
    PlacementUnit,
)
from eduplatform.sqltypes import utcnow

MAX_ACTIVITIES = 2000
EDITABLE = (EntryStatus.PENDING, EntryStatus.RETURNED)


def _long(day):
    return LazyString(format_date, day, "long")


def placement_unit_ids(session, placement_id):
    return set(
        session.exec(
            select(PlacementUnit.unit_id).where(PlacementUnit.placement_id == placement_id)
        ).all()
    )


def _check(session, *, placement, day, kind, arrived_at, left_at, activities, unit_ids, today):
    """The cleaned values, or Invalid naming each field; nothing is written here."""
    errors = Errors()
    activities = clean_text(activities)
    unit_ids = sorted({int(u) for u in unit_ids or ()})
    if not isinstance(day, date):
        errors.add("day", _l("Enter the date of the day."))
    elif day > today:
        errors.add("day", _l("The date cannot be in the future."))
    elif day < placement.starts_on or day > placement.ends_on:
        errors.add(
            "day",
            _l(
                "The date is outside the placement (%(first)s to %(last)s).",
                first=_long(placement.starts_on),
                last=_long(placement.ends_on),
            ),
        )
    if kind not in set(DayKind):
        errors.add("kind", _l("Choose whether you were at the workplace or missed the day."))
    elif kind == DayKind.PRESENT:
        if not isinstance(arrived_at, time):
            errors.add("arrived_at", _l("Enter the time you arrived."))
        if not isinstance(left_at, time):
            errors.add("left_at", _l("Enter the time you left."))
        if isinstance(arrived_at, time) and isinstance(left_at, time) and left_at <= arrived_at:
            errors.add("left_at", _l("The leaving time must be after the arrival time."))
        if not activities:
            errors.add("activities", _l("Write what you did today."))
        if unit_ids and not set(unit_ids) <= placement_unit_ids(session, placement.id):
            errors.add("unit_ids", _l("Choose units of this placement."))
    else:
        arrived_at = left_at = None
        unit_ids = []
    if len(activities) > MAX_ACTIVITIES:
        errors.add("activities", _l("Use at most %(count)d characters.", count=MAX_ACTIVITIES))
    return (
        errors,
        {
            "day": day,
            "kind": kind,
            "arrived_at": arrived_at,
            "left_at": left_at,
            "activities": activities,
        },
        unit_ids,
    )


def _duplicate(day):
    return Invalid.field(
        "day", _l("You already wrote an entry for %(date)s: open it to change it.", date=_long(day))
    )


def _photo_problems(photo):
    if photo is None:
        return []
    try:
        uploads.check(photo, field="photo")
    except Invalid as refused:
        return refused.errors
    return []


def write_entry(
    session: Session,
    *,
    actor,
    placement,
    day,
    kind,
    arrived_at=None,
    left_at=None,
    activities="",
    unit_ids=(),
    photo=None,
    today=None,
    idempotency_key=None,
):
    """Write the student's entry for a day of their running placement; one transaction.
    `idempotency_key`: the API client's key for this entry (parsed already), stored with it."""
    if placement.student_id != actor.id:
        raise Invalid.field(None, _l("You write only your own journal."))
    if placement.status != PlacementStatus.RUNNING:
        raise Invalid.field(None, _l("The journal is open while the placement runs."))
    errors, values, unit_ids = _check(
        session,
        placement=placement,
        day=day,
        kind=kind,
        arrived_at=arrived_at,
        left_at=left_at,
        activities=activities,
        unit_ids=unit_ids,
        today=today or local_today(),
    )
    if not errors:
        taken = session.exec(
            select(JournalEntry.id).where(
                JournalEntry.student_id == actor.id, JournalEntry.day == values["day"]
            )
        ).first()
        if taken:
            errors.extend(_duplicate(values["day"]).errors)
    if errors:
        errors.extend(_photo_problems(photo))
        raise Invalid(list(errors))
    stored = uploads.store(photo, field="photo") if photo is not None else None
    entry = JournalEntry(
        placement_id=placement.id, student_id=actor.id, idempotency_key=idempotency_key, **values
    )
    if stored:
        entry.photo_name, entry.photo_mime_type = stored.name, stored.mime_type
        entry.photo_size = stored.size
    session.add(entry)
    try:
        session.flush()
        session.add_all(JournalEntryUnit(entry_id=entry.id, unit_id=u) for u in unit_ids)
        record_event(
            session,
            actor=actor,
            action="journal.entry_written",
            target=entry,
            details={"placement_id": placement.id},
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        uploads.remove(stored.name if stored else None)
        raise _duplicate(values["day"]) from None
    except Exception:
        session.rollback()
        uploads.remove(stored.name if stored else None)
        raise
    return entry


def change_entry(
    session: Session,
    *,
    actor,
    entry,
    kind,
    arrived_at=None,
    left_at=None,
    activities="",
    unit_ids=(),
    photo=None,
    today=None,
):
    """Change an entry not yet countersigned; a returned entry goes back to the supervisor.

    The day itself stays. A countersign that lands first wins: then Conflict.
    """
    if entry.student_id != actor.id:
        raise Invalid.field(None, _l("You write only your own journal."))
    placement = session.get(Placement, entry.placement_id)
    if entry.status not in EDITABLE:
        raise Conflict(_l("This entry is countersigned; it can no longer change."))
    errors, values, unit_ids = _check(
        session,
        placement=placement,
        day=entry.day,
        kind=kind,
        arrived_at=arrived_at,
        left_at=left_at,
        activities=activities,
        unit_ids=unit_ids,
        today=today or local_today(),
    )
    if errors:
        errors.extend(_photo_problems(photo))
        raise Invalid(list(errors))
    stored = uploads.store(photo, field="photo") if photo is not None else None
    values.pop("day")
    values.update(status=EntryStatus.PENDING, updated_at=utcnow())
    if stored:
        values.update(
            photo_name=stored.name, photo_mime_type=stored.mime_type, photo_size=stored.size
        )
    previous_photo = entry.photo_name
    try:
        result = session.exec(
            update(JournalEntry)
            .where(col(JournalEntry.id) == entry.id, col(JournalEntry.status).in_(EDITABLE))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(_l("This entry is countersigned; it can no longer change."))
        session.exec(delete(JournalEntryUnit).where(JournalEntryUnit.entry_id == entry.id))
        session.add_all(JournalEntryUnit(entry_id=entry.id, unit_id=u) for u in unit_ids)
        record_event(session, actor=actor, action="journal.entry_changed", target=entry)
        session.commit()
    except Exception:
        session.rollback()
        uploads.remove(stored.name if stored else None)
        raise
    if stored:
        uploads.remove(previous_photo)
    session.refresh(entry)
    return entry


def entries_of(session, placement_id, *, statuses=None):
    """The placement's entries, newest day first."""
    query = select(JournalEntry).where(JournalEntry.placement_id == placement_id)
    if statuses:
        query = query.where(col(JournalEntry.status).in_(statuses))
    return session.exec(query.order_by(col(JournalEntry.day).desc())).all()


def entry_units(session, entry_ids):
    """{entry id: [unit ids]} of the units practised on each entry's day."""
    found = {i: [] for i in entry_ids}
    if entry_ids:
        for row in session.exec(
            select(JournalEntryUnit).where(col(JournalEntryUnit.entry_id).in_(sorted(entry_ids)))
        ):
            found[row.entry_id].append(row.unit_id)
    return found


def hours_at_work(entry):
    """Hours between arrival and leaving (0 for a missed day)."""
    if entry.kind != DayKind.PRESENT or not entry.arrived_at or not entry.left_at:
        return 0
    minutes = (entry.left_at.hour * 60 + entry.left_at.minute) - (
        entry.arrived_at.hour * 60 + entry.arrived_at.minute
    )
    return round(minutes / 60, 1)
