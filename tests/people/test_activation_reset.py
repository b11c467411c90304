"""A new activation code for an account in use is a password reset (issue 13 item 5): only the
student's own teachers and admins may do it, it ends every session and API token, it is audited,
and the student is told at the next sign-in."""

from sqlmodel import select

from eduplatform.api.models import ApiToken
from eduplatform.api.service import create_token
from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import ActivationCode, Enrollment, User
from tests.conftest import PASSWORD

NEW_PASSWORD = "kunci motor listrik 2026"


def _signed_in(app, user):
    client = app.test_client()
    login = user.email or user.nisn
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
    return client


def _active_student(app, db, make_user, world):
    student = make_user("student", organization=world.school, full_name="Siti Aminah")
    db.add(Enrollment(cohort_id=world.cohort.id, student_id=student.id))
    db.commit()
    return student


def _issue(client, student):
    return client.post("/activation-codes?lang=en", data={"student": str(student.id)})


def test_a_teacher_resets_a_student_and_every_session_and_token_ends(app, db, make_user, world):
    student = _active_student(app, db, make_user, world)
    phone, laptop = _signed_in(app, student), _signed_in(app, student)
    with app.app_context():
        _token, raw = create_token(db, actor=student, user=student, name="phone")
    teacher = _signed_in(app, world.teacher)

    page = _issue(teacher, student)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "already had a password" in body
    code = body.split('class="act-code">')[1].split("<")[0].replace(" ", "")

    for device in (phone, laptop):
        assert device.get("/profile").status_code == 302  # signed out
    assert phone.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    tokens = db.exec(select(ApiToken).execution_options(populate_existing=True)).all()
    assert tokens and all(t.revoked_at for t in tokens)
    # The old password no longer works.
    fresh = app.test_client()
    login = fresh.post("/login", data={"login": student.email, "password": PASSWORD})
    assert login.status_code == 200
    event = db.exec(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset_by_code")
    ).one()
    assert event.actor_id == world.teacher.id and event.object_id == str(student.id)

    # The student activates with the code and is told about the reset once.
    activated = fresh.post(
        "/activate?lang=en",
        data={
            "nisn": student.nisn,
            "code": code,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert activated.status_code == 302
    home = fresh.get("/?lang=en").get_data(as_text=True)
    assert "Your password was reset on" in home
    fresh.post("/logout")
    again = fresh.post("/login", data={"login": student.nisn, "password": NEW_PASSWORD})
    assert again.status_code == 302
    assert "Your password was reset" not in fresh.get("/?lang=en").get_data(as_text=True)


def test_the_office_cannot_issue_codes_or_take_over_accounts(app, db, make_user, world):
    student = _active_student(app, db, make_user, world)
    office = _signed_in(app, world.office)
    assert _issue(office, student).status_code == 403
    assert db.exec(select(ActivationCode)).all() == []
    db.refresh(student)
    assert student.check_password(PASSWORD)
    # Nor does the student page offer it to the office.
    page = office.get(f"/students/{student.id}").get_data(as_text=True)
    assert "/activation-codes" not in page


def test_a_teacher_of_another_school_cannot_reset(app, db, make_user, world):
    student = _active_student(app, db, make_user, world)
    other = _signed_in(app, world.other_teacher)
    assert _issue(other, student).status_code == 404
    assert db.exec(select(ActivationCode)).all() == []


def test_an_admin_may_reset_a_student(app, db, make_user, world):
    student = _active_student(app, db, make_user, world)
    admin = _signed_in(app, make_user("admin"))
    assert _issue(admin, student).status_code == 200
    assert db.get(User, student.id, populate_existing=True).password_hash is None
