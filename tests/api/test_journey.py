"""Siti logs a unit and Pak Budi verifies it, through the API alone, each with their own token."""

import io
import json

from tests.api.conftest import TODAY, jpeg_bytes


def cli_token(runner, email, scope):
    result = runner.invoke(
        args=["tokens", "create", "--email", email, "--scope", scope, "--name", "app", "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["token"]


def test_a_student_logs_a_unit_and_a_teacher_approves_it_through_the_api(client, runner, world):
    student = {"Authorization": f"Bearer {cli_token(runner, world.student.email, 'read-write')}"}
    teacher = {"Authorization": f"Bearer {cli_token(runner, world.teacher.email, 'read-write')}"}

    progress = client.get("/api/v1/me/progress", headers=student).get_json()
    first = progress["modules"][0]["units"][0]
    assert (first["code"], first["state"], first["can_log"]) == ("EV-101-U1", "not_started", True)

    logged = client.post(
        "/api/v1/completions",
        headers=student,
        json={
            "unit": "EV-101-U1",
            "performed_on": TODAY.isoformat(),
            "hours": 2,
            "note": "Locked out the service plug and tagged it.",
        },
    )
    assert logged.status_code == 201, logged.get_json()
    completion_id = logged.get_json()["id"]
    photo = client.post(
        f"/api/v1/completions/{completion_id}/evidence",
        headers=student,
        data={"photo": (io.BytesIO(jpeg_bytes()), "lockout-tag.jpg")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 200

    queue = client.get("/api/v1/completions?status=submitted", headers=teacher).get_json()
    assert [item["id"] for item in queue["items"]] == [completion_id]
    assert queue["items"][0]["evidence"] is not None
    approved = client.post(
        f"/api/v1/completions/{completion_id}/approve",
        headers=teacher,
        json={"feedback": "Well done: the tag is clearly visible.", "criteria_met": [1]},
    )
    assert approved.status_code == 200, approved.get_json()

    after = client.get("/api/v1/me/progress", headers=student).get_json()
    first = after["modules"][0]["units"][0]
    assert first["state"] == "verified"
    assert first["record"]["feedback"] == "Well done: the tag is clearly visible."
    assert (
        client.get("/api/v1/completions?status=submitted", headers=teacher).get_json()["items"]
        == []
    )
