"""`eduplatform rollups rebuild | check` and `eduplatform demo --scale N`."""

import json

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from eduplatform.dashboard import scale, scale_records
from eduplatform.dashboard.models import TrainingMonth
from eduplatform.people.models import Organization, User
from eduplatform.training.models import Certificate, UnitCompletion


def test_rollups_check_passes_then_reports_drift_and_rebuild_mends_it(db, runner, city, work):
    work.verify(city.students[0], "EV-101-U1")
    result = runner.invoke(args=["rollups", "check", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"equal": True, "differences": [], "total_differences": 0}

    db.exec(update(TrainingMonth).values(logged=TrainingMonth.logged + 1))
    db.commit()
    result = runner.invoke(args=["rollups", "check", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["equal"] is False and report["total_differences"] == 2
    assert {d["table"] for d in report["differences"]} == {"rollup_training_month"}
    assert {(d["column"], d["rollup"], d["raw"]) for d in report["differences"]} == {
        ("logged", 2, 1)
    }

    plain = runner.invoke(args=["rollups", "check"])
    assert plain.exit_code == 1 and "rollup 2, raw 1" in plain.output

    result = runner.invoke(args=["rollups", "rebuild", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rebuilt"]["rollup_training_month"] == 2  # school and city
    assert runner.invoke(args=["rollups", "check"]).exit_code == 0


@pytest.fixture
def small_scale(monkeypatch):
    """One scale unit made small: 2 schools of 6 students a year over 2 years."""
    monkeypatch.setattr(scale, "SCHOOLS_PER_UNIT", 2)
    monkeypatch.setattr(scale, "STUDENTS_PER_YEAR", 6)
    monkeypatch.setattr(scale, "YEARS", 2)
    monkeypatch.setattr(scale_records, "REJECTION_RATE", 0.3)


def _synthetic(db):
    schools = db.exec(
        select(Organization.npsn).where(Organization.npsn.like("9998%")).order_by(Organization.npsn)
    ).all()
    students = db.exec(select(func.count()).where(User.nisn.like("9998%"))).one()
    return schools, students


def test_demo_scale_adds_synthetic_schools_in_the_reserved_range_each_run(db, runner, small_scale):
    result = runner.invoke(args=["demo", "--scale", "1", "--json"])
    assert result.exit_code == 0, result.output
    added = json.loads(result.output)["synthetic"]
    assert (added["schools"], added["npsn_from"], added["npsn_to"]) == (2, "99980001", "99980002")
    schools, students = _synthetic(db)
    assert schools == ["99980001", "99980002"] and students == 2 * 2 * 6
    statuses = dict(
        db.exec(select(UnitCompletion.status, func.count()).group_by(UnitCompletion.status)).all()
    )
    assert statuses["verified"] > 0 and statuses["rejected"] > 0
    assert db.exec(select(func.count()).select_from(Certificate)).one() > 0

    again = runner.invoke(args=["demo", "--scale", "1"])
    assert again.exit_code == 0, again.output
    assert "each run adds another N times the data" in again.output
    schools, students = _synthetic(db)
    assert schools[-1] == "99980004" and students == 2 * 2 * 2 * 6
    assert runner.invoke(args=["rollups", "check"]).exit_code == 0


def test_synthetic_records_respect_the_one_open_record_per_unit_rule(db, runner, small_scale):
    runner.invoke(args=["demo", "--scale", "1", "--json"])
    open_records = (
        select(UnitCompletion.student_id, UnitCompletion.unit_id, func.count().label("n"))
        .where(UnitCompletion.status.in_(("submitted", "verified")))
        .group_by(UnitCompletion.student_id, UnitCompletion.unit_id)
        .subquery()
    )
    assert db.exec(select(func.max(open_records.c.n))).one() == 1
