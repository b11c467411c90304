"""Changing a user's school is explicit, confirmed and audited, and says what it ends (issue 13
item 9): a student's class enrolment, a teacher's schools and the classes that lose them."""

import re

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import (
    Cohort,
    CohortTeacher,
    Enrollment,
    Organization,
    SchoolMembership,
    User,
)
from tests.people.test_staffing import staffing_session_assign


def _values(user, **changes):
    values = {
        "full_name": user.full_name,
        "email": user.email or "",
        "role": user.role,
        "organization_id": str(user.organization_id or ""),
    }
    return {**values, **{k: str(v) for k, v in changes.items()}}


def _token(response):
    match = re.search(r'name="confirm_change" value="([^"]*)"', response.get_data(as_text=True))
    assert match, "no confirmation step on the page"
    return match[1]


def _events(db, action):
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def _fresh(db, model, key):
    return db.get(model, key, populate_existing=True)


def _enrolment(db, student):
    query = select(Enrollment).where(Enrollment.student_id == student.id)
    return db.exec(query.execution_options(populate_existing=True)).one()


def test_moving_a_student_names_the_class_it_ends_and_waits_for_a_yes(
    client, login, db, world, make_user
):
    student = make_user("student", organization=world.school, full_name="Siti Rahayu")
    db.add(Enrollment(cohort_id=world.cohort.id, student_id=student.id))
    db.commit()
    login("admin")
    url = f"/admin/users/{student.id}?lang=en"
    values = _values(student, organization_id=world.other_school.id)
    asked = client.post(url, data=values)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Change the school of Siti Rahayu?" in page
    assert "From SMK Negeri 2 Surakarta to SMK Lain." in page
    assert "The enrolment in class XI TKRO 1 (2025/2026) of SMK Negeri 2 Surakarta ends" in page
    assert _fresh(db, User, student.id).organization_id == world.school.id  # not yet
    assert _enrolment(db, student).status == "active"

    done = client.post(url, data={**values, "confirm_change": _token(asked)})
    assert done.status_code == 302
    assert _fresh(db, User, student.id).organization_id == world.other_school.id
    assert _enrolment(db, student).status == "moved"
    (event,) = _events(db, "student.moved_school")
    assert event.details["ended_cohort_id"] == world.cohort.id


def test_moving_a_teacher_ends_their_other_schools_and_names_the_classes(
    app, client, login, db, world, make_org
):
    third = make_org("school", name="SMK Ketiga")
    staffing_session_assign(app, world.office, third, world.teacher)  # A (home) and C
    login("admin")
    url = f"/admin/users/{world.teacher.id}?lang=en"
    edit = client.get(url).get_data(as_text=True)
    assert "Teaches at: SMK Negeri 2 Surakarta, SMK Ketiga." in edit
    values = _values(world.teacher, organization_id=world.other_school.id)
    asked = client.post(url, data=values)
    page = asked.get_data(as_text=True)
    assert "Budi Santoso stops teaching at: SMK Ketiga, SMK Negeri 2 Surakarta." in page
    assert "XI TKRO 1" in page and "left without a teacher" in page
    assert "Assign an existing teacher" in page  # the way to add a school instead
    assert school_ids(_fresh(db, User, world.teacher.id), db) == {world.school.id, third.id}

    client.post(url, data={**values, "confirm_change": _token(asked)})
    teacher = _fresh(db, User, world.teacher.id)
    assert teacher.organization_id == world.other_school.id
    assert school_ids(teacher, db) == {world.other_school.id}
    assert db.exec(select(CohortTeacher).where(CohortTeacher.teacher_id == teacher.id)).all() == []
    (event,) = _events(db, "user.school_changed")
    assert sorted(event.details.pop("left_school_ids")) == sorted([world.school.id, third.id])
    assert event.details == {
        "from_organization_id": world.school.id,
        "organization_id": world.other_school.id,
        "cohort_ids": [world.cohort.id],
    }
    membership = db.get(SchoolMembership, (teacher.id, world.other_school.id))
    assert membership is not None and membership.since is not None


def test_moving_a_teacher_to_their_second_school_ends_only_the_first(app, client, login, db, world):
    staffing_session_assign(app, world.office, world.other_school, world.teacher)
    db.add(CohortTeacher(cohort_id=world.other_cohort.id, teacher_id=world.teacher.id))
    db.commit()
    login("admin")
    url = f"/admin/users/{world.teacher.id}?lang=en"
    values = _values(world.teacher, organization_id=world.other_school.id)
    asked = client.post(url, data=values)
    assert "stops teaching at: SMK Negeri 2 Surakarta." in asked.get_data(as_text=True)
    client.post(url, data={**values, "confirm_change": _token(asked)})
    links = db.exec(select(CohortTeacher).where(CohortTeacher.teacher_id == world.teacher.id))
    assert [link.cohort_id for link in links] == [world.other_cohort.id]


def test_a_stale_confirmation_asks_again_and_writes_nothing(client, login, db, world):
    login("admin")
    url = f"/admin/users/{world.teacher.id}?lang=en"
    values = _values(world.teacher, organization_id=world.other_school.id)
    token = _token(client.post(url, data=values))
    later = Cohort(school_id=world.school.id, name="XII TKRO 2", academic_year="2025/2026")
    db.add(later)
    db.commit()
    db.add(CohortTeacher(cohort_id=later.id, teacher_id=world.teacher.id))  # meanwhile
    db.commit()
    again = client.post(url, data={**values, "confirm_change": token})
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "has changed meanwhile" in page and "XII TKRO 2" in page
    assert _fresh(db, User, world.teacher.id).organization_id == world.school.id
    assert _events(db, "user.school_changed") == []


def test_an_edit_that_keeps_the_school_needs_no_confirmation(client, login, db, world):
    login("admin")
    response = client.post(
        f"/admin/users/{world.teacher.id}", data=_values(world.teacher, full_name="Budi S.")
    )
    assert response.status_code == 302
    assert _fresh(db, User, world.teacher.id).full_name == "Budi S."
    assert school_ids(_fresh(db, User, world.teacher.id), db) == {world.school.id}


def test_office_staff_change_office_and_are_told_nothing_else_ends(
    client, login, db, world, make_org
):
    other_office = make_org("office", name="Dinas Kota Lain")
    login("admin")
    url = f"/admin/users/{world.office.id}?lang=en"
    values = _values(world.office, organization_id=other_office.id)
    asked = client.post(url, data=values)
    assert "Nothing else ends" in asked.get_data(as_text=True)
    assert client.post(url, data={**values, "confirm_change": _token(asked)}).status_code == 302
    assert _fresh(db, User, world.office.id).organization_id == other_office.id
    assert len(_events(db, "user.school_changed")) == 1


def test_a_teacher_made_office_staff_leaves_every_school_and_class(
    client, login, db, world, make_org
):
    office_org = db.exec(select(Organization).where(Organization.kind == "office")).first()
    login("admin")
    url = f"/admin/users/{world.teacher.id}?lang=en"
    values = _values(world.teacher, role="office", organization_id=office_org.id)
    asked = client.post(url, data=values)
    page = asked.get_data(as_text=True)
    assert "Role: Teacher → Education office." in page and "XI TKRO 1" in page
    client.post(url, data={**values, "confirm_change": _token(asked)})
    teacher = _fresh(db, User, world.teacher.id)
    assert teacher.role == "office"
    assert (
        db.exec(select(SchoolMembership).where(SchoolMembership.user_id == teacher.id)).all() == []
    )
    assert db.exec(select(CohortTeacher).where(CohortTeacher.teacher_id == teacher.id)).all() == []


def test_a_student_made_a_teacher_leaves_the_class_and_joins_the_school(
    client, login, db, world, make_user
):
    student = make_user("student", organization=world.school, nisn=None, full_name="Asisten")
    db.add(Enrollment(cohort_id=world.cohort.id, student_id=student.id))
    db.commit()
    login("admin")
    url = f"/admin/users/{student.id}?lang=en"
    values = _values(student, role="teacher")
    asked = client.post(url, data=values)
    assert "The enrolment in class XI TKRO 1" in asked.get_data(as_text=True)
    client.post(url, data={**values, "confirm_change": _token(asked)})
    assert _enrolment(db, student).status == "withdrawn"
    assert school_ids(_fresh(db, User, student.id), db) == {world.school.id}
    assert db.get(SchoolMembership, (student.id, world.school.id)) is not None
