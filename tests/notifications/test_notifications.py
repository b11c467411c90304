"""Students hear of their reviews and certificates, teachers of submissions left waiting: in
the app (a bell with a count, a list, marked read) and by email unless turned off. Everything
is written after the decision commits, and a mail server that is down never loses a decision."""

import json
import re
from datetime import timedelta

from sqlmodel import select, update

from eduplatform import create_app
from eduplatform.db import get_engine, new_session
from eduplatform.notifications import service as notifications
from eduplatform.notifications.models import Notification, NotificationSetting
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import UnitCompletion
from tests.conftest import PASSWORD
from tests.smtp import free_port


def _notes(db, user):
    db.commit()
    return db.exec(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id)
        .execution_options(populate_existing=True)
    ).all()


def _approve(client, completion, **extra):
    return client.post(
        f"/training/completions/{completion.id}", data={"decision": "approve", "criteria": "1"}
    )


def _bell(page):
    found = re.search(r'<span class="bell-count">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


def test_a_verified_unit_reaches_the_student_in_the_app_and_by_email(
    client, db, login, training, log, mailbox
):
    completion = log("EV-101-U1")
    login(training.teacher)
    assert _approve(client, completion).status_code == 302
    (note,) = _notes(db, training.student)
    assert (note.kind, note.completion_id, note.read_at) == (
        "completion_verified",
        completion.id,
        None,
    )
    assert note.email_state == "sent" and note.email_attempts == 1
    (message,) = mailbox.messages
    assert message.rcpt_tos == [training.student.email]
    assert "EV-101-U1 Bahaya tegangan tinggi diverifikasi oleh Budi Santoso" in message.text
    assert f"http://localhost/training/completions/{completion.id}" in message.links

    client.post("/logout")
    login(training.student)
    home = client.get("/?lang=en").get_data(as_text=True)
    assert _bell(home) == 1 and "Notifications: 1 unread" in home
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "EV-101-U1 High-voltage hazards was verified by Budi Santoso." in page
    opened = client.post(f"/notifications/{note.id}/open")
    assert opened.headers["Location"].endswith(f"/training/completions/{completion.id}")
    assert _notes(db, training.student)[0].read_at is not None
    assert _bell(client.get("/?lang=en").get_data(as_text=True)) == 0


def test_a_rejection_carries_the_feedback_in_the_students_language(
    client, db, login, training, log, mailbox
):
    training.student.locale = "zh"
    db.add(training.student)
    db.commit()
    completion = log("EV-101-U1")
    login(training.teacher)
    client.post(
        f"/training/completions/{completion.id}",
        data={"decision": "reject", "feedback": "Foto label kunci belum terlihat."},
    )
    (note,) = _notes(db, training.student)
    assert note.kind == "completion_rejected"
    (message,) = mailbox.messages
    assert message.header("Content-Language") == "zh"
    assert "Foto label kunci belum terlihat." in message.text
    assert "高压危害" in message.text and "退回" in message.text  # the unit's Chinese title


def test_the_last_unit_brings_a_certificate_notification(
    client, db, login, training, verified, log, mailbox
):
    verified("EV-101-U1")
    completion = log("EV-101-U2")
    login(training.teacher)
    _approve(client, completion)
    kinds = [n.kind for n in _notes(db, training.student)]
    assert kinds[-2:] == ["completion_verified", "certificate_issued"]
    client.post("/logout")
    login(training.student)
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "Your certificate for EV-101 Module EV-101 is ready." in page


def test_no_email_when_turned_off_or_without_an_address(client, db, login, training, log, mailbox):
    login(training.student)
    response = client.post("/notifications/settings", data={})  # the box unticked
    assert response.status_code == 302
    assert db.get(NotificationSetting, training.student.id).email is False
    training.classmate.email = None
    db.add(training.classmate)
    db.commit()
    first, second = log("EV-101-U1"), log("EV-101-U1", student=training.classmate)
    client.post("/logout")
    login(training.teacher)
    _approve(client, first)
    _approve(client, second)
    assert mailbox.messages == []
    assert [n.email_state for n in _notes(db, training.student)] == ["none"]
    assert [n.email_state for n in _notes(db, training.classmate)] == ["none"]


def test_the_profile_page_holds_the_email_setting(client, login, training):
    login(training.student)
    page = client.get("/profile?lang=en").get_data(as_text=True)
    assert 'id="notification-settings"' in page and 'name="email"' in page
    (box,) = re.findall(r'<input[^>]*name="email"[^>]*>', page)
    assert "checked" in box  # on until turned off


def test_notifications_wait_for_the_commit_and_vanish_with_a_rollback(app, db, training, log):
    completion = log("EV-101-U1")
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        pending = notifications.Pending(
            user_id=training.student.id, kind="completion_verified", completion_id=completion.id
        )
        notifications.notify_after_commit(session, pending)
        assert _notes(db, training.student) == []  # not while the transaction is open
        session.rollback()
        session.commit()
        assert _notes(db, training.student) == []
        notifications.notify_after_commit(session, pending)
        session.commit()
    assert len(_notes(db, training.student)) == 1


def test_a_mail_server_that_is_down_never_loses_the_decision(
    app_config, db, training, log, mailbox, runner
):
    completion = log("EV-101-U1")
    # The same site and database, but nothing listens where its mail server should be.
    down = create_app({**app_config, "MAIL_PORT": free_port(), "MAIL_TIMEOUT": 2})
    try:
        client = down.test_client()
        client.post("/login", data={"login": training.teacher.email, "password": PASSWORD})
        response = _approve(client, completion)
    finally:
        get_engine(down).dispose()
    assert response.status_code == 302
    stored = db.get(UnitCompletion, completion.id, populate_existing=True)
    assert stored.status == "verified"
    (note,) = _notes(db, training.student)
    assert (note.email_state, note.email_attempts) == ("failed", 1)
    assert mailbox.messages == []

    # The next daily run, with the mail server back, sends the copy once.
    result = runner.invoke(args=["notifications", "send-reminders", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["emails"] == {"sent": 1, "failed": 0}
    (note,) = _notes(db, training.student)
    assert note.email_state == "sent" and note.email_attempts == 2
    assert [m.rcpt_tos for m in mailbox.messages] == [[training.student.email]]
    again = runner.invoke(args=["notifications", "send-reminders", "--json"])
    assert json.loads(again.output)["emails"] == {"sent": 0, "failed": 0}


def _age(db, completion, days):
    db.exec(
        update(UnitCompletion)
        .where(UnitCompletion.id == completion.id)
        .values(created_at=utcnow() - timedelta(days=days))
    )
    db.commit()


def test_teachers_are_reminded_once_a_day_of_submissions_waiting_too_long(
    db, runner, training, log, mailbox
):
    old = log("EV-101-U1")
    log("EV-101-U1", student=training.classmate)  # fresh: not yet worth a reminder
    _age(db, old, days=4)
    result = runner.invoke(args=["notifications", "send-reminders", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["waiting"] == 1 and payload["reminded"] == [training.teacher.id]
    (note,) = _notes(db, training.teacher)
    assert (note.kind, note.details["count"], note.details["days"]) == ("reviews_waiting", 1, 3)
    assert _notes(db, training.other_teacher) == []  # not a teacher of this class
    assert _notes(db, training.foreign_teacher) == []
    assert [m.rcpt_tos for m in mailbox.messages] == [[training.teacher.email]]
    assert "/training/verification" in mailbox.messages[0].text

    again = runner.invoke(args=["notifications", "send-reminders", "--json"])
    assert json.loads(again.output)["reminded"] == []
    assert json.loads(again.output)["already_reminded_today"] == [training.teacher.id]
    assert len(_notes(db, training.teacher)) == 1 and len(mailbox.messages) == 1


def test_the_number_of_days_is_configurable(app, db, runner, training, log):
    old = log("EV-101-U1")
    _age(db, old, days=2)
    assert (
        json.loads(runner.invoke(args=["notifications", "send-reminders", "--json"]).output)[
            "reminded"
        ]
        == []
    )
    app.config["REVIEW_REMINDER_DAYS"] = 1
    result = runner.invoke(args=["notifications", "send-reminders", "--json"])
    assert json.loads(result.output)["reminded"] == [training.teacher.id]
    refused = runner.invoke(args=["notifications", "send-reminders", "--days", "0", "--json"])
    assert refused.exit_code == 1 and json.loads(refused.output)["errors"][0]["field"] == "days"


def test_a_class_without_its_own_teacher_reminds_the_schools_teachers(db, runner, training, log):
    from eduplatform.people.models import CohortTeacher

    db.exec(CohortTeacher.__table__.delete())
    db.commit()
    _age(db, log("EV-101-U1"), days=5)
    result = runner.invoke(args=["notifications", "send-reminders", "--json"])
    reminded = set(json.loads(result.output)["reminded"])
    assert reminded == {training.teacher.id, training.other_teacher.id}


def test_the_teachers_reminder_reads_in_their_language(client, db, login, training, log, runner):
    _age(db, log("EV-101-U1"), days=4)
    runner.invoke(args=["notifications", "send-reminders"])
    login(training.teacher)
    page = client.get("/notifications?lang=id").get_data(as_text=True)
    assert "1 kiriman telah menunggu lebih dari 3 hari" in page
    assert _bell(page) == 1


def test_marking_all_read_and_anothers_notification_is_unknown(client, db, login, training, log):
    first, second = log("EV-101-U1"), log("EV-102-U1")
    login(training.teacher)
    _approve(client, first)
    _approve(client, second)
    client.post("/logout")
    login(training.classmate)
    (other,) = [n.id for n in _notes(db, training.student)][:1]
    assert client.post(f"/notifications/{other}/open").status_code == 404
    client.post("/logout")
    login(training.student)
    assert _bell(client.get("/").get_data(as_text=True)) == 2
    client.post("/notifications/read")
    assert all(n.read_at for n in _notes(db, training.student))
    assert _bell(client.get("/").get_data(as_text=True)) == 0


def test_a_student_who_moved_school_leaves_no_reminder_behind(db, runner, training, log):
    """A record of a student who moved to another school is in no queue of the old school,
    so it is no reason to remind the old school's teachers (issue 15 item 5)."""
    _age(db, log("EV-101-U1"), days=5)
    student = db.get(type(training.student), training.student.id)
    student.organization_id = training.other_school.id
    db.add(student)
    db.commit()
    result = runner.invoke(args=["notifications", "send-reminders", "--json"])
    payload = json.loads(result.output)
    assert (payload["waiting"], payload["reminded"]) == (0, [])
    assert _notes(db, training.teacher) == []


def test_a_teacher_of_two_schools_hears_of_a_class_without_its_own_teacher(
    db, runner, training, log
):
    """The school's teachers include those who teach there as a second school."""
    from eduplatform.people.memberships import add_membership
    from eduplatform.people.models import CohortTeacher

    db.exec(CohortTeacher.__table__.delete())
    db.commit()
    add_membership(db, teacher=training.foreign_teacher, school=training.school)
    db.commit()
    _age(db, log("EV-101-U1"), days=5)
    result = runner.invoke(args=["notifications", "send-reminders", "--json"])
    reminded = set(json.loads(result.output)["reminded"])
    assert training.foreign_teacher.id in reminded


def test_the_list_says_when_in_the_citys_zone(client, db, login, training, log):
    completion = log("EV-101-U1")
    login(training.teacher)
    assert _approve(client, completion).status_code == 302
    client.post("/logout")
    login(training.student)
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    (shown,) = re.findall(r"<time [^>]*>([^<]*)</time>", page)
    assert re.fullmatch(r"\w{3} \d+, \d{4}, \d+:\d\d\u202f[AP]M WIB \(UTC\+7\)", shown), shown
