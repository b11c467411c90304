"""A phone camera's big photo on a weak connection: the page makes it smaller before sending."""

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


def camera_photo(path, size=(2400, 1800)):
    """A JPEG as big as a phone camera's: noise does not compress (several MB)."""
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, quality=95)
    return path


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_big_photo_is_made_smaller_in_the_browser_and_the_unit_is_logged(
    app,
    db,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    training.student.locale = "en"
    db.add(training.student)
    db.commit()
    photo = camera_photo(tmp_path / "IMG_20261123_101500.jpg")
    original = photo.stat().st_size
    assert original > 4 * 1024 * 1024

    sign_in(training.student)
    unit = training.units["EV-101-U1"]
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("De-energised the vehicle and tagged the switch.")
    page.get_by_label("Photo of your work (optional)").set_input_files(str(photo))
    status = page.locator("#photo-shrink")
    status.get_by_text("Photo made smaller for sending").wait_for()
    sent = page.evaluate("document.getElementById('photo').files[0].size")
    assert sent < original / 4
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved. Your teacher will review it.").wait_for()

    db.expire_all()
    record = db.exec(select(UnitCompletion).where(UnitCompletion.unit_id == unit.id)).one()
    assert record.photo_name
    with Image.open(os.path.join(app.config["UPLOAD_DIR"], record.photo_name)) as stored:
        assert max(stored.size) == 1600
