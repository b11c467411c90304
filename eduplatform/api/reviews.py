"""Teachers verify or reject logged units: the same review rules as the verification queue."""

from datetime import datetime

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


class ApproveIn(ApiInput):
    feedback: Text | None = None


class RejectIn(ApiInput):
    feedback: Text = Field(description="What to improve; required.")


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
    """Verify the record (feedback optional). When it was the module's last unit, the answer
    names the certificate it issued. 409 when someone reviewed it already."""
    return _review(
        completion_id,
        lambda db, completion: training.approve_completion(
            db, actor=caller(), completion=completion, feedback=body.feedback
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
            db, actor=caller(), completion=completion, feedback=body.feedback
        ),
    )
