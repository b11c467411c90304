"""Second opinions: the reviewers' queue, what a reviewer sees of a sample, reviews, actions.

A reviewer sees the unit, the evidence and the teacher's decision, never who the student is: the
student is the sample's pseudonym, and their name, NISN and email are taken out of every text a
reviewer reads. The reviewer never changes the unit's state; a disagreement opens an action for
the teacher, who re-reviews the unit with the student and answers it.

Two reviewers may submit on one sample at the same moment: the review is a conditional UPDATE of
the sample (`WHERE status = 'ready'`) backed by the review's unique sample id; exactly one wins.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import and_, col, func, or_, select, update

from eduplatform.audit.service import record_event
from eduplatform.auth.access import in_scope, sees_school
from eduplatform.clock import local_today
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.errors import Conflict, Invalid
from eduplatform.notifications.models import Kind
from eduplatform.notifications.service import Pending, notify_after_commit
from eduplatform.people.models import Organization, User
from eduplatform.quality.disputes import dispute_reviewed
from eduplatform.quality.endorsements import evaluate_endorsement
from eduplatform.quality.models import (
    ActionStatus,
    QualityAction,
    QualityDispute,
    QualityReview,
    QualitySample,
    SampleStatus,
    SamplingPlan,
)
from eduplatform.quality.reviewers import reviewer_grant, teaches_for_school
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import UnitCompletion
from eduplatform.training.reviews import criteria_ticks

MAX_TEXT = 2000
REDACTED = "[…]"


@dataclass
class SampleRow:
    sample: QualitySample
    school: Organization
    teacher: User | None
    module: Module
    unit: Unit
    dispute_id: int | None = None  # the student disputed the decision


def _rows_query():
    return (
        select(QualitySample, Organization, User, Module, Unit, QualityDispute.id)
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .join(Organization, col(Organization.id) == QualitySample.school_id)
        .join(User, col(User.id) == QualitySample.teacher_id, isouter=True)
        .join(Module, col(Module.id) == QualitySample.module_id)
        .join(UnitCompletion, col(UnitCompletion.id) == QualitySample.completion_id)
        .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
        .join(QualityDispute, col(QualityDispute.sample_id) == QualitySample.id, isouter=True)
    )


def queue_query(
    session, *, actor, status=SampleStatus.READY, school_id=None, teacher_id=None, module_id=None
):
    """The query of the reviewer's samples in `status` (rows of SampleRow's parts), or None."""
    grant = reviewer_grant(session, actor)
    if grant is None:
        return None
    query = _rows_query().where(
        SamplingPlan.university_id == grant.university_id, QualitySample.status == status
    )
    if school_id:
        query = query.where(QualitySample.school_id == school_id)
    if teacher_id:
        query = query.where(QualitySample.teacher_id == teacher_id)
    if module_id:
        query = query.where(QualitySample.module_id == module_id)
    return query


def reviewer_queue(session, *, actor, page=1, per_page=50, **filters):
    """The samples of the reviewer's university in `status`, oldest decision first."""
    query = queue_query(session, actor=actor, **filters)
    if query is None:
        return [], 0
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(QualitySample.verified_at, QualitySample.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [SampleRow(*row) for row in rows], total


def queue_filters(session, *, actor):
    """(schools, teachers, modules) that have samples of the reviewer's university."""
    grant = reviewer_grant(session, actor)
    if grant is None:
        return [], [], []
    ids = select(QualitySample).join(SamplingPlan).where(
        SamplingPlan.university_id == grant.university_id,
        QualitySample.status != SampleStatus.NOT_SELECTED,
    ).subquery()  # fmt: skip
    schools = session.exec(
        select(Organization)
        .where(col(Organization.id).in_(select(ids.c.school_id)))
        .order_by(Organization.name)
    ).all()
    teachers = session.exec(
        select(User).where(col(User.id).in_(select(ids.c.teacher_id))).order_by(User.full_name)
    ).all()
    modules = session.exec(
        select(Module).where(col(Module.id).in_(select(ids.c.module_id))).order_by(Module.code)
    ).all()
    return schools, teachers, modules


def sample_for_reviewer(session, actor, sample_id):
    """A selected sample of the reviewer's university, or None (the caller answers 404)."""
    grant = reviewer_grant(session, actor)
    if grant is None:
        return None
    sample = session.get(QualitySample, sample_id)
    if sample is None or sample.status == SampleStatus.NOT_SELECTED:
        return None
    plan = session.get(SamplingPlan, sample.plan_id)
    return sample if plan.university_id == grant.university_id else None


def redact(text, student):
    """The text without the student's name (each word of it), NISN or email."""
    if not text:
        return text
    for secret in (student.full_name, student.nisn, student.email):
        if secret:
            text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    for word in re.split(r"\s+", student.full_name or ""):
        if len(word) >= 2:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


@dataclass
class SampleDetail:
    """What a reviewer reads of one sample: no student identity, only the pseudonym."""

    sample: QualitySample
    plan: SamplingPlan
    school: Organization
    teacher: User | None
    module: Module
    version: ModuleVersion
    unit: Unit
    performed_on: object
    hours: object
    note: str
    has_photo: bool
    ticks: dict
    teacher_feedback: str | None
    override: str | None
    review: QualityReview | None
    action: QualityAction | None
    decision: str  # the teacher's: verified, or rejected (sent back)
    dispute: QualityDispute | None  # the student's dispute of the decision
    dispute_reason: str | None  # its reason, without the student's name, NISN or email
    # The teacher's answer to the action, likewise (a teacher may name the student in it).
    action_response: str | None = None


def sample_detail(session, sample):
    completion = session.get(UnitCompletion, sample.completion_id)
    student = session.get(User, completion.student_id)
    unit = session.get(Unit, completion.unit_id)
    review = session.exec(select(QualityReview).where(QualityReview.sample_id == sample.id)).first()
    action = None
    if review is not None:
        action = session.exec(
            select(QualityAction).where(QualityAction.review_id == review.id)
        ).first()
    dispute = session.exec(
        select(QualityDispute).where(QualityDispute.sample_id == sample.id)
    ).first()
    return SampleDetail(
        sample=sample,
        plan=session.get(SamplingPlan, sample.plan_id),
        school=session.get(Organization, sample.school_id),
        teacher=session.get(User, sample.teacher_id) if sample.teacher_id else None,
        module=session.get(Module, sample.module_id),
        version=session.get(ModuleVersion, unit.version_id),
        unit=unit,
        performed_on=completion.performed_on,
        hours=completion.hours,
        note=redact(completion.note, student),
        has_photo=bool(completion.photo_name),
        ticks=criteria_ticks(session, [completion.id]).get(completion.id, {}),
        teacher_feedback=redact(completion.feedback, student),
        override=redact(completion.criteria_override, student),
        review=review,
        action=action,
        decision=completion.status,
        dispute=dispute,
        dispute_reason=redact(dispute.reason, student) if dispute else None,
        action_response=redact(action.response, student) if action else None,
    )


def _clean_review(agrees, rating, feedback):
    errors = []
    if agrees not in (True, False):
        errors.append(
            {"field": "agrees", "message": _l("Say whether you agree with the decision.")}
        )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = None
    if rating is None or not 1 <= rating <= 4:
        errors.append({"field": "rating", "message": _l("Choose a rating from 1 to 4.")})
    feedback = (feedback or "").strip()
    if agrees is False and not feedback:
        errors.append(
            {"field": "feedback", "message": _l("Explain to the teacher why you disagree.")}
        )
    if len(feedback) > MAX_TEXT:
        errors.append({"field": "feedback", "message": _l("Use at most 2000 characters.")})
    if errors:
        raise Invalid(errors)
    return rating, feedback


def _lock_plan(session, plan_id):
    # Serialises reviews and answers under one plan (PostgreSQL; SQLite's write lock already
    # does), so that two of them cannot both decide the same endorsement.
    session.exec(
        select(SamplingPlan.id).where(SamplingPlan.id == plan_id).with_for_update()
    ).first()


def submit_review(session, *, actor, sample, agrees, rating, feedback):
    """Record a reviewer's opinion of a sample; a disagreement opens an action for the teacher."""
    rating, feedback = _clean_review(agrees, rating, feedback)
    if sample_for_reviewer(session, actor, sample.id) is None:
        raise Invalid.field(None, _l("Only a quality reviewer of this university can review it."))
    if sample.teacher_id == actor.id or teaches_for_school(session, actor, sample.school_id):
        raise Invalid.field(None, _l("You cannot review decisions of a school you teach at."))
    plan = session.get(SamplingPlan, sample.plan_id)
    _lock_plan(session, plan.id)
    result = session.exec(
        update(QualitySample)
        .where(col(QualitySample.id) == sample.id, col(QualitySample.status) == SampleStatus.READY)
        .values(status=SampleStatus.REVIEWED)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("This decision has already been reviewed."))
    review = QualityReview(
        sample_id=sample.id, reviewer_id=actor.id, agrees=agrees, rating=rating, feedback=feedback
    )
    session.add(review)
    session.flush()
    details = {"sample": sample.pseudonym, "agrees": agrees, "rating": rating}
    record_event(session, actor=actor, action="quality.reviewed", target=review, details=details)
    action = None
    if not agrees and sample.teacher_id is not None:
        action = QualityAction(
            review_id=review.id,
            owner_id=sample.teacher_id,
            due_on=local_today() + timedelta(days=plan.action_days),
        )
        session.add(action)
        session.flush()
        record_event(session, actor=actor, action="quality.action_opened", target=action,
                     details={"sample": sample.pseudonym, "teacher_id": sample.teacher_id,
                              "action_days": plan.action_days})  # fmt: skip
        notify_after_commit(
            session,
            Pending(user_id=sample.teacher_id, kind=Kind.ACTION_OPENED,
                    completion_id=sample.completion_id,
                    details={"action_id": action.id, "due_on": action.due_on.isoformat()}),
        )  # fmt: skip
    evaluate_endorsement(session, actor=actor, plan=plan, school_id=sample.school_id,
                         module_id=sample.module_id)  # fmt: skip
    dispute_reviewed(session, sample, review)
    session.commit()
    return review, action


def _action_school(session, action):
    return session.exec(
        select(QualitySample.school_id)
        .join(QualityReview, col(QualityReview.sample_id) == QualitySample.id)
        .where(QualityReview.id == action.review_id)
    ).first()


def action_for_teacher(session, actor, action_id):
    """An action the teacher answers, about a decision at one of their schools, or None (the
    caller answers 404): their own, or one left to the school by a teacher who moved. A teacher
    who moved to another school no longer sees the old one's students."""
    action = session.get(QualityAction, action_id)
    if action is None or action.owner_id not in (actor.id, None):
        return None
    return action if sees_school(actor, _action_school(session, action)) else None


def answer_action(session, *, actor, action, response):
    """The teacher's answer to a disagreement (once)."""
    response = (response or "").strip()
    if not response:
        raise Invalid.field("response", _l("Write what you did after re-reviewing the unit."))
    if len(response) > MAX_TEXT:
        raise Invalid.field("response", _l("Use at most 2000 characters."))
    review = session.get(QualityReview, action.review_id)
    sample = session.get(QualitySample, review.sample_id)
    left_to_school = action.owner_id is None and teaches_for_school(
        session, actor, sample.school_id
    )
    if action.owner_id != actor.id and not left_to_school:
        raise Invalid.field(None, _l("Only the teacher who owns the action can answer it."))
    plan = session.get(SamplingPlan, sample.plan_id)
    _lock_plan(session, plan.id)
    # The teacher who answers an action left to the school becomes its owner.
    result = session.exec(
        update(QualityAction)
        .where(col(QualityAction.id) == action.id, col(QualityAction.status) == ActionStatus.OPEN)
        .values(
            status=ActionStatus.ANSWERED,
            response=response,
            answered_at=utcnow(),
            owner_id=actor.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("This action has already been answered."))
    record_event(session, actor=actor, action="quality.action_answered", target=action,
                 details={"sample": sample.pseudonym})  # fmt: skip
    if review.reviewer_id is not None:
        # The reviewer hears of it by the sample's pseudonym: never the student's name.
        notify_after_commit(
            session,
            Pending(user_id=review.reviewer_id, kind=Kind.ACTION_ANSWERED,
                    details={"sample_id": sample.id, "pseudonym": sample.pseudonym}),
        )  # fmt: skip
    evaluate_endorsement(session, actor=actor, plan=plan, school_id=sample.school_id,
                         module_id=sample.module_id)  # fmt: skip
    session.commit()
    session.refresh(action)
    return action


@dataclass
class TeacherSample:
    sample: QualitySample
    module: Module
    unit: Unit
    completion: UnitCompletion
    student: User
    review: QualityReview | None
    action: QualityAction | None
    dispute: QualityDispute | None = None  # the student's dispute of the decision


def teacher_samples(session, *, actor):
    """The teacher's own sampled decisions, newest first, with reviews and actions, and those
    whose action the teacher answers for the school (left by a teacher who moved, or answered)."""
    rows = session.exec(
        select(
            QualitySample,
            Module,
            Unit,
            UnitCompletion,
            User,
            QualityReview,
            QualityAction,
            QualityDispute,
        )
        .join(Module, col(Module.id) == QualitySample.module_id)
        .join(UnitCompletion, col(UnitCompletion.id) == QualitySample.completion_id)
        .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
        .join(User, col(User.id) == UnitCompletion.student_id)
        .join(QualityReview, col(QualityReview.sample_id) == QualitySample.id, isouter=True)
        .join(QualityAction, col(QualityAction.review_id) == QualityReview.id, isouter=True)
        .join(QualityDispute, col(QualityDispute.sample_id) == QualitySample.id, isouter=True)
        .where(
            or_(
                QualitySample.teacher_id == actor.id,
                QualityAction.owner_id == actor.id,
                and_(
                    col(QualityAction.owner_id).is_(None),
                    QualityAction.status == ActionStatus.OPEN,
                ),
            ),
            QualitySample.status != SampleStatus.NOT_SELECTED,
            # Decisions made at a school the teacher has since left stay with that school.
            in_scope(actor, QualitySample.school_id),
        )
        .order_by(col(QualitySample.verified_at).desc(), col(QualitySample.id).desc())
    ).all()
    return [TeacherSample(*row) for row in rows]


@dataclass(frozen=True)
class LeftAction:
    """An open action of a teacher about a decision at a school they leave, as the change of
    their school names it."""

    id: int
    action: QualityAction
    unit: Unit
    student: User


def open_actions_at(session, teacher, school_ids_):
    """The teacher's open actions about decisions at these schools."""
    if not school_ids_:
        return []
    rows = session.exec(
        select(QualityAction, Unit, User)
        .join(QualityReview, col(QualityReview.id) == QualityAction.review_id)
        .join(QualitySample, col(QualitySample.id) == QualityReview.sample_id)
        .join(UnitCompletion, col(UnitCompletion.id) == QualitySample.completion_id)
        .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
        .join(User, col(User.id) == UnitCompletion.student_id)
        .where(
            QualityAction.owner_id == teacher.id,
            QualityAction.status == ActionStatus.OPEN,
            col(QualitySample.school_id).in_(sorted(school_ids_)),
        )
        .order_by(col(QualityAction.due_on), col(QualityAction.id))
    ).all()
    return [LeftAction(action.id, action, unit, student) for action, unit, student in rows]


def leave_actions(session, actor, teacher, items):
    """The actions pass to the school's teachers (no commit): any of them may answer, and an
    answer still lets the school's endorsement of the module be granted."""
    for item in items:
        action = session.get(QualityAction, item.id)
        if action is not None and action.owner_id == teacher.id:
            action.owner_id = None
            session.add(action)


def register_departure():
    """A teacher's open actions at the schools they leave are among what the change names."""
    from eduplatform.people.placement import TEACHER_DEPARTURES, Departure

    TEACHER_DEPARTURES["quality_actions"] = Departure(
        find=open_actions_at, end=leave_actions, template="quality/_teacher_leaves.html"
    )
