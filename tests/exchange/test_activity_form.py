"""The activity form as people use it: a saved activity edits and saves again, languages come
from a list, amounts and hours are read as an Indonesian (or an English or Chinese reader) types
them, times have a time zone (issue #14, section 3)."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from eduplatform.errors import Invalid
from eduplatform.exchange import participation, service
from eduplatform.exchange.models import ExchangeActivity
from tests.exchange.conftest import TODAY, text
from tests.exchange.forms_as_sent import as_multidict, form_as_sent


def _edit(client, activity, lang="id", **changes):
    """Open the edit form, send back what the browser shows (with `changes`)."""
    url = f"/exchange/activities/{activity.id}/edit?lang={lang}"
    page = text(client.get(url))
    data = as_multidict(form_as_sent(page, "activity-form"))
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    return client.post(url, data=data)


def test_a_saved_activity_saves_again_unchanged(client, login, db, world, plan):
    """Before: the languages field showed "['id', 'zh']" and every save was refused."""
    activity = plan(languages=["id", "zh"], cost_travel="1500000.50")
    login(world.teacher)
    page = text(client.get(f"/exchange/activities/{activity.id}/edit?lang=id"))
    assert "['id', 'zh']" not in page
    sent = dict(form_as_sent(page, "activity-form"))
    assert sent["cost_travel"] == "1.500.000,5"  # as an Indonesian writes it
    for lang in ("id", "en", "zh"):
        response = _edit(client, activity, lang=lang)
        assert response.status_code == 302, (lang, text(response)[:3000])
    db.refresh(activity)
    assert activity.languages == ["id", "zh"]
    assert activity.cost_travel == Decimal("1500000.50")


def test_languages_are_chosen_from_a_list_with_their_names(client, login, db, world, plan):
    activity = plan(languages=["id"])
    login(world.teacher)
    page = text(client.get(f"/exchange/activities/{activity.id}/edit?lang=en"))
    assert 'type="checkbox" name="languages" value="zh"' in page
    assert "Chinese" in page and "Indonesian" in page
    assert _edit(client, activity, lang="en", languages=["zh", "en"]).status_code == 302
    db.refresh(activity)
    assert activity.languages == ["zh", "en"]
    shown = text(client.get(f"/exchange/activities/{activity.id}?lang=id"))
    assert "Tionghoa, Inggris" in shown


@pytest.mark.parametrize(
    ("lang", "typed", "amount"),
    [
        ("id", "1.500.000", "1500000"),
        ("id", "1.500.000,50", "1500000.50"),
        ("id", "Rp 1.500.000", "1500000"),
        ("id", "Rp1.500.000,-", "1500000"),
        ("id", "1500000", "1500000"),
        ("en", "1,500,000.50", "1500000.50"),
        ("en", "1.500.000", "1500000"),
        ("zh", "¥ 8,200", "8200"),
    ],
)
def test_amounts_are_read_as_people_type_them(client, login, db, world, plan, lang, typed, amount):
    activity = plan()
    login(world.teacher)
    assert _edit(client, activity, lang=lang, cost_travel=typed).status_code == 302
    db.refresh(activity)
    assert activity.cost_travel == Decimal(amount)


def test_an_amount_that_is_no_number_is_refused_on_its_field(client, login, db, world, plan):
    activity = plan(cost_travel="1000")
    login(world.teacher)
    response = _edit(client, activity, lang="id", cost_fees="satu juta")
    page = text(response)
    assert response.status_code == 200
    assert 'id="cost_fees-error"' in page and "1.500.000,50" in page
    assert 'value="satu juta"' in page  # what was typed stays to be corrected
    db.refresh(activity)
    assert activity.cost_fees == Decimal("0")


def test_timed_activity_in_china_time_shows_in_the_viewers_zone(client, login, db, world, plan):
    activity = plan(
        starts_on=TODAY, ends_on=TODAY, start_time=time(9), end_time=time(12),
        timezone="Asia/Shanghai",
    )  # fmt: skip
    login(world.teacher)  # at an Indonesian school: Western Indonesia Time
    page = text(client.get(f"/exchange/activities/{activity.id}?lang=en"))
    # each time with its zone from the zone data, and its offset; the day is said once
    page = re.sub(r"</?span[^>]*>", "", page)  # (the spans keeping a time on one line)
    assert "08:00–11:00 WIB (UTC+7) / 09:00–12:00 CST (UTC+8)</dd>" in page
    client.post("/logout")
    login(world.author)  # at the university in Xi'an: China time only
    page = text(client.get(f"/exchange/activities/{activity.id}?lang=en"))
    page = re.sub(r"</?span[^>]*>", "", page)
    assert "09:00–12:00 CST (UTC+8)</dd>" in page and "WIB" not in page


def test_an_all_day_activity_shows_dates_only(client, login, world, plan):
    activity = plan(starts_on=TODAY, ends_on=TODAY + timedelta(days=1))
    login(world.teacher)
    page = text(client.get(f"/exchange/activities/{activity.id}?lang=en"))
    assert "WIB" not in page.split("<footer")[0].split("</dl>")[0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_time": time(9)}, "end_time"),
        ({"end_time": time(9)}, "start_time"),
        ({"start_time": time(12), "end_time": time(9)}, "end_time"),
        ({"start_time": time(9), "end_time": time(12), "timezone": "Europe/Berlin"}, "timezone"),
    ],
)
def test_times_need_both_ends_in_order_and_a_known_zone(db, world, plan, fields, field):
    with pytest.raises(Invalid) as refused:
        plan(starts_on=TODAY, ends_on=TODAY, **fields)
    assert refused.value.for_field(field)
    assert db.exec(select(ExchangeActivity)).all() == []


def test_the_form_saves_times_and_their_zone(client, login, db, world):
    login(world.teacher)
    response = client.post(
        f"/exchange/partnerships/{world.partnership.id}/activities/new?lang=id",
        data={
            "kind": "online_class",
            "title": "Kelas daring BMS",
            "starts_on": TODAY.isoformat(),
            "start_time": "14:00",
            "end_time": "15:30",
            "timezone": "Asia/Shanghai",
            "online_url": "https://meet.example.org/bms",
            "languages": ["id", "zh"],
            "currency": "IDR",
            "cost_other": "Rp 250.000",
        },
    )
    assert response.status_code == 302, text(response)
    activity = db.exec(select(ExchangeActivity)).one()
    assert (activity.start_time, activity.end_time) == (time(14), time(15, 30))
    assert activity.timezone == "Asia/Shanghai" and activity.cost_other == Decimal("250000")


def test_the_report_form_credits_each_participant(client, login, db, world, plan):
    activity = plan()
    login(world.teacher)
    teacher = participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.teacher,
    )  # fmt: skip
    author = participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.author,
    )  # fmt: skip
    url = f"/exchange/activities/{activity.id}/complete?lang=id"
    page = text(client.get(url))
    assert f'name="participant-{teacher.id}"' in page and "Chen Jing" in page
    refused = client.post(
        url,
        data={"outcomes": "BMS", "hours": "7,5", "follow_up": "Lagi",
              f"participant-{author.id}": "9"},
    )  # fmt: skip
    assert f'id="participant-{author.id}-error"' in text(refused)
    done = client.post(
        url,
        data={"outcomes": "BMS", "hours": "7,5", "follow_up": "Lagi",
              f"participant-{author.id}": "3,5"},
    )  # fmt: skip
    assert done.status_code == 302
    db.refresh(teacher)
    db.refresh(author)
    assert (teacher.hours, author.hours) == (Decimal("7.5"), Decimal("3.5"))
    profile = text(client.get("/profile?lang=id"))
    assert "7,5" in profile


def test_completing_an_activity_in_the_service_without_the_form_uses_report_hours(db, world, plan):
    activity = plan()
    participant = participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.teacher,
    )  # fmt: skip
    service.complete_activity(
        db, actor=world.teacher, activity=activity, outcomes="x", hours="6", follow_up="y"
    )
    db.refresh(participant)
    assert participant.hours == Decimal("6")
