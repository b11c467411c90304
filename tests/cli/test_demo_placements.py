"""The demo's industry placements (issue 19): every role walking `make run` finds them."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from eduplatform.clock import local_today
from eduplatform.people.models import Organization, OrgKind, User
from eduplatform.placements.models import (
    Company,
    JournalEntry,
    Placement,
    PlacementAssessment,
    Supervisor,
    SupervisorLink,
)
from eduplatform.sqltypes import utcnow


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _placement_of(db, nisn):
    student = db.exec(select(User).where(User.nisn == nisn)).one()
    return db.exec(select(Placement).where(Placement.student_id == student.id)).one()


def test_an_indonesian_ev_workshop_and_a_chinese_firm_without_invented_codes(demo, db):
    companies = db.exec(
        select(Organization, Company)
        .join(Company, Company.organization_id == Organization.id)
        .where(Organization.kind == OrgKind.INDUSTRY)
    ).all()
    assert len(companies) == 2
    assert all(c.npwp is None and c.nib is None for _o, c in companies)
    assert all("(demo)" in o.name for o, _c in companies)
    chinese = [o for o, _c in companies if o.name_translations.get("zh")]
    assert len(chinese) == 1
    locales = {s.company_id: s.locale for s in db.exec(select(Supervisor))}
    assert locales[chinese[0].id] == "zh"
    assert sorted(locales.values()) == ["id", "zh"]


def test_siti_is_on_placement_with_last_weeks_journal_partly_countersigned(demo, db):
    placement = _placement_of(db, "9999000001")
    assert placement.status == "running"
    today = local_today()
    monday = today - timedelta(days=today.weekday() + 7)
    assert placement.starts_on == monday
    entries = db.exec(
        select(JournalEntry)
        .where(JournalEntry.placement_id == placement.id)
        .order_by(JournalEntry.day)
    ).all()
    assert [e.day for e in entries] == [monday + timedelta(days=d) for d in range(5)]
    assert [e.status for e in entries] == ["approved"] * 3 + ["pending"] * 2
    link = db.exec(select(SupervisorLink).where(SupervisorLink.placement_id == placement.id)).one()
    assert {e.countersign_link_id for e in entries[:3]} == {link.id}
    # As on the days: written after work, countersigned the next morning, two still waiting.
    assert [e.created_at.date() for e in entries] == [e.day for e in entries]
    assert all(e.countersigned_at.date() == e.day + timedelta(days=1) for e in entries[:3])
    assert link.last_used_at == entries[2].countersigned_at
    assert link.created_at < entries[0].countersigned_at and link.expires_at > utcnow()
    assert [e.photo_name is not None for e in entries] == [False, False, False, True, False]
    assert db.get(PlacementAssessment, placement.id) is None


def test_a_finished_placement_at_the_chinese_firm_has_its_certificate(demo, db):
    placement = _placement_of(db, "9999000012")
    assert placement.status == "finished" and placement.ended_on == placement.ends_on
    assert placement.ends_on < local_today()
    company = db.get(Organization, placement.company_id)
    assert company.name_translations.get("zh")
    assessment = db.get(PlacementAssessment, placement.id)
    assert assessment.school_grade == 88 and len(assessment.certificate_code) > 0
    assert db.get(Supervisor, assessment.supervisor_id).locale == "zh"


def test_loading_the_demo_again_adds_no_placement(runner, demo, db):
    def counts():
        return [
            len(db.exec(select(model)).all())
            for model in (Organization, Supervisor, Placement, JournalEntry, SupervisorLink)
        ]

    before = counts()
    assert runner.invoke(args=["demo", "--json"]).exit_code == 0
    assert counts() == before
