"""The sampling plans a university's reviewers set (rules as data)."""

import secrets

from flask_babel import lazy_gettext as _l
from sqlmodel import select

from eduplatform import scope
from eduplatform.audit.service import record_event
from eduplatform.dashboard.periods import year_start
from eduplatform.errors import Invalid
from eduplatform.people.models import Role
from eduplatform.quality.models import RATE_FIELDS, SamplingPlan
from eduplatform.quality.reviewers import reviewer_grant
from eduplatform.sqltypes import utcnow

ONLY_REVIEWERS = _l("Only a quality reviewer of a university sets sampling plans.")
# Every field a plan takes, in the order a form shows them; the rates are RATE_FIELDS.
PLAN_FIELDS = (
    "new_teacher_rate",
    "new_teacher_units",
    "minimum_rate",
    "one_per_module",
    "safety_critical_rate",
    "disputed_rate",
    "back_in_line_after",
    "agreement_threshold",
    "minimum_reviews",
    "action_days",
    "dispute_days",
)
COUNT_LIMITS = {  # field: (smallest, largest)
    "new_teacher_units": (1, 1000),
    "back_in_line_after": (1, 100),
    "minimum_reviews": (1, 1000),
    "action_days": (1, 365),
    "dispute_days": (1, 365),
}


def _number(values, name, errors, *, low, high, required=False):
    raw = values.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.append({"field": name, "message": _l("Enter a number.")})
        return None
    if isinstance(raw, bool):
        raw = None
    try:
        number = int(str(raw).strip()) if raw is not None else None
    except ValueError:
        number = None
    if number is None:
        errors.append({"field": name, "message": _l("Enter a whole number.")})
        return None
    if not low <= number <= high:
        if name in RATE_FIELDS or name == "agreement_threshold":
            message = _l("Enter a percentage from 0 to 100.")
        else:
            message = _l("Enter a number from %(low)d to %(high)d.", low=low, high=high)
        errors.append({"field": name, "message": message})
        return None
    return number


def _flag(raw):
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "on", "yes", "y")
    return bool(raw)


def clean_plan(values):
    """The plan's rule fields from `values` (strings or numbers), or Invalid naming each field."""
    errors = []
    cleaned = {name: _number(values, name, errors, low=0, high=100) for name in RATE_FIELDS}
    for name, (low, high) in COUNT_LIMITS.items():
        found = _number(values, name, errors, low=low, high=high)
        if found is not None or name == "new_teacher_units":
            cleaned[name] = found
    cleaned["agreement_threshold"] = _number(
        values, "agreement_threshold", errors, low=0, high=100, required=True
    )
    cleaned["one_per_module"] = _flag(values.get("one_per_module"))
    if cleaned["new_teacher_rate"] is not None and cleaned["new_teacher_units"] is None:
        errors.append(
            {
                "field": "new_teacher_units",
                "message": _l("Say how many verified units make a teacher experienced."),
            }
        )
    rules = [cleaned[name] for name in RATE_FIELDS] + [cleaned["one_per_module"] or None]
    if not errors and all(rule is None for rule in rules):
        errors.append(
            {
                "field": "minimum_rate",
                "message": _l("Set at least one rule: a rate or one per module."),
            }
        )
    if errors:
        raise Invalid(errors)
    return {
        name: value for name, value in cleaned.items() if value is not None or name in RATE_FIELDS
    }


def _clean_term(values, errors):
    academic_year = (values.get("academic_year") or "").strip()
    if year_start(academic_year) is None:
        errors.append(
            {"field": "academic_year", "message": _l("Write the academic year as 2025/2026.")}
        )
    term = str(values.get("term") or "").strip()
    if term not in ("1", "2"):
        errors.append(
            {
                "field": "term",
                "message": _l("Choose term 1 (July to December) or 2 (January to June)."),
            }
        )
    return academic_year, int(term) if term in ("1", "2") else None


def plan_university(session, actor):
    """The university whose plans the actor sets: their reviewer grant's; None otherwise."""
    grant = reviewer_grant(session, actor)
    return grant.university_id if grant else None


def create_plan(session, *, actor, university_id=None, values):
    """A new plan for a programme and term; a reviewer sets their own university's plans."""
    university_id = plan_university(session, actor) or (
        university_id if actor.role == Role.ADMIN else None
    )
    if university_id is None:
        raise Invalid.field(None, ONLY_REVIEWERS)
    errors = []
    # through the scope guard: a malformed or 25-digit id is unknown, never a driver error
    program = scope.find(
        "program", values.get("program_id"), source="form", name="program_id", user=actor,
        db=session,
    )  # fmt: skip
    if program is None:
        errors.append({"field": "program_id", "message": _l("Choose a programme.")})
    academic_year, term = _clean_term(values, errors)
    try:
        rules = clean_plan(values)
    except Invalid as refused:
        errors.extend(refused.errors)
    if errors:
        raise Invalid(errors)
    existing = session.exec(
        select(SamplingPlan.id).where(
            SamplingPlan.university_id == university_id,
            SamplingPlan.program_id == program.id,
            SamplingPlan.academic_year == academic_year,
            SamplingPlan.term == term,
        )
    ).first()
    if existing is not None:
        raise Invalid.field("term", _l("This programme already has a plan for that term."))
    plan = SamplingPlan(
        university_id=university_id,
        program_id=program.id,
        academic_year=academic_year,
        term=term,
        seed=secrets.token_hex(16),
        created_by_id=actor.id,
        **rules,
    )
    session.add(plan)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="quality.plan_created",
        target=plan,
        details={"program": program.code, "term": f"{academic_year}-{term}", **rules},
    )
    session.commit()
    return plan


def update_plan(session, *, actor, plan, values):
    """Change a plan's rules (its draws so far stay as recorded)."""
    if plan_university(session, actor) != plan.university_id and actor.role != Role.ADMIN:
        raise Invalid.field(None, ONLY_REVIEWERS)
    rules = clean_plan(values)
    for name, value in rules.items():
        setattr(plan, name, value)
    if "new_teacher_units" not in rules:
        plan.new_teacher_units = None
    plan.updated_at = utcnow()
    session.add(plan)
    record_event(session, actor=actor, action="quality.plan_changed", target=plan, details=rules)
    session.commit()
    return plan


def plans_of(session, university_id):
    """A university's plans, newest term first."""
    return session.exec(
        select(SamplingPlan)
        .where(SamplingPlan.university_id == university_id)
        .order_by(SamplingPlan.academic_year.desc(), SamplingPlan.term.desc(), SamplingPlan.id)
    ).all()
