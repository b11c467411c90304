"""The calendar feed's address and its events' UIDs use the configured site, never the Host
header (#13.14)."""

from icalendar import Calendar

from eduplatform.exchange import service
from tests.conftest import PASSWORD


def test_a_forged_host_reaches_neither_the_feed_address_nor_its_uids(
    forged_client, db, world, plan
):
    plan(title="Joint BMS workshop")
    key = service.renew_feed_key(db, actor=world.teacher, school=world.school)
    client = forged_client
    client.post("/login", data={"login": world.teacher.email, "password": PASSWORD})
    page = client.get(f"/exchange/schools/{world.school.npsn}/feed")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "evil.example" not in body
    assert f"http://localhost/exchange/schools/{world.school.npsn}/activities.ics?key=" in body
    feed = client.get(f"/exchange/schools/{world.school.npsn}/activities.ics?key={key}")
    assert feed.status_code == 200 and b"evil.example" not in feed.data
    (event,) = Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["uid"]).endswith("@localhost")
