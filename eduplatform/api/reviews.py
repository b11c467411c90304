"""Teachers verify or reject logged units: the same review rules as the verification queue."""

from datetime import datetime
from typing import Annotated

from flask_babel import gettext as _
from pydantic import Field

from eduplatform.api.completions import TAG, CompletionOut, describe, load_completion
from eduplatform.api.framework import api_route, caller
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import ApiInput, ApiOutput, Text
from eduplatform.db import get_session
from eduplatform.people.models import Role
from eduplatform.training import service as training

REVIEWERS = (Role.TEACHER, Role.ADMIN)


class CertificateBrief(ApiOutput):
    code: str
    issued_at: datetime


class ReviewOut(ApiOutput):
    completion: CompletionOut
    certificate: CertificateBrief | None = Field(
        description="The certificate this verification completed, if it completed a module."
    )


CriterionNumbers = list[Annotated[int, Field(ge=1, le=1000)]]


class ApproveIn(ApiInput):
    feedback: Text | None = None
    criteria_met: CriterionNumbers = Field(
        default_factory=list,
        description="The numbers of the unit's assessment criteria the work meets (see the "
        "record's `criteria`). Verifying needs every one of them, or an `override_reason`.",
    )
    override_reason: Text | None = Field(
        default=None,
        description="Why the work is verified although a criterion is not ticked "
        "(at most 500 characters); required then, ignored otherwise.",
    )


class RejectIn(ApiInput):
    feedback: Text = Field(description="What to improve; required.")
    criteria_met: CriterionNumbers = Field(
        default_factory=list,
        description="The criteria the work already meets (optional): the student sees the rest.",
    )


def _review(completion_id, decide):
    db = get_session()
    completion = load_completion(db, completion_id)
    if not training.can_review(db, caller(), completion):
        raise ApiProblem(403, _("Only teachers of the student's school review this record."))
    certificate = decide(db, completion)
    return ReviewOut(
        completion=describe(db, completion),
        certificate=CertificateBrief.model_validate(certificate) if certificate else None,
    )


@api_route(
    "/completions/<int:completion_id>/approve",
    method="POST",
    summary="Verify a logged unit",
    tag=TAG,
    roles=REVIEWERS,
    body=ApproveIn,
    body_optional=True,
    response=ReviewOut,
    conflict=True,
)
def approve_completion(completion_id, body):
    """Verify the record: tick every assessment criterion in `criteria_met`, or give an
    `override_reason` (422 otherwise; feedback optional). When it was the module's last unit,
    the answer names the certificate it issued. 409 when someone reviewed it already."""
    return _review(
        completion_id,
        lambda db, completion: training.approve_completion(
            db,
            actor=caller(),
            completion=completion,
            feedback=body.feedback,
            criteria_met=body.criteria_met,
            override_reason=body.override_reason,
        ),
    )


@api_route(
    "/completions/<int:completion_id>/reject",
    method="POST",
    summary="Send a logged unit back",
    tag=TAG,
    roles=REVIEWERS,
    body=RejectIn,
    response=ReviewOut,
    conflict=True,
)
def reject_completion(completion_id, body):
    """Reject the record with feedback; the student may log the unit again. 409 when someone
    reviewed it already."""
    return _review(
        completion_id,
        lambda db, completion: training.reject_completion(
            db,
            actor=caller(),
            completion=completion,
            feedback=body.feedback,
            criteria_met=body.criteria_met,
        ),
    )
