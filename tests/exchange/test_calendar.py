"""The month calendar refuses a month it cannot show, on its Month field, instead of guessing."""

import re

import pytest

from eduplatform.clock import local_today
from tests.exchange.conftest import text


def _month_error(page):
    return re.findall(r'<p class="error" id="f-month-error">(.*?)</p>', page)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Enter a month as YYYY-MM."),
        ("2026-00", "Enter a month as YYYY-MM."),
        ("garbage", "Enter a month as YYYY-MM."),
        ("2026-3", "Enter a month as YYYY-MM."),
        ("2026-03-01", "Enter a month as YYYY-MM."),
        ("-1-05", "Enter a month as YYYY-MM."),
        ("２０２６-０３", "Enter a month as YYYY-MM."),
        ("0001-01", "Choose a month from 2000-01 to 2100-12."),
        ("9999-12", "Choose a month from 2000-01 to 2100-12."),
        ("99999-01", "Enter a month as YYYY-MM."),
    ],
)
def test_a_bad_month_is_refused_on_the_month_field(client, login, world, plan, month, message):
    plan(title="Joint BMS workshop")
    login(world.teacher)
    response = client.get("/exchange/calendar", query_string={"month": month, "lang": "en"})
    page = text(response)
    assert response.status_code == 400
    assert _month_error(page) == [message]
    assert 'aria-invalid="true" aria-describedby="f-month-error"' in page
    assert "Joint BMS workshop" not in page  # no month is shown in its place
    assert 'href="/exchange/calendar"' in page  # the way back to this month


def test_the_month_message_is_translated(client, login, world):
    login(world.teacher)
    page = text(client.get("/exchange/calendar?month=2026-13&lang=id"))
    assert _month_error(page) == ["Tulis bulan sebagai YYYY-MM."]
    page = text(client.get("/exchange/calendar?month=1900-01&lang=zh"))
    assert len(_month_error(page)) == 1 and "2000-01" in _month_error(page)[0]


def test_a_good_or_missing_month_shows_the_calendar_with_its_month_field(client, login, world):
    login(world.teacher)
    for month in ("2000-01", "2100-12", "2026-03"):
        response = client.get(f"/exchange/calendar?month={month}&lang=en")
        assert response.status_code == 200, month
        assert f'name="month" type="month" value="{month}"' in text(response)
    response = client.get("/exchange/calendar?month=&lang=en")
    assert response.status_code == 200
    this_month = local_today().strftime("%Y-%m")
    assert f'value="{this_month}"' in text(response)
