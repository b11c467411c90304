# ruff: noqa: F811 - the training fixtures imported below are used by name
"""A partner university's quality reviewer (Ms. Chen) and a sampling plan for this term over the
training fixtures' EV program (EV-101 and EV-102 are owned by the university)."""

from dataclasses import dataclass

import pytest

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.quality import plans
from eduplatform.quality.models import QualityReviewer, SamplingPlan
from eduplatform.quality.sampling import term_of_moment
from eduplatform.sqltypes import utcnow
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    TODAY,
    add_module,
    app_context,
    enrol,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)


@dataclass
class Quality:
    reviewer: User  # Ms. Chen, an author of the university with the reviewer's permission
    plain_author: User  # an author of the same university without it
    plan: SamplingPlan


def plan_values(**overrides):
    academic_year, term = term_of_moment(utcnow())
    values = {
        "academic_year": academic_year,
        "term": str(term),
        "new_teacher_rate": "",
        "new_teacher_units": "",
        "minimum_rate": "100",
        "one_per_module": False,
        "safety_critical_rate": "",
        "disputed_rate": "100",
        "back_in_line_after": "3",
        "agreement_threshold": "80",
        "minimum_reviews": "3",
        "action_days": "14",
    }
    values.update(overrides)
    return values


@pytest.fixture
def quality(app, db, make_user, training):
    """Ms. Chen reviews for the university; its plan samples every decision this term."""
    reviewer = make_user("author", organization=training.university, full_name="Chen Li",
                         locale="zh")  # fmt: skip
    db.add(QualityReviewer(user_id=reviewer.id, university_id=training.university.id))
    db.commit()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        plan = plans.create_plan(
            session, actor=session.get(User, reviewer.id),
            values={**plan_values(), "program_id": training.program.id},
        )  # fmt: skip
        plan_id = plan.id
    return Quality(
        reviewer=reviewer,
        plain_author=make_user("author", organization=training.university),
        plan=db.get(SamplingPlan, plan_id),
    )


@pytest.fixture
def set_plan(db, quality):
    """set_plan(**columns): change the plan's rules directly."""

    def change(**columns):
        plan = db.get(SamplingPlan, quality.plan.id)
        for name, value in columns.items():
            setattr(plan, name, value)
        db.add(plan)
        db.commit()
        return plan

    return change
