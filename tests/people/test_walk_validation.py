"""Input the browser walk found accepted without a word: a class in "2099/2100" and a school in
country "XX" (which also slipped past the NPSN rule for Indonesian schools). Each is refused at
its field, from the pages and the CLI, and nothing is written."""

import json
import re

import pytest
from sqlmodel import func, select

from eduplatform.clock import local_today
from eduplatform.people.countries import COUNTRY_CODES
from eduplatform.people.models import Cohort, Organization

TODAY = local_today()
CURRENT = TODAY.year if TODAY.month >= 7 else TODAY.year - 1  # academic years run July to June


def _year(start):
    return f"{start}/{start + 1}"


def _field_errors(response, field_id):
    page = response.get_data(as_text=True)
    return re.findall(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page)


def _count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("year", ["2099/2100", _year(CURRENT + 2), _year(CURRENT - 6)])
def test_a_class_years_away_from_this_one_is_refused(client, login, db, world, year):
    login(world.teacher)
    response = client.post("/classes/new?lang=en", data={"name": "X TKR 9", "academic_year": year})
    assert _field_errors(response, "academic_year") == [
        f"Choose an academic year between {_year(CURRENT - 5)} and {_year(CURRENT + 1)}."
    ]
    assert db.exec(select(Cohort).where(Cohort.name == "X TKR 9")).first() is None


@pytest.mark.parametrize("year", [_year(CURRENT + 1), _year(CURRENT), _year(CURRENT - 5)])
def test_a_class_of_next_year_or_of_current_students_is_created(client, login, db, world, year):
    login(world.teacher)
    response = client.post("/classes/new?lang=en", data={"name": "X TKR 9", "academic_year": year})
    assert response.status_code == 302
    assert db.exec(select(Cohort).where(Cohort.name == "X TKR 9")).one().academic_year == year


def test_an_old_class_stays_editable_in_its_own_year(client, login, db, world):
    world.cohort.academic_year = "2010/2011"
    db.add(world.cohort)
    db.commit()
    login(world.teacher)
    response = client.post(
        f"/classes/{world.cohort.id}/edit?lang=en",
        data={"name": "XI TKRO 1 (2010)", "academic_year": "2010/2011"},
    )
    assert response.status_code == 302
    db.refresh(world.cohort)
    assert world.cohort.name == "XI TKRO 1 (2010)"


def test_the_cli_refuses_a_class_in_2099(runner, world, db):
    before = _count(db, Cohort)
    result = runner.invoke(
        args=["cohorts", "create", "--school", "20300001", "--name", "X", "--year", "2099/2100",
              "--json"]
    )  # fmt: skip
    assert result.exit_code == 1
    assert [e["field"] for e in json.loads(result.output)["errors"]] == ["academic_year"]
    assert _count(db, Cohort) == before


@pytest.mark.parametrize("country", ["XX", "ZZ", "EU", "UN", "XK"])
def test_admin_cannot_save_a_school_in_a_country_that_is_no_country(client, login, db, country):
    login("admin")
    before = _count(db, Organization)
    response = client.post(
        "/admin/organizations?lang=en",
        data={"kind": "school", "name": "SMK Nowhere", "country": country},
    )
    assert _field_errors(response, "country") == [
        "Enter a country as its two-letter ISO code, such as ID or CN."
    ]
    assert _count(db, Organization) == before


def test_the_cli_refuses_a_university_in_country_xx(runner, db):
    before = _count(db, Organization)
    result = runner.invoke(
        args=["orgs", "create", "--kind", "university", "--name", "U", "--country", "XX", "--json"]
    )
    assert result.exit_code == 1
    assert [e["field"] for e in json.loads(result.output)["errors"]] == ["country"]
    assert _count(db, Organization) == before


def test_the_country_list_is_isos_249_codes():
    """Babel's CLDR territories without its regions, groupings and reserved codes."""
    assert len(COUNTRY_CODES) == 249
    assert {"ID", "CN", "TW", "HK", "PS", "AQ"} <= COUNTRY_CODES
    assert not {"ZZ", "EU", "UN", "XK", "AC", "QO"} & COUNTRY_CODES
