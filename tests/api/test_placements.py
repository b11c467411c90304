"""Placements and journal entries over the API, with the web's rules: who sees which placement,
filters through the scope guard, the student's journal entry (Idempotency-Key), its checks,
teachers' status changes; problem documents with `detail`."""

from datetime import timedelta

from sqlmodel import select

from eduplatform.placements.models import JournalEntry, JournalEntryUnit, Placement
from tests.api.conftest import TODAY, problem

ENTRY = {"day": None, "kind": "present", "arrived_at": "07:30", "left_at": "15:00",
         "activities": "Replaced a charging port", "units": ["EV-101-U2"]}  # fmt: skip


def _entry(**fields):
    return {**ENTRY, "day": TODAY.isoformat(), **fields}


def test_each_role_lists_the_placements_it_may_see(api, world, placed):
    mine = api("GET", "/placements", world.student).get_json()
    assert [p["id"] for p in mine["items"]] == [placed.placement_id]
    item = mine["items"][0]
    assert item["company"]["name"] == "Bengkel EV Sejahtera" and item["status"] == "running"
    assert item["units"] == ["EV-101-U1", "EV-101-U2"] and item["certificate"] is None
    assert item["supervisor"] == {"full_name": "Pak Joko", "position": "Kepala bengkel"}
    assert "phone" not in str(item["supervisor"])
    teacher = api("GET", "/placements", world.teacher).get_json()
    assert [p["id"] for p in teacher["items"]] == [placed.placement_id]
    office = api("GET", "/placements", world.office).get_json()
    assert {p["id"] for p in office["items"]} == {placed.placement_id, placed.other_placement_id}
    assert api("GET", "/placements", world.author).status_code == 403
    # Filters: status, company, student; pages with a cursor.
    assert api("GET", "/placements?status=finished", world.office).get_json()["items"] == []
    by_company = api("GET", f"/placements?company={placed.company_id}", world.office).get_json()
    assert len(by_company["items"]) == 2
    one = api("GET", f"/placements?student={world.other_student.id}", world.office).get_json()
    assert [p["id"] for p in one["items"]] == [placed.other_placement_id]
    page = api("GET", "/placements?limit=1", world.office)
    assert len(page.get_json()["items"]) == 1 and 'rel="next"' in page.headers["Link"]
    rest = api("GET", f"/placements?limit=1&cursor={page.get_json()['next']}", world.office)
    assert len(rest.get_json()["items"]) == 1 and rest.get_json()["next"] is None


def test_ids_outside_the_scope_answer_like_unknown_ones(api, world, placed):
    unknown = 999_999_999
    for path in (f"/placements/{placed.other_placement_id}", f"/placements/{unknown}",
                 f"/placements/{placed.other_placement_id}/journal"):  # fmt: skip
        body = problem(api("GET", path, world.teacher))
        assert body["status"] == 404 and body["detail"]
    # Another school's student in the filter: 404 like an unknown one.
    assert (
        api("GET", f"/placements?student={world.other_student.id}", world.teacher).status_code
        == 404
    )
    assert api("GET", f"/placements?student={unknown}", world.teacher).status_code == 404
    # A company the student has no placement at is not one they may name.
    assert api("GET", f"/placements?company={placed.company_id}", world.student).status_code == 200
    assert (
        api("GET", f"/placements?company={placed.company_id}", world.classmate).status_code == 404
    )
    assert api("GET", f"/placements/{placed.placement_id}", world.classmate).status_code == 404
    assert api("GET", f"/journal-entries/{placed.entry_id}", world.classmate).status_code == 404
    assert api("GET", f"/journal-entries/{placed.entry_id}", world.other_teacher).status_code == 404


def test_the_journal_reads_for_the_student_and_the_schools_staff(api, world, placed):
    for who in (world.student, world.teacher, world.office):
        entries = api("GET", f"/placements/{placed.placement_id}/journal", who).get_json()
        assert [e["id"] for e in entries["items"]] == [placed.entry_id]
    entry = api("GET", f"/journal-entries/{placed.entry_id}", world.student).get_json()
    assert entry["units"] == ["EV-101-U1"] and entry["status"] == "pending"
    assert entry["arrived_at"] == "08:00" and entry["photo"] is None
    none = api("GET", f"/placements/{placed.placement_id}/journal?status=approved", world.teacher)
    assert none.get_json()["items"] == []


def test_the_student_writes_an_entry_once_per_key(api, db, world, placed):
    headers = {"Idempotency-Key": "entry-0001-today"}
    created = api("POST", f"/placements/{placed.placement_id}/journal", world.student,
                  json=_entry(), headers=headers)  # fmt: skip
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["units"] == ["EV-101-U2"] and body["status"] == "pending"
    assert created.headers["Location"].endswith(f"/journal-entries/{body['id']}")
    again = api("POST", f"/placements/{placed.placement_id}/journal", world.student,
                json=_entry(), headers=headers)  # fmt: skip
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == body["id"]
    assert len(db.exec(select(JournalEntry)).all()) == 2  # yesterday's and today's
    # Without the key, the same day again is refused naming the field.
    refused = problem(api("POST", f"/placements/{placed.placement_id}/journal", world.student,
                          json=_entry()))  # fmt: skip
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "day"
    # The same key for another day is refused too.
    other_day = _entry(day=(TODAY - timedelta(days=2)).isoformat())
    reused = problem(api("POST", f"/placements/{placed.placement_id}/journal", world.student,
                         json=other_day, headers=headers))  # fmt: skip
    assert reused["errors"][0]["field"] == "idempotency_key"
    # Another student's key never finds this entry (their placement is not theirs either).
    assert api("POST", f"/placements/{placed.placement_id}/journal", world.classmate,
               json=_entry(), headers=headers).status_code == 404  # fmt: skip


def test_bad_entries_are_refused_naming_the_field_and_nothing_is_written(api, db, world, placed):
    path = f"/placements/{placed.placement_id}/journal"
    cases = {
        "day": _entry(day=(TODAY + timedelta(days=1)).isoformat()),
        "left_at": _entry(arrived_at="15:00", left_at="07:30"),
        "units": _entry(units=["EV-102-U1"]),
        "activities": _entry(activities=""),
    }
    before = len(db.exec(select(JournalEntry)).all())
    for field, body in cases.items():
        refused = problem(api("POST", path, world.student, json=body))
        assert refused["status"] == 422 and field in [e["field"] for e in refused["errors"]], (
            field,
            refused,
        )
        assert refused["detail"]
    assert (
        problem(api("POST", path, world.student, json=_entry(arrived_at="07:30+07:00")))["status"]
        == 422
    )
    assert api("POST", path, world.teacher, json=_entry()).status_code == 403
    assert api("POST", path, world.student, json=_entry(), scope="read").status_code == 403
    assert len(db.exec(select(JournalEntry)).all()) == before
    # A missed day needs no times.
    sick = api("POST", path, world.student,
               json={"day": (TODAY - timedelta(days=2)).isoformat(), "kind": "sick"})  # fmt: skip
    assert sick.status_code == 201 and sick.get_json()["arrived_at"] is None


def test_the_student_changes_an_entry_until_it_is_countersigned(api, db, world, placed):
    path = f"/journal-entries/{placed.entry_id}"
    change = {
        "kind": "present",
        "arrived_at": "08:00",
        "left_at": "17:00",
        "activities": "Checked and balanced battery packs",
        "units": ["EV-101-U2"],
    }
    changed = api("PUT", path, world.student, json=change)
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["units"] == ["EV-101-U2"]
    assert changed.get_json()["left_at"] == "17:00"
    assert api("PUT", path, world.classmate, json=change).status_code == 404
    assert api("PUT", path, world.teacher, json=change).status_code == 403
    entry = db.get(JournalEntry, placed.entry_id)
    entry.status = "approved"
    db.add(entry)
    db.commit()
    conflict = problem(api("PUT", path, world.student, json={**change, "activities": "Other"}))
    assert conflict["status"] == 409 and conflict["detail"]
    db.refresh(entry)
    assert entry.activities == "Checked and balanced battery packs"
    assert [u.unit_id for u in db.exec(select(JournalEntryUnit))] == [world.units["EV-101-U2"].id]


def test_teachers_start_finish_and_end_placements_early(api, db, world, placed):
    path = f"/placements/{placed.placement_id}/status"
    refused = problem(api("POST", path, world.teacher, json={"action": "end_early"}))
    assert refused["status"] == 422 and refused["errors"][0]["field"] == "reason"
    assert api("POST", path, world.office, json={"action": "finish"}).status_code == 403
    assert api("POST", path, world.other_teacher, json={"action": "finish"}).status_code == 404
    assert api("POST", path, world.student, json={"action": "finish"}).status_code == 403
    done = api("POST", path, world.teacher, json={"action": "finish"})
    assert done.status_code == 200 and done.get_json()["status"] == "finished"
    again = problem(api("POST", path, world.teacher, json={"action": "finish"}))
    assert again["status"] == 409
    assert db.get(Placement, placed.placement_id).status == "finished"
    # The journal is closed once the placement is finished.
    closed = problem(api("POST", f"/placements/{placed.placement_id}/journal", world.student,
                         json=_entry()))  # fmt: skip
    assert closed["status"] == 422
