"""A phone camera's big photo on a weak connection: the page makes it smaller before sending,
and the server keeps what Chromium's canvas wrote as it came (nothing in it but the picture)."""

import base64
import io
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


def workshop_photo(path, size=(4032, 3024)):
    """A 12-megapixel photo with a phone camera's EXIF: smooth light, some sensor noise."""
    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 40).resize(size)
    light = Image.linear_gradient("L").resize(size)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (6.0, 10.0, 30.0)  # GPS latitude
    Image.merge("RGB", (light, noise, light)).save(path, quality=92, exif=exif)
    return path


def _sent_bytes(page):
    """The bytes the form will send for its photo, as the page's script left them."""
    encoded = page.evaluate(
        """async () => {
            const file = document.getElementById('photo').files[0];
            const bytes = new Uint8Array(await file.arrayBuffer());
            let text = '';
            for (let i = 0; i < bytes.length; i += 8192) {
                text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
            }
            return btoa(text);
        }"""
    )
    return base64.b64decode(encoded)


def _shrunk_on_the_log_form(page, live_server, unit, note, photo):
    """The unit's log form filled in, the photo chosen and made smaller by the page's script."""
    page.goto(f"{live_server}/training/units/{unit.id}/log")
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill(note)
    page.get_by_label("Photo of your work (optional)").set_input_files(str(photo))
    page.locator("#photo-shrink").get_by_text("Photo made smaller for sending").wait_for()


def _send(page):
    page.get_by_role("button", name="Send to my teacher").click()
    page.get_by_text("Saved. Your teacher will review it.").wait_for()


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
    _shrunk_on_the_log_form(
        page, live_server, unit, "De-energised the vehicle and tagged the switch.", photo
    )
    sent = page.evaluate("document.getElementById('photo').files[0].size")
    assert sent < original / 4
    _send(page)

    db.expire_all()
    record = db.exec(select(UnitCompletion).where(UnitCompletion.unit_id == unit.id)).one()
    assert record.photo_name
    with Image.open(os.path.join(app.config["UPLOAD_DIR"], record.photo_name)) as stored:
        assert max(stored.size) == 1600


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_photo_chromium_shrank_is_stored_as_it_was_sent(
    app,
    db,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    """Chromium's canvas writes the picture and an sRGB colour profile, nothing else (the
    camera's EXIF, GPS included, stays on the phone): the server checks and decodes it, drops
    the profile, and does not encode the picture again (the same pixels, to the last bit)."""
    training.student.locale = "en"
    db.add(training.student)
    db.commit()
    photo = workshop_photo(tmp_path / "IMG_20261207_0730.jpg")

    sign_in(training.student)
    unit = training.units["EV-101-U1"]
    _shrunk_on_the_log_form(
        page, live_server, unit, "Measured the pack's insulation resistance.", photo
    )
    sent = _sent_bytes(page)
    _send(page)

    db.expire_all()
    record = db.exec(select(UnitCompletion).where(UnitCompletion.unit_id == unit.id)).one()
    path = os.path.join(app.config["UPLOAD_DIR"], record.photo_name)
    with Image.open(io.BytesIO(sent)) as sent_picture, Image.open(path) as picture:
        assert picture.size == sent_picture.size == (1600, 1200)
        assert picture.tobytes() == sent_picture.tobytes()
        assert [name for name, _payload in picture.applist] == ["APP0"]
        assert not picture.getexif()
    assert os.path.getsize(path) < len(sent)
