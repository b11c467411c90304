"""University quality assurance: reviewers list and review sampled decisions (students only under
the sample's pseudonym), teachers read and answer their actions. The same rules as the pages."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext as _
from pydantic import Field
from sqlmodel import col

from eduplatform import scope, uploads
from eduplatform.api.completions import PHOTO_TYPES, CriterionOut, criteria_out, criteria_texts
from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import Keyset, fetch_page, page_list, page_of, parse_datetime
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import (
    ApiInput,
    ApiOutput,
    Hours,
    Id,
    PageQuery,
    PersonRef,
    Text,
    Translated,
    person_ref,
)
from eduplatform.db import get_session
from eduplatform.i18n import current_language
from eduplatform.ids import MAX_ID
from eduplatform.people.models import Role
from eduplatform.quality import service
from eduplatform.quality.models import QualitySample
from eduplatform.training.models import UnitCompletion

TAG = "Quality"


class SchoolBrief(ApiOutput):
    id: int
    name: str


class ActionOut(ApiOutput):
    id: int
    status: str = Field(description="open or answered.")
    due_on: date
    response: str | None
    answered_at: datetime | None


class QualityReviewOut(ApiOutput):
    id: int
    agrees: bool
    rating: int = Field(description="1 (not justified) to 4 (fully justified by the evidence).")
    feedback: str
    created_at: datetime
    action: ActionOut | None = Field(description="The teacher's action a disagreement opened.")


class DisputeOut(ApiOutput):
    reason: str = Field(
        description="The student's reason, without their name, NISN or email (at most 500)."
    )
    created_at: datetime


class SampleOut(ApiOutput):
    id: int
    pseudonym: str = Field(description="The student, under a name drawn for this sample only.")
    status: str = Field(description="ready (for sampling) or reviewed.")
    rule: str = Field(
        description="The plan's rule that set the rate: disputed, safety_critical, new_teacher, "
        "first_of_module or minimum. disputed: the student disputed this decision (then "
        "`dispute` is set and the rate is 100), or the teacher's decisions are sampled at the "
        "plan's rate after a dispute or a disagreement, until they are back in line."
    )
    rate: int = Field(description="The sampling rate applied, in percent.")
    draw: int = Field(
        description="The recorded draw in millionths: HMAC-SHA256 of the record under the plan's "
        "seed; the decision was sampled because draw < rate × 10,000."
    )
    school: SchoolBrief
    teacher: PersonRef | None
    module: str
    unit: str
    unit_title: Translated
    decision: str = Field(
        description="The teacher's decision: verified, or rejected (sent back to the student)."
    )
    verified_at: datetime = Field(description="When the teacher decided.")
    performed_on: date
    hours: Hours
    note: str = Field(description="What the student wrote, without their name or NISN.")
    evidence: str | None = Field(description="Where to fetch the evidence photo, if any.")
    criteria: list[CriterionOut] = Field(description="The criteria as the teacher ticked them.")
    teacher_feedback: str | None
    dispute: DisputeOut | None = Field(
        description="The student's dispute of the decision, if they disputed it."
    )
    review: QualityReviewOut | None


class SampleStatusFilter(StrEnum):
    READY = "ready"
    REVIEWED = "reviewed"


class SampleQuery(PageQuery):
    status: SampleStatusFilter = Field(default=SampleStatusFilter.READY)
    school: Id | None = Field(default=None, description="Only this school's decisions.")
    teacher: Id | None = Field(default=None, description="Only this teacher's decisions.")
    module: Id | None = Field(default=None, description="Only this module's decisions.")


class ReviewIn(ApiInput):
    agrees: bool = Field(description="Whether you agree with the teacher's decision.")
    rating: int = Field(description="1 to 4.")
    feedback: Text = Field(
        default="", description="For the teacher; required when you disagree (at most 2000)."
    )


class AnswerIn(ApiInput):
    response: Text = Field(description="What the teacher did after re-reviewing the unit.")


class TeacherActionOut(ActionOut):
    unit: str
    student: PersonRef
    review: QualityReviewOut


SamplePage = page_of(SampleOut)
TeacherActionPage = page_of(TeacherActionOut)


def _reviewer():
    user = caller()
    if not service.is_reviewer(get_session(), user):
        raise ApiProblem(403, _("Only a university's quality reviewers sample decisions."))
    return user


def _action_out(action, response=None):
    """The action; `response`: its answer as a reviewer reads it (without the student's name)."""
    if action is None:
        return None
    out = ActionOut.model_validate(action)
    return out.model_copy(update={"response": response}) if response is not None else out


def _review_out(review, action, response=None):
    if review is None:
        return None
    return QualityReviewOut(
        id=review.id, agrees=review.agrees, rating=review.rating, feedback=review.feedback,
        created_at=review.created_at, action=_action_out(action, response),
    )  # fmt: skip


def _sample_out(db, sample):
    detail = service.sample_detail(db, sample)
    lang = current_language()
    return SampleOut(
        id=sample.id,
        pseudonym=sample.pseudonym,
        status=sample.status,
        rule=sample.rule,
        rate=sample.rate,
        draw=sample.draw,
        school=SchoolBrief.model_validate(detail.school),
        teacher=person_ref(detail.teacher),
        module=detail.module.code,
        unit=detail.unit.code,
        unit_title=Translated.of(detail.unit.title, lang),
        decision=detail.decision,
        verified_at=sample.verified_at,
        performed_on=detail.performed_on,
        hours=detail.hours,
        note=detail.note,
        evidence=f"/api/v1/quality/samples/{sample.id}/evidence" if detail.has_photo else None,
        criteria=criteria_out(criteria_texts(detail.unit, lang), detail.ticks),
        teacher_feedback=detail.teacher_feedback,
        dispute=DisputeOut(reason=detail.dispute_reason, created_at=detail.dispute.created_at)
        if detail.dispute
        else None,
        review=_review_out(detail.review, detail.action, detail.action_response),
    )


def _load_sample(db, sample_id):
    found = service.sample_for_reviewer(db, caller(), sample_id)
    if found is None:
        raise ApiProblem(404)
    return found


def _filters(db, query):
    """The query's filters; an id naming nothing of the reviewer's university answers 404."""
    schools, teachers, modules = service.queue_filters(db, actor=caller())
    filters = {}
    for name, options in (("school", schools), ("teacher", teachers), ("module", modules)):
        value = getattr(query, name)
        if value is None:
            continue
        found = scope.chosen(
            value, {o.id: o for o in options}, source="query", name=name, kind=name
        )
        if found is None:
            raise ApiProblem(404)
        filters[f"{name}_id"] = found.id
    return filters


@api_route(
    "/quality/samples",
    summary="List sampled decisions",
    tag=TAG,
    roles=(Role.AUTHOR,),
    query=SampleQuery,
    response=SamplePage,
    paginated=True,
    not_found=True,
)
def list_samples(query):
    """For a university's quality reviewers: the decisions its plans sampled, ready for sampling
    (or reviewed), oldest decision first, by school, teacher or module (404 for a school,
    teacher or module that has no decision sampled by the university)."""
    _reviewer()
    db = get_session()
    rows_query = service.queue_query(db, actor=caller(), status=query.status, **_filters(db, query))
    keyset = Keyset(col(QualitySample.verified_at), col(QualitySample.id), parse=parse_datetime)
    rows, next_cursor = fetch_page(
        db, rows_query, keyset, query, key=lambda row: (row[0].verified_at, row[0].id)
    )
    return SamplePage(items=[_sample_out(db, row[0]) for row in rows], next=next_cursor)


@api_route(
    "/quality/samples/<int:sample_id>",
    summary="Read a sampled decision",
    tag=TAG,
    roles=(Role.AUTHOR,),
    response=SampleOut,
)
def get_sample(sample_id):
    """The unit, the evidence, the teacher's ticks and comment; the student's pseudonym."""
    _reviewer()
    db = get_session()
    return _sample_out(db, _load_sample(db, sample_id))


@api_route(
    "/quality/samples/<int:sample_id>/evidence",
    summary="Fetch a sample's evidence photo",
    tag=TAG,
    roles=(Role.AUTHOR,),
    media_type=PHOTO_TYPES,
)
def get_sample_evidence(sample_id):
    """The photo, named by the sample's pseudonym (404 when there is none)."""
    _reviewer()
    db = get_session()
    sample = _load_sample(db, sample_id)
    completion = db.get(UnitCompletion, sample.completion_id)
    if not completion.photo_name:
        raise ApiProblem(404)
    return uploads.send_stored(completion.photo_name, completion.photo_mime_type,
                               sample.pseudonym)  # fmt: skip


@api_route(
    "/quality/samples/<int:sample_id>/review",
    method="POST",
    summary="Review a sampled decision",
    tag=TAG,
    roles=(Role.AUTHOR,),
    body=ReviewIn,
    response=QualityReviewOut,
    status=201,
    conflict=True,
)
def review_sample(sample_id, body):
    """Agree or disagree with the teacher's decision, a rating from 1 to 4 and feedback (needed
    when you disagree: it opens an action for the teacher). The unit's state does not change.
    409 when the decision was reviewed already (of two at once, exactly one wins)."""
    _reviewer()
    db = get_session()
    sample = _load_sample(db, sample_id)
    review, action = service.submit_review(
        db, actor=caller(), sample=sample, agrees=body.agrees, rating=body.rating,
        feedback=body.feedback,
    )  # fmt: skip
    return _review_out(review, action)


def _teacher_action_out(row):
    return TeacherActionOut(
        id=row.action.id, status=row.action.status, due_on=row.action.due_on,
        response=row.action.response, answered_at=row.action.answered_at, unit=row.unit.code,
        student=person_ref(row.student), review=_review_out(row.review, None),
    )  # fmt: skip


@api_route(
    "/quality/actions",
    summary="List your actions from quality reviews",
    tag=TAG,
    roles=(Role.TEACHER,),
    query=PageQuery,
    response=TeacherActionPage,
    paginated=True,
)
def list_actions(query):
    """A teacher's actions, oldest first: each disagreement of a reviewer with one of their
    decisions, and those left to their school by a teacher who moved (any of its teachers may
    answer one; the one who does becomes its owner)."""
    rows = [row for row in service.teacher_samples(get_session(), actor=caller()) if row.action]
    found, next_cursor = page_list(rows, query, key=lambda row: (row.action.id, row.action.id))
    return TeacherActionPage(items=[_teacher_action_out(row) for row in found], next=next_cursor)


@api_route(
    "/quality/actions/<int:action_id>/answer",
    method="POST",
    summary="Answer an action",
    tag=TAG,
    roles=(Role.TEACHER,),
    body=AnswerIn,
    response=TeacherActionOut,
    conflict=True,
)
def answer_action(action_id, body):
    """Say what you did after re-reviewing the unit with the student. 404 for another teacher's
    action, 409 when it was answered already."""
    db = get_session()
    action = service.action_for_teacher(db, caller(), action_id) if action_id <= MAX_ID else None
    if action is None:
        raise ApiProblem(404)
    service.answer_action(db, actor=caller(), action=action, response=body.response)
    return _teacher_action_out(service.teacher_sample_of_action(db, actor=caller(), action=action))
