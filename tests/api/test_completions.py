"""Completions through the API: students log and add evidence, teachers list and review."""

from datetime import timedelta

from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.training.models import UnitCompletion
from tests.api.conftest import TODAY, jpeg_bytes, problem


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
    assert (
        api("GET", f"/completions?cohort={world.other_cohort.id}", world.teacher).get_json()[
            "items"
        ]
        == []
    )
    bad = api("GET", "/completions?status=done", world.teacher)
    assert bad.status_code == 422
    assert problem(bad)["errors"][0]["field"] == "status"


def test_teacher_approves_with_feedback(api, world, logged, db):
    completion = logged("EV-101-U1")
    response = api(
        "POST",
        f"/completions/{completion.id}/approve",
        world.teacher,
        json={"feedback": "Good lock-out."},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["completion"]["status"] == "verified"
    assert body["completion"]["feedback"] == "Good lock-out."
    assert body["completion"]["reviewer"]["id"] == world.teacher.id
    assert body["certificate"] is None


def test_approve_needs_no_body(api, world, logged):
    completion = logged("EV-101-U1")
    response = api("POST", f"/completions/{completion.id}/approve", world.teacher)
    assert response.status_code == 200, response.get_json()


def test_approving_twice_is_a_conflict(api, world, logged, make_user):
    completion = logged("EV-101-U1")
    colleague = make_user("teacher", organization=world.school)
    assert api("POST", f"/completions/{completion.id}/approve", world.teacher).status_code == 200
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
    assert api("POST", path, world.admin).status_code == 200


def test_verifying_the_last_unit_names_the_certificate(api, world, verified, logged):
    verified("EV-101-U1")
    completion = logged("EV-101-U2")
    response = api("POST", f"/completions/{completion.id}/approve", world.teacher)
    certificate = response.get_json()["certificate"]
    assert certificate is not None and len(certificate["code"]) == 10
