"""The unit log form on a phone and a weak connection: it shows that it is sending, with the
photo's progress, refuses a second tap, and keeps the chosen photo when the server refuses the
form (issue 15 items 6 and 7)."""

import os

import pytest
from PIL import Image
from sqlmodel import select

from eduplatform.training.models import UnitCompletion
from tests.e2e.conftest import PHONE
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    quick_password_hashes,
    session,
    training,
)

# A slow 3G-like uplink: 80 KB/s up, 150 ms round trip (Chromium's own network emulation).
WEAK = {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 80_000}


def noisy_photo(path, size=(640, 480)):
    """A JPEG under 1 MB (sent as it is, not made smaller) that takes seconds on WEAK: noise."""
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, quality=90)
    return path


def throttle(page, conditions):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    return cdp


def open_form(page, live_server, world, db):
    world.student.locale = "en"
    db.add(world.student)
    db.commit()
    unit = world.units["EV-101-U1"]
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    return unit


def records(db, unit):
    db.expire_all()
    return db.exec(select(UnitCompletion).where(UnitCompletion.unit_id == unit.id)).all()


@pytest.mark.parametrize("viewport", [PHONE])
def test_sending_shows_progress_and_a_second_tap_sends_nothing(
    db,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    photo = noisy_photo(tmp_path / "tag.jpg")
    assert 200_000 < photo.stat().st_size < 1024 * 1024
    sign_in(training.student)
    unit = open_form(page, live_server, training, db)
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("Tagged the service disconnect.")
    page.get_by_label("Photo of your work (optional)").set_input_files(str(photo))
    throttle(page, WEAK)

    button = page.get_by_role("button", name="Send to my teacher")
    button.click()
    status = page.locator("#send-text")
    status.get_by_text("Sending…").first.wait_for()
    assert button.is_disabled()
    # A second tap (the button is disabled; a keyboard or script submit is refused too).
    page.evaluate("document.getElementById('log-form').requestSubmit()")
    # Progress between the first and the last byte: the upload is seconds long on WEAK.
    page.wait_for_function(
        "() => { const p = document.getElementById('send-progress');"
        " return p && p.value > 0 && p.value < 100; }"
    )
    assert "of the photo and the form" in status.inner_text()
    page.get_by_text("Saved. Your teacher will review it.").wait_for(timeout=60_000)

    saved = records(db, unit)
    assert len(saved) == 1
    assert saved[0].photo_name


@pytest.mark.parametrize("viewport", [PHONE])
def test_after_a_refusal_the_chosen_photo_is_kept_and_sent_with_the_corrected_form(
    db,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    photo = noisy_photo(tmp_path / "lockout-tag.jpg", size=(320, 240))
    sign_in(training.student)
    unit = open_form(page, live_server, training, db)
    page.get_by_label("Hours").fill("30")  # refused: at most 24
    page.get_by_label("What did you do?").fill("Tagged the service disconnect.")
    page.get_by_label("Photo of your work (optional)").set_input_files(str(photo))
    page.get_by_role("button", name="Send to my teacher").click()

    page.get_by_text("Hours must be more than 0 and at most 24.").wait_for()
    page.get_by_text("Your photo is still attached: lockout-tag.jpg").wait_for()
    assert page.evaluate("document.getElementById('photo').files.length") == 1
    assert records(db, unit) == []

    page.get_by_label("Hours").fill("2")
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved. Your teacher will review it.").wait_for()
    saved = records(db, unit)
    assert len(saved) == 1 and saved[0].photo_name
