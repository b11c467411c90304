"""Sampling plans: rules are data, validated field by field; nothing is written when refused."""

import pytest
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.errors import Invalid
from eduplatform.people.models import User
from eduplatform.quality import plans as service
from eduplatform.quality import reviewers
from eduplatform.quality.models import SamplingPlan
from tests.quality.conftest import plan_values


def _create(session, quality, training, **overrides):
    values = {**plan_values(academic_year="2030/2031", term="1"), "program_id": training.program.id}
    values.update(overrides)
    return service.create_plan(session, actor=session.get(User, quality.reviewer.id), values=values)


def _plans(db):
    return db.exec(select(func.count()).select_from(SamplingPlan)).one()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minimum_rate", "101"),
        ("new_teacher_rate", "-1"),
        ("safety_critical_rate", "150"),
        ("disputed_rate", "abc"),
        ("agreement_threshold", "120"),
    ],
)
def test_a_rate_outside_0_to_100_is_refused_naming_the_field(
    app_context, session, db, quality, training, field, value
):
    before = _plans(db)
    with pytest.raises(Invalid) as refused:
        _create(session, quality, training, new_teacher_units="5", **{field: value})
    fields = [error["field"] for error in refused.value.errors]
    assert fields == [field]
    assert _plans(db) == before


def test_a_plan_without_any_rule_is_refused(app_context, session, db, quality, training):
    before = _plans(db)
    with pytest.raises(Invalid) as refused:
        _create(session, quality, training, minimum_rate="", disputed_rate="")
    assert refused.value.errors[0]["field"] == "minimum_rate"
    assert "at least one rule" in str(refused.value.errors[0]["message"])
    assert _plans(db) == before


def test_a_new_teacher_rate_needs_its_definition(app_context, session, quality, training):
    with pytest.raises(Invalid) as refused:
        _create(session, quality, training, new_teacher_rate="50")
    assert [e["field"] for e in refused.value.errors] == ["new_teacher_units"]


def test_a_valid_plan_is_stored_with_its_rules_and_audited(app_context, session, db, quality,
                                                           training):  # fmt: skip
    plan = _create(session, quality, training, new_teacher_rate="50", new_teacher_units="20",
                   minimum_rate="10", one_per_module="on", safety_critical_rate="100")  # fmt: skip
    stored = db.get(SamplingPlan, plan.id)
    assert (stored.new_teacher_rate, stored.new_teacher_units, stored.minimum_rate) == (50, 20, 10)
    assert stored.one_per_module and stored.safety_critical_rate == 100
    assert stored.university_id == training.university.id and len(stored.seed) == 32
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "quality.plan_created")
                    .order_by(AuditEvent.id.desc())).first()  # fmt: skip
    assert event.object_id == str(plan.id)


def test_one_plan_per_programme_and_term(app_context, session, quality, training):
    _create(session, quality, training)
    with pytest.raises(Invalid) as refused:
        _create(session, quality, training)
    assert refused.value.errors[0]["field"] == "term"


def test_only_a_reviewer_sets_plans(app_context, session, quality, training):
    with pytest.raises(Invalid):
        service.create_plan(
            session, actor=session.get(User, quality.plain_author.id),
            values={**plan_values(academic_year="2030/2031"), "program_id": training.program.id},
        )  # fmt: skip


def test_the_database_refuses_a_rate_over_100(db, quality):
    from sqlalchemy.exc import IntegrityError

    plan = db.get(SamplingPlan, quality.plan.id)
    plan.minimum_rate = 101
    db.add(plan)
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_reviewers_are_university_staff_named_by_an_admin(app_context, session, training,
                                                          make_user):  # fmt: skip
    author = make_user("author", organization=training.university)
    admin = session.get(User, training.admin.id)
    teacher = session.get(User, training.teacher.id)
    with pytest.raises(Invalid):
        reviewers.grant_reviewer(session, actor=admin, user=teacher)
    grant = reviewers.grant_reviewer(session, actor=admin, user=session.get(User, author.id))
    assert grant.university_id == training.university.id
    with pytest.raises(Invalid):
        reviewers.grant_reviewer(session, actor=session.get(User, author.id), user=teacher)
