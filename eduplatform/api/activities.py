"""Exchange activities: plan, change and complete them within the partnerships one takes part in."""

from datetime import date, datetime, time
from typing import Literal

from flask import url_for
from flask_babel import gettext as _
from pydantic import Field
from sqlmodel import col, select

from eduplatform import scope
from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import Keyset, fetch_page, page_of, parse_date
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import ApiInput, ApiOutput, Hours, Id, Money, PageQuery, Text
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.exchange import access, participation, times
from eduplatform.exchange import service as exchange
from eduplatform.exchange.models import (
    TIME_ZONES,
    ActivityKind,
    ActivityStatus,
    ExchangeActivity,
    Partnership,
)
from eduplatform.people.models import Role

TAG = "Exchange"
STAFF = (Role.TEACHER, Role.AUTHOR, Role.OFFICE, Role.ADMIN)
# What a planned activity says; PATCH changes any of these and keeps the rest.
PLAN_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "timezone",
    "school_id",
    "place",
    "online_url",
    "languages",
    "sending_org_id",
    "receiving_org_id",
    "funding_source",
    "currency",
    "cost_travel",
    "cost_subsistence",
    "cost_fees",
    "cost_other",
)


class Costs(ApiOutput):
    travel: Money
    subsistence: Money
    fees: Money
    other: Money


class ActivityOut(ApiOutput):
    id: int
    partnership: int = Field(description="The partnership's id.")
    kind: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    start_time: time | None = Field(
        description="Local start time on the first day; null: whole days."
    )
    end_time: time | None = Field(description="Local end time on the last day.")
    timezone: str = Field(description="The time zone of the times, such as Asia/Jakarta.")
    starts_at: datetime | None = Field(description="The start with its offset (timed only).")
    ends_at: datetime | None = Field(description="The end with its offset (timed only).")
    school_id: int | None = Field(
        description="A city-wide partnership's member school the activity is for (null: all)."
    )
    place: str
    online_url: str
    languages: list[str]
    sending_org_id: int | None
    receiving_org_id: int | None
    funding_source: str
    currency: str = Field(description="ISO 4217 code of the costs.")
    costs: Costs
    status: str = Field(description="planned, completed or cancelled.")
    outcomes: str | None
    hours: Hours | None = Field(description="Hours the report gives.")
    report: str | None = Field(description="The report: what follows from the activity.")
    completed_at: datetime | None
    cancelled_at: datetime | None


class PlanFields(ApiInput):
    description: Text = ""
    ends_on: date | None = Field(default=None, description="Defaults to the start date.")
    start_time: time | None = Field(
        default=None, description="Local start time, such as 09:00; omit both times for days."
    )
    end_time: time | None = Field(default=None, description="Local end time on the last day.")
    timezone: Literal[TIME_ZONES] = Field(  # type: ignore[valid-type]
        default="Asia/Jakarta", description="The time zone of the start and end times."
    )
    school_id: Id | None = Field(
        default=None,
        description="For a city-wide partnership: the member school the activity is for.",
    )
    place: Text = ""
    online_url: Text = ""
    languages: list[Text] = Field(default=[], description="Language codes such as id, en, zh.")
    sending_org_id: Id | None = None
    receiving_org_id: Id | None = None
    funding_source: Text = ""
    currency: Text = "IDR"
    cost_travel: Money | None = None
    cost_subsistence: Money | None = None
    cost_fees: Money | None = None
    cost_other: Money | None = None


class ActivityIn(PlanFields):
    partnership: Id
    kind: ActivityKind
    title: Text
    starts_on: date


class ActivityPatch(PlanFields):
    """Only the fields sent change."""

    kind: ActivityKind | None = None
    title: Text | None = None
    starts_on: date | None = None


class ParticipantHours(ApiInput):
    id: Id = Field(description="The participant's id on the activity.")
    hours: Hours


class CompleteIn(ApiInput):
    outcomes: Text
    hours: Hours = Field(description="Hours the activity took.")
    report: Text = Field(description="What follows from the activity.")
    participants: list[ParticipantHours] = Field(
        default=[],
        description="Hours for some participants; the others are credited the report's hours "
        "(or keep the hours they were credited before).",
    )


class ActivityQuery(PageQuery):
    partnership: Id | None = None
    kind: ActivityKind | None = None
    status: ActivityStatus | None = None
    since: date | None = Field(default=None, description="Activities ending on or after.")
    until: date | None = Field(default=None, description="Activities starting on or before.")


ActivityPage = page_of(ActivityOut)


def activity_out(activity):
    return ActivityOut(
        id=activity.id,
        partnership=activity.partnership_id,
        kind=activity.kind,
        title=activity.title,
        description=activity.description,
        starts_on=activity.starts_on,
        ends_on=activity.ends_on,
        start_time=activity.start_time,
        end_time=activity.end_time,
        timezone=activity.timezone,
        starts_at=times.starts_at(activity),
        ends_at=times.ends_at(activity),
        school_id=activity.school_id,
        place=activity.place,
        online_url=activity.online_url,
        languages=activity.languages,
        sending_org_id=activity.sending_org_id,
        receiving_org_id=activity.receiving_org_id,
        funding_source=activity.funding_source,
        currency=activity.currency,
        costs=Costs(
            travel=activity.cost_travel,
            subsistence=activity.cost_subsistence,
            fees=activity.cost_fees,
            other=activity.cost_other,
        ),
        status=activity.status,
        outcomes=activity.outcomes,
        hours=activity.report_hours,
        report=activity.follow_up,
        completed_at=activity.completed_at,
        cancelled_at=activity.cancelled_at,
    )


def load_activity(db, activity_id, *, manage=False):
    """(activity, partnership): 404 outside the caller's scope, 403 when they may only look."""
    user = caller()
    activity = db.get(ExchangeActivity, activity_id)
    if activity is None:
        raise ApiProblem(404)
    partnership = db.get(Partnership, activity.partnership_id)
    joined = participation.participant_user_ids(db, activity.id)
    if not access.sees_activity(user, activity, partnership, joined):
        raise ApiProblem(404)
    if manage and not access.manages_activities_of(user, partnership, activity):
        raise ApiProblem(403, _("You may look at this activity but not change it."))
    return activity, partnership


def _organizations(values, partnership):
    """The body's organization ids through the scope guard: one of the partnership's members
    (member schools for school_id), else -1, which the rules refuse like any non-member."""
    offered = {
        "sending_org_id": partnership.member_ids,
        "receiving_org_id": partnership.member_ids,
        "school_id": partnership.member_school_ids,
    }
    for name, ids in offered.items():
        if values.get(name) is not None:
            found = scope.chosen(
                values[name], {i: i for i in ids}, source="json", name=name, kind="organization"
            )
            values[name] = -1 if found is None else found
    return values


@api_route(
    "/activities",
    summary="List exchange activities",
    tag=TAG,
    query=ActivityQuery,
    response=ActivityPage,
    paginated=True,
    not_found=True,
)
def list_activities(query):
    """Activities of the partnerships the caller's organization is in (students: those they take
    part in; the office: all), latest start first."""
    db = get_session()
    rows_query = (
        select(ExchangeActivity)
        .join(Partnership, col(Partnership.id) == ExchangeActivity.partnership_id)
        .where(access.activity_filter(caller()))
    )
    if query.partnership:  # through the scope guard: unknown and not the caller's alike
        partnership = scope.find(
            "partnership", query.partnership, source="query", name="partnership"
        )
        if partnership is None:
            raise ApiProblem(404)
        rows_query = rows_query.where(ExchangeActivity.partnership_id == partnership.id)
    if query.kind:
        rows_query = rows_query.where(ExchangeActivity.kind == query.kind)
    if query.status:
        rows_query = rows_query.where(ExchangeActivity.status == query.status)
    if query.since:
        rows_query = rows_query.where(ExchangeActivity.ends_on >= query.since)
    if query.until:
        rows_query = rows_query.where(ExchangeActivity.starts_on <= query.until)
    keyset = Keyset(
        col(ExchangeActivity.starts_on), col(ExchangeActivity.id), descending=True, parse=parse_date
    )
    rows, next_cursor = fetch_page(db, rows_query, keyset, query, key=lambda a: (a.starts_on, a.id))
    return ActivityPage(items=[activity_out(a) for a in rows], next=next_cursor)


@api_route(
    "/activities/<int:activity_id>", summary="One exchange activity", tag=TAG, response=ActivityOut
)
def get_activity(activity_id):
    """An activity the caller may see."""
    activity, _partnership = load_activity(get_session(), activity_id)
    return activity_out(activity)


@api_route(
    "/activities",
    method="POST",
    summary="Plan an exchange activity",
    tag=TAG,
    roles=STAFF,
    body=ActivityIn,
    response=ActivityOut,
    status=201,
)
def create_activity(body):
    """Plan an activity of a partnership the caller's organization is in (any for the office)."""
    db = get_session()
    user = caller()
    partnership = scope.json_id(body, "partnership")
    if partnership is None:  # unknown and not the caller's alike
        raise Invalid.field("partnership", _("There is no such partnership."))
    if not access.manages_activities_of(user, partnership):
        raise ApiProblem(403, _("You cannot plan activities of this partnership."))
    values = _organizations(body.model_dump(include=set(PLAN_FIELDS)), partnership)
    activity = exchange.create_activity(db, actor=user, partnership=partnership, **values)
    location = url_for("api.get_activity", activity_id=activity.id)
    return activity_out(activity), {"Location": location}


@api_route(
    "/activities/<int:activity_id>",
    method="PATCH",
    summary="Change a planned activity",
    tag=TAG,
    roles=STAFF,
    body=ActivityPatch,
    response=ActivityOut,
)
def update_activity(activity_id, body):
    """Change the fields sent; the others keep their values. Only planned activities change."""
    db = get_session()
    activity, partnership = load_activity(db, activity_id, manage=True)
    values = {name: getattr(activity, name) for name in PLAN_FIELDS}
    values.update(_organizations(body.model_dump(exclude_unset=True), partnership))
    exchange.update_activity(
        db, actor=caller(), activity=activity, partnership=partnership, **values
    )
    return activity_out(activity)


@api_route(
    "/activities/<int:activity_id>/complete",
    method="POST",
    summary="Complete an activity with its report",
    tag=TAG,
    roles=STAFF,
    body=CompleteIn,
    response=ActivityOut,
)
def complete_activity(activity_id, body):
    """Mark a planned activity that has started as completed, with outcomes, hours and report."""
    db = get_session()
    activity, _partnership = load_activity(db, activity_id, manage=True)
    try:
        exchange.complete_activity(
            db,
            actor=caller(),
            activity=activity,
            outcomes=body.outcomes,
            hours=body.hours,
            follow_up=body.report,
            participant_hours={p.id: p.hours for p in body.participants},
        )
    except Invalid as refused:
        renamed = {"follow_up": "report"}
        renamed.update(
            {exchange.participant_field(p.id): f"participants[{i}].hours"
             for i, p in enumerate(body.participants)}
        )  # fmt: skip
        raise Invalid(
            [{**e, "field": renamed.get(e.get("field"), e.get("field"))} for e in refused.errors]
        ) from None
    return activity_out(activity)
