import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Cohort, CohortTeacher, Enrollment


def _enrol(db, student, cohort, status="active"):
    enrollment = Enrollment(cohort_id=cohort.id, student_id=student.id, status=status)
    db.add(enrollment)
    db.commit()
    return enrollment


def _actions(db):
    return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def test_teacher_creates_a_class_of_their_school(client, login, db, world):
    login(world.teacher)
    form = client.get("/classes/new?lang=en").get_data(as_text=True)
    assert "Budi Santoso" in form and world.other_teacher.full_name not in form
    response = client.post(
        "/classes/new",
        data={
            "name": "XI TKRO 2",
            "academic_year": "2025/2026",
            "program_id": "",
            "teachers": [str(world.teacher.id)],
        },
    )
    assert response.status_code == 302
    cohort = db.exec(select(Cohort).where(Cohort.name == "XI TKRO 2")).one()
    assert cohort.school_id == world.school.id
    assert db.exec(select(CohortTeacher).where(CohortTeacher.cohort_id == cohort.id)).one()
    assert "cohort.created" in _actions(db)


@pytest.mark.parametrize("year", ["2025/2027", "2025-2026", "25/26", "2026/2025"])
def test_academic_year_must_be_two_consecutive_years(client, login, db, world, year):
    login(world.teacher)
    response = client.post("/classes/new?lang=en", data={"name": "X", "academic_year": year})
    assert "two consecutive years" in response.get_data(as_text=True)
    assert db.exec(select(Cohort).where(Cohort.name == "X")).first() is None


def test_a_class_name_is_unique_per_school_and_year(client, login, world):
    login(world.teacher)
    response = client.post(
        "/classes/new?lang=en", data={"name": "XI TKRO 1", "academic_year": "2025/2026"}
    )
    assert "This school has a class of that name that year." in response.get_data(as_text=True)


def test_teachers_of_another_school_cannot_be_chosen(client, login, db, world):
    login(world.teacher)
    response = client.post(
        "/classes/new",
        data={
            "name": "XI TKRO 3",
            "academic_year": "2025/2026",
            "teachers": [str(world.other_teacher.id)],
        },
    )
    assert response.status_code == 200
    assert db.exec(select(Cohort).where(Cohort.name == "XI TKRO 3")).first() is None


def test_office_creates_a_class_for_a_chosen_school(client, login, db, world):
    login(world.office)
    assert "SMK Lain" in client.get("/classes/new").get_data(as_text=True)
    response = client.post(
        f"/classes/new?school={world.other_school.id}",
        data={"name": "X TKR 1", "academic_year": "2026/2027"},
    )
    assert response.status_code == 302
    assert db.exec(select(Cohort).where(Cohort.name == "X TKR 1")).one().school_id == (
        world.other_school.id
    )


def test_cohort_page_lists_students_with_their_status_and_account_state(
    client, login, db, world, make_user
):
    active = make_user("student", organization=world.school, full_name="Siti Active")
    waiting = make_user(
        "student", organization=world.school, full_name="Ani Waiting", password=None
    )
    gone = make_user("student", organization=world.school, full_name="Eko Gone")
    for student in (active, waiting):
        _enrol(db, student, world.cohort)
    _enrol(db, gone, world.cohort, status="withdrawn")
    from eduplatform.people.activation import issue_codes

    issue_codes(db, actor=None, students=[waiting])
    login(world.teacher)
    page = client.get(f"/classes/{world.cohort.id}?lang=en").get_data(as_text=True)
    assert "Siti Active" in page and "Active account" in page
    assert "Ani Waiting" in page and "Awaiting activation" in page
    assert "Eko Gone" in page and "Withdrawn" in page


def test_teacher_enrols_a_student_of_their_school_by_nisn(client, login, db, world, make_user):
    student = make_user("student", organization=world.school, nisn="0012345678")
    login(world.teacher)
    response = client.post(f"/classes/{world.cohort.id}/enrol", data={"nisn": "0012345678"})
    assert response.status_code == 302
    assert db.exec(select(Enrollment).where(Enrollment.student_id == student.id)).one()
    assert "student.enrolled" in _actions(db)


def test_students_of_another_school_cannot_be_enrolled(client, login, db, world, make_user):
    make_user("student", organization=world.other_school, nisn="0012345678")
    login(world.teacher)
    response = client.post(f"/classes/{world.cohort.id}/enrol?lang=en", data={"nisn": "0012345678"})
    assert response.status_code == 422
    assert "No student of this school has this NISN." in response.get_data(as_text=True)
    assert db.exec(select(Enrollment)).all() == []


def test_moving_a_student_ends_the_enrollment_and_keeps_the_history(
    client, login, db, world, make_user
):
    student = make_user("student", organization=world.school)
    _enrol(db, student, world.cohort)
    other = Cohort(school_id=world.school.id, name="XI TKRO 2", academic_year="2025/2026")
    db.add(other)
    db.commit()
    login(world.teacher)
    response = client.post(f"/students/{student.id}/move", data={"cohort_id": str(other.id)})
    assert response.status_code == 302
    rows = db.exec(
        select(Enrollment).where(Enrollment.student_id == student.id).order_by(Enrollment.id)
    ).all()
    assert [(r.cohort_id, r.status) for r in rows] == [
        (world.cohort.id, "moved"),
        (other.id, "active"),
    ]
    assert rows[0].ended_on is not None
    profile = client.get(f"/students/{student.id}?lang=en").get_data(as_text=True)
    assert "Moved" in profile and "XI TKRO 2" in profile
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "student.moved")).one()
    assert event.details == {"from_cohort_id": world.cohort.id, "to_cohort_id": other.id}


def test_a_student_cannot_be_moved_to_another_schools_class(client, login, db, world, make_user):
    student = make_user("student", organization=world.school)
    _enrol(db, student, world.cohort)
    login(world.teacher)
    response = client.post(
        f"/students/{student.id}/move", data={"cohort_id": str(world.other_cohort.id)}
    )
    assert response.status_code == 422
    assert db.exec(select(Enrollment).where(Enrollment.status == "active")).one().cohort_id == (
        world.cohort.id
    )


def test_withdrawing_a_student_is_audited_and_shown_on_the_profile(
    client, login, db, world, make_user
):
    student = make_user("student", organization=world.school, full_name="Dewi Pergi")
    _enrol(db, student, world.cohort)
    login(world.teacher)
    assert client.post(f"/students/{student.id}/withdraw").status_code == 302
    enrollment = db.exec(select(Enrollment)).one()
    assert enrollment.status == "withdrawn" and enrollment.ended_on is not None
    assert "student.withdrawn" in _actions(db)
    profile = client.get(f"/students/{student.id}?lang=en").get_data(as_text=True)
    assert "Withdrawn" in profile and "Withdraw from class" not in profile


def test_teacher_edits_the_class(client, login, db, world):
    login(world.teacher)
    response = client.post(
        f"/classes/{world.cohort.id}/edit",
        data={"name": "XI TKRO 1A", "academic_year": "2025/2026", "teachers": []},
    )
    assert response.status_code == 302
    db.refresh(world.cohort)
    assert world.cohort.name == "XI TKRO 1A"
    assert db.exec(select(CohortTeacher)).all() == []


def test_class_list_shows_only_the_teachers_school(client, login, world):
    login(world.teacher)
    page = client.get("/classes/").get_data(as_text=True)
    assert f"/classes/{world.cohort.id}" in page
    assert f'/classes/{world.other_cohort.id}"' not in page


@pytest.mark.parametrize("role", ["student", "author"])
def test_class_pages_are_closed_to_students_and_authors(client, login, world, role):
    login(role)
    assert client.get("/classes/").status_code == 403
    assert client.get(f"/classes/{world.cohort.id}").status_code == 403


def test_another_schools_ids_answer_404_to_a_teacher(client, login, db, world, make_user):
    student = make_user("student", organization=world.other_school)
    _enrol(db, student, world.other_cohort)
    login(world.teacher)
    other = world.other_cohort.id
    for path in (
        f"/classes/{other}",
        f"/classes/{other}/edit",
        f"/classes/{other}/import",
        f"/students/{student.id}",
    ):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/classes/{other}/enrol", {"nisn": student.nisn}),
        (f"/classes/{other}/import/commit", {"payload": "x"}),
        (f"/students/{student.id}/move", {"cohort_id": str(other)}),
        (f"/students/{student.id}/withdraw", {}),
        ("/activation-codes", {"student": str(student.id)}),
        ("/activation-codes", {"student": "1", "cohort": str(other)}),
    ):
        assert client.post(path, data=data).status_code == 404, path
    assert db.exec(select(Enrollment)).one().status == "active"


def test_a_new_class_for_another_school_answers_404_and_makes_nothing(client, login, db, world):
    login(world.teacher)
    response = client.post(
        f"/classes/new?school={world.other_school.id}",
        data={"name": "Sneaky", "academic_year": "2025/2026"},
    )
    assert response.status_code == 404
    assert db.exec(select(Cohort).where(Cohort.name == "Sneaky")).all() == []


def test_office_sees_every_schools_classes_and_students(client, login, db, world, make_user):
    student = make_user("student", organization=world.other_school)
    login(world.office)
    assert client.get(f"/classes/{world.other_cohort.id}").status_code == 200
    assert client.get(f"/students/{student.id}").status_code == 200
    page = client.get("/classes/").get_data(as_text=True)
    assert "SMK Lain" in page and "SMK Negeri 2 Surakarta" in page


def test_non_students_have_no_student_profile(client, login, world):
    login(world.office)
    assert client.get(f"/students/{world.teacher.id}").status_code == 404
