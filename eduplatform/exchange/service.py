"""Rules for exchange activities (plan, change, complete, cancel) and a school's feed key.

Each function checks everything first and raises Invalid before writing anything; on success it
records the audit event and commits one transaction. Access checks live in exchange.access.
"""

import re
import secrets
from datetime import date, time
from decimal import Decimal

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.errors import Invalid
from eduplatform.exchange import access
from eduplatform.exchange.models import (
    COST_CATEGORIES,
    TIME_ZONES,
    ActivityKind,
    ActivityParticipant,
    ActivityStatus,
    ExchangeActivity,
    PartnershipStatus,
    SchoolFeedKey,
    activity_length,
)
from eduplatform.exchange.signals import activity_changed
from eduplatform.exchange.validation import (
    Errors,
    check_amount,
    check_date_range,
    check_hours,
    check_length,
    clean_text,
    years_after,
)
from eduplatform.people.models import Organization, OrgKind
from eduplatform.sqltypes import utcnow

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_SPAN_DAYS = 366
# Activities are planned within an MoU's few years, never decades ahead: a year such as 2999 is
# a typing slip. Past ones may be recorded back to EARLIEST_DATE.
PLAN_YEARS_AHEAD = 3


def _check_times(errors, data, starts_on, ends_on):
    """Whole days (no times), or a start and an end time in one of the known time zones."""
    start_time, end_time = data.get("start_time"), data.get("end_time")
    timezone = data.get("timezone") or TIME_ZONES[0]
    if timezone not in TIME_ZONES:
        errors.add("timezone", _l("Choose a time zone from the list."))
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        if value is not None and (not isinstance(value, time) or value.tzinfo is not None):
            errors.add(name, _l("Enter a time such as 09:00, without a zone."))
            return None, None, timezone
    if (start_time is None) != (end_time is None):
        errors.add(
            "end_time" if end_time is None else "start_time",
            _l("Enter both the start and the end time, or neither for whole days."),
        )
    elif (
        start_time is not None
        and isinstance(starts_on, date)
        and isinstance(ends_on, date)
        and (ends_on, end_time) <= (starts_on, start_time)
    ):
        errors.add("end_time", _l("The end time is not after the start time."))
    return start_time, end_time, timezone


def _check_school(errors, actor, partnership, school_id):
    """A city-wide partnership's activity is for one member school or for the whole city; a
    member school's teacher plans for their own school only."""
    if school_id is None:
        if actor is not None and not access.manages_whole(actor, partnership):
            errors.add("school_id", _l("Choose your school."))
        return None
    if school_id not in partnership.member_school_ids:
        errors.add("school_id", _l("Choose one of the partnership's member schools."))
    elif (
        actor is not None
        and not access.manages_whole(actor, partnership)
        and school_id not in access.planning_schools(actor, partnership)
    ):
        errors.add("school_id", _l("Choose your school."))
    return school_id


def _activity_fields(session, partnership, data, actor=None):
    """Checked and cleaned activity fields from `data`; raises Invalid listing every problem."""
    errors = Errors()
    title = clean_text(data.get("title"))
    check_length(errors, "title", title, 200, required=True)
    description = clean_text(data.get("description"))
    check_length(errors, "description", description, 4000)
    kind = data.get("kind")
    if kind not in set(ActivityKind):
        errors.add("kind", _l("Choose the kind of activity."))
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on") or data.get("starts_on")
    if not isinstance(starts_on, date):
        errors.add("starts_on", _l("Enter the start date."))
    elif ends_on < starts_on:
        errors.add("ends_on", _l("The end date is before the start date."))
    elif (ends_on - starts_on).days + 1 > MAX_SPAN_DAYS:
        errors.add("ends_on", _l("An activity lasts at most a year; record longer ones in parts."))
    if isinstance(starts_on, date):
        latest = years_after(local_today(), PLAN_YEARS_AHEAD)
        check_date_range(errors, "starts_on", starts_on, latest=latest)
        check_date_range(errors, "ends_on", ends_on, latest=latest)
    start_time, end_time, timezone = _check_times(errors, data, starts_on, ends_on)
    school_id = _check_school(errors, actor, partnership, data.get("school_id") or None)
    place, online_url = clean_text(data.get("place")), clean_text(data.get("online_url"))
    check_length(errors, "place", place, 200)
    if online_url and (len(online_url) > 500 or not URL_RE.match(online_url)):
        errors.add("online_url", _l("Enter a link starting with https://."))
    if not place and not online_url:
        errors.add("place", _l("Enter a place or an online link."))
    languages = [c.strip().lower() for c in data.get("languages") or () if c and c.strip()]
    languages = list(dict.fromkeys(languages))
    if any(not LANGUAGE_RE.match(code) for code in languages) or len(languages) > 6:
        errors.add("languages", _l("List language codes such as id, en, zh."))
    members = partnership.member_ids
    sides = {}
    for side in ("sending_org_id", "receiving_org_id"):
        org_id = data.get(side) or None
        if org_id is not None and org_id not in members:
            errors.add(side, _l("Choose an organization of this partnership."))
        sides[side] = org_id
    if sides["sending_org_id"] and sides["sending_org_id"] == sides["receiving_org_id"]:
        errors.add("receiving_org_id", _l("The receiving side differs from the sending side."))
    funding_source = clean_text(data.get("funding_source"))
    check_length(errors, "funding_source", funding_source, 200)
    currency = clean_text(data.get("currency")).upper() or "IDR"
    if not CURRENCY_RE.match(currency) or currency not in list_currencies():
        errors.add("currency", _l("Use a three-letter ISO 4217 currency code such as IDR or CNY."))
    costs = {
        f"cost_{c}": check_amount(errors, f"cost_{c}", data.get(f"cost_{c}"))
        for c in COST_CATEGORIES
    }
    errors.raise_any()
    return {
        "title": title,
        "description": description,
        "kind": kind,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "start_time": start_time,
        "end_time": end_time,
        "timezone": timezone,
        "school_id": school_id,
        "place": place,
        "online_url": online_url,
        "languages": languages,
        "funding_source": funding_source,
        "currency": currency,
        **sides,
        **costs,
    }


def create_activity(session: Session, *, actor, partnership, **data):
    """Plan an activity of a partnership that has not ended."""
    if partnership.status == PartnershipStatus.ENDED:
        raise Invalid.field("partnership", _l("This partnership has ended."))
    fields = _activity_fields(session, partnership, data, actor=actor)
    activity = ExchangeActivity(
        partnership_id=partnership.id, created_by_id=getattr(actor, "id", None), **fields
    )
    session.add(activity)
    session.flush()
    activity_changed.send(activity, session=session)
    record_event(
        session,
        actor=actor,
        action="activity.created",
        target=activity,
        details={"partnership_id": partnership.id, "kind": activity.kind},
    )
    session.commit()
    return activity


def check_activity(session: Session, *, actor, partnership, activity=None, **data):
    """Every field problem create_activity (or, given `activity`, update_activity) would refuse;
    writes nothing. Forms call it when their own checks failed, so that all show at once."""
    try:
        fields = _activity_fields(session, partnership, data, actor=actor)
        if activity is not None:
            _check_participants_fit(session, activity, fields)
    except Invalid as refused:
        return refused.errors
    return []


def _check_participants_fit(session, activity, fields):
    """Participants' hours must still fit the changed dates."""
    span_hours = activity_length(
        fields["starts_on"], fields["ends_on"], fields["start_time"], fields["end_time"],
        fields["timezone"],
    )  # fmt: skip
    too_many = session.exec(
        select(ActivityParticipant.id).where(
            ActivityParticipant.activity_id == activity.id, ActivityParticipant.hours > span_hours
        )
    ).first()
    if too_many is not None:
        raise Invalid.field(
            "ends_on", _l("Some participants have more hours than the new dates and times allow.")
        )


def update_activity(session: Session, *, actor, activity, partnership, **data):
    """Change a planned activity; its participants' hours must still fit the new dates."""
    if activity.status != ActivityStatus.PLANNED:
        raise Invalid.field("status", _l("Only a planned activity can be changed."))
    fields = _activity_fields(session, partnership, data, actor=actor)
    _check_participants_fit(session, activity, fields)
    changed = sorted(name for name, value in fields.items() if getattr(activity, name) != value)
    if not changed:
        return activity
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.updated_at = utcnow()
    session.add(activity)
    activity_changed.send(activity, session=session)
    record_event(
        session,
        actor=actor,
        action="activity.updated",
        target=activity,
        details={"changed": changed},
    )
    session.commit()
    return activity


def participant_field(participant_id):
    """The field name of a participant's credited hours on the report's form."""
    return f"participant-{participant_id}"


def complete_activity(
    session: Session,
    *,
    actor,
    activity,
    outcomes,
    hours,
    follow_up,
    participant_hours=None,
    today=None,
):
    """Mark a planned activity completed with its report: outcomes, hours, what follows.

    Every participant is credited the report's hours unless `participant_hours` ({participant
    id: hours}) gives their own; one already credited hours before keeps them when not given.
    """
    today = today or local_today()
    participant_hours = dict(participant_hours or {})
    errors = Errors()
    if activity.status != ActivityStatus.PLANNED:
        errors.add("status", _l("Only a planned activity can be completed."))
    elif activity.starts_on > today:
        errors.add("status", _l("An activity can be completed once it has started."))
    outcomes, follow_up = clean_text(outcomes), clean_text(follow_up)
    check_length(errors, "outcomes", outcomes, 4000, required=True)
    check_length(errors, "follow_up", follow_up, 2000, required=True)
    hours = check_hours(errors, "hours", hours, limit=activity.max_hours, required=True)
    if hours is not None and hours == 0:
        errors.add("hours", _l("Enter the hours the activity took."))
    participants = session.exec(
        select(ActivityParticipant)
        .where(ActivityParticipant.activity_id == activity.id)
        .order_by(ActivityParticipant.id)
    ).all()
    unknown = set(participant_hours) - {p.id for p in participants}
    if unknown:
        errors.add("participants", _l("Some of the participants are not on this activity."))
    credited, over = {}, False
    for participant in participants:
        field = participant_field(participant.id)
        given = participant_hours.get(participant.id)
        if given is None or given == "":
            own = participant.hours or Decimal("0")
            credited[participant.id] = own if own > 0 else hours
            if hours is not None and own > hours:
                errors.add(field, _l("More than the report's hours."))
                over = True
            continue
        limit = hours if hours is not None else activity.max_hours
        credited[participant.id] = check_hours(errors, field, given, limit=limit, required=True)
    if over:
        errors.add("hours", _l("Some participants are credited more hours than the report gives."))
    errors.raise_any()
    for participant in participants:
        if participant.hours != credited[participant.id]:
            participant.hours = credited[participant.id]
            session.add(participant)
    activity.status = ActivityStatus.COMPLETED
    activity.outcomes, activity.report_hours, activity.follow_up = outcomes, hours, follow_up
    activity.completed_at = activity.updated_at = utcnow()
    activity.completed_by_id = getattr(actor, "id", None)
    session.add(activity)
    activity_changed.send(activity, session=session)
    record_event(
        session,
        actor=actor,
        action="activity.completed",
        target=activity,
        details={"hours": str(hours), "participants": len(credited)},
    )
    session.commit()
    return activity


def cancel_activity(session: Session, *, actor, activity, reason=""):
    """Cancel a planned activity, keeping it (and its reason) on record."""
    if activity.status != ActivityStatus.PLANNED:
        raise Invalid.field("status", _l("Only a planned activity can be cancelled."))
    reason = clean_text(reason)
    if len(reason) > 500:
        raise Invalid.field("reason", _l("Use at most %(count)d characters.", count=500))
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason
    activity.cancelled_at = activity.updated_at = utcnow()
    session.add(activity)
    activity_changed.send(activity, session=session)
    record_event(
        session,
        actor=actor,
        action="activity.cancelled",
        target=activity,
        details={"reason": reason},
    )
    session.commit()
    return activity


# -- the school's calendar feed key -------------------------------------------------------------


def feed_key(session, school):
    row = session.get(SchoolFeedKey, school.id)
    return row.key if row else None


def renew_feed_key(session: Session, *, actor, school):
    """Give the school a new random feed key; the old address stops working at once."""
    row = session.get(SchoolFeedKey, school.id) or SchoolFeedKey(school_id=school.id, key="")
    row.key = secrets.token_urlsafe(32)
    row.created_at = utcnow()
    row.created_by_id = getattr(actor, "id", None)
    session.add(row)
    record_event(session, actor=actor, action="exchange.feed_key_renewed", target=school)
    session.commit()
    return row.key


def school_for_feed(session, *, npsn, key):
    """The school whose feed this key opens, or None (compared in constant time)."""
    school = session.exec(
        select(Organization).where(Organization.npsn == npsn, Organization.kind == OrgKind.SCHOOL)
    ).first()
    row = session.get(SchoolFeedKey, school.id) if school else None
    if row is None or not secrets.compare_digest(row.key.encode(), (key or "").encode()):
        return None
    return school
