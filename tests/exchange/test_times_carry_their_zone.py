"""Every time of day of an exchange activity says its zone, named from the zone data with its
UTC offset ("09:00 WIB (UTC+7)"), in every language: a lecturer in China (UTC+8) and a teacher in
Indonesia (UTC+7) read a bare "09:00" an hour apart. The form's time labels say the zone the times
are typed in."""

import html
import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from eduplatform.exchange.times import utc_offset, zone_label
from tests.exchange.conftest import TODAY, text


def _read(response):
    """The page as read, without the spans that keep a time and its zone on one line."""
    return re.sub(r'<span class="no-break"[^>]*>(.*?)</span>', r"\1", text(response))


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Asia/Jakarta", "WIB (UTC+7)"),
        ("Asia/Makassar", "WITA (UTC+8)"),
        ("Asia/Shanghai", "CST (UTC+8)"),
        ("Asia/Kolkata", "IST (UTC+5:30)"),
        ("Asia/Dubai", "UTC+4"),  # the zone data has no letters for it: the offset alone
        ("America/Bogota", "UTC-5"),
    ],
)
def test_a_zone_is_named_from_the_zone_data_with_its_offset(zone, label):
    moment = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo(zone))
    assert zone_label(ZoneInfo(zone), moment) == label
    assert utc_offset(moment) == label.split("(")[-1].rstrip(")")


@pytest.mark.parametrize("lang", ["id", "en", "zh"])
def test_the_page_and_the_list_show_the_zone_in_every_language(
    client, login, db, world, plan, lang
):
    activity = plan(
        starts_on=TODAY, ends_on=TODAY, start_time=time(9), end_time=time(12),
        timezone="Asia/Jakarta",
    )  # fmt: skip
    login(world.teacher)
    page = _read(client.get(f"/exchange/activities/{activity.id}?lang={lang}"))
    assert "09:00–12:00 WIB (UTC+7)</dd>" in page
    listed = _read(client.get(f"/exchange/activities?lang={lang}"))
    assert "09:00–12:00 WIB (UTC+7)" in listed
    client.post("/logout")
    login(world.author)  # in Xi'an: China time first, the school's own after
    page = _read(client.get(f"/exchange/activities/{activity.id}?lang={lang}"))
    assert "10:00–13:00 CST (UTC+8) / 09:00–12:00 WIB (UTC+7)</dd>" in page


def test_a_time_past_midnight_in_the_other_zone_names_both_days(client, login, world, plan):
    day = TODAY + timedelta(days=3)
    activity = plan(
        starts_on=day, ends_on=day, start_time=time(23), end_time=time(23, 30),
        timezone="Asia/Jakarta",
    )  # fmt: skip
    login(world.author)
    page = _read(client.get(f"/exchange/activities/{activity.id}?lang=en"))
    when = re.search(r"<dd>([^<]*UTC[^<]*)</dd>", page).group(1)
    following = (day + timedelta(days=1)).day
    assert when.count(str(following)) >= 1 and "/ " in when, when
    assert "00:00–00:30 CST (UTC+8) / " in when and "23:00–23:30 WIB (UTC+7)" in when


def _labels(page):
    return {
        name: re.sub(r"<[^>]+>", "", label)
        for name, label in re.findall(r'<label for="(start_time|end_time)">(.*?)</label>', page)
    }


def test_the_form_labels_say_the_zone_the_times_are_typed_in(client, login, world, plan):
    login(world.teacher)
    url = f"/exchange/partnerships/{world.partnership.id}/activities/new?lang=en"
    page = _read(client.get(url))
    assert _labels(page) == {
        "start_time": "Start time, WIB (UTC+7)",
        "end_time": "End time, WIB (UTC+7)",
    }
    select = re.search(r'<select[^>]*name="timezone"[^>]*>(.*?)</select>', page, re.S).group(1)
    # the offset first: a phone's narrow select cuts the end of a long name
    assert "UTC+8 · China Standard Time (Beijing, Xi'an)" in select
    assert "UTC+7 · Western Indonesia Time (WIB, Jakarta)" in select
    activity = plan(
        starts_on=TODAY, ends_on=TODAY, start_time=time(9), end_time=time(12),
        timezone="Asia/Shanghai",
    )  # fmt: skip
    response = client.get(f"/exchange/activities/{activity.id}/edit?lang=en")
    assert _labels(_read(response))["start_time"] == "Start time, CST (UTC+8)"
    raw = re.search(r'data-zone-labels="([^"]*)"', response.get_data(as_text=True)).group(1)
    offered = json.loads(html.unescape(raw))
    # what forms.js shows when the choice changes
    assert offered["Asia/Jakarta"] == "WIB (UTC+7)" and offered["Asia/Shanghai"] == "CST (UTC+8)"
