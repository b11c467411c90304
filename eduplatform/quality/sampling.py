"""Selection: when a teacher verifies a unit, the plan of its programme and term draws whether the
decision is sampled.

The draw is HMAC-SHA256 keyed by the plan's seed over the record's id, scaled to millionths:
the same plan and record always give the same draw, and it is stored with the rate and the rule
that applied, so anyone holding the plan can recompute why a decision was (or was not) sampled.
A decision takes the highest rate among the rules that apply to it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC

from sqlmodel import col, func, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.dashboard.periods import month_key, term_of
from eduplatform.people.models import Cohort, SchoolMembership
from eduplatform.quality.models import (
    DRAW_SCALE,
    QualityDispute,
    QualityReview,
    QualitySample,
    SampleRule,
    SampleStatus,
    SamplingPlan,
)
from eduplatform.training.models import CompletionStatus, UnitCompletion
from eduplatform.training.signals import completion_reviewed

PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PSEUDONYM_LENGTH = 6
# When two rules give the same rate, the first named here is recorded.
RULE_ORDER = (
    SampleRule.DISPUTED,
    SampleRule.SAFETY_CRITICAL,
    SampleRule.NEW_TEACHER,
    SampleRule.FIRST_OF_MODULE,
    SampleRule.MINIMUM,
)


def draw_for(seed, completion_id):
    """The plan's draw for a record: an integer in [0, 1,000,000), the same every time."""
    digest = hmac.new(seed.encode(), f"completion:{completion_id}".encode(), hashlib.sha256)
    return (int.from_bytes(digest.digest()[:8], "big") * DRAW_SCALE) >> 64


def is_selected(draw, rate):
    return draw < rate * (DRAW_SCALE // 100)


def new_pseudonym():
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(PSEUDONYM_LENGTH))


def term_of_moment(moment):
    """("2025/2026", 1) of a UTC moment, as the schools' calendar has it."""
    return term_of(month_key(moment))


def plan_for(session, module, moment):
    """The plan that covers a decision on this module at this moment, or None."""
    if module.owner_id is None:
        return None
    academic_year, term = term_of_moment(moment)
    return session.exec(
        select(SamplingPlan).where(
            SamplingPlan.university_id == module.owner_id,
            SamplingPlan.program_id == module.program_id,
            SamplingPlan.academic_year == academic_year,
            SamplingPlan.term == term,
        )
    ).first()


@dataclass
class Decision:
    """What the plan says of one verification: the rule, its rate, the draw and the outcome."""

    rule: str
    rate: int
    draw: int

    @property
    def selected(self):
        return is_selected(self.draw, self.rate)


def _first_term(session, plan, teacher_id):
    """True when the teacher joined their first school in this plan's term (or later)."""
    since = session.exec(
        select(func.min(SchoolMembership.since)).where(SchoolMembership.user_id == teacher_id)
    ).one()
    if since is None:
        return True
    return term_of(since.strftime("%Y-%m")) >= (plan.academic_year, plan.term)


def _verified_before(session, teacher_id, completion):
    """How many units the teacher verified before this decision."""
    return session.exec(
        select(func.count())
        .select_from(UnitCompletion)
        .where(
            UnitCompletion.reviewer_id == teacher_id,
            UnitCompletion.status == CompletionStatus.VERIFIED,
            col(UnitCompletion.reviewed_at) < completion.reviewed_at,
        )
    ).one()


def out_of_line(session, plan, teacher_id):
    """True after a reviewer of the plan's university disagreed with the teacher, or a student
    disputed one of the teacher's decisions that the university's reviewers sample, until the
    plan's `back_in_line_after` reviews in a row agree with them since (a dispute's own review,
    when it agrees, is the first of them)."""
    reviews = session.exec(
        select(QualityReview.agrees, QualityReview.created_at)
        .join(QualitySample, col(QualitySample.id) == QualityReview.sample_id)
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .where(
            QualitySample.teacher_id == teacher_id,
            SamplingPlan.university_id == plan.university_id,
        )
        .order_by(col(QualityReview.created_at).desc(), col(QualityReview.id).desc())
        .limit(plan.back_in_line_after)
    ).all()
    if not all(agrees for agrees, _at in reviews):
        return True
    last_dispute = session.exec(
        select(func.max(QualityDispute.created_at))
        .join(QualitySample, col(QualitySample.id) == QualityDispute.sample_id)
        .join(SamplingPlan, col(SamplingPlan.id) == QualitySample.plan_id)
        .where(
            QualitySample.teacher_id == teacher_id,
            SamplingPlan.university_id == plan.university_id,
        )
    ).one()
    if last_dispute is None:
        # Fewer than N reviews, all agreeing, means no disagreement at all.
        return False
    agreed_since = [at for _agrees, at in reviews if _aware(at) > _aware(last_dispute)]
    return len(agreed_since) < plan.back_in_line_after


def _aware(moment):
    # func.max() of a UTC column comes back naive on SQLite: the same UTC moment.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _module_sampled(session, plan, teacher_id, module_id):
    found = session.exec(
        select(QualitySample.id).where(
            QualitySample.plan_id == plan.id,
            QualitySample.teacher_id == teacher_id,
            QualitySample.module_id == module_id,
            QualitySample.status != SampleStatus.NOT_SELECTED,
        )
    ).first()
    return found is not None


def decide(session, *, plan, completion, unit, module_id):
    """The plan's decision on a verified record (nothing written)."""
    teacher_id = completion.reviewer_id
    rates = {}
    if plan.disputed_rate is not None and out_of_line(session, plan, teacher_id):
        rates[SampleRule.DISPUTED] = plan.disputed_rate
    if plan.safety_critical_rate is not None and unit.safety_critical:
        rates[SampleRule.SAFETY_CRITICAL] = plan.safety_critical_rate
    if plan.new_teacher_rate is not None and (
        _first_term(session, plan, teacher_id)
        or _verified_before(session, teacher_id, completion) < (plan.new_teacher_units or 0)
    ):
        rates[SampleRule.NEW_TEACHER] = plan.new_teacher_rate
    if plan.one_per_module and not _module_sampled(session, plan, teacher_id, module_id):
        rates[SampleRule.FIRST_OF_MODULE] = 100
    if plan.minimum_rate is not None:
        rates[SampleRule.MINIMUM] = plan.minimum_rate
    draw = draw_for(plan.seed, completion.id)
    if not rates:
        return Decision(rule=SampleRule.NONE, rate=0, draw=draw)
    best = max(rates.values())
    rule = next(rule for rule in RULE_ORDER if rates.get(rule) == best)
    return Decision(rule=rule, rate=best, draw=draw)


def record_draw(session, completion):
    """Record the plan's draw for a record just verified (inside the verifying transaction)."""
    unit = session.get(Unit, completion.unit_id)
    version = session.get(ModuleVersion, unit.version_id)
    module = session.get(Module, version.module_id)
    plan = plan_for(session, module, completion.reviewed_at)
    if plan is None or completion.reviewer_id is None:
        return None
    decision = decide(session, plan=plan, completion=completion, unit=unit, module_id=module.id)
    cohort = session.get(Cohort, completion.cohort_id)
    sample = QualitySample(
        plan_id=plan.id,
        completion_id=completion.id,
        teacher_id=completion.reviewer_id,
        school_id=cohort.school_id,
        module_id=module.id,
        verified_at=completion.reviewed_at,
        rule=decision.rule,
        rate=decision.rate,
        draw=decision.draw,
        status=SampleStatus.READY if decision.selected else SampleStatus.NOT_SELECTED,
        pseudonym=new_pseudonym() if decision.selected else None,
    )
    session.add(sample)
    session.flush()
    if decision.selected:
        record_event(
            session,
            actor=completion.reviewer_id,
            action="quality.sampled",
            target=sample,
            details={"unit": unit.code, "rule": decision.rule, "rate": decision.rate,
                     "draw": decision.draw},
        )  # fmt: skip
    return sample


@completion_reviewed.connect
def _sample_verification(completion, session, new_status=None, **_):
    """A verification under a plan gets its draw within the transaction that verifies."""
    if new_status == CompletionStatus.VERIFIED:
        record_draw(session, completion)
