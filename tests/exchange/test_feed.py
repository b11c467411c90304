"""The school's calendar feed: its page (webcal link, copy button, a confirmed new address) and
the feed itself (timed events with their time zone, all-day events, the school's language)."""

from datetime import time, timedelta

from icalendar import Calendar
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.exchange import service
from tests.exchange.conftest import TODAY, text


def _feed_page(world):
    return f"/exchange/schools/{world.school.npsn}/feed"


def test_the_first_address_is_made_without_talk_of_an_old_one(client, login, db, world):
    login(world.teacher)
    page = text(client.get(_feed_page(world) + "?lang=en"))
    assert "Create the calendar address" in page and "webcal://" not in page
    response = client.post(_feed_page(world) + "?lang=en", follow_redirects=True)
    page = text(response)
    assert "The calendar address was made" in page
    assert "no longer" not in page
    key = service.feed_key(db, world.school)
    assert (
        f'href="webcal://localhost/exchange/schools/{world.school.npsn}/activities.ics?key={key}"'
        in page
    )
    assert 'data-copy="#feed-url"' in page and "js/copy.js" in page


def test_a_new_address_is_asked_for_once_naming_what_breaks(client, login, db, world):
    login(world.teacher)
    client.post(_feed_page(world))
    first = service.feed_key(db, world.school)
    asked = client.post(_feed_page(world) + "?lang=en")
    page = text(asked)
    assert asked.status_code == 200
    assert "Every calendar subscribed to the current address" in page
    assert 'name="confirm" value="1"' in page and "Keep the current address" in page
    db.expire_all()
    assert service.feed_key(db, world.school) == first  # asking changed nothing
    done = client.post(_feed_page(world) + "?lang=en", data={"confirm": "1"}, follow_redirects=True)
    assert "no longer receive activities" in text(done)
    db.expire_all()
    assert service.feed_key(db, world.school) != first
    renewed = db.exec(select(AuditEvent).where(AuditEvent.action == "exchange.feed_key_renewed"))
    assert len(renewed.all()) == 2


def _feed(client, db, world):
    service.renew_feed_key(db, actor=world.teacher, school=world.school)
    key = service.feed_key(db, world.school)
    response = client.get(f"/exchange/schools/{world.school.npsn}/activities.ics?key={key}")
    assert response.status_code == 200
    return Calendar.from_ical(response.data), response.data.decode()


def test_the_feed_carries_timed_events_with_their_time_zone(client, db, world, plan):
    timed = plan(
        title="Online class with Xi'an", starts_on=TODAY, ends_on=TODAY,
        start_time=time(14), end_time=time(15, 30), timezone="Asia/Shanghai",
    )  # fmt: skip
    plan(title="Two-day workshop", starts_on=TODAY, ends_on=TODAY + timedelta(days=1))
    calendar, raw = _feed(client, db, world)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    start = events["Online class with Xi'an"].decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (14, 0, "Asia/Shanghai")
    assert events["Online class with Xi'an"]["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert events["Online class with Xi'an"].decoded("dtend").minute == 30
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    all_day = events["Two-day workshop"]
    assert all_day.decoded("dtstart") == TODAY
    assert all_day.decoded("dtend") == TODAY + timedelta(days=2)  # exclusive end
    assert "DTSTART;VALUE=DATE:" in raw
    assert timed.id


def test_the_calendar_is_named_in_the_schools_language(client, login, db, world, plan):
    plan()
    calendar, _raw = _feed(client, db, world)
    assert str(calendar["x-wr-calname"]) == "Kegiatan pertukaran · SMK Negeri 2 Surakarta"
