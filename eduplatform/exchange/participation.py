"""Who took part in an activity, their hours and reflections, and the activity's attachments."""

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_babel.speaklater import LazyString
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eduplatform import uploads
from eduplatform.audit.service import record_event
from eduplatform.errors import Invalid
from eduplatform.exchange import queries
from eduplatform.exchange.models import (
    ActivityAttachment,
    ActivityParticipant,
    ActivityReflection,
    ActivityStatus,
    ExchangeActivity,
    ParticipantRole,
    Partnership,
)
from eduplatform.exchange.signals import activity_changed
from eduplatform.exchange.validation import Errors, check_hours, check_length, clean_text
from eduplatform.sqltypes import utcnow

MAX_ATTACHMENTS = 20
MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def hours_limit(activity):
    """Hours can never exceed how long the activity lasts, nor the report's hours once
    completed."""
    if activity.status == ActivityStatus.COMPLETED and activity.report_hours is not None:
        return min(activity.max_hours, activity.report_hours)
    return activity.max_hours


def _hours(number):
    return LazyString(format_decimal, number, "#,##0.#")


def too_many_hours(activity):
    """Why a participant cannot be credited more hours, naming the field and the activity's
    length (or the report's hours, which the credit may not pass once completed)."""
    limit = hours_limit(activity)
    if limit < activity.max_hours:
        return _l(
            "The hours credited cannot be more than the report's %(hours)s hours.",
            hours=_hours(limit),
        )
    if not activity.all_day:
        return _l(
            "The hours credited cannot be more than the activity lasts: %(hours)s hours.",
            hours=_hours(limit),
        )
    return _ln(
        "The hours credited cannot be more than the activity lasts: %(num)d day, %(hours)s hours.",
        "The hours credited cannot be more than the activity lasts: %(num)d days, %(hours)s hours.",
        activity.span_days,
        hours=_hours(limit),
    )


def report_hours_help(activity):
    """The report form's help for its hours: the activity's length, which they may not pass
    (a morning's workshop from 09:00 to 12:00 takes at most 3 hours, a three-day visit 72)."""
    if not activity.all_day:
        return _l(
            "The hours the activity took: at most %(hours)s, as long as it lasted.",
            hours=_hours(activity.max_hours),
        )
    return _ln(
        "The hours the activity took: at most %(hours)s for its %(num)d day.",
        "The hours the activity took: at most %(hours)s for its %(num)d days.",
        activity.span_days,
        hours=_hours(activity.max_hours),
    )


def _check_credit(errors, activity, hours, required=False):
    return check_hours(
        errors,
        "hours",
        hours,
        limit=hours_limit(activity),
        required=required,
        too_many=too_many_hours(activity),
    )


def _check_changeable(activity):
    if activity.status == ActivityStatus.CANCELLED:
        raise Invalid.field("activity", _l("A cancelled activity's participants cannot change."))


def _check_role(errors, role):
    if role not in set(ParticipantRole):
        errors.add("role", _l("Choose participant, facilitator or interpreter."))


def _participants_changed(session, actor, activity, change, participant):
    activity_changed.send(activity, session=session)
    record_event(
        session,
        actor=actor,
        action="activity.participants_changed",
        target=activity,
        details={
            change: {
                "participant_id": participant.id,
                "user_id": participant.user_id,
                "guest": participant.guest_name is not None,
                "role": participant.role,
                "hours": str(participant.hours),
            }
        },
    )


NOT_CHOOSABLE = _l("Choose a person from the list.")


def add_participant(
    session: Session,
    *,
    actor,
    activity,
    partnership,
    user=None,
    user_id=None,
    guest_name=None,
    guest_affiliation="",
    role=ParticipantRole.PARTICIPANT,
    hours=None,
):
    """Add a person the actor may choose (exchange.queries.choosable_people), or a named guest.

    Anyone else (no such account, outside the partnership or the actor's scope, taking part
    already) gets the same refusal, so the answer tells nothing about other people's accounts.
    """
    _check_changeable(activity)
    errors = Errors()
    guest_name = clean_text(guest_name) or None
    guest_affiliation = clean_text(guest_affiliation)
    if user is not None:
        user_id = user.id
    if user_id is None and guest_name is None:
        errors.add("user_id", _l("Choose a person or enter a guest's name."))
    elif user_id is not None and guest_name is not None:
        errors.add("guest_name", _l("Choose a person or enter a guest's name, not both."))
    elif user_id is not None:
        user = queries.choosable_person(
            session, partnership, viewer=actor, activity=activity, user_id=user_id
        )
        if user is None:
            errors.add("user_id", NOT_CHOOSABLE)
    else:
        check_length(errors, "guest_name", guest_name, 200)
        check_length(errors, "guest_affiliation", guest_affiliation, 200)
    _check_role(errors, role)
    hours = _check_credit(errors, activity, hours) or Decimal("0")
    errors.raise_any()
    participant = ActivityParticipant(
        activity_id=activity.id,
        user_id=user.id if user else None,
        guest_name=guest_name,
        guest_affiliation=guest_affiliation if guest_name else "",
        role=role,
        hours=hours,
    )
    session.add(participant)
    try:
        session.flush()
    except IntegrityError:  # the same person added twice at the same moment
        session.rollback()
        raise Invalid.field("user_id", NOT_CHOOSABLE) from None
    _participants_changed(session, actor, activity, "added", participant)
    session.commit()
    return participant


def update_participant(session: Session, *, actor, activity, participant, role, hours):
    """Change a participant's role or credited hours."""
    _check_changeable(activity)
    errors = Errors()
    _check_role(errors, role)
    hours = _check_credit(errors, activity, hours, required=True)
    errors.raise_any()
    if participant.role == role and participant.hours == hours:
        return participant
    participant.role, participant.hours = role, hours
    session.add(participant)
    _participants_changed(session, actor, activity, "changed", participant)
    session.commit()
    return participant


def remove_participant(session: Session, *, actor, activity, participant):
    """Take a participant off the activity, with their reflection."""
    _check_changeable(activity)
    _participants_changed(session, actor, activity, "removed", participant)
    if participant.user_id is not None:
        reflection = session.exec(
            select(ActivityReflection).where(
                ActivityReflection.activity_id == activity.id,
                ActivityReflection.user_id == participant.user_id,
            )
        ).first()
        if reflection is not None:
            session.delete(reflection)
    session.delete(participant)
    session.commit()


def participant_user_ids(session, activity_id):
    return set(
        session.exec(
            select(ActivityParticipant.user_id).where(
                ActivityParticipant.activity_id == activity_id,
                col(ActivityParticipant.user_id).is_not(None),
            )
        ).all()
    )


# -- reflections --------------------------------------------------------------------------------


def save_reflection(session: Session, *, actor, activity, body):
    """A participant's reflection on a completed activity; saving again replaces it."""
    if activity.status != ActivityStatus.COMPLETED:
        raise Invalid.field("body", _l("Reflections open once the activity is completed."))
    if actor.id not in participant_user_ids(session, activity.id):
        raise Invalid.field("body", _l("Only participants can add a reflection."))
    body = clean_text(body)
    errors = Errors()
    check_length(errors, "body", body, 2000, required=True)
    errors.raise_any()
    reflection = session.exec(
        select(ActivityReflection).where(
            ActivityReflection.activity_id == activity.id, ActivityReflection.user_id == actor.id
        )
    ).first() or ActivityReflection(activity_id=activity.id, user_id=actor.id, body=body)
    reflection.body = body
    reflection.updated_at = utcnow()
    session.add(reflection)
    session.commit()
    return reflection


# -- attachments --------------------------------------------------------------------------------


def _original_name(filename):
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "attachment"


def add_attachment(session: Session, *, actor, activity, stream, filename):
    """Check, clean and store a PDF or image, then record it on the activity."""
    count = len(
        session.exec(
            select(ActivityAttachment.id).where(ActivityAttachment.activity_id == activity.id)
        ).all()
    )
    if count >= MAX_ATTACHMENTS:
        raise Invalid.field(
            "attachment", _l("An activity keeps at most %(count)d files.", count=MAX_ATTACHMENTS)
        )
    head = stream.read(12)
    is_webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if not (is_webp or any(head.startswith(magic) for magic in MAGIC)):
        raise Invalid.field("attachment", _l("Upload a PDF document or an image."))
    stream.seek(0)
    stored = uploads.store(stream, field="attachment", allow_pdf=True)
    attachment = ActivityAttachment(
        activity_id=activity.id,
        stored_name=stored.name,
        original_name=_original_name(filename),
        mime_type=stored.mime_type,
        size=stored.size,
        uploaded_by_id=actor.id,
    )
    try:
        session.add(attachment)
        session.flush()
        record_event(
            session,
            actor=actor,
            action="activity.attachment_added",
            target=activity,
            details={"attachment_id": attachment.id, "mime_type": stored.mime_type},
        )
        session.commit()
    except Exception:
        session.rollback()
        uploads.remove(stored.name)
        raise
    return attachment


def remove_attachment(session: Session, *, actor, activity, attachment):
    record_event(
        session,
        actor=actor,
        action="activity.attachment_removed",
        target=activity,
        details={"attachment_id": attachment.id},
    )
    session.delete(attachment)
    session.commit()
    uploads.remove(attachment.stored_name)


# -- a person's record --------------------------------------------------------------------------


# Built once (the profile page shows it on every visit).
PERSON_PARTICIPATION = (
    select(ActivityParticipant, ExchangeActivity, Partnership)
    .join(ExchangeActivity, ExchangeActivity.id == ActivityParticipant.activity_id)
    .join(Partnership, Partnership.id == ExchangeActivity.partnership_id)
    .where(ActivityParticipant.user_id == bindparam("user_id"))
    .order_by(col(ExchangeActivity.starts_on).desc(), col(ExchangeActivity.id).desc())
)


def person_participation(session, person):
    """Every activity the person takes part in, newest first, with credited hours in total.

    Hours count once the activity is completed; planned ones show what is coming.
    """
    rows = session.exec(PERSON_PARTICIPATION, params={"user_id": person.id}).all()
    credited = [Decimal(str(p.hours)) for p, a, _ in rows if a.status == ActivityStatus.COMPLETED]
    training = [
        Decimal(str(p.hours))
        for p, a, _ in rows
        if a.status == ActivityStatus.COMPLETED and a.kind in TRAINING_KINDS
    ]
    return {
        "rows": rows,
        "total_hours": sum(credited, Decimal("0")),
        "training_hours": sum(training, Decimal("0")),
        "completed": len(credited),
    }


TRAINING_KINDS = ("teacher_training", "curriculum_workshop", "joint_workshop")
