"""Endorsements: a school's certificates of a module carry the university's endorsement once the
school's reviewed decisions for that module meet the plan.

Meeting the plan: at least `minimum_reviews` decisions reviewed, agreement (reviews that agree,
over reviews) at or above `agreement_threshold`, and no action left open. Certificates are never
held back: an endorsement is added to those already issued, and withdrawn (kept, dated) if the
school falls below the plan again; its credentials' revocation bit is then set (see
endorsement_status).
"""

from dataclasses import dataclass

from sqlalchemy import case
from sqlmodel import col, func, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module
from eduplatform.quality import endorsement_status
from eduplatform.quality.models import (
    ActionStatus,
    QualityAction,
    QualityEndorsement,
    QualityReview,
    QualitySample,
    SamplingPlan,
)
from eduplatform.sqltypes import utcnow


@dataclass
class Agreement:
    reviewed: int
    agreed: int
    open_actions: int

    @property
    def rate(self):
        """Agreed reviews as a whole percentage of reviews, or None before any review."""
        return round(100 * self.agreed / self.reviewed) if self.reviewed else None

    def meets(self, plan):
        return (
            self.reviewed >= plan.minimum_reviews
            and self.agreed * 100 >= plan.agreement_threshold * self.reviewed
            and self.open_actions == 0
        )


def agreement(session, *, university_id, school_id, module_id):
    """Reviewed and agreed decisions of a school on a module, under the university's plans."""
    reviewed, agreed = session.exec(
        select(
            func.count(QualityReview.id), func.sum(case((col(QualityReview.agrees), 1), else_=0))
        )
        .join(QualitySample, col(QualitySample.id) == QualityReview.sample_id)
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .where(
            SamplingPlan.university_id == university_id,
            QualitySample.school_id == school_id,
            QualitySample.module_id == module_id,
        )
    ).one()
    open_actions = session.exec(
        select(func.count(QualityAction.id))
        .join(QualityReview, col(QualityReview.id) == QualityAction.review_id)
        .join(QualitySample, col(QualitySample.id) == QualityReview.sample_id)
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .where(
            SamplingPlan.university_id == university_id,
            QualitySample.school_id == school_id,
            QualitySample.module_id == module_id,
            QualityAction.status == ActionStatus.OPEN,
        )
    ).one()
    return Agreement(reviewed=reviewed or 0, agreed=int(agreed or 0), open_actions=open_actions)


def evaluate_endorsement(session, *, actor, plan, school_id, module_id):
    """Grant, renew or withdraw the endorsement of a school's module (inside the caller's
    transaction, which holds the plan's lock)."""
    found = agreement(
        session, university_id=plan.university_id, school_id=school_id, module_id=module_id
    )
    endorsement = session.exec(
        select(QualityEndorsement).where(
            QualityEndorsement.university_id == plan.university_id,
            QualityEndorsement.school_id == school_id,
            QualityEndorsement.module_id == module_id,
        )
    ).first()
    meets = found.meets(plan)
    module = session.get(Module, module_id)
    details = {"organization_id": school_id, "module": module.code,
               "reviewed": found.reviewed, "agreed": found.agreed}  # fmt: skip
    if meets and (endorsement is None or not endorsement.active):
        if endorsement is None:
            endorsement = QualityEndorsement(
                university_id=plan.university_id, school_id=school_id, module_id=module_id,
                reviewed=found.reviewed, agreed=found.agreed,
            )  # fmt: skip
        endorsement.endorsed_at, endorsement.withdrawn_at = utcnow(), None
        endorsement.plan_id = plan.id
        action = "quality.endorsed"
    elif not meets and endorsement is not None and endorsement.active:
        endorsement.withdrawn_at = utcnow()
        action = "quality.endorsement_withdrawn"
    else:
        action = None
    if endorsement is not None:
        endorsement.reviewed, endorsement.agreed = found.reviewed, found.agreed
        session.add(endorsement)
        session.flush()
    # A granting is a new credential with its own revocation bit; a withdrawal sets that bit.
    if action == "quality.endorsed":
        endorsement_status.open_entry(session, endorsement)
    elif action == "quality.endorsement_withdrawn":
        endorsement_status.close_entry(session, endorsement)
    if action:
        # The university's plan grants or withdraws it, not the person whose review or answer
        # it followed: the event has no actor of its own and names that person instead.
        if actor is not None:
            details["triggered_by_id"] = actor.id
        record_event(session, actor=None, action=action, target=endorsement, details=details)
    return endorsement


def active_endorsement(session, *, university_id, school_id, module_id):
    return session.exec(
        select(QualityEndorsement).where(
            QualityEndorsement.university_id == university_id,
            QualityEndorsement.school_id == school_id,
            QualityEndorsement.module_id == module_id,
            col(QualityEndorsement.withdrawn_at).is_(None),
        )
    ).first()
