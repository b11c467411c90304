"""A teacher in several schools: adding a school adds, removing is separate, confirmed and
names the classes that lose the teacher; no class loses its teacher unless someone chose it."""

import re

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.auth.access import school_scope
from eduplatform.cli import alembic_config
from eduplatform.db import make_engine, migration_connection, new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.people import staffing
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Cohort, CohortTeacher, SchoolMembership, User


def _links(db, teacher):
    rows = db.exec(select(CohortTeacher).where(CohortTeacher.teacher_id == teacher.id)).all()
    return sorted(link.cohort_id for link in rows)


def _assign(client, school, teacher):
    return client.post(f"/schools/{school.id}/teachers", data={"assign-email": teacher.email})


@pytest.fixture
def third(db, make_org, make_user):
    """A third school with its own teacher and class: never in the two-school teacher's scope."""
    school = make_org("school", name="SMK Ketiga", npsn="20300003")
    teacher = make_user("teacher", organization=school)
    cohort = Cohort(school_id=school.id, name="X TKRO 3", academic_year="2025/2026")
    db.add(cohort)
    db.commit()
    db.add(CohortTeacher(cohort_id=cohort.id, teacher_id=teacher.id))
    db.commit()
    return school, cohort


def test_assigning_a_second_school_adds_it_and_keeps_every_class(client, login, db, world):
    login(world.office)
    assert _assign(client, world.other_school, world.teacher).status_code == 302
    db.refresh(world.teacher)
    assert world.teacher.organization_id == world.school.id  # the home school stays
    assert school_ids(world.teacher, db) == {world.school.id, world.other_school.id}
    assert _links(db, world.teacher) == [world.cohort.id]
    membership = db.get(SchoolMembership, (world.teacher.id, world.other_school.id))
    assert membership.added_by_id == world.office.id and membership.since is not None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "school.teacher_assigned")).one()
    assert event.details == {"teacher_id": world.teacher.id}
    # Both schools list him; the first says where else he teaches.
    page = client.get(f"/schools/{world.school.id}?lang=en").get_data(as_text=True)
    assert "Budi Santoso" in page and "Also teaches at: SMK Lain" in page
    page = client.get(f"/schools/{world.other_school.id}?lang=en").get_data(as_text=True)
    assert "Budi Santoso" in page and "Also teaches at: SMK Negeri 2 Surakarta" in page


def test_assigning_twice_or_to_a_closed_school_is_refused(client, login, db, world):
    login(world.office)
    again = _assign(client, world.school, world.teacher)
    assert again.status_code == 422
    assert "This teacher already teaches at this school." in again.get_data(as_text=True)
    world.other_school.active = False
    db.add(world.other_school)
    db.commit()
    closed = _assign(client, world.other_school, world.teacher)
    assert closed.status_code == 422
    assert "This school is deactivated." in closed.get_data(as_text=True)
    assert db.get(SchoolMembership, (world.teacher.id, world.other_school.id)) is None


def test_a_teacher_of_two_schools_sees_both_and_never_a_third(app, client, login, db, world, third):
    third_school, third_cohort = third
    staffing_session_assign(app, world.office, world.other_school, world.teacher)
    login(world.teacher)
    listing = client.get("/classes/?lang=en").get_data(as_text=True)
    assert (
        f"/classes/{world.cohort.id}" in listing and f"/classes/{world.other_cohort.id}" in listing
    )
    assert f"/classes/{third_cohort.id}" not in listing
    assert "SMK Lain" in listing and "SMK Negeri 2 Surakarta" in listing  # the school is named
    assert client.get(f"/classes/{world.other_cohort.id}").status_code == 200
    assert client.get(f"/classes/{third_cohort.id}").status_code == 404
    # a third school's id answers like an unknown one (issue 13 item 1: the scope guard)
    assert client.get(f"/classes/?school={third_school.id}").status_code == 404
    assert client.get("/classes/?school=987654").status_code == 404
    # A new class: which of his two schools? (never the third)
    picker = client.get("/classes/new?lang=en").get_data(as_text=True)
    assert (
        "SMK Lain" in picker and "SMK Negeri 2 Surakarta" in picker and "SMK Ketiga" not in picker
    )
    assert client.get(f"/classes/new?school={world.other_school.id}").status_code == 200
    assert client.get(f"/classes/new?school={third_school.id}").status_code == 404
    desk = client.get("/?lang=en").get_data(as_text=True)
    assert "<h2>SMK Lain</h2>" in desk and "<h2>SMK Negeri 2 Surakarta</h2>" in desk
    assert "SMK Ketiga" not in desk


def staffing_session_assign(app, actor, school, teacher):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        staffing.assign_teacher(
            session, actor=session.get(User, actor.id), school=school, email=teacher.email
        )


def test_school_scope_is_the_union_of_the_teachers_schools(app, db, world, third):
    staffing_session_assign(app, world.office, world.other_school, world.teacher)
    with app.test_request_context("/"), new_session(app) as session:
        teacher = session.get(User, world.teacher.id)
        assert school_scope(teacher) == {world.school.id, world.other_school.id}
        assert school_scope(session.get(User, world.office.id)) is None
        assert school_scope(session.get(User, world.other_teacher.id)) == {world.other_school.id}


def test_a_second_schools_teacher_can_teach_its_classes(client, login, db, world):
    """The class form offers (and accepts) a teacher whose second school this is."""
    login(world.office)
    _assign(client, world.other_school, world.teacher)
    form = client.get(f"/classes/{world.other_cohort.id}/edit").get_data(as_text=True)
    assert "Budi Santoso" in form
    response = client.post(
        f"/classes/{world.other_cohort.id}/edit",
        data={
            "name": "XI TKRO 1",
            "academic_year": "2025/2026",
            "teachers": [str(world.teacher.id), str(world.other_teacher.id)],
        },
    )
    assert response.status_code == 302
    assert _links(db, world.teacher) == sorted([world.cohort.id, world.other_cohort.id])


def test_removal_asks_first_and_lists_the_classes_that_lose_the_teacher(client, login, db, world):
    login(world.office)
    _assign(client, world.other_school, world.teacher)
    url = f"/schools/{world.school.id}/teachers/{world.teacher.id}/remove"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Budi Santoso stops teaching these classes of SMK Negeri 2 Surakarta:" in page
    assert "XI TKRO 1" in page and "left without a teacher" in page
    assert "SMK Lain becomes their main school." in page
    assert _links(db, world.teacher) == [world.cohort.id]  # asking changed nothing
    response = client.post(url, data={"cohort": [str(world.cohort.id)]})
    assert response.status_code == 302
    db.refresh(world.teacher)
    assert school_ids(world.teacher, db) == {world.other_school.id}
    assert world.teacher.organization_id == world.other_school.id
    assert _links(db, world.teacher) == []
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "school.teacher_removed")).one()
    assert event.details == {
        "teacher_id": world.teacher.id,
        "cohort_ids": [world.cohort.id],
        "without_teacher": [world.cohort.id],
    }


def test_removal_keeps_the_other_schools_classes_and_names_who_stays(app, client, login, db, world):
    staffing_session_assign(app, world.office, world.other_school, world.teacher)
    db.add(CohortTeacher(cohort_id=world.other_cohort.id, teacher_id=world.teacher.id))
    db.add(CohortTeacher(cohort_id=world.other_cohort.id, teacher_id=world.other_teacher.id))
    db.commit()
    login("admin")
    url = f"/schools/{world.other_school.id}/teachers/{world.teacher.id}/remove"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    other_name = world.other_teacher.full_name
    assert f"keeps {other_name}" in page and "left without a teacher" not in page
    client.post(url, data={"cohort": [str(world.other_cohort.id)]})
    assert _links(db, world.teacher) == [world.cohort.id]  # his first school's class keeps him
    db.refresh(world.teacher)
    assert world.teacher.organization_id == world.school.id
    audit = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    assert "Teacher removed from the school" in audit and "Class XI TKRO 1, 2025/2026" in audit


def test_a_teachers_only_school_cannot_be_taken_away(client, login, db, world):
    login(world.office)
    url = f"/schools/{world.school.id}/teachers/{world.teacher.id}/remove"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "is the only school of Budi Santoso" in page
    assert 'type="submit"' not in page.split("<main", 1)[1]
    response = client.post(url, data={"cohort": [str(world.cohort.id)]})
    assert response.status_code == 200
    assert school_ids(world.teacher, db) == {world.school.id}
    assert _links(db, world.teacher) == [world.cohort.id]


def test_a_stale_confirmation_writes_nothing(app, db, world):
    """Someone gave him another class after the page was shown: the removal stops."""
    staffing_session_assign(app, world.office, world.other_school, world.teacher)
    second = Cohort(school_id=world.school.id, name="XII TKRO 1", academic_year="2025/2026")
    db.add(second)
    db.commit()
    db.add(CohortTeacher(cohort_id=second.id, teacher_id=world.teacher.id))
    db.commit()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        args = {
            "actor": session.get(User, world.office.id),
            "teacher": session.get(User, world.teacher.id),
            "school": world.school,
        }
        with pytest.raises(Conflict):
            staffing.remove_teacher(session, **args, confirmed_cohort_ids=[world.cohort.id])
        session.rollback()
    assert _links(db, world.teacher) == sorted([world.cohort.id, second.id])
    assert db.get(SchoolMembership, (world.teacher.id, world.school.id)) is not None


def test_removal_of_a_teacher_outside_the_school_answers_404(client, login, world, third):
    login(world.office)
    url = f"/schools/{world.school.id}/teachers/{world.other_teacher.id}/remove"
    assert client.get(url).status_code == 404
    assert client.post(url, data={}).status_code == 404
    student_url = f"/schools/{world.school.id}/teachers/999999/remove"
    assert client.get(student_url).status_code == 404


def test_removal_preview_refuses_a_school_the_teacher_is_not_in(app, world):
    with (
        app.test_request_context("/?lang=en"),
        new_session(app) as session,
        pytest.raises(Invalid),
    ):
        staffing.removal_preview(
            session, teacher=session.get(User, world.teacher.id), school=world.other_school
        )


def test_new_teacher_accounts_belong_to_their_school(client, login, db, world):
    login(world.office)
    client.post(
        f"/schools/{world.school.id}/teachers/new",
        data={
            "teacher-full_name": "Sri Rahayu",
            "teacher-email": "sri@example.org",
            "teacher-password": "a long enough secret",
        },
    )
    teacher = db.exec(select(User).where(User.email == "sri@example.org")).one()
    membership = db.get(SchoolMembership, (teacher.id, world.school.id))
    assert membership is not None and membership.added_by_id == world.office.id


def test_the_migration_gives_existing_teachers_a_membership_of_their_school(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/staffing.db")
    script = ScriptDirectory.from_config(alembic_config())
    before = script.get_revision("0011").down_revision
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), before)
        connection.execute(
            text(
                "INSERT INTO organization (id, kind, name, npsn, city, country, address, contact,"
                " active, created_at) VALUES (1, 'school', 'SMK Lama', '20300009', '', 'ID', '',"
                " '', 1, '2025-07-01 01:00:00')"
            )
        )
        for id_, role in ((1, "teacher"), (2, "student")):
            connection.execute(
                text(
                    "INSERT INTO user (id, email, full_name, role, organization_id, active,"
                    " created_at) VALUES (:id, :email, 'Pak Budi', :role, 1, 1,"
                    " '2025-07-01 20:00:00')"
                ),
                {"id": id_, "email": f"p{id_}@example.org", "role": role},
            )
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "0011")
        rows = connection.execute(
            text("SELECT user_id, school_id, since FROM school_membership")
        ).all()
    engine.dispose()
    # One row, the teacher's; 20:00 UTC on 1 July is 2 July in Jakarta.
    assert [tuple(row) for row in rows] == [(1, 1, "2025-07-02")]


def test_audit_labels_name_the_removed_classes(client, login, db, world):
    login(world.office)
    _assign(client, world.other_school, world.teacher)
    client.post(
        f"/schools/{world.school.id}/teachers/{world.teacher.id}/remove",
        data={"cohort": [str(world.cohort.id)]},
    )
    client.post("/logout")
    login("admin")
    page = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*Teacher removed from the school.*?</tr>", page, re.S)[0]
    assert "Budi Santoso" in row and "Left without a teacher" in row
