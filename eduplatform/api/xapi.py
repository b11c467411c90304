"""Learning records out: verified completions as xAPI 1.0.3 statements for a learning record store.

The learner appears as an account on this platform named by a stable pseudonym (an HMAC of the
user id under the app's secret key), never by name, NISN or email. Each unit is an Activity with
a stable IRI (<base>/curriculum/units/<code>); a statement's id is derived from the completion,
so pulling the same record twice gives the same statement. Times are in UTC; every statement
names the platform as its `authority`. Newest first, like a learning record store; a store that
pulls with `since` (the last `stored` time it has) asks `ascending=true` and follows `more`
until it is empty.
"""

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from pydantic import Field
from sqlmodel import col, select

from eduplatform.api.framework import api_route
from eduplatform.api.pagination import Keyset, fetch_page, next_link, next_url, parse_datetime
from eduplatform.api.schemas import ApiOutput, PageQuery
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.db import get_session
from eduplatform.people.models import Cohort, Organization, Role
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.urls import base_url as public_base_url

TAG = "Learning records"
XAPI_VERSION = "1.0.3"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PERFORMANCE = "http://adlnet.gov/expapi/activities/performance"
MODULE = "http://adlnet.gov/expapi/activities/module"
VERB_DISPLAY = {"en": "completed", "id": "menyelesaikan", "zh": "完成"}


class Account(ApiOutput):
    homePage: str
    name: str


class Agent(ApiOutput):
    objectType: str = "Agent"
    account: Account


class Verb(ApiOutput):
    id: str
    display: dict[str, str]


class ActivityDefinition(ApiOutput):
    name: dict[str, str] = Field(description="The unit's title by language.")
    type: str


class Activity(ApiOutput):
    objectType: str = "Activity"
    id: str
    definition: ActivityDefinition


class Result(ApiOutput):
    completion: bool
    success: bool
    duration: str = Field(description="ISO 8601 duration of the hours logged.")


class ContextActivities(ApiOutput):
    parent: list[Activity]


class Context(ApiOutput):
    platform: str
    contextActivities: ContextActivities
    extensions: dict[str, dict[str, str | int | None]]


class Authority(Agent):
    name: str


class Statement(ApiOutput):
    id: str
    version: str = XAPI_VERSION
    actor: Agent
    verb: Verb
    object: Activity
    result: Result
    context: Context
    timestamp: str = Field(
        description="When the unit was done: the start of the day it was performed (in the "
        "schools' time zone), in UTC."
    )
    stored: str = Field(description="When the completion was verified, in UTC.")
    authority: Authority = Field(description="Who vouches for the statement: the platform.")


class StatementResult(ApiOutput):
    statements: list[Statement]
    more: str = Field(description="Where the next statements are; empty when there are none.")


class StatementQuery(PageQuery):
    since: datetime | None = Field(
        default=None, description="Only statements stored (verified) after this moment."
    )
    ascending: bool = Field(
        default=False, description="Oldest first (default: newest first, like an LRS)."
    )


def base_url():
    return current_app.config.get("XAPI_BASE_URL") or public_base_url()


def pseudonym(user_id):
    """A stable id for the learner that reveals nothing about them."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"xapi-actor:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def iso_duration(hours):
    minutes = int((Decimal(hours) * 60).to_integral_value())
    whole, rest = divmod(minutes, 60)
    return "PT" + (f"{whole}H" if whole else "") + (f"{rest}M" if rest or not whole else "")


def _names(text):
    return {lang: value for lang, value in (text or {}).items() if value}


def _utc(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def authority(base):
    """The platform as the statements' authority (the system that verified the records)."""
    return Authority(
        name=current_app.config["ISSUER_NAME"], account=Account(homePage=base, name="eduplatform")
    )


def statement(completion, unit, module_version, module, school, base, zone):
    performed = datetime.combine(completion.performed_on, time.min, tzinfo=zone)
    return Statement(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/completions/{completion.id}")),
        actor=Agent(account=Account(homePage=base, name=pseudonym(completion.student_id))),
        verb=Verb(id=COMPLETED, display=VERB_DISPLAY),
        object=Activity(
            id=f"{base}/curriculum/units/{unit.code}",
            definition=ActivityDefinition(name=_names(unit.title), type=PERFORMANCE),
        ),
        result=Result(completion=True, success=True, duration=iso_duration(completion.hours)),
        context=Context(
            platform="eduplatform",
            contextActivities=ContextActivities(
                parent=[
                    Activity(
                        id=f"{base}/curriculum/modules/{module.code}",
                        definition=ActivityDefinition(
                            name=_names(module_version.title), type=MODULE
                        ),
                    )
                ]
            ),
            extensions={
                f"{base}/xapi/extensions/school": {
                    "id": school.id,
                    "name": school.name,
                    "npsn": school.npsn,
                }
            },
        ),
        timestamp=_utc(performed),
        stored=_utc(completion.reviewed_at),
        authority=authority(base),
    )


@api_route(
    "/xapi/statements",
    summary="Verified completions as xAPI statements",
    tag=TAG,
    roles=(Role.OFFICE, Role.ADMIN),
    query=StatementQuery,
    response=StatementResult,
    response_headers={"X-Experience-API-Version": "The xAPI version: 1.0.3."},
)
def xapi_statements(query):
    """Every verified unit as an xAPI 1.0.3 statement (verb completed), the newest verification
    first; with `ascending=true` the oldest first: then pass the `stored` time of the last
    statement you have as `since`, and follow `more`."""
    db = get_session()
    rows_query = (
        select(UnitCompletion, Unit, ModuleVersion, Module, Organization)
        .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
        .join(ModuleVersion, col(ModuleVersion.id) == Unit.version_id)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .join(Cohort, col(Cohort.id) == UnitCompletion.cohort_id)
        .join(Organization, col(Organization.id) == Cohort.school_id)
        .where(UnitCompletion.status == CompletionStatus.VERIFIED)
    )
    if query.since is not None:
        since = query.since if query.since.tzinfo else query.since.replace(tzinfo=UTC)
        rows_query = rows_query.where(col(UnitCompletion.reviewed_at) > since)
    keyset = Keyset(
        col(UnitCompletion.reviewed_at),
        col(UnitCompletion.id),
        descending=not query.ascending,
        parse=parse_datetime,
    )
    rows, next_cursor = fetch_page(
        db, rows_query, keyset, query, key=lambda row: (row[0].reviewed_at, row[0].id)
    )
    base = base_url()
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    headers = {"X-Experience-API-Version": XAPI_VERSION}
    more = ""
    if next_cursor:
        headers["Link"] = next_link(next_cursor)
        more = next_url(next_cursor, external=False)
    return StatementResult(
        statements=[statement(*row, base=base, zone=zone) for row in rows], more=more
    ), headers
