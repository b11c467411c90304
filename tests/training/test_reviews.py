"""Verification: approve, reject, the queue, bulk approval and the concurrent-review race."""

import threading

import pytest
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.training import service
from eduplatform.training.models import UnitCompletion


def _events(db, action):
    db.commit()  # end the arranging transaction: see what other sessions wrote
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


pytestmark = pytest.mark.usefixtures("app_context")


def reload(db, obj):
    """The row as stored now (`obj` belongs to the service's session)."""
    return db.get(type(obj), obj.id, populate_existing=True)


def test_teacher_verifies_a_record_with_an_audit_event(db, session, training, log):
    completion = log("EV-101-U1")
    service.approve_completion(
        session, actor=training.teacher, completion=completion, feedback="Good", criteria_met=[1]
    )
    stored = reload(db, completion)
    assert stored.status == "verified"
    assert stored.reviewer_id == training.teacher.id
    assert stored.reviewed_at is not None
    assert stored.feedback == "Good"
    assert len(_events(db, "completion.verified")) == 1


def test_any_teacher_of_the_school_may_review_but_not_another_school(db, session, training, log):
    completion = log("EV-101-U1")
    with pytest.raises(Invalid):
        service.approve_completion(
            session, actor=training.foreign_teacher, completion=completion, criteria_met=[1]
        )
    with pytest.raises(Invalid):
        service.approve_completion(
            session, actor=training.office, completion=completion, criteria_met=[1]
        )
    service.approve_completion(
        session, actor=training.other_teacher, completion=completion, criteria_met=[1]
    )
    stored = reload(db, completion)
    assert stored.status == "verified"


def test_rejecting_needs_feedback_and_records_it(db, session, training, log):
    completion = log("EV-101-U1")
    with pytest.raises(Invalid) as refused:
        service.reject_completion(
            session, actor=training.teacher, completion=completion, feedback=" "
        )
    assert refused.value.for_field("feedback")
    stored = reload(db, completion)
    assert stored.status == "submitted"
    service.reject_completion(
        session, actor=training.teacher, completion=completion, feedback="The photo is blurry."
    )
    stored = reload(db, completion)
    assert (stored.status, stored.feedback) == ("rejected", "The photo is blurry.")
    assert len(_events(db, "completion.rejected")) == 1


def test_a_second_review_of_the_same_record_is_a_conflict_naming_the_first_reviewer(
    db, session, training, log
):
    completion = log("EV-101-U1")
    service.approve_completion(
        session, actor=training.teacher, completion=completion, criteria_met=[1]
    )
    with pytest.raises(Conflict, match="Budi Santoso"):
        service.reject_completion(
            session, actor=training.other_teacher, completion=completion, feedback="No"
        )
    stored = reload(db, completion)
    assert stored.status == "verified"
    assert len(_events(db, "completion.verified")) == 1
    assert _events(db, "completion.rejected") == []


def test_two_teachers_reviewing_at_the_same_moment_exactly_one_wins(app, db, training, log):
    completion = log("EV-101-U1")
    completion_id = completion.id
    barrier = threading.Barrier(2)
    outcomes = {}

    def review(teacher_id, decision):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            teacher = session.get(type(training.teacher), teacher_id)
            record = session.get(UnitCompletion, completion_id)
            session.commit()  # both have loaded the record before either writes
            barrier.wait(timeout=10)
            try:
                if decision == "approve":
                    service.approve_completion(
                        session, actor=teacher, completion=record, criteria_met=[1]
                    )
                else:
                    service.reject_completion(
                        session, actor=teacher, completion=record, feedback="Redo it."
                    )
                outcomes[decision] = "won"
            except Conflict as conflict:
                outcomes[decision] = str(conflict)

    threads = [
        threading.Thread(target=review, args=(training.teacher.id, "approve")),
        threading.Thread(target=review, args=(training.other_teacher.id, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approve", "reject"]
    winners = [d for d, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = "reject" if winners == ["approve"] else "approve"
    assert "already reviewed by" in outcomes[loser]
    db.commit()
    final = db.get(UnitCompletion, completion_id, populate_existing=True)
    assert final.status == ("verified" if winners == ["approve"] else "rejected")
    reviews = db.exec(
        select(func.count()).where(
            AuditEvent.action.in_(["completion.verified", "completion.rejected"])
        )
    ).one()
    assert reviews == 1


def test_queue_lists_the_schools_submissions_oldest_first_with_filters(
    db, session, training, log, enrol, make_user, add_module
):
    first = log("EV-101-U1")
    second = log("EV-102-U1")
    third = log("EV-101-U1", student=training.classmate)
    rows, total = service.review_queue(session, school_ids={training.school.id})
    assert total == 3
    assert [r.completion.id for r in rows] == [first.id, second.id, third.id]
    rows, _ = service.review_queue(
        session, school_ids={training.school.id}, module_id=training.battery.id
    )
    assert [r.completion.id for r in rows] == [second.id]
    rows, _ = service.review_queue(
        session, school_ids={training.school.id}, student_id=training.classmate.id
    )
    assert [r.completion.id for r in rows] == [third.id]
    rows, _ = service.review_queue(
        session, school_ids={training.school.id}, cohort_id=training.cohort.id
    )
    assert len(rows) == 3
    assert service.review_queue(session, school_ids={training.other_school.id}) == ([], 0)


def test_bulk_approval_verifies_the_chosen_records_and_skips_reviewed_ones(
    db, session, training, log
):
    first = log("EV-101-U1")
    second = log("EV-101-U1", student=training.classmate)
    service.reject_completion(
        session, actor=training.other_teacher, completion=second, feedback="x"
    )
    result = service.approve_many(
        session, actor=training.teacher, completions=[first, second], criteria_checked=True
    )
    assert [c.id for c in result.approved] == [first.id]
    assert [c.id for c in result.skipped] == [second.id]
    assert len(_events(db, "completion.verified")) == 1


def test_bulk_approval_of_another_schools_records_is_refused_whole(db, session, training, log):
    first = log("EV-101-U1")
    with pytest.raises(Invalid):
        service.approve_many(
            session, actor=training.foreign_teacher, completions=[first], criteria_checked=True
        )
    stored = reload(db, first)
    assert stored.status == "submitted"
