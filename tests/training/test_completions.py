"""Logging a unit: the rules the service enforces for every interface."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import ModuleVersion, Unit
from eduplatform.errors import Conflict, Invalid
from eduplatform.sqltypes import utcnow
from eduplatform.training import service
from eduplatform.training.models import UnitCompletion
from tests.training.conftest import TODAY, completions_count, jpeg_bytes

pytestmark = pytest.mark.usefixtures("app_context")


def reload(db, obj):
    """The row as stored now (`obj` belongs to the service's session)."""
    return db.get(type(obj), obj.id, populate_existing=True)


def test_student_logs_an_open_unit_and_it_awaits_review_with_an_audit_event(db, training, log):
    completion = log("EV-101-U1", hours="1,5", note="  Marked every orange cable.  ")
    assert completion.status == "submitted"
    assert completion.cohort_id == training.cohort.id
    assert str(completion.hours) == "1.5"
    assert completion.note == "Marked every orange cable."
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "completion.logged")).all()
    assert [(e.actor_id, e.object_id) for e in events] == [
        (training.student.id, str(completion.id))
    ]


def test_unit_with_an_unverified_prerequisite_is_locked_and_the_refusal_names_it(db, training, log):
    with pytest.raises(Invalid) as refused:
        log("EV-101-U2")
    message = str(refused.value.for_field("unit")[0])
    assert "EV-101-U1" in message
    assert completions_count(db) == 0


def test_prerequisite_awaiting_review_still_locks_the_next_unit(db, training, log):
    log("EV-101-U1")
    with pytest.raises(Invalid):
        log("EV-101-U2")


def test_safety_critical_unit_needs_every_safety_module_unit_verified(db, training, verified, log):
    verified("EV-102-U1")  # its own prerequisite is verified...
    with pytest.raises(Invalid) as refused:
        log("EV-102-U2")  # ...but the high-voltage safety units are not
    message = str(refused.value.for_field("unit")[0])
    assert "EV-101-U1" in message and "EV-101-U2" in message
    verified("EV-101-U1")
    with pytest.raises(Invalid) as refused:
        log("EV-102-U2")
    message = str(refused.value.for_field("unit")[0])
    assert "EV-101-U2" in message and "EV-101-U1" not in message
    verified("EV-101-U2")
    assert log("EV-102-U2").status == "submitted"


def test_a_unit_awaiting_review_cannot_be_logged_again(db, training, log):
    log("EV-101-U1")
    with pytest.raises(Conflict, match="waiting"):
        log("EV-101-U1")
    assert completions_count(db) == 1


def test_a_verified_unit_cannot_be_logged_again(db, training, verified, log):
    verified("EV-101-U1")
    with pytest.raises(Conflict, match="already verified"):
        log("EV-101-U1")


def test_a_rejected_unit_can_be_logged_again_as_a_new_record(db, session, training, log):
    first = log("EV-101-U1")
    service.reject_completion(session, actor=training.teacher, completion=first, feedback="Blurry.")
    second = log("EV-101-U1", note="Redid it with a clear worksheet.")
    assert second.id != first.id
    rows = db.exec(select(UnitCompletion).order_by(UnitCompletion.id)).all()
    assert [r.status for r in rows] == ["rejected", "submitted"]


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        # Two days ahead: still the future if the run crosses midnight in Jakarta.
        ({"performed_on": TODAY + timedelta(days=2)}, "performed_on", "future"),
        ({"performed_on": TODAY - timedelta(days=61)}, "performed_on", "before you joined"),
        ({"performed_on": None}, "performed_on", "date"),
        ({"hours": "0"}, "hours", "more than 0"),
        ({"hours": "-2"}, "hours", "more than 0"),
        ({"hours": "25"}, "hours", "at most 24"),
        ({"hours": "lots"}, "hours", "number"),
        ({"hours": "NaN"}, "hours", "number"),
        ({"hours": ""}, "hours", "number"),
        ({"note": "   "}, "note", "short note"),
        ({"note": "x" * 1001}, "note", "1000"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_its_field_and_nothing_is_written(
    db, training, log, fields, field, text
):
    with pytest.raises(Invalid) as refused:
        log("EV-101-U1", **fields)
    messages = [str(m) for m in refused.value.for_field(field)]
    assert messages and text in messages[0]
    assert completions_count(db) == 0


def test_a_unit_of_a_later_version_than_the_class_follows_is_refused(db, session, training):
    assert service.unit_in_cohort(session, training.cohort, training.units["EV-101-U1"])  # pins v1
    session.commit()
    v2 = ModuleVersion(module_id=training.safety.id, number=2, status="published",
                       title={"id": "Versi 2"}, published_at=utcnow())  # fmt: skip
    db.add(v2)
    db.flush()
    newer = Unit(version_id=v2.id, code="EV-101-U1", title={"id": "Baru"})
    db.add(newer)
    db.commit()
    with pytest.raises(Invalid, match="not part"):
        service.log_completion(
            session, actor=training.student, unit=newer, performed_on=TODAY, hours="1", note="x"
        )
    assert completions_count(db) == 0


def test_a_unit_of_an_unpublished_module_is_refused(db, session, training, add_module):
    _module, _version, units = add_module(
        training.program, "EV-198", [("EV-198-U1", {}, False, [])], status="draft"
    )
    with pytest.raises(Invalid, match="not part"):
        service.log_completion(
            session, actor=training.student, unit=units["EV-198-U1"], performed_on=TODAY,
            hours="1", note="x",
        )  # fmt: skip


def test_only_enrolled_students_log_units(db, session, training, make_user):
    outsider = make_user("student", organization=training.school)
    with pytest.raises(Invalid, match="not enrolled"):
        service.log_completion(
            session, actor=outsider, unit=training.units["EV-101-U1"], performed_on=TODAY,
            hours="1", note="x",
        )  # fmt: skip
    with pytest.raises(Invalid):
        service.log_completion(
            session, actor=training.teacher, unit=training.units["EV-101-U1"],
            performed_on=TODAY, hours="1", note="x",
        )  # fmt: skip


def test_the_database_keeps_at_most_one_open_record_per_student_and_unit(db, training, log):
    first = log("EV-101-U1")
    db.add(
        UnitCompletion(
            student_id=first.student_id, unit_id=first.unit_id, cohort_id=first.cohort_id,
            performed_on=TODAY, hours=1, note="duplicate",
        )
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_hours_above_24_are_refused_by_the_database_too(db, training, log):
    first = reload(db, log("EV-101-U1"))
    first.hours = 30
    db.add(first)
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_a_photo_over_15_mb_is_refused_and_nothing_is_stored(app, db, training, log):
    big = io.BytesIO(b"\xff\xd8" + b"0" * (15 * 1024 * 1024))
    with pytest.raises(Invalid) as refused:
        log("EV-101-U1", photo=big)
    assert "15 MB" in str(refused.value.for_field("photo")[0])
    assert completions_count(db) == 0
    assert not any(Path(app.config["UPLOAD_DIR"]).glob("*"))


def test_a_wrong_photo_is_reported_together_with_the_other_fields(app, db, training, log):
    text_file = io.BytesIO(b"not a photo at all")
    with pytest.raises(Invalid) as refused:
        log("EV-101-U1", hours="abc", note="", photo=text_file)
    fields = {e["field"] for e in refused.value.errors}
    assert {"hours", "note", "photo"} <= fields  # all at once, not one attempt after another
    assert completions_count(db) == 0
    assert not any(Path(app.config["UPLOAD_DIR"]).glob("*"))


def test_a_valid_photo_is_kept_with_the_record(app, db, training, log):
    completion = log("EV-101-U1", photo=io.BytesIO(jpeg_bytes()))
    assert completion.photo_mime_type == "image/jpeg" and completion.photo_size > 0
    assert (Path(app.config["UPLOAD_DIR"]) / completion.photo_name).exists()


def test_the_photo_is_removed_again_when_the_record_cannot_be_saved(
    app, db, session, training, log, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("eduplatform.training.completions.record_event", fail)
    with pytest.raises(RuntimeError):
        log("EV-101-U1", photo=io.BytesIO(jpeg_bytes()))
    assert completions_count(db) == 0
    assert not any(Path(app.config["UPLOAD_DIR"]).glob("*"))


def test_evidence_can_be_added_to_ones_own_record_while_it_awaits_review(
    app, db, session, training, log
):
    completion = log("EV-101-U1", photo=io.BytesIO(jpeg_bytes()))
    first_photo = completion.photo_name
    service.attach_photo(
        session, actor=training.student, completion=completion,
        photo=io.BytesIO(jpeg_bytes(colour=(0, 0, 255))),
    )  # fmt: skip
    stored = reload(db, completion)
    assert stored.photo_name != first_photo
    assert [p.name for p in Path(app.config["UPLOAD_DIR"]).glob("*")] == [stored.photo_name]
    with pytest.raises(Invalid):
        service.attach_photo(
            session, actor=training.classmate, completion=completion,
            photo=io.BytesIO(jpeg_bytes()),
        )  # fmt: skip
    service.approve_completion(
        session, actor=training.teacher, completion=completion, criteria_met=[1]
    )
    with pytest.raises(Conflict):
        service.attach_photo(
            session, actor=training.student, completion=completion,
            photo=io.BytesIO(jpeg_bytes()),
        )  # fmt: skip
