from datetime import timedelta

import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.activation import ALPHABET, CODE_LENGTH, issue_codes
from eduplatform.people.models import ActivationCode, User
from eduplatform.sqltypes import utcnow

NEW_PASSWORD = "kunci motor listrik 2026"


@pytest.fixture
def student(make_user, world):
    return make_user(
        "student",
        organization=world.school,
        email=None,
        nisn="0012345678",
        password=None,
        full_name="Siti Aminah",
    )


@pytest.fixture
def code(app, db, student):
    with app.app_context():
        return issue_codes(db, actor=None, students=[student])[0][1]


def _activate(client, nisn="0012345678", code="", password=NEW_PASSWORD, confirm=None, lang="en"):
    return client.post(
        f"/activate?lang={lang}",
        data={"nisn": nisn, "code": code, "password": password, "confirm": confirm or password},
    )


def test_codes_are_8_unambiguous_characters_stored_hashed(db, code, student):
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert not set(code) & set("0O1I")
    stored = db.exec(select(ActivationCode)).one()
    assert code not in stored.code_hash and stored.user_id == student.id
    assert timedelta(days=29) < stored.expires_at - utcnow() <= timedelta(days=30)


def test_login_page_links_to_activation(client):
    assert 'href="/activate"' in client.get("/login").get_data(as_text=True)


def test_student_activates_with_nisn_and_code_and_is_signed_in(client, db, code, student):
    response = _activate(client, code=code.lower()[:4] + "-" + code[4:])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Siti Aminah" in client.get("/").get_data(as_text=True)
    db.refresh(student)
    assert student.check_password(NEW_PASSWORD)
    assert db.exec(select(ActivationCode)).one().used_at is not None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "user.activated")).one()
    client.post("/logout")
    login = client.post("/login", data={"login": "0012345678", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_a_code_works_only_once(client, code):
    assert _activate(client, code=code).status_code == 302
    client.post("/logout")
    again = _activate(client, code=code, password="another good passphrase")
    assert "not correct, or the code has expired" in again.get_data(as_text=True)


def test_wrong_code_and_unknown_nisn_get_the_same_message(client, db, code, student):
    wrong = _activate(client, code="ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA")
    unknown = _activate(client, nisn="0099999999", code=code)
    message = "The NISN or the activation code is not correct, or the code has expired."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    db.refresh(student)
    assert student.password_hash is None
    assert (
        len(db.exec(select(AuditEvent).where(AuditEvent.action == "auth.activation_failed")).all())
        == 2
    )


def test_expired_codes_do_not_work(client, db, code):
    stored = db.exec(select(ActivationCode)).one()
    stored.expires_at = utcnow() - timedelta(minutes=1)
    db.add(stored)
    db.commit()
    assert _activate(client, code=code).status_code == 200


def test_a_new_code_invalidates_the_older_one(app, client, db, code, student):
    with app.app_context():
        newer = issue_codes(db, actor=None, students=[student])[0][1]
    assert _activate(client, code=code).status_code == 200
    assert _activate(client, code=newer).status_code == 302


def test_the_password_policy_applies_and_is_checked_before_the_code(client, db, student):
    weak = _activate(client, code="WRONGXYZ", password="short")
    page = weak.get_data(as_text=True)
    assert "Use at least 10 characters." in page and "not correct" not in page
    differ = _activate(client, code="WRONGXYZ", confirm="something else entirely")
    assert "The passwords differ." in differ.get_data(as_text=True)
    # Both at once: a short password whose repetition differs hears of both in one answer.
    both = _activate(client, code="WRONGXYZ", password="12345678", confirm="12345679")
    page = both.get_data(as_text=True)
    assert "Use at least 10 characters." in page and "The passwords differ." in page
    db.refresh(student)
    assert student.password_hash is None


def test_deactivated_students_cannot_activate(client, db, code, student):
    student.active = False
    db.add(student)
    db.commit()
    assert _activate(client, code=code).status_code == 200
    assert db.get(User, student.id).password_hash is None


def test_activation_is_rate_limited_like_login(app, client, code):
    app.config["RATELIMIT_LOGIN_PER_ACCOUNT"] = "3 per 15 minutes"
    for _ in range(3):
        assert _activate(client, code="WRONGXYZ").status_code == 200
    assert _activate(client, code=code).status_code == 429
