"""Logged units: students log and add evidence; teachers list their school's queue and review."""

from datetime import date, datetime
from enum import StrEnum

from flask import request, url_for
from flask_babel import gettext as _
from pydantic import Field
from sqlmodel import col, select

from eduplatform import scope, uploads
from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import Keyset, fetch_page, page_of, parse_datetime
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import (
    ApiInput,
    ApiOutput,
    Code,
    Hours,
    Id,
    PageQuery,
    PersonRef,
    Text,
    Translated,
    person_ref,
)
from eduplatform.auth.access import in_scope
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.curriculum.service import can_see
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.i18n import current_language
from eduplatform.people.models import Cohort, Role, User
from eduplatform.training import service as training
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.progress import RECORD, unit_context, units_with_modules

TAG = "Completions"
SEERS = (Role.STUDENT, Role.TEACHER, Role.OFFICE, Role.ADMIN)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class CohortBrief(ApiOutput):
    id: int
    name: str
    academic_year: str


class CriterionOut(ApiOutput):
    number: int = Field(description="The criterion's place in the unit's list, from 1.")
    text: Translated
    met: bool | None = Field(
        description="As the reviewer ticked it: true when met, false when not ticked; null "
        "while the record awaits review (or when it was reviewed without the checklist)."
    )


class CompletionOut(ApiOutput):
    id: int
    unit: str = Field(description="The unit's code, e.g. EV-101-U1.")
    unit_title: Translated
    module: str
    student: PersonRef
    cohort: CohortBrief
    performed_on: date
    hours: Hours
    note: str
    status: str = Field(description="submitted, verified or rejected.")
    evidence: str | None = Field(description="Where to fetch the evidence photo, if any.")
    reviewer: PersonRef | None
    reviewed_at: datetime | None
    feedback: str | None
    criteria: list[CriterionOut] = Field(
        description="The unit's assessment criteria with the reviewer's ticks."
    )
    criteria_override: str | None = Field(
        description="Why the reviewer verified it although not every criterion was ticked."
    )
    created_at: datetime


class CompletionIn(ApiInput):
    unit: Code = Field(description="The unit's code, e.g. EV-101-U1.")
    performed_on: date
    hours: Hours = Field(description="Hours spent, more than 0 and at most 24.")
    note: Text = Field(description="What the student did (at most 1000 characters).")


class StatusFilter(StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    ALL = "all"


class CompletionQuery(PageQuery):
    status: StatusFilter | None = Field(
        default=None,
        description="Default: every status for students, `submitted` (the queue) for staff.",
    )
    cohort: Id | None = Field(default=None, description="Only this class's records.")


CompletionPage = page_of(CompletionOut)


def criteria_texts(unit, lang):
    """The unit's assessment criteria, each a Translated in `lang`."""
    return [Translated.of(text, lang) for text in unit.criteria or []]


def unit_texts(unit, lang):
    """(the unit's title, its criteria), each a Translated in `lang`."""
    return Translated.of(unit.title, lang), criteria_texts(unit, lang)


def criteria_out(criteria, ticks):
    return [
        CriterionOut(number=number, text=text, met=ticks.get(number))
        for number, text in enumerate(criteria, start=1)
    ]


def completion_out(
    completion, unit, module, student, cohort, reviewer, lang, ticks=None, texts=None
):
    """A record as the API shows it; `texts`: unit_texts() of its unit when the caller has
    them (a page of records of a few units translates each unit once)."""
    title, criteria = texts or unit_texts(unit, lang)
    return CompletionOut(
        id=completion.id,
        unit=unit.code,
        unit_title=title,
        module=module.code,
        student=person_ref(student),
        cohort=CohortBrief.model_validate(cohort),
        performed_on=completion.performed_on,
        hours=completion.hours,
        note=completion.note,
        status=completion.status,
        evidence=url_for("api.get_evidence", completion_id=completion.id)
        if completion.photo_name
        else None,
        reviewer=person_ref(reviewer),
        reviewed_at=completion.reviewed_at,
        feedback=completion.feedback,
        criteria=criteria_out(criteria, ticks or {}),
        criteria_override=completion.criteria_override,
        created_at=completion.created_at,
    )


def describe(db, completion):
    unit = db.get(Unit, completion.unit_id)
    _version, module = unit_context(db, unit)
    return completion_out(
        completion,
        unit,
        module,
        db.get(User, completion.student_id),
        db.get(Cohort, completion.cohort_id),
        db.get(User, completion.reviewer_id) if completion.reviewer_id else None,
        current_language(),
        training.criteria_ticks(db, [completion.id]).get(completion.id),
    )


def load_completion(db, completion_id):
    """The record, or 404 when it does not exist or the caller may not see it."""
    completion = db.get(UnitCompletion, completion_id)
    if completion is None or not training.can_see_completion(db, caller(), completion):
        raise ApiProblem(404)
    return completion


@api_route(
    "/completions",
    summary="List logged units",
    tag=TAG,
    roles=SEERS,
    query=CompletionQuery,
    not_found=True,
    response=CompletionPage,
    paginated=True,
)
def list_completions(query):
    """A student's own records, or the queue of the caller's school (all schools for the office),
    oldest first."""
    db = get_session()
    user = caller()
    # The records, their students' names and classes as plain rows: the page only reads them
    # (a page of fifty as tracked objects cost about a fifth of its time to load).
    rows_query = (
        select(
            RECORD,
            col(User.full_name).label("student_name"),
            col(Cohort.name).label("cohort_name"),
            col(Cohort.academic_year).label("cohort_year"),
        )
        .join(User, col(User.id) == RECORD.c.student_id)
        .join(Cohort, col(Cohort.id) == RECORD.c.cohort_id)
    )
    if user.role == Role.STUDENT:
        rows_query = rows_query.where(RECORD.c.student_id == user.id)
    else:
        rows_query = rows_query.where(in_scope(user, Cohort.school_id))
        if user.role == Role.TEACHER:  # as can_see_completion: not a student who moved away
            rows_query = rows_query.where(training.still_at_the_school())
    status = query.status or (
        StatusFilter.ALL if user.role == Role.STUDENT else CompletionStatus.SUBMITTED
    )
    if status != StatusFilter.ALL:
        rows_query = rows_query.where(RECORD.c.status == status)
    if query.cohort:  # 404 when unknown or not the caller's
        cohort = scope.load("cohort", query.cohort, source="query", name="cohort")
        rows_query = rows_query.where(RECORD.c.cohort_id == cohort.id)
    keyset = Keyset(RECORD.c.created_at, RECORD.c.id, parse=parse_datetime)
    rows, next_cursor = fetch_page(
        db, rows_query, keyset, query, key=lambda row: (row.created_at, row.id)
    )
    reviewer_ids = {row.reviewer_id for row in rows if row.reviewer_id}
    reviewers = {
        person.id: PersonRef(id=person.id, full_name=person.full_name)
        for person in (
            db.execute(
                select(col(User.id), col(User.full_name)).where(col(User.id).in_(reviewer_ids))
            )
            if reviewer_ids
            else ()
        )
    }
    units = units_with_modules(db, {row.unit_id for row in rows})
    lang = current_language()
    ticks = training.criteria_ticks(db, [row.id for row in rows])
    texts = {unit_id: unit_texts(unit, lang) for unit_id, (unit, _module) in units.items()}
    return CompletionPage(
        items=[
            completion_out(
                row,
                *units[row.unit_id],
                PersonRef(id=row.student_id, full_name=row.student_name),
                CohortBrief(id=row.cohort_id, name=row.cohort_name, academic_year=row.cohort_year),
                reviewers.get(row.reviewer_id),
                lang,
                ticks.get(row.id),
                texts[row.unit_id],
            )
            for row in rows
        ],
        next=next_cursor,
    )


@api_route(
    "/completions/<int:completion_id>",
    summary="One logged unit",
    tag=TAG,
    roles=SEERS,
    response=CompletionOut,
)
def get_completion(completion_id):
    """A record the caller may see: their own, or one of their school's."""
    db = get_session()
    return describe(db, load_completion(db, completion_id))


def _unit_to_log(db, student, code):
    """The unit with this code in the version the student's class follows (units keep their
    code across versions); any unit of that code when none fits, so the service says why."""
    rows = db.exec(
        select(Unit, Module)
        .join(ModuleVersion, col(ModuleVersion.id) == Unit.version_id)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .where(Unit.code == code)
        .order_by(col(Unit.id).desc())
    ).all()
    # Another school's own module is as unknown: its units' codes are not named either.
    units = [unit for unit, module in rows if can_see(student, module)]
    if not units:
        raise Invalid.field("unit", _("There is no unit with this code."))
    _enrollment, cohort = training.student_cohort(db, student)
    if cohort is not None:
        for unit in units:
            if training.unit_in_cohort(db, cohort, unit):
                return unit
    return units[0]


@api_route(
    "/completions",
    method="POST",
    summary="Log a unit",
    tag=TAG,
    roles=(Role.STUDENT,),
    body=CompletionIn,
    response=CompletionOut,
    status=201,
    conflict=True,
    request_headers={
        "Idempotency-Key": "Your own key for this entry (8 to 64 letters, digits, - or _, e.g. a "
        "UUID). Sending the entry again with the same key, after a lost answer, makes no second "
        "record: the answer is the record the first send made, with `Idempotent-Replayed: true`. "
        "Keys are yours alone: another student's key never finds your record, nor yours theirs."
    },
)
def create_completion(body):
    """Record that you did a unit; 409 when it is already verified or awaiting review, 422 when
    it is locked or the input is refused (the errors name the field)."""
    db = get_session()
    user = caller()
    completion, created = training.log_completion_once(
        db,
        actor=user,
        unit=_unit_to_log(db, user, body.unit),
        idempotency_key=request.headers.get("Idempotency-Key"),
        performed_on=body.performed_on,
        hours=body.hours,
        note=body.note,
    )
    headers = {"Location": url_for("api.get_completion", completion_id=completion.id)}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return describe(db, completion), headers


@api_route(
    "/completions/<int:completion_id>/evidence",
    method="POST",
    summary="Attach an evidence photo",
    tag=TAG,
    roles=(Role.STUDENT,),
    upload={"photo": PHOTO_TYPES},
    response=CompletionOut,
    conflict=True,
)
def add_evidence(completion_id, files):
    """Add or replace the photo of your record while it awaits review (JPEG, PNG or WebP, at
    most 15 MB; it is re-encoded without its metadata)."""
    db = get_session()
    completion = load_completion(db, completion_id)
    training.attach_photo(db, actor=caller(), completion=completion, photo=files["photo"])
    return describe(db, completion)


@api_route(
    "/completions/<int:completion_id>/evidence",
    summary="Fetch the evidence photo",
    tag=TAG,
    roles=SEERS,
    media_type=PHOTO_TYPES,
)
def get_evidence(completion_id):
    """The record's photo as it was stored (404 when it has none)."""
    completion = load_completion(get_session(), completion_id)
    if not completion.photo_name:
        raise ApiProblem(404)
    return uploads.send_stored(
        completion.photo_name, completion.photo_mime_type, f"evidence-{completion.id}"
    )
