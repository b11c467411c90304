"""The student's daily journal: written from a phone, refused clearly when wrong."""

import io
from datetime import timedelta

import pytest
from sqlmodel import func, select

from eduplatform.placements.models import JournalEntry, JournalEntryUnit
from tests.placements.conftest import TODAY
from tests.security.world import jpeg_bytes


def _entry(pkl, **overrides):
    data = {
        "day": (TODAY - timedelta(days=1)).isoformat(),
        "kind": "present",
        "arrived_at": "08:00",
        "left_at": "16:00",
        "activities": "Memeriksa tegangan baterai bersama mekanik.",
        "unit_ids": [pkl.units["EV-201-U1"].id],
    }
    data.update(overrides)
    return data


def _count(db):
    return db.exec(select(func.count()).select_from(JournalEntry)).one()


def test_a_student_writes_a_day_with_units_and_a_photo(client, login, db, pkl, make_placement):
    placement = make_placement()
    login(pkl.student)
    data = _entry(pkl, photo=(io.BytesIO(jpeg_bytes()), "bengkel.jpg"))
    response = client.post("/placements/journal/new?lang=en", data=data,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    entry = db.exec(select(JournalEntry)).one()
    assert (entry.placement_id, entry.status, entry.kind) == (placement.id, "pending", "present")
    assert entry.photo_name and entry.photo_mime_type == "image/jpeg"
    units = db.exec(select(JournalEntryUnit.unit_id)).all()
    assert units == [pkl.units["EV-201-U1"].id]
    page = client.get("/placements/journal?lang=en").get_data(as_text=True)
    assert "Waiting for countersign" in page and "EV-201-U1" in page
    photo = client.get(f"/placements/journal/{entry.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    photo.close()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"day": (TODAY + timedelta(days=1)).isoformat()}, "The date cannot be in the future."),
        ({"left_at": "07:30"}, "The leaving time must be after the arrival time."),
        ({"arrived_at": ""}, "Enter the time you arrived."),
        ({"activities": ""}, "Write what you did today."),
        ({"day": (TODAY - timedelta(days=30)).isoformat()}, "The date is outside the placement"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(
    client, login, db, pkl, make_placement, overrides, message
):
    make_placement()
    login(pkl.student)
    response = client.post("/placements/journal/new?lang=en", data=_entry(pkl, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db) == 0


def test_a_second_entry_for_the_same_day_is_refused(client, login, db, pkl, make_placement):
    make_placement()
    login(pkl.student)
    assert client.post("/placements/journal/new", data=_entry(pkl)).status_code == 302
    response = client.post("/placements/journal/new?lang=en", data=_entry(pkl, kind="sick"))
    assert response.status_code == 422
    assert "You already wrote an entry for" in response.get_data(as_text=True)
    assert _count(db) == 1


def test_a_missed_day_needs_no_times(client, login, db, pkl, make_placement):
    make_placement()
    login(pkl.student)
    data = _entry(pkl, kind="sick", arrived_at="", left_at="", activities="Demam", unit_ids=[])
    assert client.post("/placements/journal/new", data=data).status_code == 302
    entry = db.exec(select(JournalEntry)).one()
    assert (entry.kind, entry.arrived_at, entry.left_at) == ("sick", None, None)


def test_units_outside_the_placement_are_refused(client, login, db, pkl, make_placement):
    make_placement(unit_ids=[pkl.units["EV-201-U1"].id])
    login(pkl.student)
    response = client.post(
        "/placements/journal/new?lang=en", data=_entry(pkl, unit_ids=[pkl.units["EV-201-U3"].id])
    )
    assert response.status_code == 422
    assert _count(db) == 0


def test_a_returned_entry_can_be_changed_and_goes_back_pending(
    client, login, db, pkl, make_placement
):
    make_placement()
    login(pkl.student)
    client.post("/placements/journal/new", data=_entry(pkl))
    entry = db.exec(select(JournalEntry)).one()
    entry.status, entry.supervisor_comment = "returned", "Tulis lebih rinci"
    db.add(entry)
    db.commit()
    response = client.post(f"/placements/journal/{entry.id}/edit",
                           data=_entry(pkl, activities="Mengukur tegangan sel."))  # fmt: skip
    assert response.status_code == 302
    db.refresh(entry)
    assert entry.status == "pending" and entry.activities.startswith("Mengukur")


def test_a_countersigned_entry_cannot_change(client, login, db, pkl, make_placement):
    make_placement()
    login(pkl.student)
    client.post("/placements/journal/new", data=_entry(pkl))
    entry = db.exec(select(JournalEntry)).one()
    entry.status = "approved"
    db.add(entry)
    db.commit()
    client.post(f"/placements/journal/{entry.id}/edit", data=_entry(pkl, activities="Lain"))
    db.refresh(entry)
    assert entry.activities.startswith("Memeriksa")


def test_nobody_else_writes_or_reads_the_journal(client, login, db, pkl, make_placement):
    make_placement()
    login(pkl.student)
    photo = (io.BytesIO(jpeg_bytes()), "a.jpg")
    client.post("/placements/journal/new", data=_entry(pkl, photo=photo),
                content_type="multipart/form-data")  # fmt: skip
    entry = db.exec(select(JournalEntry)).one()
    client.post("/logout")
    login(pkl.classmate)
    assert client.get("/placements/journal/new").status_code == 404  # no running placement
    assert client.get(f"/placements/journal/{entry.id}/edit").status_code == 404
    assert client.get(f"/placements/journal/{entry.id}/photo").status_code == 404
    client.post("/logout")
    login(pkl.other_teacher)
    assert client.get(f"/placements/journal/{entry.id}/photo").status_code == 404
