"""A student who moves to another school leaves the old school's class (the enrolment ends and
stays in the history) and shows in none of its lists or queues (issue 13 item 8)."""

import re

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Enrollment
from eduplatform.training.models import UnitCompletion
from tests.conftest import PASSWORD


def _client(app, user):
    client = app.test_client()
    assert (
        client.post("/login", data={"login": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def test_moving_a_student_to_another_school_ends_the_old_enrolment(app, db, training, log):
    student = training.student
    pending = log("EV-101-U1")
    teacher = _client(app, training.teacher)
    assert student.full_name in teacher.get("/training/verification").get_data(as_text=True)

    admin = _client(app, training.admin)
    values = {
        "full_name": student.full_name,
        "email": student.email,
        "role": "student",
        "organization_id": str(training.other_school.id),
    }
    asked = admin.post(f"/admin/users/{student.id}", data=values)  # the change is confirmed
    token = re.search(r'name="confirm_change" value="([^"]+)"', asked.get_data(as_text=True))[1]
    moved = admin.post(f"/admin/users/{student.id}", data={**values, "confirm_change": token})
    assert moved.status_code == 302

    enrolment = db.exec(
        select(Enrollment)
        .where(Enrollment.student_id == student.id)
        .execution_options(populate_existing=True)
    ).one()
    assert enrolment.status == "moved" and enrolment.ended_on is not None  # kept, ended
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "student.moved_school")).one()
    assert event.details["ended_cohort_id"] == training.cohort.id

    # The old school's teacher sees them nowhere: queue, class list, the pending record.
    queue = teacher.get("/training/verification").get_data(as_text=True)
    assert student.full_name not in queue
    assert training.classmate.full_name in teacher.get(f"/classes/{training.cohort.id}").get_data(
        as_text=True
    )
    assert student.full_name not in teacher.get(f"/classes/{training.cohort.id}").get_data(
        as_text=True
    )
    assert teacher.get(f"/training/completions/{pending.id}").status_code == 404
    # The record itself stays, with its class.
    kept = db.get(UnitCompletion, pending.id, populate_existing=True)
    assert kept.status == "submitted" and kept.cohort_id == training.cohort.id
