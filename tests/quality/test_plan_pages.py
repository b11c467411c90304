"""The reviewers' plan pages: a plan per programme and term, its rules as data, refused with the
field named (rates 0-100, at least one rule) and nothing written."""

from sqlmodel import func, select

from eduplatform.quality.models import SamplingPlan


def _count(db):
    return db.exec(select(func.count()).select_from(SamplingPlan)).one()


def _form(training, **overrides):
    data = {"program_id": str(training.program.id), "academic_year": "2030/2031", "term": "1",
            "minimum_rate": "10", "agreement_threshold": "80", "back_in_line_after": "3",
            "minimum_reviews": "5", "action_days": "14"}  # fmt: skip
    data.update(overrides)
    return data


def test_a_reviewer_creates_and_changes_a_plan(client, db, login, quality, training):
    login(quality.reviewer)
    assert client.get("/quality/plans/new?lang=en").status_code == 200
    before = _count(db)
    refused = client.post("/quality/plans/new?lang=en", data=_form(training, minimum_rate="140"))
    assert refused.status_code == 422
    assert "Enter a percentage from 0 to 100." in refused.get_data(as_text=True)
    empty = client.post("/quality/plans/new?lang=en", data=_form(training, minimum_rate=""))
    assert empty.status_code == 422
    assert "Set at least one rule" in empty.get_data(as_text=True)
    assert _count(db) == before
    made = client.post("/quality/plans/new", data=_form(training, one_per_module="y"))
    assert made.status_code == 302
    plan = db.exec(select(SamplingPlan).where(SamplingPlan.academic_year == "2030/2031")).one()
    assert plan.minimum_rate == 10 and plan.one_per_module
    listing = client.get("/quality/plans?lang=en").get_data(as_text=True)
    assert "2030/2031" in listing
    changed = client.post(f"/quality/plans/{plan.id}", data=_form(training, minimum_rate="25"))
    assert changed.status_code == 302
    db.expire_all()
    assert db.get(SamplingPlan, plan.id).minimum_rate == 25


def test_other_universities_plans_are_not_found(client, db, login, make_org, make_user,
                                               quality):  # fmt: skip
    from eduplatform.quality.models import QualityReviewer

    elsewhere = make_org("university")
    stranger = make_user("author", organization=elsewhere)
    db.add(QualityReviewer(user_id=stranger.id, university_id=elsewhere.id))
    db.commit()
    login(stranger)
    assert client.get(f"/quality/plans/{quality.plan.id}").status_code == 404
    assert client.post(f"/quality/plans/{quality.plan.id}", data={}).status_code == 404
