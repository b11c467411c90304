"""Siti logs a unit with a photo on her phone, Pak Budi verifies it, the module's certificate
appears: its PDF's QR code leads to the verification page and its Open Badges credential checks
out with the published key."""

import io
import re
from pathlib import Path

import jwt
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP, PHONE
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    jpeg_bytes,
    log,
    quick_password_hashes,
    session,
    training,
    verified,
)


def _sign_in(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("Email atau NISN").fill(user.email or user.nisn)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("viewport", [PHONE])
def test_unit_logged_on_a_phone_verified_then_certificate_pdf_qr_and_credential(
    app,
    db,
    browser,
    page,
    live_server,
    sign_in,
    training,  # noqa: F811 - the fixture imported above
    verified,  # noqa: F811
    tmp_path,
):
    app.config["SIGNING_KEY_DIR"] = str(tmp_path / "signing_keys")
    for person in (training.student, training.teacher):
        person.locale = "en"  # English labels whatever the merged catalogues say
        db.add(person)
    db.commit()
    verified("EV-101-U1")  # one unit left in the safety module
    photo = tmp_path / "lock-out-tag.jpg"
    photo.write_bytes(jpeg_bytes(size=(2400, 1800)))

    # Siti, on her phone: the last safety unit, with a photo of the lock-out tag.
    sign_in(training.student)
    page.get_by_text("EV-101-U2").first.wait_for()
    page.get_by_role("link", name="I did this").click()
    assert page.get_by_label("Date you did it").input_value()  # today, already filled in
    page.get_by_label("Hours").fill("2")
    page.get_by_label("What did you do?").fill("Isolated the HV battery and tagged the switch.")
    page.get_by_label("Photo of your work (optional)").set_input_files(str(photo))
    send = page.get_by_role("button", name="Send to my teacher")
    box = send.bounding_box()
    assert box["width"] >= PHONE["width"] - 80 and box["height"] >= 44  # one thumb, one tap
    send.click()
    page.get_by_text("Saved. Your teacher will review it.").wait_for()
    assert page.locator(".unit.state-submitted").count() == 1

    # Pak Budi, at his desk: the queue, the photo, verify.
    desk = browser.new_context(viewport=DESKTOP, locale="id-ID")
    teacher = desk.new_page()
    _sign_in(teacher, live_server, training.teacher)
    teacher.goto(f"{live_server}/training/verification")
    teacher.get_by_role("link", name="EV-101-U2").click()
    evidence = teacher.locator("img.evidence")
    expect(evidence).not_to_have_js_property("naturalWidth", 0)  # the photo loaded and decoded
    teacher.get_by_label("Criterion").check()  # the unit's one assessment criterion
    teacher.get_by_role("button", name="Verify", exact=True).click()
    teacher.get_by_text(re.compile(r"certificate \w{10} issued")).wait_for()
    desk.close()

    # Siti again: the module is complete and the certificate is there.
    page.goto(f"{live_server}/")
    page.get_by_text("Module complete.").wait_for()
    page.get_by_role("link", name="Your certificate").click()
    code = re.search(r"/certificates/(\w{10})$", page.url).group(1)
    verify_url = f"{live_server}/verify/{code}"

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
    (picture,) = pdf.pages[0].images
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))]
    assert decoded == [verify_url]

    badges = page.get_by_role("row").filter(has_text="English")
    with page.expect_download() as badge_download:
        badges.get_by_role("link", name="Download").last.click()
    token = Path(badge_download.value.path()).read_text()
    keys = jwt.PyJWKSet.from_dict(page.request.get(f"{live_server}/.well-known/jwks.json").json())
    header = jwt.get_unverified_header(token)
    credential = jwt.decode(token, keys[header["kid"]], algorithms=["RS256"])
    assert credential["id"] == verify_url
    assert "OpenBadgeCredential" in credential["type"]

    # An employer scans the QR code: no account, the page says valid.
    visitor = browser.new_context(viewport=PHONE, locale="en-US")
    employer = visitor.new_page()
    employer.goto(decoded[0])
    employer.get_by_text("Valid certificate").wait_for()
    assert employer.get_by_role("heading", level=1).inner_text() == "Siti Rahayu"
    visitor.close()
