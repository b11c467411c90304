"""Completions through the API: students log and add evidence, teachers list and review."""

from datetime import timedelta

from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.training.models import UnitCompletion
from tests.api.conftest import TODAY, jpeg_bytes, problem
from tests.sql import recorded

TICKED = {"criteria_met": [1]}  # the fixture's units have one assessment criterion


def count(db):
    return db.exec(select(func.count()).select_from(UnitCompletion)).one()


def log_body(**fields):
    body = {"unit": "EV-101-U1", "performed_on": TODAY.isoformat(), "hours": 2, "note": "Done."}
    body.update(fields)
    return body


def test_student_logs_a_unit_by_its_code(api, world, db):
    response = api("POST", "/completions", world.student, json=log_body(hours=2.5))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["unit"] == "EV-101-U1"
    assert body["module"] == "EV-101"
    assert body["status"] == "submitted"
    assert body["hours"] == 2.5
    assert body["student"]["id"] == world.student.id
    assert response.headers["Location"] == f"/api/v1/completions/{body['id']}"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "completion.logged")).one()
    assert event.actor_id == world.student.id


def test_logging_a_locked_unit_is_refused_naming_the_unit(api, world, db):
    response = api("POST", "/completions", world.student, json=log_body(unit="EV-101-U2"))
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "unit"
    assert count(db) == 0


def test_logging_a_unit_twice_is_a_conflict(api, world, db):
    assert api("POST", "/completions", world.student, json=log_body()).status_code == 201
    response = api("POST", "/completions", world.student, json=log_body())
    assert response.status_code == 409
    assert problem(response)["detail"]
    assert count(db) == 1


def test_bad_fields_are_named_and_nothing_is_written(api, world, db):
    future = (TODAY + timedelta(days=3)).isoformat()
    response = api(
        "POST", "/completions", world.student, json=log_body(performed_on=future, hours=30, note="")
    )
    assert response.status_code == 422
    fields = {e["field"] for e in problem(response)["errors"]}
    assert fields == {"performed_on", "hours", "note"}
    assert count(db) == 0


def test_wrong_types_and_unknown_fields_answer_422(api, world, db):
    response = api(
        "POST", "/completions", world.student, json=log_body(hours="lots", performed_on=5, extra=1)
    )
    assert response.status_code == 422
    fields = {e["field"] for e in problem(response)["errors"]}
    assert fields == {"hours", "performed_on", "extra"}
    assert count(db) == 0


def test_unknown_unit_code_is_refused(api, world):
    response = api(
        "POST",
        "/completions",
        world.student,
        json=log_body(unit="XX-999-U9"),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {"field": "unit", "message": "There is no unit with this code."}
    ]


def test_only_students_log_units(api, world):
    for user in (world.teacher, world.office, world.admin, world.author):
        response = api("POST", "/completions", user, json=log_body())
        assert response.status_code == 403, user.role
        problem(response)


def test_student_attaches_a_photo_to_their_record(api, world, logged):
    completion = logged("EV-101-U1")
    response = api(
        "POST",
        f"/completions/{completion.id}/evidence",
        world.student,
        data={"photo": (__import__("io").BytesIO(jpeg_bytes()), "lockout.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    evidence = response.get_json()["evidence"]
    assert evidence == f"/api/v1/completions/{completion.id}/evidence"
    photo = api("GET", f"/completions/{completion.id}/evidence", world.teacher)
    assert photo.status_code == 200
    assert photo.mimetype == "image/jpeg"
    photo.close()
    assert (
        api("GET", f"/completions/{completion.id}/evidence", world.other_teacher).status_code == 404
    )


def test_evidence_must_be_multipart_and_a_photo(api, world, logged):
    import io

    completion = logged("EV-101-U1")
    path = f"/completions/{completion.id}/evidence"
    assert api("POST", path, world.student, json={"photo": "x"}).status_code == 415
    missing = api("POST", path, world.student, data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert problem(missing)["errors"][0]["field"] == "photo"
    text = api(
        "POST",
        path,
        world.student,
        data={"photo": (io.BytesIO(b"not an image"), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert text.status_code == 422
    assert problem(text)["errors"][0]["field"] == "photo"


def test_a_photo_over_15_mb_answers_413(api, world, logged):
    completion = logged("EV-101-U1")
    photo = b"\xff\xd8" + b"0" * (15 * 1024 * 1024 + 10)
    body = (
        b'--xx\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + photo + b"\r\n--xx--\r\n"
    )  # built by hand: the test client would spool a body this big to an unclosed temp file
    response = api(
        "POST",
        f"/completions/{completion.id}/evidence",
        world.student,
        data=body,
        content_type="multipart/form-data; boundary=xx",
    )
    assert response.status_code == 413
    problem(response)


def test_another_students_record_is_not_found(api, world, logged):
    completion = logged("EV-101-U1")
    assert api("GET", f"/completions/{completion.id}", world.classmate).status_code == 404
    response = api(
        "POST",
        f"/completions/{completion.id}/evidence",
        world.classmate,
        data={"photo": (__import__("io").BytesIO(jpeg_bytes()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def test_student_lists_only_their_own_records(api, world, logged):
    mine = logged("EV-101-U1")
    logged("EV-101-U1", student=world.classmate)
    response = api("GET", "/completions", world.student)
    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()["items"]] == [mine.id]


def test_teacher_lists_their_schools_queue_only(api, world, logged):
    first = logged("EV-101-U1")
    second = logged("EV-101-U1", student=world.classmate)
    logged("EV-101-U1", student=world.other_student)
    response = api("GET", "/completions", world.teacher)
    assert [item["id"] for item in response.get_json()["items"]] == [first.id, second.id]
    office = api("GET", "/completions", world.office).get_json()["items"]
    assert len(office) == 3
    assert api("GET", "/completions", world.author).status_code == 403


def test_a_student_who_moved_school_leaves_the_old_schools_api_queue(api, world, logged, db):
    """Like the web queue and the record itself (404), the API's list leaves out the records of
    a student who moved to another school: the old school's teachers no longer see them."""
    pending = logged("EV-101-U1")
    stays = logged("EV-101-U1", student=world.classmate)
    student = db.get(type(world.student), world.student.id)
    student.organization_id = world.other_school.id
    db.add(student)
    db.commit()
    listed = api("GET", "/completions?status=all", world.teacher).get_json()["items"]
    assert [item["id"] for item in listed] == [stays.id]
    assert api("GET", f"/completions/{pending.id}", world.teacher).status_code == 404


def test_queue_filters_by_status_and_cohort(api, world, verified, logged):
    verified("EV-101-U1")
    pending = logged("EV-101-U1", student=world.classmate)
    queue = api("GET", "/completions?status=submitted", world.teacher).get_json()["items"]
    assert [item["id"] for item in queue] == [pending.id]
    done = api("GET", "/completions?status=verified", world.teacher).get_json()["items"]
    assert [item["status"] for item in done] == ["verified"]
    assert (
        api("GET", f"/completions?status=all&cohort={world.cohort.id}", world.teacher)
        .get_json()["items"]
        .__len__()
        == 2
    )
    # Another school's class answers exactly like a class that does not exist (issue 13 item 1).
    other = api("GET", f"/completions?cohort={world.other_cohort.id}", world.teacher)
    unknown = api("GET", "/completions?cohort=2147483646", world.teacher)
    assert other.status_code == unknown.status_code == 404
    assert other.get_json() == unknown.get_json()
    bad = api("GET", "/completions?status=done", world.teacher)
    assert bad.status_code == 422
    assert problem(bad)["errors"][0]["field"] == "status"


def test_teacher_approves_with_feedback(api, world, logged, db):
    completion = logged("EV-101-U1")
    response = api(
        "POST",
        f"/completions/{completion.id}/approve",
        world.teacher,
        json={"feedback": "Good lock-out.", "criteria_met": [1]},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["completion"]["status"] == "verified"
    assert body["completion"]["feedback"] == "Good lock-out."
    assert body["completion"]["reviewer"]["id"] == world.teacher.id
    assert body["completion"]["criteria"] == [
        {"number": 1, "text": {"text": "Kriteria", "lang": "id", "fallback": False}, "met": True}
    ]
    assert body["completion"]["criteria_override"] is None
    assert body["certificate"] is None


def test_approving_needs_every_criterion_ticked_or_a_reason(api, world, logged):
    completion = logged("EV-101-U1")
    path = f"/completions/{completion.id}/approve"
    waiting = api("GET", f"/completions/{completion.id}", world.teacher).get_json()
    assert [c["met"] for c in waiting["criteria"]] == [None]  # not reviewed yet
    bare = api("POST", path, world.teacher)
    assert bare.status_code == 422
    assert problem(bare)["errors"][0]["field"] == "criteria"
    unknown = api("POST", path, world.teacher, json={"criteria_met": [2]})
    assert unknown.status_code == 422 and problem(unknown)["errors"][0]["field"] == "criteria"
    anyway = api(
        "POST", path, world.teacher,
        json={"criteria_met": [], "override_reason": "Shown to me at the bench."},
    )  # fmt: skip
    assert anyway.status_code == 200, anyway.get_json()
    body = anyway.get_json()["completion"]
    assert [c["met"] for c in body["criteria"]] == [False]
    assert body["criteria_override"] == "Shown to me at the bench."
    listed = api("GET", "/completions?status=verified", world.teacher).get_json()["items"]
    assert [c["met"] for c in listed[0]["criteria"]] == [False]


def test_a_rejection_keeps_the_criteria_already_met(api, world, logged):
    completion = logged("EV-101-U1")
    response = api(
        "POST", f"/completions/{completion.id}/reject", world.teacher,
        json={"feedback": "Photograph the tag.", "criteria_met": [1]},
    )  # fmt: skip
    assert response.status_code == 200
    mine = api("GET", f"/completions/{completion.id}", world.student).get_json()
    assert [c["met"] for c in mine["criteria"]] == [True]


def test_approving_twice_is_a_conflict(api, world, logged, make_user):
    completion = logged("EV-101-U1")
    colleague = make_user("teacher", organization=world.school)
    first = api("POST", f"/completions/{completion.id}/approve", world.teacher, json=TICKED)
    assert first.status_code == 200
    again = api(
        "POST", f"/completions/{completion.id}/reject", colleague, json={"feedback": "Redo it."}
    )
    assert again.status_code == 409
    assert world.teacher.full_name in problem(again)["detail"]


def test_reject_needs_feedback(api, world, logged):
    completion = logged("EV-101-U1")
    path = f"/completions/{completion.id}/reject"
    missing = api("POST", path, world.teacher, json={})
    assert missing.status_code == 422
    assert problem(missing)["errors"][0]["field"] == "feedback"
    blank = api("POST", path, world.teacher, json={"feedback": "  "})
    assert blank.status_code == 422
    assert problem(blank)["errors"][0]["field"] == "feedback"
    done = api("POST", path, world.teacher, json={"feedback": "Show the lock-out tag."})
    assert done.status_code == 200
    assert done.get_json()["completion"]["status"] == "rejected"


def test_reviews_are_refused_outside_role_and_school(api, world, logged):
    completion = logged("EV-101-U1")
    path = f"/completions/{completion.id}/approve"
    assert api("POST", path, world.other_teacher).status_code == 404
    assert api("POST", path, world.student).status_code == 403
    assert api("POST", path, world.office).status_code == 403
    assert api("POST", path, world.admin, json=TICKED).status_code == 200


def test_verifying_the_last_unit_names_the_certificate(api, world, verified, logged):
    verified("EV-101-U1")
    completion = logged("EV-101-U2")
    response = api("POST", f"/completions/{completion.id}/approve", world.teacher, json=TICKED)
    certificate = response.get_json()["certificate"]
    assert certificate is not None and len(certificate["code"]) == 10


def test_the_same_idempotency_key_sent_twice_makes_one_record(api, world, db):
    key = {"Idempotency-Key": "9b2f6d7e-3c1a-4e8b-b5d4-0a6c2e8f1b37"}
    first = api("POST", "/completions", world.student, json=log_body(), headers=key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = api("POST", "/completions", world.student, json=log_body(note="Again."), headers=key)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["note"] == "Done."
    assert count(db) == 1


def test_another_students_idempotency_key_neither_reads_nor_overwrites(api, world, db):
    key = {"Idempotency-Key": "9b2f6d7e-3c1a-4e8b-b5d4-0a6c2e8f1b37"}
    mine = api("POST", "/completions", world.student, json=log_body(note="Mine."), headers=key)
    theirs = api(
        "POST", "/completions", world.classmate, json=log_body(note="Theirs."), headers=key
    )
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.get_json()["id"] != mine.get_json()["id"]
    assert theirs.get_json()["student"]["id"] == world.classmate.id
    assert count(db) == 2


def test_a_malformed_idempotency_key_is_refused_naming_it(api, world, db):
    response = api(
        "POST", "/completions", world.student, json=log_body(), headers={"Idempotency-Key": "no"}
    )
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "idempotency_key"
    assert count(db) == 0


def test_the_openapi_document_describes_the_idempotency_key(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/completions"]["post"]
    headers = [p for p in operation["parameters"] if p.get("in") == "header"]
    assert [p["name"] for p in headers] == ["Idempotency-Key"]


def test_a_page_of_records_reads_its_units_in_one_statement(app, api, world, logged):
    """The units of a page come with what the records show of them (code, title, criteria)
    in one statement, not one more statement per unit."""
    logged("EV-101-U1")
    logged("EV-101-U1", student=world.classmate)
    with recorded(app) as seen:
        response = api("GET", "/completions?status=all", world.teacher)
    items = response.get_json()["items"]
    assert len(items) == 2 and all(item["criteria"] for item in items)
    assert len([s for s in seen.selects() if s.startswith("SELECT unit.")]) == 1


def test_a_page_of_records_is_read_as_rows_not_tracked_objects(api, world, logged):
    """A page only reads its records: they come as rows with their students' names and
    classes (no object per record, student and class built and tracked), and every field the
    page shows is there, the reviewer's name included."""
    from sqlalchemy import event

    completion = logged("EV-101-U1")
    logged("EV-101-U1", student=world.classmate)
    approved = api("POST", f"/completions/{completion.id}/approve", world.teacher, json=TICKED)
    assert approved.status_code == 200
    loaded = []

    def seen(target, _context):
        loaded.append(target)

    event.listen(UnitCompletion, "load", seen)
    try:
        items = api("GET", "/completions?status=all", world.teacher).get_json()["items"]
    finally:
        event.remove(UnitCompletion, "load", seen)
    assert loaded == []
    verified = next(item for item in items if item["id"] == completion.id)
    assert verified["status"] == "verified"
    assert verified["reviewer"] == {"id": world.teacher.id, "full_name": world.teacher.full_name}
    assert verified["student"] == {"id": world.student.id, "full_name": world.student.full_name}
    assert verified["cohort"]["id"] == world.cohort.id and verified["cohort"]["name"]
    assert verified["cohort"]["academic_year"] == world.cohort.academic_year
    assert {item["student"]["id"] for item in items} == {world.student.id, world.classmate.id}
