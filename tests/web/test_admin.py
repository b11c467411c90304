import re

import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Organization, User


@pytest.mark.parametrize("role", ["student", "teacher", "author", "office"])
def test_admin_pages_are_forbidden_to_other_roles(client, login, role):
    login(role)
    for path in ("/admin/users", "/admin/users/new", "/admin/organizations", "/admin/audit/"):
        assert client.get(path).status_code == 403, path


def test_admin_creates_an_account(client, login, make_org, db):
    login("admin")
    school = make_org("school")
    response = client.post(
        "/admin/users/new",
        data={
            "full_name": "Budi Santoso",
            "email": "Budi@Example.org",
            "role": "teacher",
            "organization_id": str(school.id),
            "password": "a long enough secret",
        },
    )
    assert response.status_code == 302
    user = db.exec(select(User).where(User.email == "budi@example.org")).one()
    assert user.organization_id == school.id and user.check_password("a long enough secret")
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "user.created")).one()


def test_bad_account_input_is_shown_by_field_and_writes_nothing(client, login, make_org, db):
    admin = login("admin")
    school = make_org("school")
    response = client.post(
        "/admin/users/new?lang=en",
        data={
            "full_name": "Siti",
            "email": admin.email,
            "role": "student",
            "organization_id": str(school.id),
            "nisn": "123",
            "password": "short",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This email address is already in use." in page
    assert "NISN is exactly 10 digits." in page
    assert "Use at least 10 characters." in page
    assert 'value="Siti"' in page  # what the user typed stays
    assert db.exec(select(User).where(User.full_name == "Siti")).first() is None


def test_teacher_must_belong_to_a_school(client, login, make_org, db):
    login("admin")
    university = make_org("university")
    response = client.post(
        "/admin/users/new?lang=en",
        data={
            "full_name": "Wrong Place",
            "email": "w@example.org",
            "role": "teacher",
            "organization_id": str(university.id),
        },
    )
    assert "Students and teachers belong to a school." in response.get_data(as_text=True)


def test_role_change_is_audited_and_ends_sessions(app, client, login, make_user, db):
    login("admin")
    teacher = make_user("teacher", email="promote@example.org")
    office = db.exec(select(Organization).where(Organization.kind == "office")).first()
    values = {
        "full_name": teacher.full_name,
        "email": teacher.email,
        "role": "office",
        "organization_id": str(office.id),
    }
    asked = client.post(f"/admin/users/{teacher.id}", data=values)  # a change of school: asked
    token = re.search(r'name="confirm_change" value="([^"]+)"', asked.get_data(as_text=True))[1]
    response = client.post(f"/admin/users/{teacher.id}", data={**values, "confirm_change": token})
    assert response.status_code == 302
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
    assert event.details == {"from": "teacher", "to": "office"}


def test_a_change_of_name_or_sign_in_email_is_audited_without_the_values(
    client, login, make_user, db
):
    """Who changed someone's sign-in, and when, is on record; what the old and new addresses
    were is not copied into the log (personal data it would keep after an anonymisation)."""
    login("admin")
    teacher = make_user("teacher", email="before@example.org")
    values = {
        "full_name": teacher.full_name,
        "email": "after@example.org",
        "role": "teacher",
        "organization_id": str(teacher.organization_id),
    }
    assert client.post(f"/admin/users/{teacher.id}", data=values).status_code == 302
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.details_changed")).one()
    assert event.details == {"changed": ["email"]} and event.object_id == str(teacher.id)
    values["full_name"] = "Renamed Teacher"
    assert client.post(f"/admin/users/{teacher.id}", data=values).status_code == 302
    assert client.post(f"/admin/users/{teacher.id}", data=values).status_code == 302  # no change
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "user.details_changed")).all()
    assert [e.details for e in events] == [{"changed": ["email"]}, {"changed": ["full_name"]}]
    log = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    assert "Name or email (sign-in) changed" in log and "Full name" in log
    assert "before@example.org" not in log


def test_admin_cannot_deactivate_themself(client, login, db):
    admin = login("admin")
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "confirm": "1"})
    db.refresh(admin)
    assert admin.active


def test_organizations_are_created_with_a_valid_npsn(client, login, db):
    login("admin")
    bad = client.post(
        "/admin/organizations?lang=en",
        data={"kind": "school", "name": "SMK Baru", "npsn": "1234", "country": "ID"},
    )
    assert "NPSN is exactly 8 digits." in bad.get_data(as_text=True)
    good = client.post(
        "/admin/organizations",
        data={
            "kind": "school",
            "name": "SMK Baru",
            "npsn": "12345678",
            "city": "Surakarta",
            "country": "id",
        },
    )
    assert good.status_code == 302
    org = db.exec(select(Organization).where(Organization.npsn == "12345678")).one()
    assert org.country == "ID"


def test_audit_log_filters_by_action_and_actor(client, login, make_user):
    admin = login("admin")
    make_user("teacher")
    page = client.get("/admin/audit/?action=auth.login&lang=en").get_data(as_text=True)
    assert "auth.login" in page and admin.email in page
    none = client.get("/admin/audit/?actor=nobody@example.org&lang=en").get_data(as_text=True)
    assert "No events match." in none
