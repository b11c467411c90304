"""The quality area's rules in one place for its pages, its API and its commands."""

from eduplatform.credentials.service import sign_document, sign_jwt
from eduplatform.curriculum.models import Module, Unit
from eduplatform.people.models import User
from eduplatform.quality import sampling  # noqa: F401 - connects the draw to verifications
from eduplatform.quality.credentials import certificate_endorsement, endorsement_document
from eduplatform.quality.disputes import (
    MAX_REASON,
    DisputeState,
    disputable,
    dispute_of,
    dispute_panel,
    is_own_decision,
    open_dispute,
)
from eduplatform.quality.endorsements import Agreement, active_endorsement, agreement
from eduplatform.quality.models import QualityReview, QualitySample
from eduplatform.quality.plans import (
    PLAN_FIELDS,
    clean_plan,
    create_plan,
    plan_university,
    plans_of,
    update_plan,
)
from eduplatform.quality.reviewers import (
    StaffMember,
    active_reviewers,
    find_university,
    grant_reviewer,
    is_reviewer,
    reviewer_grant,
    reviewers_of,
    revoke_reviewer,
    staff_member,
    staff_of,
    universities,
    waiting_samples,
)
from eduplatform.quality.reviews import (
    SampleRow,
    TeacherSample,
    action_for_teacher,
    answer_action,
    queue_filters,
    queue_query,
    redact,
    reviewer_queue,
    sample_detail,
    sample_for_reviewer,
    submit_review,
    teacher_samples,
)
from eduplatform.quality.sampling import decide, draw_for, is_selected, plan_for, record_draw
from eduplatform.training.certificates import find_certificate
from eduplatform.training.models import UnitCompletion

__all__ = [
    "MAX_REASON",
    "PLAN_FIELDS",
    "DisputeState",
    "dispute_of",
    "dispute_panel",
    "disputable",
    "is_own_decision",
    "open_dispute",
    "Agreement",
    "TeacherSample",
    "action_for_teacher",
    "active_endorsement",
    "agreement",
    "answer_action",
    "certificate_endorsement",
    "clean_plan",
    "create_plan",
    "decide",
    "draw_for",
    "endorsement_document",
    "find_certificate",
    "grant_reviewer",
    "is_reviewer",
    "is_selected",
    "plan_for",
    "plan_university",
    "plans_of",
    "SampleRow",
    "StaffMember",
    "active_reviewers",
    "find_university",
    "revoke_reviewer",
    "staff_member",
    "staff_of",
    "universities",
    "waiting_samples",
    "queue_filters",
    "queue_query",
    "record_draw",
    "redact",
    "reviewer_grant",
    "reviewer_queue",
    "reviewers_of",
    "sample_detail",
    "sample_for_reviewer",
    "sign_document",
    "sign_jwt",
    "submit_review",
    "teacher_sample_of_action",
    "teacher_samples",
    "update_plan",
]


def teacher_sample_of_action(session, *, actor, action):
    """The teacher's sampled decision that an action is about (with the review)."""
    review = session.get(QualityReview, action.review_id)
    sample = session.get(QualitySample, review.sample_id)
    completion = session.get(UnitCompletion, sample.completion_id)
    unit = session.get(Unit, completion.unit_id)
    found = dispute_of(session, completion.id)
    return TeacherSample(
        sample=sample,
        module=session.get(Module, sample.module_id),
        unit=unit,
        completion=completion,
        student=session.get(User, completion.student_id),
        review=review,
        action=action,
        dispute=found.dispute if found else None,
    )
