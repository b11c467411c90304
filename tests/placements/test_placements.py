"""Companies, supervisors and placements: who may create and see them, and the rules."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import func, select

from eduplatform.db import new_session
from eduplatform.errors import Conflict
from eduplatform.people.models import Organization, User
from eduplatform.placements import service
from eduplatform.placements.models import Company, Placement, PlacementUnit, Supervisor
from tests.placements.conftest import TODAY


def _form(pkl, **overrides):
    data = {
        "student_id": pkl.student.id,
        "company_id": pkl.company.id,
        "supervisor_id": pkl.supervisor.id,
        "teacher_id": pkl.teacher.id,
        "starts_on": (TODAY - timedelta(days=3)).isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        "unit_ids": [u.id for u in pkl.units.values()][:2],
    }
    data.update(overrides)
    return data


def _count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


def test_a_teacher_adds_a_company_with_its_sector_and_numbers(client, login, db, pkl):
    login(pkl.teacher)
    response = client.post(
        "/placements/companies/new?lang=en",
        data={"name": "PT Mobil Listrik Nusantara", "sector": "conversion", "city": "Solo",
              "country": "id", "npwp": "01.234.567.8-901.000", "nib": "1234567890123"},
    )  # fmt: skip
    assert response.status_code == 302
    org = db.exec(
        select(Organization).where(Organization.name == "PT Mobil Listrik Nusantara")
    ).one()
    assert org.kind == "industry" and org.country == "ID"
    company = db.get(Company, org.id)
    assert (company.sector, company.npwp, company.nib) == (
        "conversion",
        "012345678901000",
        "1234567890123",
    )


def test_a_company_with_a_bad_nib_is_refused_naming_the_field(client, login, db, pkl):
    login(pkl.office)
    before = _count(db, Organization)
    response = client.post(
        "/placements/companies/new?lang=en",
        data={"name": "PT X", "sector": "battery", "nib": "12345", "npwp": "123"},
    )
    page = response.get_data(as_text=True)
    assert "An NIB has 13 digits." in page and "An NPWP has 15 or 16 digits." in page
    assert _count(db, Organization) == before


def test_a_supervisor_needs_a_phone_or_an_email(client, login, db, pkl):
    login(pkl.teacher)
    before = _count(db, Supervisor)
    url = f"/placements/companies/{pkl.company.id}/supervisors?lang=en"
    response = client.post(url, data={"full_name": "Bu Ani", "locale": "id"})
    assert response.status_code == 422
    assert "Enter a phone number or an email address." in response.get_data(as_text=True)
    assert _count(db, Supervisor) == before
    response = client.post(
        url, data={"full_name": "Bu Ani", "phone": "0812 1111 2222", "locale": "zh"}
    )
    assert response.status_code == 302
    assert _count(db, Supervisor) == before + 1


def test_a_teacher_plans_a_placement_for_their_student(client, login, db, pkl):
    login(pkl.teacher)
    response = client.get("/placements/new?lang=en")
    page = response.get_data(as_text=True)
    assert "Siti Rahma" in page and "Dewi Lain" not in page
    response = client.post("/placements/new?lang=en", data=_form(pkl))
    assert response.status_code == 302
    placement = db.exec(select(Placement)).one()
    assert (placement.student_id, placement.school_id, placement.status) == (
        pkl.student.id, pkl.school.id, "planned"
    )  # fmt: skip
    assert _count(db, PlacementUnit) == 2
    page = client.get(response.location + "?lang=en").get_data(as_text=True)
    assert "Bengkel EV Sejahtera" in page and "Pak Joko" in page and "EV-201-U1" in page


def test_another_schools_student_is_refused_like_an_unknown_one(client, login, db, pkl):
    login(pkl.teacher)
    for student_id in (pkl.other_student.id, 999999):
        response = client.post("/placements/new?lang=en", data=_form(pkl, student_id=student_id))
        assert response.status_code == 200
        assert "Not a valid choice." in response.get_data(as_text=True)
    assert _count(db, Placement) == 0


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"ends_on": (TODAY - timedelta(days=5)).isoformat()},
         "The last day must be after the first day."),
        ({"unit_ids": []}, "Choose the units the placement is expected to cover."),
        ({"starts_on": (TODAY + timedelta(days=400)).isoformat(),
          "ends_on": (TODAY + timedelta(days=500)).isoformat()},
         "runs outside the class"),
    ],
)  # fmt: skip
def test_bad_dates_and_units_are_refused_with_a_clear_message(
    client, login, db, pkl, overrides, field_message
):
    login(pkl.teacher)
    response = client.post("/placements/new?lang=en", data=_form(pkl, **overrides))
    assert field_message in response.get_data(as_text=True)
    assert _count(db, Placement) == 0


def test_a_placement_outside_the_year_is_accepted_when_explained(client, login, db, pkl):
    login(pkl.teacher)
    data = _form(pkl, starts_on=(TODAY + timedelta(days=400)).isoformat(),
                 ends_on=(TODAY + timedelta(days=500)).isoformat(),
                 dates_note="Placement continues in grade XIII")  # fmt: skip
    assert client.post("/placements/new?lang=en", data=data).status_code == 302


def test_the_office_sees_every_placement_but_changes_none(client, login, pkl, make_placement):
    placement = make_placement(start=False)
    login(pkl.office)
    assert "Siti Rahma" in client.get("/placements/?lang=en").get_data(as_text=True)
    assert client.get(f"/placements/{placement.id}").status_code == 200
    assert (
        client.post(f"/placements/{placement.id}/status", data={"action": "start"}).status_code
        == 403
    )
    assert client.get("/placements/new").status_code == 403


def test_another_schools_teacher_gets_404(client, login, pkl, make_placement):
    placement = make_placement()
    login(pkl.other_teacher)
    assert client.get(f"/placements/{placement.id}").status_code == 404
    assert (
        client.post(f"/placements/{placement.id}/status", data={"action": "finish"}).status_code
        == 404
    )
    assert "Siti Rahma" not in client.get("/placements/?lang=en").get_data(as_text=True)


def test_a_second_running_placement_is_refused_by_the_database(app, pkl, make_placement):
    make_placement()
    second = make_placement(start=False, starts_on=TODAY + timedelta(days=61),
                            ends_on=TODAY + timedelta(days=90))  # fmt: skip
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        with pytest.raises(Conflict, match="already has a running placement"):
            service.change_status(
                session, actor=session.get(User, pkl.teacher.id),
                placement=session.get(Placement, second.id), action="start",
            )  # fmt: skip
        assert session.get(Placement, second.id).status == "planned"


def test_two_concurrent_starts_of_two_placements_one_wins(app, db, pkl, make_placement):
    ids = [
        make_placement(start=False).id,
        make_placement(start=False, starts_on=TODAY + timedelta(days=61),
                       ends_on=TODAY + timedelta(days=90)).id,
    ]  # fmt: skip
    barrier, outcomes = threading.Barrier(2), []

    def start(placement_id):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            placement = session.get(Placement, placement_id)
            actor = session.get(User, pkl.teacher.id)
            session.rollback()  # hold no lock (SQLite's write lock) while waiting for the other
            barrier.wait(timeout=30)
            try:
                service.change_status(session, actor=actor, placement=placement, action="start")
                outcomes.append("started")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=start, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "started"]
    running = db.exec(
        select(func.count()).select_from(Placement).where(Placement.status == "running")
    ).one()
    assert running == 1


def test_ending_early_needs_a_reason(client, login, db, pkl, make_placement):
    placement = make_placement()
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/status?lang=en", data={"action": "end_early"})
    assert db.get(Placement, placement.id).status == "running"
    client.post(
        f"/placements/{placement.id}/status",
        data={"action": "end_early", "reason": "Company closed"},
    )
    ended = db.get(Placement, placement.id)
    db.refresh(ended)
    assert (ended.status, ended.end_reason, ended.ended_on) == (
        "ended_early",
        "Company closed",
        TODAY,
    )


def test_a_teacher_of_two_schools_manages_placements_of_both(
    client, login, db, pkl, make_user, make_placement
):
    from eduplatform.people.models import SchoolMembership

    db.add(SchoolMembership(user_id=pkl.other_teacher.id, school_id=pkl.school.id, since=TODAY))
    db.commit()
    placement = make_placement(start=False)
    login(pkl.other_teacher)
    assert client.get(f"/placements/{placement.id}").status_code == 200
    page = client.get("/placements/new?lang=en").get_data(as_text=True)
    assert "Siti Rahma" in page and "Dewi Lain" in page
