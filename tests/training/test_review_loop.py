"""The teacher's review loop: thumbnails and the remaining count in the queue, the unit's
assessment criteria ticked (or an "approve anyway" with its reason), the confirmation naming
whose unit it was, then the next record."""

import io
import re
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.training.models import CompletionCriterion, UnitCompletion
from tests.training.conftest import TODAY, jpeg_bytes


def _in_english(client):
    """Pages after a redirect carry no ?lang=: the account's language is English."""
    client.post("/language", data={"locale": "en"})


def _stored(db, completion):
    return db.get(UnitCompletion, completion.id, populate_existing=True)


def _ticks(db, completion):
    db.commit()
    rows = db.exec(
        select(CompletionCriterion).where(CompletionCriterion.completion_id == completion.id)
    ).all()
    return {row.number: row.met for row in rows}


def test_queue_rows_show_a_server_made_thumbnail_the_date_hours_and_what_is_left(
    client, login, training, log
):
    with_photo = log("EV-101-U1", photo=io.BytesIO(jpeg_bytes(size=(1200, 900))), hours="1.5")
    log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    page = client.get("/training/verification?lang=en").get_data(as_text=True)
    assert "2 left" in page
    (src,) = re.findall(r'<img class="thumb" src="([^"]+)"', page)
    assert src.startswith(f"/training/completions/{with_photo.id}/thumbnail?v=")
    assert "No photo" in page  # the classmate's record has none
    assert "1.5" in page and "Siti Rahayu" in page and "XI TKRO 1" in page
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "max-age=86400" in response.headers["Cache-Control"]
    thumbnail = Image.open(io.BytesIO(response.data))
    assert thumbnail.size == (160, 160)  # a real small image, not the 1200 px photo
    assert len(response.data) < 20_000


def test_a_thumbnail_is_made_once_and_removed_with_its_photo(app, client, login, training, log):
    from eduplatform import uploads

    completion = log("EV-101-U1", photo=io.BytesIO(jpeg_bytes(size=(800, 600))))
    login(training.teacher)
    client.get(f"/training/completions/{completion.id}/thumbnail")
    cache = Path(app.config["UPLOAD_DIR"]) / "thumbnails"
    (made,) = cache.iterdir()
    made.write_bytes(made.read_bytes())  # any later request must serve this very file
    marker = made.stat().st_mtime_ns
    client.get(f"/training/completions/{completion.id}/thumbnail")
    assert made.stat().st_mtime_ns == marker
    with app.test_request_context():
        uploads.remove(completion.photo_name)
    assert list(cache.iterdir()) == []


def test_thumbnails_answer_404_without_a_photo_or_outside_the_school(client, login, training, log):
    bare = log("EV-101-U1")
    pictured = log("EV-101-U1", student=training.classmate, photo=io.BytesIO(jpeg_bytes()))
    login(training.teacher)
    assert client.get(f"/training/completions/{bare.id}/thumbnail").status_code == 404
    client.post("/logout")
    login(training.foreign_teacher)
    assert client.get(f"/training/completions/{pictured.id}/thumbnail").status_code == 404


def test_a_photo_missing_from_disk_answers_404_and_is_logged(
    app, client, login, training, log, caplog
):
    """Uploads not restored with a backup: the record's page still works, its photo is not
    found, and the log names the missing file."""
    completion = log("EV-101-U1", photo=io.BytesIO(jpeg_bytes()))
    (Path(app.config["UPLOAD_DIR"]) / completion.photo_name).unlink()
    login(training.teacher)
    assert client.get(f"/training/completions/{completion.id}").status_code == 200
    for kind in ("thumbnail", "photo"):
        assert client.get(f"/training/completions/{completion.id}/{kind}").status_code == 404
    assert f"stored file missing: {completion.photo_name}" in caplog.text


def test_the_review_page_lists_the_criteria_to_tick_and_the_count_left(
    client, login, training, log
):
    completion = log("EV-101-U1")
    log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    page = client.get(f"/training/completions/{completion.id}?lang=en").get_data(as_text=True)
    assert 'name="criteria" value="1"' in page and "Criterion" in page
    assert "0 of 1 ticked" in page and "2 left" in page
    assert 'value="approve"' in page and 'value="reject"' in page


def test_the_review_page_gives_moments_as_it_gives_dates(client, login, training, log):
    """When the record was logged: the date as the page writes its other dates, with the time
    without seconds, in the reader's time zone (not the short all-numbers form)."""
    from babel.dates import format_date, format_time

    from eduplatform.dashboard.periods import reporting_zone

    completion = log("EV-101-U1")
    login(training.teacher)
    logged = completion.created_at.astimezone(reporting_zone())
    expected = {
        "en": f"{format_date(logged, 'medium', locale='en')}, "
        f"{format_time(logged, 'short', locale='en')}",
        "id": f"{format_date(logged, 'medium', locale='id')} "
        f"{format_time(logged, 'short', locale='id')}",
    }
    for lang, moment in expected.items():
        page = client.get(f"/training/completions/{completion.id}?lang={lang}")
        assert moment in page.get_data(as_text=True), (lang, moment)


def test_approving_without_every_criterion_or_a_reason_changes_nothing(
    client, db, login, training, log
):
    completion = log("EV-101-U1")
    login(training.teacher)
    response = client.post(
        f"/training/completions/{completion.id}?lang=en", data={"decision": "approve"}
    )
    assert response.status_code == 422
    assert "give a reason to approve anyway (1 not ticked)" in response.get_data(as_text=True)
    assert _stored(db, completion).status == "submitted"
    assert _ticks(db, completion) == {}


def test_approving_anyway_keeps_the_reason_and_the_unticked_criterion(
    client, db, login, training, log
):
    completion = log("EV-101-U1")
    login(training.teacher)
    response = client.post(
        f"/training/completions/{completion.id}",
        data={"decision": "approve", "override_reason": "Shown to me at the bench."},
    )
    assert response.status_code == 302
    stored = _stored(db, completion)
    assert (stored.status, stored.criteria_override) == ("verified", "Shown to me at the bench.")
    assert _ticks(db, completion) == {1: False}
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "completion.verified")).all()
    assert event.details["criteria"] == "0/1" and event.details["reason"]


def test_a_decision_names_whose_unit_it_was_then_opens_the_next_record(
    client, db, login, training, log
):
    first = log("EV-101-U1")
    second = log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    _in_english(client)
    response = client.post(
        f"/training/completions/{first.id}?lang=en",
        data={"decision": "approve", "criteria": "1"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "EV-101-U1 of Siti Rahayu verified." in page
    assert response.request.path == f"/training/completions/{second.id}"  # the next record
    assert "1 left" in page
    assert _ticks(db, first) == {1: True}
    response = client.post(
        f"/training/completions/{second.id}?lang=en",
        data={"decision": "reject", "feedback": "Photograph the tag."},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "EV-101-U1 of Agus Pratama sent back with your feedback." in page
    assert "0 left" in page and "Nothing waits for review." in page
    assert _ticks(db, second) == {1: False}


def test_the_next_record_stays_within_the_queues_filter(client, login, training, log):
    first = log("EV-101-U1")
    log("EV-101-U1", student=training.classmate)
    third = log("EV-102-U1")
    login(training.teacher)
    module = training.battery.id
    response = client.post(
        f"/training/completions/{first.id}?module={training.safety.id}",
        data={"decision": "approve", "criteria": "1"},
    )
    assert f"module={training.safety.id}" in response.headers["Location"]
    response = client.get(f"/training/verification?module={module}")
    assert f"/training/completions/{third.id}?module={module}" in response.get_data(as_text=True)


def test_the_student_sees_which_criteria_the_teacher_ticked(client, login, training, log, app):
    from eduplatform.db import new_session
    from eduplatform.training import service

    completion = log("EV-101-U1")
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        service.reject_completion(
            session,
            actor=training.teacher,
            completion=session.get(UnitCompletion, completion.id),
            feedback="Photograph the tag.",
        )
    login(training.student)
    page = client.get(f"/training/completions/{completion.id}?lang=en").get_data(as_text=True)
    assert "Criterion" in page and "Not met" in page and "Photograph the tag." in page
    assert 'name="criteria"' not in page  # nothing to tick for the student


def test_bulk_approval_needs_the_criteria_statement(client, db, login, training, log):
    completion = log("EV-101-U1")
    login(training.teacher)
    response = client.post(
        "/training/verification/approve?lang=en",
        data={"completion": [completion.id], "confirm": "1"},
    )
    assert response.status_code == 422
    assert "meets every assessment criterion" in response.get_data(as_text=True)
    assert _stored(db, completion).status == "submitted"
    client.post(
        "/training/verification/approve",
        data={"completion": [completion.id], "confirm": "1", "criteria_checked": "y"},
    )
    assert _stored(db, completion).status == "verified"
    assert _ticks(db, completion) == {1: True}


def test_the_queue_says_when_each_record_was_sent_beside_the_day_it_was_done(
    client, login, training, log, session
):
    """Oldest sent first: a unit done last week but sent this morning comes after one sent
    yesterday, and each row says both days, so the order reads as what it is."""
    from babel.dates import format_date

    from eduplatform.sqltypes import utcnow

    done_on = TODAY - timedelta(days=9)
    late = log("EV-101-U1", performed_on=done_on)
    early = log("EV-101-U1", student=training.classmate)
    early.created_at = utcnow() - timedelta(days=2)
    session.add(early)
    session.commit()
    login(training.teacher)
    page = client.get("/training/verification?lang=en").get_data(as_text=True)
    assert re.search(r'<th scope="col">Sent</th>', page)
    rows = re.findall(r'<tr class="queue-row">(.*?)</tr>', page, re.S)
    assert [f'value="{early.id}"' in rows[0], f'value="{late.id}"' in rows[1]] == [True, True]
    sent = re.findall(r'data-label="Sent"><time datetime="([^"]+)">([^<]+)</time>', page)
    assert [moment[:10] for moment, _label in sent] == [
        early.created_at.isoformat()[:10],
        late.created_at.isoformat()[:10],
    ]
    assert format_date(done_on, "medium", locale="en") in rows[1]  # the day it was done stays


def _row(page, completion):
    found = re.search(
        rf'<tr class="queue-row">(?:(?!</tr>).)*id="pick-{completion.id}"(?:(?!</tr>).)*</tr>',
        page,
        re.S,
    )
    assert found, completion.id
    return found[0]


def test_a_queue_row_kept_from_an_earlier_page_follows_what_it_shows(
    app, client, login, session, training, log
):
    """Rows are rendered once and kept (issue 21): a photo added since, another language, a
    filter, a renamed student and another unit title each show at once."""
    from eduplatform.people.models import User
    from eduplatform.training import service

    record = log("EV-101-U1")
    login(training.teacher)
    first = _row(client.get("/training/verification?lang=en").get_data(as_text=True), record)
    assert "No photo" in first and "Siti Rahayu" in first and 'data-label="Date done"' in first
    assert first == _row(
        client.get("/training/verification?lang=en").get_data(as_text=True), record
    )

    with app.test_request_context("/?lang=en"):
        service.attach_photo(
            session, actor=training.student, completion=session.get(UnitCompletion, record.id),
            photo=io.BytesIO(jpeg_bytes()),
        )  # fmt: skip
    pictured = _row(client.get("/training/verification?lang=en").get_data(as_text=True), record)
    assert "No photo" not in pictured and 'class="thumb" src="' in pictured

    chinese = _row(client.get("/training/verification?lang=zh").get_data(as_text=True), record)
    assert 'data-label="Date done"' not in chinese and "data-label=" in chinese

    cohort = training.cohort.id
    filtered = client.get(f"/training/verification?lang=en&cohort={cohort}").get_data(as_text=True)
    assert f"?cohort={cohort}" in _row(filtered, record)

    student = session.get(User, training.student.id)
    student.full_name = "Siti Rahayu Putri"
    session.add(student)
    session.commit()
    renamed = _row(client.get("/training/verification?lang=en").get_data(as_text=True), record)
    assert "Siti Rahayu Putri" in renamed

    unit = session.merge(training.units["EV-101-U1"])
    unit.title = {**unit.title, "en": "Isolation and lock-out, revised"}
    session.add(unit)
    session.commit()
    retitled = _row(client.get("/training/verification?lang=en").get_data(as_text=True), record)
    assert "Isolation and lock-out, revised" in retitled
