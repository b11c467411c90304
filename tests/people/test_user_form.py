"""The admin's account forms: no role chosen for the admin, every problem at once, by field."""

import re

from sqlmodel import func, select

from eduplatform.people import service
from eduplatform.people.models import User


def _users(db):
    return db.exec(select(func.count()).select_from(User)).one()


def _field_errors(page, name):
    """The error messages shown next to the field `name` (the `field` macro's markup)."""
    return re.findall(rf'<p class="error" id="{name}-error">([^<]*)</p>', page)


def _selected(page, name):
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option selected value="([^"]*)"', select_html.group(1))


def _top_errors(page):
    top = re.search(r'<div class="flash flash-error" role="alert">(.*?)</div>', page, re.S)
    return top.group(1) if top else ""


def test_the_new_account_form_preselects_no_role(client, login):
    login("admin")
    page = client.get("/admin/users/new?lang=en").get_data(as_text=True)
    options = re.search(r'<select[^>]*name="role"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option[^>]*value="([^"]*)"', options)[0] == ""
    assert _selected(page, "role") in ([], [""])  # a browser shows the first option, blank


def test_an_account_without_a_role_is_refused_on_the_role_field(client, login, db):
    login("admin")
    before = _users(db)
    response = client.post(
        "/admin/users/new?lang=en", data={"full_name": "Not An Admin", "email": "na@example.org"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _field_errors(page, "role") == ["Choose “Role”."]
    assert _users(db) == before
    assert db.exec(select(User).where(User.email == "na@example.org")).first() is None


def test_the_service_refuses_an_empty_role_too(db, make_org):
    school = make_org("school")
    errors = service.check_user(
        db, email="x@example.org", full_name="X", role="", organization=school
    )
    assert [e["field"] for e in errors] == ["role"]


def test_an_empty_form_shows_every_problem_at_once(client, login, db):
    login("admin")
    before = _users(db)
    page = client.post(
        "/admin/users/new?lang=en",
        data={"full_name": "", "email": "", "role": "", "organization_id": ""},
    ).get_data(as_text=True)
    assert _field_errors(page, "full_name") == ["Fill in “Full name”."]
    assert _field_errors(page, "email") == ["Enter an email address."]
    assert _field_errors(page, "role") == ["Choose “Role”."]
    assert _top_errors(page) == ""
    assert _users(db) == before


def test_wtforms_and_service_problems_show_together(client, login, db, make_org):
    login("admin")
    university = make_org("university")
    page = client.post(
        "/admin/users/new?lang=en",
        data={
            "full_name": "",
            "email": "not-an-email",
            "role": "teacher",
            "organization_id": str(university.id),
            "nisn": "123",
        },
    ).get_data(as_text=True)
    assert _field_errors(page, "full_name") == ["Fill in “Full name”."]
    assert _field_errors(page, "email") == ["Enter a valid email address."]
    assert _field_errors(page, "organization_id") == ["Students and teachers belong to a school."]
    assert _field_errors(page, "nisn") == ["Only students have a NISN."]
    assert db.exec(select(User).where(User.email == "not-an-email")).first() is None


def test_the_school_rule_shows_on_the_organization_field(client, login, db, make_org):
    login("admin")
    university = make_org("university")
    page = client.post(
        "/admin/users/new?lang=en",
        data={
            "full_name": "Wrong Place",
            "email": "wrong@example.org",
            "role": "teacher",
            "organization_id": str(university.id),
        },
    ).get_data(as_text=True)
    assert _field_errors(page, "organization_id") == ["Students and teachers belong to a school."]
    assert "Students and teachers belong to a school." not in _top_errors(page)
    assert db.exec(select(User).where(User.email == "wrong@example.org")).first() is None


def test_a_valid_account_is_still_created(client, login, db, make_org):
    login("admin")
    school = make_org("school")
    response = client.post(
        "/admin/users/new",
        data={
            "full_name": "Dewi Lestari",
            "email": "dewi@example.org",
            "role": "teacher",
            "organization_id": str(school.id),
        },
    )
    assert response.status_code == 302
    user = db.exec(select(User).where(User.email == "dewi@example.org")).one()
    assert user.role == "teacher" and user.organization_id == school.id


def test_the_edit_form_shows_the_current_role(client, login, make_user):
    login("admin")
    for role in ("teacher", "student", "admin"):
        user = make_user(role)
        page = client.get(f"/admin/users/{user.id}?lang=en").get_data(as_text=True)
        assert _selected(page, "role") == [role]


def test_editing_shows_every_problem_and_changes_nothing(client, login, db, make_user, make_org):
    login("admin")
    teacher = make_user("teacher", full_name="Budi Guru")
    university = make_org("university")
    page = client.post(
        f"/admin/users/{teacher.id}?lang=en",
        data={
            "full_name": "",
            "email": teacher.email,
            "role": "teacher",
            "organization_id": str(university.id),
        },
    ).get_data(as_text=True)
    assert _field_errors(page, "full_name") == ["Fill in “Full name”."]
    assert _field_errors(page, "organization_id") == ["Students and teachers belong to a school."]
    db.refresh(teacher)
    assert teacher.full_name == "Budi Guru" and teacher.organization_id != university.id


def test_editing_without_a_role_is_refused(client, login, db, make_user):
    login("admin")
    teacher = make_user("teacher")
    page = client.post(
        f"/admin/users/{teacher.id}?lang=en",
        data={
            "full_name": teacher.full_name,
            "email": teacher.email,
            "role": "",
            "organization_id": str(teacher.organization_id),
        },
    ).get_data(as_text=True)
    assert _field_errors(page, "role") == ["Choose “Role”."]
    db.refresh(teacher)
    assert teacher.role == "teacher"
