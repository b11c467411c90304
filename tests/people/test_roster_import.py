from datetime import date

import pytest
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.clock import local_today
from eduplatform.db import new_session
from eduplatform.errors import Invalid
from eduplatform.people.models import ActivationCode, Cohort, Enrollment, User
from eduplatform.people.roster import parse_roster
from eduplatform.people.roster_import import EMAIL_UNUSABLE, NISN_UNUSABLE, import_roster
from tests.people.conftest import roster_csv, roster_xlsx, students


@pytest.fixture
def session(app):
    """A transactional session, as commands and requests use, for calling the services."""
    with app.app_context(), new_session(app) as session:
        yield session


def _import(session, world, data, **kw):
    cohort = session.get(Cohort, world.cohort.id)
    return import_roster(session, actor=None, cohort=cohort, roster=parse_roster(data), **kw)


def _count(db, model, *where):
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_importing_40_students_creates_accounts_enrollments_and_codes(session, world, db):
    result = _import(session, world, roster_csv(students(40)))
    assert result.summary() == {"created": 40, "updated": 0, "unchanged": 0, "errors": []}
    assert len(result.codes) == 40
    created = db.exec(
        select(User).where(User.organization_id == world.school.id, User.role == "student")
    ).all()
    assert len(created) == 40
    assert all(u.password_hash is None and u.email is None for u in created)
    siti = next(u for u in created if u.nisn == "0008000001")
    assert (siti.gender, siti.birth_date) == ("P", date(2009, 2, 2))
    assert (
        _count(
            db, Enrollment, Enrollment.cohort_id == world.cohort.id, Enrollment.status == "active"
        )
        == 40
    )
    assert _count(db, ActivationCode) == 40
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "roster.imported")).one()
    assert event.details == {"created": 40, "updated": 0, "unchanged": 0}
    assert all(code not in str(event.details) for _, code in result.codes)


def test_reimporting_the_same_file_changes_nothing(session, world, db):
    data = roster_xlsx(students(40))
    _import(session, world, data)
    again = _import(session, world, data)
    assert again.summary() == {"created": 0, "updated": 0, "unchanged": 40, "errors": []}
    assert again.codes == []
    assert _count(db, ActivationCode) == 40
    assert _count(db, Enrollment) == 40


def test_changed_details_and_students_from_another_class_are_updated(session, world, db):
    _import(session, world, roster_csv(students(3)))
    other = Cohort(school_id=world.school.id, name="XI TKRO 2", academic_year="2025/2026")
    session.add(other)
    session.commit()
    rows = students(3)
    rows[0] = (rows[0][0], "Nur'aini Renamed", "nur@example.org", rows[0][3], rows[0][4])
    result = import_roster(session, actor=None, cohort=other, roster=parse_roster(roster_csv(rows)))
    assert result.summary()["updated"] == 3
    assert result.planned[0].changes == ["full_name", "email", "cohort"]
    renamed = db.exec(select(User).where(User.nisn == rows[0][0])).one()
    assert (renamed.full_name, renamed.email) == ("Nur'aini Renamed", "nur@example.org")
    history = db.exec(
        select(Enrollment).where(Enrollment.student_id == renamed.id).order_by(Enrollment.id)
    ).all()
    assert [(e.cohort_id, e.status) for e in history] == [
        (world.cohort.id, "moved"),
        (other.id, "active"),
    ]
    assert history[0].ended_on == local_today()
    assert result.codes == []  # only new students get codes at import


def test_empty_cells_keep_what_the_platform_knows(session, world, db):
    _import(
        session,
        world,
        roster_csv([("0012345678", "Siti", "siti@example.org", "P", date(2009, 3, 4))]),
    )
    result = _import(session, world, roster_csv([("0012345678", "Siti", None, None, None)]))
    assert result.summary()["unchanged"] == 1
    siti = db.exec(select(User).where(User.nisn == "0012345678")).one()
    assert (siti.email, siti.gender, siti.birth_date) == ("siti@example.org", "P", date(2009, 3, 4))


def test_a_nisn_of_another_schools_student_rejects_the_whole_file(session, world, db, make_user):
    make_user("student", organization=world.other_school, nisn="0008000005")
    with pytest.raises(Invalid) as refused:
        _import(session, world, roster_csv(students(10)))
    session.rollback()
    assert refused.value.errors == [
        {"row": 7, "column": "NISN", "message": refused.value.errors[0]["message"]}
    ]
    assert str(refused.value.errors[0]["message"]) == str(NISN_UNUSABLE)
    assert _count(db, User, User.organization_id == world.school.id, User.role == "student") == 0
    assert _count(db, Enrollment) == 0 and _count(db, ActivationCode) == 0
    assert _count(db, AuditEvent, AuditEvent.action == "roster.imported") == 0


def test_an_email_in_use_by_someone_else_is_rejected(session, world):
    rows = students(2)
    rows[1] = (rows[1][0], rows[1][1], world.teacher.email.upper(), None, None)
    with pytest.raises(Invalid) as refused:
        _import(session, world, roster_csv(rows))
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(3, "Email")]
    assert str(refused.value.errors[0]["message"]) == str(EMAIL_UNUSABLE)


def test_an_email_of_another_student_of_the_same_school_names_that_student(
    session, world, make_user
):
    make_user("student", organization=world.school, nisn="0099999999", email="ani@example.org")
    rows = students(1)
    rows[0] = (rows[0][0], rows[0][1], "ani@example.org", None, None)
    with pytest.raises(Invalid) as refused:
        _import(session, world, roster_csv(rows))
    message = str(refused.value.errors[0]["message"])
    assert message.startswith("This email address belongs to ") and "of this school" in message


def test_row_problems_from_the_file_refuse_the_import(session, world, db):
    rows = students(5)
    rows[2] = ("12345", "", None, None, None)
    with pytest.raises(Invalid) as refused:
        _import(session, world, roster_csv(rows))
    assert {(e["row"], e["column"]) for e in refused.value.errors} == {
        (4, "NISN"),
        (4, "Nama Lengkap"),
    }
    assert _count(db, User, User.role == "student") == 0


def test_a_dry_run_counts_and_writes_nothing(session, world, db):
    result = _import(session, world, roster_csv(students(4)), dry_run=True)
    assert result.summary()["created"] == 4
    assert _count(db, User, User.role == "student") == 0


def test_a_withdrawn_student_rejoins_through_the_import(session, world, db):
    _import(session, world, roster_csv(students(1)))
    enrollment = session.exec(select(Enrollment)).one()
    enrollment.status, enrollment.ended_on = "withdrawn", local_today()
    session.add(enrollment)
    session.commit()
    result = _import(session, world, roster_csv(students(1)))
    assert result.planned[0].changes == ["cohort"]
    statuses = sorted(e.status for e in db.exec(select(Enrollment)).all())
    assert statuses == ["active", "withdrawn"]


def test_a_deactivated_school_takes_no_import(session, world):
    school = session.get(type(world.school), world.school.id)
    school.active = False
    session.add(school)
    session.commit()
    with pytest.raises(Invalid, match="deactivated"):
        _import(session, world, roster_csv(students(1)))
