"""Input the browser walk found accepted without a word: a placement in 1900 (the note on the
dates excused it) and a company in country "ZZ". Each is refused at its field, nothing written."""

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from eduplatform.people.models import Organization
from eduplatform.placements.models import Placement
from tests.placements.conftest import TODAY


def _field_errors(response, field_id):
    page = response.get_data(as_text=True)
    return re.findall(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page)


def _placement(pkl, **overrides):
    data = {
        "student_id": pkl.student.id,
        "company_id": pkl.company.id,
        "supervisor_id": pkl.supervisor.id,
        "teacher_id": pkl.teacher.id,
        "starts_on": (TODAY - timedelta(days=3)).isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        "unit_ids": [u.id for u in pkl.units.values()][:2],
        "dates_note": "Agreed with the company",
    }
    data.update(overrides)
    return data


def _count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("1900-01-01", "1900-02-01", "starts_on"),
        ("1900-01-01", "1900-02-01", "ends_on"),
        ("2999-01-01", "2999-12-31", "starts_on"),
    ],
)
def test_a_placement_decades_away_is_refused_even_with_a_note(
    client, login, db, pkl, starts_on, ends_on, field
):
    login(pkl.teacher)
    data = _placement(pkl, starts_on=starts_on, ends_on=ends_on)
    response = client.post("/placements/new?lang=en", data=data)
    errors = _field_errors(response, field)
    assert errors and errors[0].startswith("The date cannot be"), errors
    assert _count(db, Placement) == 0


def test_a_placement_next_school_year_is_still_accepted_with_a_note(client, login, db, pkl):
    login(pkl.teacher)
    data = _placement(
        pkl,
        starts_on=(TODAY + timedelta(days=400)).isoformat(),
        ends_on=(TODAY + timedelta(days=500)).isoformat(),
    )
    assert client.post("/placements/new?lang=en", data=data).status_code == 302
    assert _count(db, Placement) == 1


@pytest.mark.parametrize("country", ["ZZ", "XX", "EU"])
def test_a_company_needs_a_real_country_code(client, login, db, pkl, country):
    login(pkl.teacher)
    before = _count(db, Organization)
    response = client.post(
        "/placements/companies/new?lang=en",
        data={"name": "PT Nowhere", "sector": "battery", "country": country},
    )
    assert _field_errors(response, "country") == [
        "Enter a country as its two-letter ISO code, such as ID or CN."
    ]
    assert _count(db, Organization) == before


def test_a_company_in_china_is_accepted(client, login, db, pkl):
    login(pkl.teacher)
    response = client.post(
        "/placements/companies/new?lang=en",
        data={"name": "BYD Changsha", "sector": "battery", "country": "cn"},
    )
    assert response.status_code == 302
    org = db.exec(select(Organization).where(Organization.name == "BYD Changsha")).one()
    assert org.country == "CN"
