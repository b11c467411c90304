import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import CohortTeacher, Organization, User


def _actions(db):
    return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


@pytest.mark.parametrize("role", ["teacher", "student", "author"])
def test_school_pages_are_for_the_office_and_admins_only(client, login, world, role):
    login(role)
    for path in (
        "/schools/",
        "/schools/new",
        f"/schools/{world.school.id}",
        f"/schools/{world.school.id}/edit",
    ):
        assert client.get(path).status_code == 403, path
    assert (
        client.post(f"/schools/{world.school.id}/active", data={"active": "0"}).status_code == 403
    )


def test_office_enrols_a_school_by_npsn(client, login, db, world):
    login(world.office)
    response = client.post(
        "/schools/new",
        data={
            "name": "SMK Negeri 5 Surakarta",
            "npsn": "20300005",
            "address": "Jl. Adi Sucipto 42",
            "city": "Surakarta",
            "contact": "0271 123456",
        },
    )
    assert response.status_code == 302
    school = db.exec(select(Organization).where(Organization.npsn == "20300005")).one()
    assert (school.kind, school.address, school.contact) == (
        "school",
        "Jl. Adi Sucipto 42",
        "0271 123456",
    )
    assert "school.created" in _actions(db)
    assert "SMK Negeri 5 Surakarta" in client.get("/schools/").get_data(as_text=True)


def test_bad_or_taken_npsn_is_refused_next_to_the_field(client, login, db, world):
    login(world.office)
    taken = client.post("/schools/new?lang=en", data={"name": "Copy", "npsn": "20300001"})
    assert "A school with this NPSN exists." in taken.get_data(as_text=True)
    short = client.post("/schools/new?lang=en", data={"name": "Short", "npsn": "1234"})
    page = short.get_data(as_text=True)
    assert "NPSN is exactly 8 digits." in page and 'value="Short"' in page
    assert db.exec(select(Organization).where(Organization.name.in_(["Copy", "Short"]))).all() == []


def test_editing_a_school_is_audited_with_the_changed_fields(client, login, db, world):
    login(world.office)
    response = client.post(
        f"/schools/{world.school.id}/edit",
        data={
            "name": world.school.name,
            "npsn": "20300001",
            "address": "Jl. Baru 1",
            "city": "Solo",
            "contact": "",
        },
    )
    assert response.status_code == 302
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "school.updated")).one()
    assert event.details == {"changed": ["address", "city"]}


def test_school_detail_shows_teachers_classes_and_student_counts(client, login, world, make_user):
    make_user("student", organization=world.school)
    make_user("student", organization=world.school)
    login(world.office)
    page = client.get(f"/schools/{world.school.id}?lang=en").get_data(as_text=True)
    assert "Budi Santoso" in page and "XI TKRO 1" in page
    assert "<dt>Students</dt><dd>2</dd>" in page


def test_deactivated_school_keeps_its_history_and_leaves_the_pickers(client, login, db, world):
    login(world.office)
    response = client.post(
        f"/schools/{world.school.id}/active", data={"active": "0", "confirm": "1"}
    )
    assert response.status_code == 302
    db.refresh(world.school)
    assert world.school.active is False
    listing = client.get("/schools/?lang=en").get_data(as_text=True)
    assert "SMK Negeri 2 Surakarta" in listing and "Deactivated" in listing
    picker = client.get("/classes/new").get_data(as_text=True)
    assert "SMK Negeri 2 Surakarta" not in picker and "SMK Lain" in picker
    assert db.get(User, world.teacher.id).organization_id == world.school.id
    assert "school.deactivated" in _actions(db)
    client.post(f"/schools/{world.school.id}/active", data={"active": "1"})
    db.refresh(world.school)
    assert world.school.active is True


def test_office_assigns_an_existing_teacher_who_keeps_the_old_schools_classes(
    client, login, db, world
):
    login(world.office)
    response = client.post(
        f"/schools/{world.other_school.id}/teachers",
        data={"assign-email": world.teacher.email.upper()},
    )
    assert response.status_code == 302
    db.refresh(world.teacher)
    assert world.teacher.organization_id == world.school.id  # still his home school
    links = db.exec(select(CohortTeacher)).all()
    assert [(link.cohort_id, link.teacher_id) for link in links] == [
        (world.cohort.id, world.teacher.id)
    ]
    assert "school.teacher_assigned" in _actions(db)


def test_assigning_an_unknown_teacher_shows_the_error(client, login, world):
    login(world.office)
    response = client.post(
        f"/schools/{world.school.id}/teachers?lang=en", data={"assign-email": "nobody@example.org"}
    )
    assert response.status_code == 422
    assert "No teacher account has this email address." in response.get_data(as_text=True)


def test_office_creates_a_teacher_account_for_the_school(client, login, db, world):
    login(world.office)
    response = client.post(
        f"/schools/{world.school.id}/teachers/new",
        data={
            "teacher-full_name": "Sri Rahayu",
            "teacher-email": "sri@example.org",
            "teacher-password": "a long enough secret",
        },
    )
    assert response.status_code == 302
    teacher = db.exec(select(User).where(User.email == "sri@example.org")).one()
    assert (teacher.role, teacher.organization_id) == ("teacher", world.school.id)


def test_unknown_school_ids_answer_404(client, login, world, make_org):
    login(world.office)
    university = make_org("university")
    assert client.get("/schools/999999").status_code == 404
    assert client.get(f"/schools/{university.id}").status_code == 404


def test_a_deactivated_school_is_not_offered_for_new_accounts(client, login, db, world):
    world.school.active = False
    db.add(world.school)
    db.commit()
    login("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "SMK Lain" in page and "SMK Negeri 2 Surakarta" not in page


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The dashboard's “Active students” counts students enrolled in its classes"),
        ("zh", "仪表板上的“在读学生”只统计已编入该校班级的学生"),
    ],
)
def test_the_student_counts_say_what_they_count(client, login, world, lang, said):
    """The schools list counts active student accounts, the dashboard enrolments in classes:
    both right, and different for a student not yet in a class; the pages now say so."""
    login(world.office)
    for path in ("/schools/", "/"):
        page = client.get(f"{path}?lang={lang}").get_data(as_text=True)
        assert said in page, path
