"""The student's pages: home with unit states, the phone logging form, evidence photos."""

import io
import os
import re
from types import SimpleNamespace

from PIL import Image
from sqlmodel import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from eduplatform.training.completions import local_today, locked_message
from eduplatform.training.models import UnitCompletion
from eduplatform.training.progress import LockReason
from tests.training.conftest import TODAY, completions_count, jpeg_bytes


def _form(unit, **fields):
    data = {
        "performed_on": TODAY.isoformat(),
        "hours": "2",
        "note": "Marked every orange cable on the worksheet.",
    }
    data.update(fields)
    return data


def _uploads(app):
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_student_home_lists_modules_with_progress_and_each_units_state(
    client, login, training, verified, log
):
    verified("EV-101-U1")
    log("EV-102-U1")
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "EV-101" in page and "EV-102" in page
    assert re.search(r'<progress class="bar" max="2" value="1"', page)
    units = {
        code: re.search(
            rf"<li class=\"unit state-(\w+)\">\s*<div class=\"unit-head\">\s*"
            rf"<span><strong>{code}</strong>",
            page,
        ).group(1)  # fmt: skip
        for code in ("EV-101-U1", "EV-101-U2", "EV-102-U1", "EV-102-U2")
    }
    assert units == {
        "EV-101-U1": "verified",
        "EV-101-U2": "not_started",
        "EV-102-U1": "submitted",
        "EV-102-U2": "locked",
    }
    # EV-102-U2 waits for EV-102-U1 too, but the safety rule is the reason a student must see.
    assert "Verify the high-voltage safety units first: EV-101-U2" in page
    assert "Verify these units first: EV-102-U1" not in page


def test_a_unit_waiting_for_another_says_which(client, login, training, verified):
    verified("EV-101-U1")
    verified("EV-101-U2")
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    # Safety done: the prerequisite, by its code and its title.
    assert "Verify these units first: EV-102-U1 Battery architecture" in page


def test_locked_safety_critical_unit_says_which_safety_units_are_missing(
    client, login, training, verified
):
    verified("EV-102-U1")
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert (
        "Verify the high-voltage safety units first: "
        "EV-101-U1 High-voltage hazards; EV-101-U2 De-energising"
    ) in page


def test_rejected_unit_shows_the_teachers_feedback_and_can_be_logged_again(
    app, client, login, session, training, log
):
    from eduplatform.training import service

    completion = log("EV-101-U1")
    with app.test_request_context("/?lang=en"):
        service.reject_completion(
            session, actor=training.teacher, completion=completion, feedback="Photo too dark."
        )
    login(training.student)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Photo too dark." in page and "Log it again" in page


def test_student_without_a_class_is_told_so(client, login, make_user, training):
    login(make_user("student", organization=training.school))
    assert "once your teacher enrols you" in client.get("/?lang=en").get_data(as_text=True)


def test_logging_page_is_made_for_a_phone_camera_with_todays_date(client, login, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    page = client.get(f"/training/units/{unit.id}/log?lang=en").get_data(as_text=True)
    # The camera or a photo already taken (no capture=: a group member may have taken it);
    # the types the server takes, so that a phone converts HEIC to JPEG when picking.
    assert 'accept="image/jpeg,image/png,image/webp"' in page and "capture=" not in page
    assert "data-shrink" in page and "js/photo.js" in page  # big photos shrink before sending
    today = local_today().isoformat()  # now, not when the module was imported
    assert f'value="{today}"' in page and f'max="{today}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'inputmode="decimal"' in page
    assert "<script" not in page.split("</footer>")[0].split("<main")[1]


def test_student_logs_a_unit_with_a_photo_that_is_cleaned_before_storage(
    app, client, login, db, training
):
    login(training.student)
    unit = training.units["EV-101-U1"]
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (7.0, 33.0, 0.0)  # where the photo was taken
    photo = jpeg_bytes(size=(3000, 2000), exif=exif)
    assert b"Exif" in photo and b"PhoneMaker" in photo
    response = client.post(
        f"/training/units/{unit.id}/log",
        data=_form(unit, photo=(io.BytesIO(photo), "IMG_0001.jpg")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (completion,) = db.exec(select(UnitCompletion)).all()
    assert completion.photo_mime_type == "image/jpeg"
    (stored,) = _uploads(app)
    assert stored.name == completion.photo_name and "IMG_0001" not in stored.name
    data = stored.read_bytes()
    assert b"Exif" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert max(image.size) <= 1600


def test_a_camera_sized_photo_is_taken_without_the_browser_shrinking_it(
    app, client, login, db, training
):
    """Without the page's script (an old browser) a phone's 8 MB photo still goes through."""
    login(training.student)
    unit = training.units["EV-101-U1"]
    size = (3000, 2300)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "JPEG", quality=97)
    assert buffer.tell() > 8 * 1024 * 1024
    buffer.seek(0)
    # Encoded in memory: the test client would spool a body this big to a temporary file
    # that it never closes.
    boundary, body = encode_multipart(
        MultiDict(_form(unit, photo=FileStorage(buffer, "IMG_0002.jpg", "photo", "image/jpeg")))
    )
    response = client.post(
        f"/training/units/{unit.id}/log",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    (stored,) = _uploads(app)
    with Image.open(stored) as image:
        assert max(image.size) == 1600
    assert stored.stat().st_size < 1024 * 1024


def test_photo_is_served_only_to_the_student_their_schools_teachers_and_the_office(
    client, login, db, training, make_user
):
    login(training.student)
    unit = training.units["EV-101-U1"]
    client.post(
        f"/training/units/{unit.id}/log",
        data=_form(unit, photo=(io.BytesIO(jpeg_bytes()), "p.jpg")),
        content_type="multipart/form-data",
    )
    (completion,) = db.exec(select(UnitCompletion)).all()
    url = f"/training/completions/{completion.id}/photo"
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "filename=" in response.headers["Content-Disposition"]
        assert response.mimetype == "image/jpeg"
    client.post("/logout")
    for who, status in [
        (training.classmate, 404),
        (training.foreign_teacher, 404),
        (make_user("author"), 404),
        (training.other_teacher, 200),
        (training.office, 200),
    ]:
        login(who)
        with client.get(url) as response:
            assert response.status_code == status, who.full_name
        assert client.get(f"/training/completions/{completion.id}").status_code == status
        client.post("/logout")


def test_the_form_shows_the_photos_problem_with_the_others(client, login, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    response = client.post(
        f"/training/units/{unit.id}/log?lang=en",
        data=_form(unit, hours="abc", note="", photo=(io.BytesIO(b"plain text"), "notes.txt")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="photo-error"' in page and 'id="hours-error"' in page and 'id="note-error"' in page


def test_a_polyglot_photo_is_refused_and_nothing_is_stored(app, client, login, db, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    polyglot = jpeg_bytes() + b"<script>alert(1)</script>" + b"PK\x03\x04" * 10
    response = client.post(
        f"/training/units/{unit.id}/log?lang=en",
        data=_form(unit, photo=(io.BytesIO(polyglot), "p.jpg")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a plain photo" in response.get_data(as_text=True)
    assert completions_count(db) == 0 and _uploads(app) == []


def test_a_file_that_is_not_an_image_is_refused(app, client, login, db, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    response = client.post(
        f"/training/units/{unit.id}/log?lang=en",
        data=_form(unit, photo=(io.BytesIO(b"%PDF-1.4 fake"), "photo.jpg")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "JPEG, PNG or WebP" in response.get_data(as_text=True)
    assert completions_count(db) == 0 and _uploads(app) == []


def test_bad_input_keeps_what_the_student_typed_and_shows_the_error_by_the_field(
    client, login, db, training
):
    login(training.student)
    unit = training.units["EV-101-U1"]
    response = client.post(
        f"/training/units/{unit.id}/log?lang=en",
        data=_form(unit, hours="30", note="Changed the fuse."),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="hours-error"' in page and "at most 24" in page
    assert "Changed the fuse." in page and 'value="30"' in page
    assert completions_count(db) == 0


def test_a_lock_names_its_units_with_the_languages_own_separator(app):
    """Semicolons between the units (a title may hold commas); Chinese uses its own."""
    missing = [
        SimpleNamespace(code="EV-101-U5", title={"id": "Isolasi, penguncian", "zh": "隔离，上锁"}),
        SimpleNamespace(code="EV-101-U6", title={"id": "Uji tegangan", "zh": "验电"}),
    ]
    progress = SimpleNamespace(missing=missing, reason=LockReason.SAFETY)
    with app.test_request_context("/?lang=zh"):
        assert str(locked_message(progress)).endswith("EV-101-U5 隔离，上锁；EV-101-U6 验电")
    with app.test_request_context("/?lang=id"):
        assert str(locked_message(progress)).endswith(
            "EV-101-U5 Isolasi, penguncian; EV-101-U6 Uji tegangan"
        )


def test_a_locked_unit_cannot_be_logged_through_the_page(client, login, db, training):
    login(training.student)
    unit = training.units["EV-101-U2"]
    page = client.get(f"/training/units/{unit.id}/log?lang=en").get_data(as_text=True)
    assert "Locked until these units are verified: EV-101-U1" in page
    response = client.post(f"/training/units/{unit.id}/log?lang=en", data=_form(unit))
    assert response.status_code == 422
    assert completions_count(db) == 0


def test_a_unit_outside_the_students_class_answers_404(client, login, training, add_module):
    _module, _version, units = add_module(
        training.program, "EV-150", [("EV-150-U1", {}, False, [])], status="draft"
    )
    login(training.student)
    assert client.get(f"/training/units/{units['EV-150-U1'].id}/log").status_code == 404
    assert client.get("/training/units/999999/log").status_code == 404


def test_without_the_script_a_refused_form_says_to_choose_the_photo_again(client, login, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    response = client.post(
        f"/training/units/{unit.id}/log?lang=en",
        data={
            "performed_on": "",
            "hours": "2",
            "note": "Tagged it.",
            "photo": (io.BytesIO(jpeg_bytes()), "tag.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Your photo was not saved because of the errors above: choose it again." in (
        response.get_data(as_text=True)
    )


def test_the_log_form_reads_its_unit_and_the_class_once_per_request(
    app, client, login, db, training
):
    """A published unit comes from the per-process cache (no statement reads it), and sending
    the form reads the student's class and records once: the view hands what it read to the
    service that logs."""
    from sqlalchemy import event

    from eduplatform.db import get_engine

    seen = []

    def remember(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    login(training.student)
    unit = training.units["EV-101-U1"]
    path = f"/training/units/{unit.id}/log?lang=en"
    assert client.get(path).status_code == 200  # fills the cache of published versions
    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(path).status_code == 200
        opened, seen[:] = list(seen), []
        response = client.post(path, data=_form(unit))
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert response.status_code == 302
    assert completions_count(db) == 1

    def reading(statements, table):
        return [s for s in statements if s.startswith("SELECT") and f" FROM {table} " in s + " "]

    assert reading(opened, "unit") == [] and reading(seen, "unit") == []
    # The class (with the curriculum's token) and the student's records: once each on sending.
    assert len(reading(seen, "cohort")) == 1
    records = [s for s in reading(seen, "unit_completion") if "ORDER BY" in s]
    assert len(records) == 1
