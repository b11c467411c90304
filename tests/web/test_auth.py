from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import UserSession
from tests.conftest import PASSWORD


def _events(db, action):
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_login_with_email_in_any_case_reaches_home(client, make_user, db):
    user = make_user("teacher", email="guru@example.org")
    response = client.post("/login", data={"login": "  GURU@Example.org ", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert user.full_name in client.get("/").get_data(as_text=True)
    assert len(_events(db, "auth.login")) == 1


def test_students_sign_in_with_their_nisn(client, make_user):
    student = make_user("student", email=None, nisn="0012345678")
    response = client.post("/login", data={"login": "0012345678", "password": PASSWORD})
    assert response.status_code == 302
    assert student.full_name in client.get("/").get_data(as_text=True)


def test_unknown_account_and_wrong_password_get_the_same_message(client, make_user, db):
    make_user("teacher", email="known@example.org")
    wrong = client.post("/login?lang=en", data={"login": "known@example.org", "password": "x" * 12})
    unknown = client.post(
        "/login?lang=en", data={"login": "nobody@example.org", "password": "x" * 12}
    )
    message = "Email/NISN or password is not correct."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    failures = _events(db, "auth.login_failed")
    assert len(failures) == 2
    assert all("password" not in event.details for event in failures)


def test_deactivated_users_cannot_sign_in(client, make_user):
    make_user("teacher", email="gone@example.org", active=False)
    response = client.post("/login", data={"login": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 200


def test_next_only_leads_to_same_site_paths(client, make_user):
    make_user("admin", email="a@example.org")
    for target, expected in [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
    ]:
        response = client.post(
            "/login", data={"login": "a@example.org", "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == expected, target
        client.post("/logout")


def test_anonymous_users_are_sent_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/users")


def test_session_cookie_changes_at_login(client, make_user):
    make_user("teacher", email="t@example.org")
    client.get("/login")
    before = client.get_cookie("eduplatform_session")
    client.post("/login", data={"login": "t@example.org", "password": PASSWORD})
    after = client.get_cookie("eduplatform_session")
    assert after is not None and (before is None or before.value != after.value)


def test_a_cookie_replayed_after_logout_is_refused(app, client, make_user):
    make_user("admin", email="admin@example.org")
    client.post("/login", data={"login": "admin@example.org", "password": PASSWORD})
    stolen = client.get_cookie("eduplatform_session").value
    assert client.get("/admin/users").status_code == 200
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("eduplatform_session", stolen)
    assert replay.get("/admin/users").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, make_user, db):
    user = make_user("teacher", email="t@example.org")
    other_device = app.test_client()
    for c in (client, other_device):
        c.post("/login", data={"login": "t@example.org", "password": PASSWORD})
    response = client.post(
        "/profile",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
            "pw-submit": "1",
        },
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302
    db.refresh(user)
    assert user.check_password("a brand new passphrase")


def test_password_change_with_wrong_current_password_changes_nothing(client, login, db):
    user = login("teacher")
    response = client.post(
        "/profile?lang=en",
        data={
            "pw-current_password": "not my password",
            "pw-new_password": "another good phrase",
            "pw-confirm": "another good phrase",
            "pw-submit": "1",
        },
    )
    assert "The current password is not correct." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.check_password(PASSWORD)


def test_deactivating_a_user_ends_their_sessions_at_once(app, client, make_user, login):
    teacher = make_user("teacher", email="leaving@example.org")
    teacher_client = app.test_client()
    teacher_client.post("/login", data={"login": "leaving@example.org", "password": PASSWORD})
    assert teacher_client.get("/profile").status_code == 200
    login("admin")
    client.post(f"/admin/users/{teacher.id}/active", data={"active": "0", "confirm": "1"})
    assert teacher_client.get("/profile").status_code == 302


def test_logout_revokes_the_server_side_session(client, login, db):
    login("student")
    client.post("/logout")
    rows = db.exec(select(UserSession)).all()
    assert rows and all(row.revoked_at is not None for row in rows)


def test_login_attempts_are_limited_per_account_without_locking_others(app, client, make_user):
    app.config["RATELIMIT_LOGIN_PER_ACCOUNT"] = "3 per minute"
    make_user("teacher", email="target@example.org")
    make_user("teacher", email="bystander@example.org")
    for _ in range(3):
        client.post("/login", data={"login": "target@example.org", "password": "wrong-wrong-1"})
    blocked = client.post(
        "/login?lang=en", data={"login": "target@example.org", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    other = client.post("/login", data={"login": "bystander@example.org", "password": PASSWORD})
    assert other.status_code == 302


def test_language_choice_is_stored_on_the_account(client, login, db):
    user = login("teacher")
    client.post("/profile", data={"lang-locale": "zh", "lang-submit": "1"})
    db.refresh(user)
    assert user.locale == "zh"
    assert "个人资料" in client.get("/profile").get_data(as_text=True)
