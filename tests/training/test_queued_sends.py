"""The log form sent twice with its key, and sent by the phone's offline queue (JSON answers,
the owner check): one record, the server's reason for each refusal (issue 20)."""

import io
from datetime import timedelta

from sqlmodel import select

from eduplatform.training.models import UnitCompletion
from tests.training.conftest import TODAY, completions_count, jpeg_bytes

KEY = "5f0c2a9e-8e1d-4d7b-a3a2-61c0b8f4e2d1"
JSON = {"Accept": "application/json"}


def entry(training, **fields):
    data = {
        "performed_on": TODAY.isoformat(),
        "hours": "2",
        "note": "Tagged the disconnect.",
        "idempotency_key": KEY,
        "owner": str(training.student.id),
    }
    data.update(fields)
    return data


def post(client, unit, data, headers=None):
    return client.post(
        f"/training/units/{unit.id}/log?lang=en",
        data=data,
        headers=headers or {},
        content_type="multipart/form-data",
    )


def test_the_form_shown_carries_a_fresh_key(client, login, training):
    login(training.student)
    unit = training.units["EV-101-U1"]
    pages = [client.get(f"/training/units/{unit.id}/log").get_data(as_text=True) for _ in "ab"]
    keys = [page.split('name="idempotency_key" type="hidden" value="')[1][:32] for page in pages]
    assert keys[0] != keys[1]


def test_a_form_sent_twice_makes_one_record(client, login, training, db):
    login(training.student)
    unit = training.units["EV-101-U1"]
    assert post(client, unit, entry(training)).status_code == 302
    second = post(client, unit, entry(training))
    assert second.status_code == 302  # "Saved": the first send's record
    assert completions_count(db) == 1


def test_a_queued_entry_gets_json_answers_created_then_already_received(
    client, login, training, db
):
    login(training.student)
    unit = training.units["EV-101-U1"]
    data = entry(training, photo=(io.BytesIO(jpeg_bytes()), "tag.jpg"))
    first = post(client, unit, data, JSON)
    assert first.status_code == 201
    assert first.get_json()["status"] == "created"
    again = post(client, unit, entry(training, photo=(io.BytesIO(jpeg_bytes()), "tag.jpg")), JSON)
    assert again.status_code == 200
    assert again.get_json() == {"id": first.get_json()["id"], "status": "already_received"}
    record = db.exec(select(UnitCompletion)).one()
    assert record.photo_name and record.idempotency_key == KEY


def test_a_queued_entry_of_another_account_is_not_sent(client, login, training, db):
    login(training.classmate)
    response = post(client, training.units["EV-101-U1"], entry(training), JSON)
    assert response.status_code == 409
    assert "made by another account on this phone" in response.get_json()["detail"]
    assert completions_count(db) == 0


def test_a_queued_entry_refused_for_a_rule_names_the_field(client, login, training, db):
    login(training.student)
    future = (TODAY + timedelta(days=2)).isoformat()
    response = post(
        client, training.units["EV-101-U1"], entry(training, performed_on=future, hours="30"), JSON
    )
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.get_json()["errors"]}
    assert errors["performed_on"]["message"] == "The date cannot be in the future."
    assert errors["hours"]["label"] == "Hours"
    assert completions_count(db) == 0


def test_a_queued_entry_for_a_unit_already_waiting_answers_the_reason(
    client, login, training, db, log
):
    log("EV-101-U1")
    login(training.student)
    response = post(client, training.units["EV-101-U1"], entry(training), JSON)
    assert response.status_code == 409
    assert response.get_json()["detail"] == (
        "This unit is already waiting for your teacher's review."
    )


def test_a_queued_entry_without_a_valid_csrf_token_is_refused(app, client, login, training, db):
    login(training.student)
    app.config["WTF_CSRF_ENABLED"] = True
    response = post(
        client, training.units["EV-101-U1"], entry(training, csrf_token="tampered"), JSON
    )
    assert response.status_code == 400
    assert completions_count(db) == 0


def test_a_queued_entry_after_the_session_ended_is_refused_as_unauthenticated(client, training, db):
    response = post(client, training.units["EV-101-U1"], entry(training), JSON)
    assert response.status_code == 401
    assert completions_count(db) == 0


def test_a_malformed_key_is_refused_at_the_top_of_the_form(client, login, training, db):
    login(training.student)
    response = post(client, training.units["EV-101-U1"], entry(training, idempotency_key="x y"))
    assert response.status_code == 422
    assert "The entry&#39;s key must be 8 to 64 letters" in response.get_data(as_text=True)
