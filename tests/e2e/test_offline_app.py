# ruff: noqa: F811 - the training fixtures are imported from tests.training.conftest
"""Works in a workshop without a signal (issue 20), in Chromium at 360 px: installable; the
student's home and unit pages open offline; a unit logged offline with its photo waits on the
phone, survives a reload and is sent once when the connection returns (also when the first
send's answer is lost); a conflict shows the server's reason; signing out empties the caches."""

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from sqlmodel import select

from eduplatform.training import service
from eduplatform.training.models import UnitCompletion
from tests.e2e.conftest import PHONE, wait_until_the_service_worker_controls
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    TODAY,
    add_module,
    enrol,
    quick_password_hashes,
    session,
    training,
)

OUR_CACHES = "() => caches.keys().then(names => names.filter(n => n.startsWith('eduplatform-')))"


def lose_the_first_answer(app):
    """The first queued send reaches the server and is recorded, but its answer is lost (the
    phone sees a server error, as when the connection drops on the way back)."""
    inner = app.wsgi_app
    lost = []

    def flaky(environ, start_response):
        queued = "application/json" in environ.get("HTTP_ACCEPT", "")
        if environ["REQUEST_METHOD"] == "POST" and queued and not lost:
            lost.append(environ["PATH_INFO"])
            b"".join(inner(environ, lambda *args, **kwargs: None))  # the server does its work
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"lost"]
        return inner(environ, start_response)

    app.wsgi_app = flaky
    return lost


def photo_file(tmp_path):
    path = tmp_path / "lockout-tag.jpg"
    Image.new("RGB", (320, 240), (200, 80, 20)).save(path, quality=85)
    return path


def records(db, student, unit):
    db.expire_all()
    return db.exec(
        select(UnitCompletion).where(
            UnitCompletion.student_id == student.id, UnitCompletion.unit_id == unit.id
        )
    ).all()


def evaluate_settled(page, script):
    """page.evaluate, run again after a navigation the page started itself (it reloads once its
    queue sent something, which Background Sync may make happen at any moment)."""
    for _ in range(5):
        try:
            page.wait_for_load_state()
            page.wait_for_function("() => !!window.eduQueue")
            return page.evaluate(script)
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
    raise AssertionError("the page kept navigating")


def queued(page, student):
    """How many entries the phone's queue keeps for this student."""
    return evaluate_settled(page, f"eduQueue.all('{student.id}').then(entries => entries.length)")


@pytest.mark.parametrize("viewport", [PHONE])
def test_offline_logging_is_sent_once_and_sign_out_empties_the_caches(
    app,
    db,
    page,
    live_server,
    sign_in,
    training,
    tmp_path,
):
    student = training.student
    student.locale = "en"
    db.add(student)
    db.commit()
    unit = training.units["EV-101-U1"]
    other = training.units["EV-102-U1"]
    sign_in(student)

    # Installable: the manifest and a service worker controlling the page, no errors.
    wait_until_the_service_worker_controls(page)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A Playwright context is an incognito profile, where Chromium never offers to install:
    # every other criterion (manifest, icons, service worker, start URL) is met.
    assert {e["errorId"] for e in errors} - {"in-incognito"} == set()
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["name"] == "eduplatform: EV mechanic training"
    assert manifest["start_url"] == "/"

    # Online once: the pages the student will need are kept.
    page.goto(f"{live_server}/")
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    page.goto(f"{live_server}/training/units/{other.id}/log")
    page.goto(f"{live_server}/certificates")
    page.goto(f"{live_server}/curriculum/modules/EV-101")

    page.context.set_offline(True)
    for path, shown in (
        ("/certificates", "Certificates"),
        ("/curriculum/modules/EV-101", "EV-101"),
    ):
        page.goto(f"{live_server}{path}")
        page.get_by_text("No connection: this page is as it was on").wait_for()
        page.locator("h1").get_by_text(shown).first.wait_for()
    page.goto(f"{live_server}/")
    page.get_by_text("No connection: this page is as it was on").wait_for()
    page.get_by_text("EV-101-U1").first.wait_for()
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("Tagged the service disconnect.")
    page.get_by_label("Photo of your work (optional)").set_input_files(str(photo_file(tmp_path)))
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved on this phone: it will be sent by itself").wait_for()
    # A second entry, for another unit, that the server will refuse (see below).
    page.goto(f"{live_server}/training/units/{other.id}/log")
    page.get_by_label("Hours").fill("1")
    page.get_by_label("What did you do?").fill("Measured the pack voltage.")
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved on this phone: it will be sent by itself").wait_for()

    page.reload()
    queue = page.locator("#offline-queue")
    queue.get_by_text("Waiting to send").first.wait_for()
    assert queue.locator("li.queued").count() == 2
    # The photo said in words (an emoji has no text for a screen reader, nor a glyph on some
    # phones); one hour is singular.
    assert "EV-101-U1" in queue.inner_text() and "2 hours · with a photo" in queue.inner_text()
    assert "· 1 hour" in queue.inner_text() and "1 hours" not in queue.inner_text()
    assert records(db, student, unit) == []

    # Meanwhile the other unit was logged from another device: that entry will conflict.
    with app.test_request_context("/?lang=en"):
        service.log_completion(
            db, actor=student, unit=other, performed_on=TODAY, hours="1", note="From a laptop."
        )
    lost = lose_the_first_answer(app)

    page.context.set_offline(False)
    page.goto(f"{live_server}/")  # the next page open sends the queue
    conflict = page.locator("#offline-queue li.queued.refused")
    conflict.get_by_text(
        "Not sent: This unit is already waiting for your teacher's review."
    ).wait_for()
    assert lost, "the first send reached the server"
    # Its answer was lost: the entry waited and goes again with the same key ("Send now"'s
    # work, unless Background Sync already did it when the connection came back).
    evaluate_settled(page, "eduQueue.sendAll()")
    left = evaluate_settled(
        page, f"eduQueue.all('{student.id}').then(entries => entries.map(e => e.state))"
    )
    assert left == ["refused"]
    page.reload()
    conflict.wait_for()
    assert len(records(db, student, unit)) == 1
    stored = records(db, student, unit)[0]
    assert stored.photo_name and stored.note == "Tagged the service disconnect."
    assert page.locator("#offline-queue li.queued").count() == 1  # only the refused one
    assert conflict.get_by_role("link", name="Change").is_visible()
    conflict.get_by_role("button", name="Discard").click()
    page.wait_for_function("() => !document.querySelectorAll('#offline-queue li.queued').length")
    assert len(records(db, student, other)) == 1

    assert page.evaluate(OUR_CACHES)
    page.locator("details.menu summary").click()  # at 360 px the links are in the menu
    page.locator("details.menu").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/login")
    page.wait_for_function(f"() => ({OUR_CACHES})().then(names => names.length === 0)")


@pytest.mark.parametrize("viewport", [PHONE])
def test_queued_entries_wait_for_their_own_student_across_sign_ins(
    db, page, live_server, sign_in, training
):
    student, classmate = training.student, training.classmate
    for person in (student, classmate):
        person.locale = "en"
        db.add(person)
    db.commit()
    unit = training.units["EV-101-U1"]
    sign_in(student)
    wait_until_the_service_worker_controls(page)
    page.goto(f"{live_server}/training/units/{unit.id}/log")  # kept for offline use

    page.context.set_offline(True)
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("Tagged the service disconnect.")
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved on this phone: it will be sent by itself").wait_for()

    # The session ends while the phone is offline; back online, a classmate signs in on it.
    page.context.clear_cookies()
    page.context.set_offline(False)
    sign_in(classmate)
    page.wait_for_load_state("networkidle")
    assert page.locator("#offline-queue li.queued").count() == 0  # not shown to another account
    names = page.evaluate(OUR_CACHES)
    assert f"eduplatform-pages-{student.id}" not in names  # the account switch emptied them
    waiting = queued(page, student)
    assert waiting == 1  # kept for its own student, not sent
    assert records(db, student, unit) == [] and records(db, classmate, unit) == []

    # The student signs in again: the entry goes, as that student, once.
    page.context.clear_cookies()
    sign_in(student)
    page.get_by_text("Sent to your teacher.").wait_for()
    assert len(records(db, student, unit)) == 1
    assert records(db, classmate, unit) == []


@pytest.mark.parametrize("viewport", [PHONE])
def test_an_entry_refused_for_a_rule_shows_why_and_can_be_changed_and_sent(
    db, page, live_server, sign_in, training
):
    from datetime import timedelta

    student = training.student
    student.locale = "en"
    db.add(student)
    db.commit()
    unit = training.units["EV-101-U1"]
    sign_in(student)
    wait_until_the_service_worker_controls(page)
    page.goto(f"{live_server}/training/units/{unit.id}/log")

    page.context.set_offline(True)
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    page.get_by_label("Date you did it").fill((TODAY + timedelta(days=3)).isoformat())
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("Tagged the service disconnect.")
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved on this phone: it will be sent by itself").wait_for()

    page.context.set_offline(False)
    page.goto(f"{live_server}/")
    refused = page.locator("#offline-queue li.queued.refused")
    refused.get_by_text("Not sent: Date you did it: The date cannot be in the future.").wait_for()
    assert records(db, student, unit) == []

    refused.get_by_role("link", name="Change").click()
    page.wait_for_url("**/log?entry=*")  # the click only starts the navigation
    # The form is filled from the phone's queue once the page's script has read it.
    page.wait_for_function("() => (document.getElementById('note') || {}).value")
    assert page.get_by_label("What did you do?").input_value() == "Tagged the service disconnect."
    page.get_by_label("Date you did it").fill(TODAY.isoformat())
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved. Your teacher will review it.").wait_for()
    assert len(records(db, student, unit)) == 1
    assert page.locator("#offline-queue li.queued").count() == 0
    assert queued(page, student) == 0


def count_queued_sends(app):
    """[path of each send of a queued entry] as the server receives them (the page's and the
    service worker's alike: a browser test cannot see the worker's own requests)."""
    inner = app.wsgi_app
    seen = []

    def counting(environ, start_response):
        queued = "application/json" in environ.get("HTTP_ACCEPT", "")
        if environ["REQUEST_METHOD"] == "POST" and queued:
            seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app = counting
    return seen


def test_coming_back_online_on_the_page_posts_the_entry_once(
    app, db, page, live_server, sign_in, training
):
    """The connection returns while the student is still on the log page: the page (its
    "online" event) and the service worker (Background Sync) both start sending; one of them
    posts the entry, the other finds the queue empty, and the page shows the unit waiting."""
    student = training.student
    student.locale = "en"
    db.add(student)
    db.commit()
    unit = training.units["EV-101-U1"]
    sign_in(student)
    wait_until_the_service_worker_controls(page)
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    seen = count_queued_sends(app)

    page.context.set_offline(True)
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("Tagged the service disconnect.")
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved on this phone: it will be sent by itself").wait_for()
    assert page.locator("section.log-form").is_hidden()  # no empty card left behind

    page.context.set_offline(False)
    page.get_by_text("Sent to your teacher.").wait_for()
    page.wait_for_timeout(1500)  # a second sender, had there been one, has posted by now
    assert len(records(db, student, unit)) == 1
    assert seen == [f"/training/units/{unit.id}/log"]
    assert queued(page, student) == 0
