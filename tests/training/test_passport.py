"""The skills passport: off by default, guardian consent for minors, public page, turned off."""

from datetime import date

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.training.models import SkillsPassport
from tests.training.conftest import TODAY


def _passport(db, student):
    return db.get(SkillsPassport, student.id, populate_existing=True)


def _consented(db, student):
    passport = _passport(db, student)
    return passport is not None and passport.consent_at is not None


def test_the_passport_is_off_by_default(client, login, db, training):
    assert _passport(db, training.student) is None
    login(training.student)
    page = client.get("/passport/settings?lang=en").get_data(as_text=True)
    assert "Private" in page
    assert client.get("/passport/anything").status_code == 404


def test_a_minor_needs_a_guardians_consent_before_going_public(client, login, db, training):
    login(training.student)  # 16 years old
    page = client.get("/passport/settings?lang=en").get_data(as_text=True)
    assert "under 18" in page and 'value="enable"' not in page
    assert "give it to your teacher" in page and 'name="guardian_name"' not in page
    response = client.post("/passport/settings?lang=en", data={"action": "enable"})
    assert response.status_code == 422
    assert "consent must be recorded first" in response.get_data(as_text=True)
    # A minor's own tick is not a guardian's consent.
    response = client.post(
        "/passport/settings",
        data={"action": "consent", "guardian_name": "Ibu Sri", "relationship": "mother",
              "confirmed": "y"},
    )  # fmt: skip
    assert response.status_code == 400 and not _consented(db, training.student)

    # Her teacher records it from the form her mother signed.
    client.post("/logout")
    login(training.teacher)
    student_page = f"/training/progress/students/{training.student.id}"
    assert 'name="guardian_name"' in client.get(f"{student_page}?lang=en").get_data(as_text=True)
    response = client.post(
        f"{student_page}/consent?lang=en", data={"guardian_name": "Ibu Sri", "relationship": "ibu"}
    )
    assert response.status_code == 422
    assert "Confirm that you have their signed consent." in response.get_data(as_text=True)
    assert not _consented(db, training.student)
    response = client.post(
        f"{student_page}/consent",
        data={"guardian_name": "Ibu Sri", "relationship": "ibu", "confirmed": "y"},
    )
    assert response.status_code == 302
    stored = _passport(db, training.student)
    assert (stored.guardian_name, stored.consent_by_id) == ("Ibu Sri", training.teacher.id)
    event = db.exec(
        select(AuditEvent).where(AuditEvent.action == "passport.consent_recorded")
    ).one()
    assert event.actor_id == training.teacher.id

    client.post("/logout")
    login(training.student)
    assert client.post("/passport/settings", data={"action": "enable"}).status_code == 302
    assert _passport(db, training.student).enabled


def test_another_schools_teacher_cannot_record_consent(client, login, db, training):
    login(training.foreign_teacher)
    response = client.post(
        f"/training/progress/students/{training.student.id}/consent",
        data={"guardian_name": "Ibu Sri", "relationship": "ibu", "confirmed": "y"},
    )
    assert response.status_code == 404
    assert _passport(db, training.student) is None


def test_an_adult_turns_the_passport_on_and_it_lists_verified_work_only(
    client, login, db, make_user, training, verified, log
):
    training.student.birth_date = date(TODAY.year - 19, 1, 1)
    db.add(training.student)
    db.commit()
    verified("EV-101-U1", "EV-101-U2")
    completion = log("EV-102-U1", note="Pending work")
    login(training.student)
    client.post("/passport/settings", data={"action": "enable"})
    slug = _passport(db, training.student).slug
    assert slug and len(slug) >= 16
    page = client.get(f"/passport/{slug}?lang=en").get_data(as_text=True)
    for shown in ("Siti Rahayu", training.school.name, "EV-101-U1", "EV-101-U2", "Module EV-101"):
        assert shown in page, shown
    assert ">4<" in page  # 2 + 2 verified hours
    assert "EV-102-U1" not in page and completion.note not in page
    for hidden in (training.student.nisn, training.student.email, str(TODAY.year - 19)):
        assert hidden not in page, hidden
    events = db.exec(select(AuditEvent.action).where(AuditEvent.action.like("passport.%"))).all()
    assert events == ["passport.enabled"]


def test_turning_the_passport_off_makes_its_link_404_and_on_again_gives_a_new_link(
    client, login, db, training
):
    training.student.birth_date = date(TODAY.year - 20, 1, 1)
    db.add(training.student)
    db.commit()
    login(training.student)
    client.post("/passport/settings", data={"action": "enable"})
    old = _passport(db, training.student).slug
    assert client.get(f"/passport/{old}").status_code == 200
    client.post("/passport/settings", data={"action": "disable"})
    assert client.get(f"/passport/{old}").status_code == 404
    client.post("/passport/settings", data={"action": "enable"})
    new = _passport(db, training.student).slug
    assert new != old and client.get(f"/passport/{old}").status_code == 404


def test_teacher_feedback_never_appears_on_the_passport(
    app, client, login, db, session, training, log
):
    from eduplatform.training import service

    training.student.birth_date = date(TODAY.year - 18, 1, 1)
    db.add(training.student)
    db.commit()
    completion = log("EV-101-U1")
    with app.test_request_context("/?lang=en"):
        service.approve_completion(
            session,
            actor=training.teacher,
            completion=completion,
            feedback="Secret remark",
            criteria_met=[1],
        )
    login(training.student)
    client.post("/passport/settings", data={"action": "enable"})
    slug = _passport(db, training.student).slug
    page = client.get(f"/passport/{slug}").get_data(as_text=True)
    assert "EV-101-U1" in page and "Secret remark" not in page


def test_only_students_have_passport_settings(client, login, training):
    login(training.teacher)
    assert client.get("/passport/settings").status_code == 403
