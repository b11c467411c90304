"""Students dispute a teacher's decision: a second opinion from the university's reviewers.

A student may dispute a decision that sent one of their records back (a unit "not yet"), within
the plan's `dispute_days` of it, once, with a short reason. A verified decision cannot be
disputed: it gives the student the unit (and its certificate), the plan already draws it for
sampling, and a "dispute" of it would only rewrite that recorded draw.

The dispute makes the decision a sample of its own, ready for the reviewers at 100% whatever
the plan's draw says (rule "disputed", recorded with the draw), and counts for the plan's rule on
the teacher's later decisions like a disagreement (sampling.out_of_line). The reviewer reads the
reason under the sample's pseudonym, stripped of the student's name, NISN and email; the teacher
is notified, and the student hears of the reviewer's opinion.

Two tabs sending at once: the unique completion ids of the sample and the dispute let one in;
the other is a Conflict, and nothing of it is written.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.errors import Conflict, Invalid
from eduplatform.notifications.models import Kind
from eduplatform.notifications.service import Pending, notify_after_commit
from eduplatform.people.models import Cohort
from eduplatform.quality.models import (
    QualityDispute,
    QualityReview,
    QualitySample,
    SampleRule,
    SampleStatus,
)
from eduplatform.quality.sampling import draw_for, new_pseudonym, plan_for
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.signals import completion_panels

MAX_REASON = 500
DISPUTED_RATE = 100  # the disputed decision itself, whatever the plan's rates
ALREADY = _l("You have already disputed this decision.")


class DisputeState:
    OPEN = "open"
    UPHELD = "upheld"  # the reviewer disagreed with the teacher's decision
    NOT_UPHELD = "not_upheld"  # the reviewer agreed with it


@dataclass
class DisputeView:
    """A dispute as its student (and the teacher) read it: its state and the reviewer's answer."""

    dispute: QualityDispute
    sample: QualitySample
    review: QualityReview | None

    @property
    def state(self):
        if self.review is None:
            return DisputeState.OPEN
        return DisputeState.NOT_UPHELD if self.review.agrees else DisputeState.UPHELD


@dataclass
class Disputable:
    """Whether a record's decision can be disputed now: the plan, the deadline, or why not."""

    plan: object
    deadline: object  # the last moment (UTC) to dispute, None without a plan
    refusal: str | None  # why not, in words for the student; None when it can be

    @property
    def allowed(self):
        return self.refusal is None


def is_own_decision(actor, completion):
    """A decision the student may see on the dispute pages: their own record, sent back."""
    return (
        completion is not None
        and completion.student_id == getattr(actor, "id", None)
        and completion.status == CompletionStatus.REJECTED
    )


def _module_of(session, completion):
    unit = session.get(Unit, completion.unit_id)
    version = session.get(ModuleVersion, unit.version_id)
    return unit, session.get(Module, version.module_id)


def disputable(session, completion, now=None):
    """Whether the record's decision can be disputed now (a dispute already made aside)."""
    _unit, module = _module_of(session, completion)
    plan = plan_for(session, module, completion.reviewed_at)
    if plan is None:
        refusal = _l(
            "No partner university reviews the decisions on this unit, so it cannot be disputed "
            "here. Talk to your teacher."
        )
        return Disputable(plan=None, deadline=None, refusal=refusal)
    deadline = completion.reviewed_at + timedelta(days=plan.dispute_days)
    refusal = None
    if (now or utcnow()) > deadline:
        refusal = _l(
            "A decision can be disputed within %(days)d days; the time for this one has passed.",
            days=plan.dispute_days,
        )
    return Disputable(plan=plan, deadline=deadline, refusal=refusal)


def _clean_reason(reason):
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid.field("reason", _l("Say why you think the decision is wrong."))
    if len(reason) > MAX_REASON:
        raise Invalid.field("reason", _l("Use at most 500 characters."))
    return reason


def dispute_of(session, completion_id):
    """The dispute of a record's decision with its sample and review, or None."""
    row = session.exec(
        select(QualityDispute, QualitySample, QualityReview)
        .join(QualitySample, QualitySample.id == QualityDispute.sample_id)
        .join(QualityReview, QualityReview.sample_id == QualitySample.id, isouter=True)
        .where(QualityDispute.completion_id == completion_id)
    ).first()
    return DisputeView(*row) if row else None


def open_dispute(session, *, actor, completion, reason, now=None):
    """The student disputes the decision on their record: it goes to the reviewers at 100%."""
    reason = _clean_reason(reason)
    if not is_own_decision(actor, completion):
        raise Invalid.field(
            None, _l("You can dispute only a decision that sent your own work back.")
        )
    if dispute_of(session, completion.id) is not None:
        raise Conflict(ALREADY)
    found = disputable(session, completion, now)
    if not found.allowed:
        raise Invalid.field(None, found.refusal)
    unit, module = _module_of(session, completion)
    plan = found.plan
    sample = QualitySample(
        plan_id=plan.id,
        completion_id=completion.id,
        teacher_id=completion.reviewer_id,
        school_id=session.get(Cohort, completion.cohort_id).school_id,
        module_id=module.id,
        verified_at=completion.reviewed_at,  # the moment of the decision
        rule=SampleRule.DISPUTED,
        rate=DISPUTED_RATE,
        draw=draw_for(plan.seed, completion.id),
        status=SampleStatus.READY,
        pseudonym=new_pseudonym(),
    )
    try:
        session.add(sample)
        session.flush()
        dispute = QualityDispute(
            completion_id=completion.id, sample_id=sample.id, student_id=actor.id, reason=reason
        )
        session.add(dispute)
        session.flush()
    except IntegrityError:
        session.rollback()  # the other tab's dispute was first
        raise Conflict(ALREADY) from None
    record_event(
        session, actor=actor, action="quality.disputed", target=dispute,
        details={"unit": unit.code, "sample": sample.pseudonym, "rule": sample.rule,
                 "rate": sample.rate, "draw": sample.draw, "teacher_id": sample.teacher_id,
                 "reason": reason},
    )  # fmt: skip
    if sample.teacher_id is not None:
        notify_after_commit(
            session,
            Pending(user_id=sample.teacher_id, kind=Kind.COMPLETION_DISPUTED,
                    completion_id=completion.id, details={"sample_id": sample.id}),
        )  # fmt: skip
    session.commit()
    return dispute


def dispute_reviewed(session, sample, review):
    """Tell the student who disputed the sample's decision the reviewer's opinion (inside the
    review's transaction; nothing when the sample was not disputed)."""
    dispute = session.exec(
        select(QualityDispute).where(QualityDispute.sample_id == sample.id)
    ).first()
    if dispute is None:
        return None
    notify_after_commit(
        session,
        Pending(user_id=dispute.student_id, kind=Kind.DISPUTE_REVIEWED,
                completion_id=dispute.completion_id, details={"upheld": not review.agrees}),
    )  # fmt: skip
    return dispute


@dataclass
class DisputePanel:
    """What a student's own record page shows of disputing its decision (training's pages
    include `template`; training imports nothing of quality)."""

    completion: UnitCompletion
    found: DisputeView | None
    disputable: Disputable
    template: str = "quality/_dispute_panel.html"


def dispute_panel(session, user, completion):
    """The panel for the student's own record sent back, or None (nothing to show)."""
    if not is_own_decision(user, completion):
        return None
    found = dispute_of(session, completion.id)
    can = disputable(session, completion)
    if found is None and can.plan is None:
        return None  # no reviewer to ask: nothing to offer
    return DisputePanel(completion=completion, found=found, disputable=can)


@completion_panels.connect
def _dispute_panel(completion, *, session, user, **_):
    return dispute_panel(session, user, completion)
