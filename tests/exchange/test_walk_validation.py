"""Input the browser walk found accepted without a word: dates decades away on activities and
partnerships, and a partner country that is no country. Each is refused at its field and
nothing is written."""

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from eduplatform.errors import Invalid
from eduplatform.exchange import partnerships
from eduplatform.exchange.models import ExchangeActivity, Partnership
from eduplatform.people.models import Organization
from tests.exchange.conftest import TODAY, text

NEW_PARTNERSHIP = "/exchange/partnerships/new?lang=en"


def _field_errors(page, field_id):
    return re.findall(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page)


def _activity_form(**fields):
    data = {
        "kind": "joint_workshop",
        "title": "EV battery workshop",
        "starts_on": TODAY.isoformat(),
        "place": "Workshop B",
        "languages": ["id"],
        "currency": "IDR",
    }
    data.update(fields)
    return data


def _partnership_form(world, **fields):
    data = {
        "school_id": str(world.other_school.id),
        "kind": "university",
        "partner_id": str(world.university.id),
        "status": "proposed",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        ("1900-01-01", "", "starts_on", "The date cannot be before January 1, 2000."),
        ("2999-01-01", "2999-12-31", "starts_on", "The date cannot be after"),
        ("2999-01-01", "2999-12-31", "ends_on", "The date cannot be after"),
    ],
)
def test_a_new_activity_dated_decades_away_is_refused_at_its_date(
    client, login, db, world, starts_on, ends_on, field, message
):
    login(world.teacher)
    page = text(
        client.post(
            f"/exchange/partnerships/{world.partnership.id}/activities/new?lang=en",
            data=_activity_form(starts_on=starts_on, ends_on=ends_on),
        )
    )
    assert any(message in error for error in _field_errors(page, field)), page[:3000]
    assert db.exec(select(ExchangeActivity)).all() == []


def test_editing_an_activity_to_year_2999_is_refused_and_changes_nothing(
    client, login, db, world, plan
):
    activity = plan()
    login(world.teacher)
    page = text(
        client.post(
            f"/exchange/activities/{activity.id}/edit?lang=en",
            data=_activity_form(starts_on="2999-01-01", ends_on="2999-12-31"),
        )
    )
    assert _field_errors(page, "starts_on") and _field_errors(page, "ends_on")
    db.refresh(activity)
    assert activity.starts_on == TODAY


def test_activities_may_be_planned_a_few_years_ahead_but_not_more(app, db, world, plan):
    """The service refuses for every interface (API, CLI); two years ahead is a real plan."""
    ahead, too_far = TODAY + timedelta(days=2 * 365), TODAY + timedelta(days=4 * 366)
    assert plan(starts_on=ahead, ends_on=ahead).starts_on == ahead
    with app.test_request_context("/?lang=en"), pytest.raises(Invalid) as refused:
        plan(starts_on=too_far, ends_on=too_far)
    assert refused.value.for_field("starts_on") and refused.value.for_field("ends_on")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"started_on": "1900-01-01"}, "started_on", "The date cannot be before January 1, 2000."),
        (
            {"mou_reference": "MOU/1", "mou_signed_on": "2099-01-01"},
            "mou_signed_on",
            "The date cannot be in the future.",
        ),
        ({"ended_on": "2999-12-31"}, "ended_on", "The date cannot be after"),
    ],
)
def test_a_partnership_dated_decades_away_is_refused_at_its_date(
    client, login, db, world, fields, field, message
):
    login(world.office)
    before = len(db.exec(select(Partnership)).all())
    page = text(client.post(NEW_PARTNERSHIP, data=_partnership_form(world, **fields)))
    assert any(message in error for error in _field_errors(page, field)), page[:3000]
    assert len(db.exec(select(Partnership)).all()) == before


def test_editing_a_partnership_to_an_mou_signed_tomorrow_is_refused(client, login, db, world):
    login(world.office)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    page = text(
        client.post(
            f"/exchange/partnerships/{world.partnership.id}/edit?lang=en",
            data={
                "kind": "university",
                "partner_id": str(world.university.id),
                "mou_reference": "MOU/2025/017",
                "mou_signed_on": tomorrow,
                "status": "active",
            },
        )
    )
    assert _field_errors(page, "mou_signed_on") == ["The date cannot be in the future."]
    db.refresh(world.partnership)
    assert world.partnership.mou_signed_on is None


def test_a_partnership_started_this_century_and_signed_today_is_kept(db, world):
    partnership = partnerships.create_partnership(
        db,
        actor=world.office,
        school=world.other_school,
        partner=world.university,
        kind="university",
        mou_reference="MOU/2001/1",
        mou_signed_on=TODAY,
        started_on=date(2000, 1, 1),
        ended_on=TODAY + timedelta(days=5 * 365),
    )
    assert partnership.started_on == date(2000, 1, 1)


@pytest.mark.parametrize("country", ["XX", "ZZ", "EU"])
def test_a_registered_partner_needs_a_real_country_code(client, login, db, world, country):
    login(world.office)
    before = len(db.exec(select(Organization)).all())
    data = _partnership_form(
        world,
        partner_id="",
        partner_name="Chang'an Polytechnic",
        register_partner="y",
        partner_country=country,
    )
    page = text(client.post(NEW_PARTNERSHIP, data=data))
    assert _field_errors(page, "partner_country") == [
        "Enter a country as its two-letter ISO code, such as ID or CN."
    ]
    assert len(db.exec(select(Organization)).all()) == before


def test_a_registered_partner_in_china_joins_the_platform(client, login, db, world):
    login(world.office)
    data = _partnership_form(
        world,
        partner_id="",
        partner_name="Chang'an Polytechnic",
        register_partner="y",
        partner_country="cn",
    )
    response = client.post(NEW_PARTNERSHIP, data=data)
    assert response.status_code == 302, text(response)[:3000]
    partner = db.exec(select(Organization).where(Organization.name == "Chang'an Polytechnic"))
    assert partner.one().country == "CN"
