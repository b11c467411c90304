"""An entry sent twice (a lost answer, the phone's offline queue retrying) makes one record:
the client's idempotency key is stored per student (issue 20)."""

import threading

import pytest
from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.training import completions, service
from eduplatform.training.models import UnitCompletion
from tests.training.conftest import TODAY, completions_count

KEY = "0f8d6c1e-1b7a-4d52-9c3e-5a7b9e2d4f60"


def send(session, student, unit, key=KEY, **fields):
    values = {"performed_on": TODAY, "hours": "2", "note": "Tagged the disconnect."}
    values.update(fields)
    return service.log_completion_once(
        session, actor=student, unit=unit, idempotency_key=key, **values
    )


def test_the_same_entry_sent_twice_makes_one_record(app_context, session, db, training):
    unit = training.units["EV-101-U1"]
    first, created = send(session, training.student, unit)
    again, created_again = send(session, training.student, unit, note="A resend.")
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert again.note == "Tagged the disconnect."  # the second send changes nothing
    assert completions_count(db) == 1
    assert db.get(UnitCompletion, first.id).idempotency_key == KEY


def test_a_resend_after_the_teacher_verified_finds_the_verified_record(
    app_context, session, db, training
):
    unit = training.units["EV-101-U1"]
    first, _ = send(session, training.student, unit)
    service.approve_completion(session, actor=training.teacher, completion=first, criteria_met=[1])
    again, created = send(session, training.student, unit)
    assert not created and again.id == first.id and again.status == "verified"
    assert completions_count(db) == 1


def test_a_new_entry_for_a_unit_already_waiting_is_still_a_conflict(
    app_context, session, db, training
):
    unit = training.units["EV-101-U1"]
    send(session, training.student, unit)
    with pytest.raises(Conflict):
        send(session, training.student, unit, key="another-entry-key-1")
    assert completions_count(db) == 1


def test_another_students_key_neither_finds_nor_overwrites_their_record(
    app_context, session, db, training
):
    unit = training.units["EV-101-U1"]
    mine, _ = send(session, training.student, unit, note="Mine.")
    theirs, created = send(session, training.classmate, unit, note="Theirs.")
    assert created and theirs.id != mine.id
    assert theirs.student_id == training.classmate.id
    db.expire_all()
    assert db.get(UnitCompletion, mine.id).note == "Mine."
    assert service.completion_by_key(session, student=training.teacher, key=KEY) is None
    assert service.completion_by_key(session, student=training.student, key=KEY).id == mine.id


def test_a_key_used_for_another_unit_is_refused(app_context, session, db, training):
    send(session, training.student, training.units["EV-101-U1"])
    with pytest.raises(Invalid) as refused:
        send(session, training.student, training.units["EV-102-U1"])
    assert refused.value.for_field("idempotency_key")
    assert completions_count(db) == 1


@pytest.mark.parametrize("key", ["short", "x" * 65, "has spaces in it", "semi;colon;key"])
def test_a_malformed_key_is_refused_naming_the_field(app_context, session, db, training, key):
    with pytest.raises(Invalid) as refused:
        send(session, training.student, training.units["EV-101-U1"], key=key)
    assert refused.value.for_field("idempotency_key")
    assert completions_count(db) == 0


def test_without_a_key_it_logs_as_before(app_context, session, db, training):
    record, created = send(session, training.student, training.units["EV-101-U1"], key=None)
    assert created and record.idempotency_key is None


def test_two_sends_of_the_same_entry_at_the_same_moment_make_one_record(
    app, db, training, monkeypatch
):
    unit_id, student_id = training.units["EV-101-U1"].id, training.student.id
    start = threading.Barrier(2)
    if db.bind.dialect.name == "postgresql":
        # Both have found no record for the key and the unit free before either writes: they
        # meet at the unique index. (SQLite's BEGIN IMMEDIATE serialises the two sends
        # entirely; there the second finds the first's record.)
        checked = threading.Barrier(2)
        standing = completions.unit_standing

        def both_checked(*args, **kwargs):
            found = standing(*args, **kwargs)
            checked.wait(timeout=10)
            return found

        monkeypatch.setattr(completions, "unit_standing", both_checked)
    answers = {}

    def send_once(name):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            student = session.get(type(training.student), student_id)
            unit = session.get(type(training.units["EV-101-U1"]), unit_id)
            session.commit()
            start.wait(timeout=10)
            record, created = send(session, student, unit)
            answers[name] = (record.id, created)

    threads = [threading.Thread(target=send_once, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(answers) == 2, answers
    assert answers["a"][0] == answers["b"][0]
    assert sorted(created for _, created in answers.values()) == [False, True]
    rows = db.exec(select(UnitCompletion).where(UnitCompletion.student_id == student_id)).all()
    assert len(rows) == 1
