"""Destructive actions ask once, naming what will happen, before they act (issue 14 section 5):
deactivating a school, deactivating an account. The way in is never the page's loudest thing."""

import re

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Organization, User, UserSession
from tests.conftest import PASSWORD


def _actions(db):
    return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def _main(page):
    return page.split("<main", 1)[1]


def test_a_new_schools_page_has_no_big_red_deactivate_button(client, login, world):
    login(world.office)
    created = client.post(
        "/schools/new", data={"name": "SMK Baru", "npsn": "20300077"}, follow_redirects=True
    )
    page = _main(created.get_data(as_text=True))
    assert "button danger" not in page
    assert re.search(r'<button type="submit" class="link-button">\s*Deactivate school…', page)


def test_deactivating_a_school_asks_first_and_names_what_stays(client, login, db, world, make_user):
    make_user("student", organization=world.school)
    login(world.office)
    asked = client.post(f"/schools/{world.school.id}/active?lang=en", data={"active": "0"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Deactivate SMK Negeri 2 Surakarta?" in page
    assert "1 teacher keeps their account." in page
    assert "1 student keeps their account and records." in page
    assert "1 class keeps its students, teachers and history." in page
    assert 'name="confirm" value="1"' in page and 'name="csrf_token"' in page
    assert db.get(Organization, world.school.id).active is True
    assert "school.deactivated" not in _actions(db)
    done = client.post(f"/schools/{world.school.id}/active", data={"active": "0", "confirm": "1"})
    assert done.status_code == 302
    db.refresh(world.school)
    assert world.school.active is False and "school.deactivated" in _actions(db)
    # Taking it back is not destructive: one step.
    client.post(f"/schools/{world.school.id}/active", data={"active": "1"})
    db.refresh(world.school)
    assert world.school.active is True


def test_deactivating_an_account_asks_first_and_names_sessions_and_classes(
    app, client, login, db, world
):
    teacher_browser = app.test_client()
    teacher_browser.post("/login", data={"login": world.teacher.email, "password": PASSWORD})
    login("admin")
    edit = _main(client.get(f"/admin/users/{world.teacher.id}?lang=en").get_data(as_text=True))
    assert "button danger" not in edit and "Deactivate account…" in edit
    asked = client.post(f"/admin/users/{world.teacher.id}/active?lang=en", data={"active": "0"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Deactivate the account of Budi Santoso?" in page
    assert "1 signed-in session ends at once." in page
    assert "left without an active teacher" in page and "XI TKRO 1" in page
    assert db.get(User, world.teacher.id).active is True
    assert teacher_browser.get("/profile").status_code == 200  # nothing ended yet
    client.post(f"/admin/users/{world.teacher.id}/active", data={"active": "0", "confirm": "1"})
    db.refresh(world.teacher)
    assert world.teacher.active is False
    assert teacher_browser.get("/profile").status_code == 302
    rows = db.exec(select(UserSession).where(UserSession.user_id == world.teacher.id)).all()
    assert rows and all(row.revoked_at is not None for row in rows)


def test_a_class_with_another_active_teacher_is_not_named(client, login, db, world, make_user):
    from eduplatform.people.models import CohortTeacher

    colleague = make_user("teacher", organization=world.school)
    db.add(CohortTeacher(cohort_id=world.cohort.id, teacher_id=colleague.id))
    db.commit()
    login("admin")
    page = client.post(
        f"/admin/users/{world.teacher.id}/active?lang=en", data={"active": "0"}
    ).get_data(as_text=True)
    assert "left without an active teacher" not in page
