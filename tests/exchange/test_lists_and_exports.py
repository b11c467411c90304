import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.support import Translations
from icalendar import Calendar
from sqlmodel import select

import eduplatform
from eduplatform.audit.models import AuditEvent
from eduplatform.exchange import participation, partnerships, service
from tests.exchange.conftest import TODAY, text


def _csv(response):
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_lists_split_upcoming_and_past_and_filter_by_kind(client, login, world, plan):
    plan(title="Coming workshop", starts_on=TODAY + timedelta(days=5),
         ends_on=TODAY + timedelta(days=5))  # fmt: skip
    plan(title="Old lecture", kind="guest_lecture", starts_on=TODAY - timedelta(days=40),
         ends_on=TODAY - timedelta(days=40))  # fmt: skip
    login(world.teacher)
    upcoming = text(client.get("/exchange/activities"))  # upcoming by default
    assert "Coming workshop" in upcoming and "Old lecture" not in upcoming
    past = text(client.get("/exchange/activities?when=past"))
    assert "Old lecture" in past and "Coming workshop" not in past
    lectures = text(client.get("/exchange/activities?when=all&kind=guest_lecture"))
    assert "Old lecture" in lectures and "Coming workshop" not in lectures


def test_lists_only_show_activities_in_scope(client, login, db, world, plan, make_org):
    plan(title="Our workshop")
    foreign = partnerships.create_partnership(
        db, actor=world.office, school=world.other_school, kind="industry", partner_name="PT X"
    )
    plan(title="Their visit", partnership=foreign, actor=world.office)
    login(world.teacher)
    page = text(client.get("/exchange/activities?when=all"))
    assert "Our workshop" in page and "Their visit" not in page
    client.post("/logout")
    login(world.author)
    page = text(client.get("/exchange/activities?when=all"))
    assert "Our workshop" in page and "Their visit" not in page
    client.post("/logout")
    login(world.office)
    page = text(client.get("/exchange/activities?when=all"))
    assert "Our workshop" in page and "Their visit" in page


def test_csv_export_applies_the_filters_and_names_what_and_when(client, login, world, plan):
    plan(title="=HYPERLINK(1)", cost_travel="1500000.5", currency="IDR")
    plan(title="Online class", kind="online_class", place="", online_url="https://meet.example/x")
    login(world.teacher)
    response = client.get("/exchange/activities.csv?when=all&kind=joint_workshop&lang=en")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f"exchange-activities_joint-workshop_{TODAY.isoformat()}.csv" in disposition
    rows = _csv(response)
    assert [r["Title"] for r in rows] == ["'=HYPERLINK(1)"]
    assert rows[0]["Travel cost"] == "1500000.50" and rows[0]["Currency"] == "IDR"
    assert rows[0]["Partner"] == world.university.name


def test_partnerships_and_person_lists_export_csv(client, login, db, world, plan):
    activity = plan()
    participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.teacher, hours="6",
    )  # fmt: skip
    login(world.office)
    rows = _csv(client.get("/exchange/partnerships.csv?kind=university&lang=en"))
    assert [r["Partner"] for r in rows] == [world.university.name]
    response = client.get(f"/exchange/people/{world.teacher.id}/exchanges.csv?lang=en")
    assert f"exchanges_user-{world.teacher.id}_" in response.headers["Content-Disposition"]
    assert [r["Title"] for r in _csv(response)] == ["EV battery workshop"]


CSV_HEADERS = {  # the second to fifth columns
    "id": {
        "activities": ["Judul", "Jenis kegiatan", "Status", "Tanggal mulai"],
        "partnerships": ["Sekolah", "NPSN", "Mitra", "Jenis kemitraan"],
        "exchanges": ["Judul", "Jenis kegiatan", "Status", "Tanggal mulai"],
    },
    "zh": {
        "activities": ["标题", "活动类型", "状态", "开始日期"],
        "partnerships": ["学校", "NPSN", "合作方", "合作类型"],
        "exchanges": ["标题", "活动类型", "状态", "开始日期"],
    },
}


@pytest.mark.parametrize("lang", ["id", "zh"])
def test_csv_headers_are_in_the_readers_language(client, login, db, world, plan, lang):
    """A clerk opening the exports reads the columns in their language, as in the dashboard's
    CSVs; the rows are the same in every language."""
    activity = plan()
    participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.teacher, hours="6",
    )  # fmt: skip
    login(world.office)
    urls = {
        "activities": "/exchange/activities.csv?when=all",
        "partnerships": "/exchange/partnerships.csv?kind=university",
        "exchanges": f"/exchange/people/{world.teacher.id}/exchanges.csv",
    }
    catalogue = Translations.load(str(Path(eduplatform.__file__).parent / "translations"), [lang])
    for name, url in urls.items():
        english = _csv_rows(client.get(f"{url}&lang=en" if "?" in url else f"{url}?lang=en"))
        rows = _csv_rows(client.get(f"{url}&lang={lang}" if "?" in url else f"{url}?lang={lang}"))
        header = rows[0]
        assert header == [catalogue.gettext(label) for label in english[0]], name
        assert len(header) == len(english[0]) and rows[1:] == english[1:] and len(rows) == 2
        assert header[1:5] == CSV_HEADERS[lang][name], name


def _csv_rows(response):
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_month_calendar_places_activities_on_their_days(client, login, world, plan):
    plan(title="Three-day visit", starts_on=date(2026, 2, 27), ends_on=date(2026, 3, 1))
    login(world.teacher)
    march = text(client.get("/exchange/calendar?month=2026-03"))
    assert march.count(">Three-day visit</") == 2  # the calendar cell of 1 March and the list
    february = text(client.get("/exchange/calendar?month=2026-02"))
    assert february.count(">Three-day visit</") == 3  # 27 and 28 February, and the list
    assert client.get("/exchange/calendar?month=garbage").status_code == 400


def test_ics_feed_needs_the_schools_key_and_carries_no_names(client, login, db, world, plan):
    activity = plan(title="Joint BMS workshop", place="Workshop B")
    participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.student,
    )  # fmt: skip
    cancelled = plan(title="Dropped visit")
    service.cancel_activity(db, actor=world.teacher, activity=cancelled)
    key = service.renew_feed_key(db, actor=world.teacher, school=world.school)
    url = f"/exchange/schools/{world.school.npsn}/activities.ics"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?key=wrong").status_code == 404
    assert client.get(f"/exchange/schools/{world.other_school.npsn}/activities.ics?key={key}"
                      ).status_code == 404  # fmt: skip
    response = client.get(f"{url}?key={key}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"Siti" not in response.data and b"Budi" not in response.data
    events = {str(e["summary"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}
    workshop = events["Joint BMS workshop"]
    assert workshop.decoded("dtstart") == activity.starts_on
    assert workshop.decoded("dtend") == activity.ends_on + timedelta(days=1)
    assert str(workshop["location"]) == "Workshop B"
    assert str(events["Dropped visit"]["status"]) == "CANCELLED"


def test_renewing_the_feed_key_cuts_off_the_old_address(client, login, db, world):
    login(world.teacher)
    feed_page = f"/exchange/schools/{world.school.npsn}/feed"
    client.post(feed_page)
    first = service.feed_key(db, world.school)
    assert first in text(client.get(feed_page))
    asked = client.post(feed_page)  # a new address breaks subscriptions: asked first
    assert asked.status_code == 200 and 'name="confirm"' in text(asked)
    db.expire_all()
    assert service.feed_key(db, world.school) == first
    client.post(feed_page, data={"confirm": "1"})
    db.expire_all()
    second = service.feed_key(db, world.school)
    assert second != first
    url = f"/exchange/schools/{world.school.npsn}/activities.ics"
    assert client.get(f"{url}?key={first}").status_code == 404
    assert client.get(f"{url}?key={second}").status_code == 200
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "exchange.feed_key_renewed"))
    assert len(events.all()) == 2


def test_only_the_schools_teachers_and_the_office_see_its_feed_key(client, login, world):
    feed_page = f"/exchange/schools/{world.school.npsn}/feed"
    login(world.other_teacher)
    assert client.get(feed_page).status_code == 404
    assert client.post(feed_page).status_code == 404
    client.post("/logout")
    login(world.author)
    assert client.get(feed_page).status_code == 403
    client.post("/logout")
    login(world.office)
    assert client.get(feed_page).status_code == 200


def test_profile_lists_participation_with_total_hours(client, login, db, world, plan):
    done = plan(title="Done training", kind="teacher_training")
    participation.add_participant(
        db, actor=world.teacher, activity=done, partnership=world.partnership,
        user=world.teacher, hours="12.5",
    )  # fmt: skip
    service.complete_activity(
        db, actor=world.teacher, activity=done, outcomes="x", hours="14", follow_up="y"
    )
    coming = plan(title="Next workshop")
    participation.add_participant(
        db, actor=world.teacher, activity=coming, partnership=world.partnership,
        user=world.teacher, hours="6",
    )  # fmt: skip
    login(world.teacher)
    page = text(client.get("/profile?lang=en"))
    assert "Exchange and training participation" in page
    assert "Done training" in page and "Next workshop" in page
    assert "12.5" in page  # only the completed activity counts


def test_a_persons_exchanges_are_shown_only_in_scope(client, login, db, world, plan):
    activity = plan()
    participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership,
        user=world.student,
    )  # fmt: skip
    login(world.student)
    assert "EV battery workshop" in text(client.get("/exchange/me"))
    assert client.get(f"/exchange/activities/{activity.id}").status_code == 200
    assert client.get(f"/exchange/people/{world.teacher.id}").status_code == 404
    client.post("/logout")
    login(world.teacher)
    assert client.get(f"/exchange/people/{world.student.id}").status_code == 200
    client.post("/logout")
    login(world.author)
    assert client.get(f"/exchange/people/{world.student.id}").status_code == 404
    client.post("/logout")
    login(world.other_teacher)
    assert client.get(f"/exchange/people/{world.student.id}").status_code == 404
    assert client.get(f"/exchange/activities/{activity.id}").status_code == 404


def test_student_sees_only_activities_they_take_part_in(client, login, world, plan):
    activity = plan()
    login(world.student)
    assert client.get(f"/exchange/activities/{activity.id}").status_code == 404
    assert client.get("/exchange/activities").status_code == 403
