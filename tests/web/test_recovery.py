"""Accounts people can recover (issue 14 section 4): staff invitations and forgotten passwords
by single-use, expiring links read from a real SMTP server's mailbox."""

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from eduplatform.api.models import ApiToken
from eduplatform.api.service import create_token
from eduplatform.audit.models import AuditEvent
from eduplatform.auth.recovery import invite_staff
from eduplatform.errors import Invalid
from eduplatform.people.models import AccountToken, User, UserSession
from eduplatform.sqltypes import utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "a fresh long password"


def path_of(link):
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def open_link(client, link):
    """Follow an emailed link: the token leaves the address at once."""
    response = client.get(path_of(link))
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"
    return client.get("/account/password")


def choose_password(client, password=NEW_PASSWORD):
    return client.post("/account/password", data={"password": password, "confirm": password})


@pytest.fixture
def school(make_org):
    return make_org("school", name="SMK Negeri 9 Surakarta")


def test_office_invites_a_teacher_who_sets_their_own_password(
    app, client, login, school, mailbox, db
):
    office = login("office")
    response = client.post(
        "/admin/invitations",
        data={
            "full_name": "Budi Santoso",
            "email": "Budi@Example.org",
            "role": "teacher",
            "organization_id": str(school.id),
            "locale": "id",
        },
    )
    assert response.status_code == 302
    # The next invitation is most often for the same school: the form keeps it chosen.
    assert response.headers["Location"] == f"/admin/invitations?school={school.id}"
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(
        rf'<option selected value="{school.id}">|<option value="{school.id}" selected', again
    )
    invited = db.exec(select(User).where(User.email == "budi@example.org")).one()
    assert invited.password_hash is None and invited.organization_id == school.id
    message = mailbox.last("budi@example.org")
    assert message.subject == "Anda diundang ke eduplatform"
    assert office.full_name in message.text and "SMK Negeri 9 Surakarta" in message.text
    (link,) = message.links
    # Only the hash of the token is stored.
    token = urlsplit(link).query.removeprefix("token=")
    stored = db.exec(select(AccountToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored.model_dump())

    invitee = app.test_client()
    page = open_link(invitee, link)
    assert "Budi Santoso" in page.get_data(as_text=True)
    assert choose_password(invitee).status_code == 302
    assert invitee.get("/profile").status_code == 200  # signed in
    db.refresh(invited)
    assert invited.check_password(NEW_PASSWORD)
    # Single use: the same link again shows that it no longer works.
    again = open_link(app.test_client(), link)
    assert "Tautan ini tidak berlaku lagi" in again.get_data(as_text=True)
    actions = set(db.exec(select(AuditEvent.action)).all())
    assert {"user.invited", "user.invitation_accepted"} <= actions


def test_an_expired_invitation_does_not_work(app, client, login, school, mailbox, db):
    login("office")
    client.post(
        "/admin/invitations",
        data={"full_name": "Late", "email": "late@example.org", "role": "teacher",
              "organization_id": str(school.id), "locale": "en"},
    )  # fmt: skip
    link = db.exec(select(AccountToken)).one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.add(link)
    db.commit()
    invitee = app.test_client()
    page = open_link(invitee, mailbox.last("late@example.org").links[0])
    assert choose_password(invitee).status_code == 200
    assert db.exec(select(User).where(User.email == "late@example.org")).one().password_hash is None
    assert "Tautan ini tidak berfungsi" in page.get_data(as_text=True)


def test_inviting_again_sends_a_new_link_and_ends_the_old_one(app, make_user, school, mailbox):
    office = make_user("office")
    with app.test_request_context():
        from eduplatform.db import get_session

        session = get_session()
        invite_staff(session=session, actor=office, email="rina@example.org",
                     full_name="Rina", organization=school)  # fmt: skip
        invite_staff(session=session, actor=office, email="rina@example.org",
                     full_name="Rina Wulandari", organization=school)  # fmt: skip
    first, second = mailbox.to("rina@example.org")
    old, new = app.test_client(), app.test_client()
    assert choose_password_via(old, first.links[0]).status_code == 200  # refused: page again
    assert choose_password_via(new, second.links[0]).status_code == 302


def choose_password_via(client, link):
    open_link(client, link)
    return choose_password(client)


def test_who_may_invite_whom(app, make_user, school, make_org):
    office, admin, teacher = make_user("office"), make_user("admin"), make_user("teacher")
    existing = make_user("teacher", organization=school)
    university = make_org("university")
    with app.test_request_context():
        from eduplatform.db import get_session

        session = get_session()

        def refused(**kw):
            with pytest.raises(Invalid) as caught:
                invite_staff(session=session, **kw)
            session.rollback()
            return caught.value.errors[0]["field"]

        assert (
            refused(actor=teacher, email="x@example.org", full_name="X", organization=school)
            == "role"
        )
        assert refused(actor=office, email="x@example.org", full_name="X", organization=university,
                       role="author") == "role"  # fmt: skip
        assert (
            refused(actor=office, email="x@example.org", full_name="X", organization=university)
            == "organization"
        )
        assert (
            refused(actor=office, email=existing.email, full_name="X", organization=school)
            == "email"
        )
        author = invite_staff(
            session=session,
            actor=admin,
            email="chen@example.edu.cn",
            full_name="Chen",
            organization=university,
            role="author",
            locale="zh",
        )
        assert author.role == "author"


def _forgot(client, email):
    return client.post("/forgot-password?lang=en", data={"email": email})


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(
    client, make_user, mailbox
):
    make_user("teacher", email="guru@example.org")
    known = _forgot(client, "GURU@example.org").get_data(as_text=True)
    unknown = _forgot(client, "nobody@example.org").get_data(as_text=True)
    assert known.replace("GURU@example.org", "X") == unknown.replace("nobody@example.org", "X")
    assert "If an account has the address" in known
    assert [m.rcpt_tos for m in mailbox.messages] == [["guru@example.org"]]


def test_a_reset_ends_every_session_and_api_token(app, client, make_user, mailbox, db):
    user = make_user("teacher", email="guru@example.org", locale="en")
    elsewhere = app.test_client()
    assert (
        elsewhere.post("/login", data={"login": user.email, "password": PASSWORD}).status_code
        == 302
    )
    with app.app_context():
        _token, raw = create_token(db, actor=user, user=user, name="phone")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    _forgot(client, user.email)
    message = mailbox.last(user.email)
    assert message.subject == "Choose a new eduplatform password"
    resetter = app.test_client()
    assert choose_password_via(resetter, message.links[0]).status_code == 302

    assert elsewhere.get("/profile").status_code == 302  # signed out
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    live = db.exec(select(UserSession).where(UserSession.user_id == user.id,
                                             UserSession.revoked_at.is_(None))).all()  # fmt: skip
    assert len(live) == 1  # the new sign-in only
    tokens = db.exec(select(ApiToken).execution_options(populate_existing=True)).all()
    assert tokens and all(t.revoked_at for t in tokens)
    db.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert mailbox.last(user.email).subject == "Your eduplatform password was changed"
    # Used once: a second try with the same link fails.
    assert choose_password_via(app.test_client(), message.links[0]).status_code == 200


def test_a_reset_link_expires(app, client, make_user, mailbox, db):
    user = make_user("student", email="siti@example.org")
    _forgot(client, user.email)
    link = db.exec(select(AccountToken)).one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.add(link)
    db.commit()
    assert (
        choose_password_via(app.test_client(), mailbox.last(user.email).links[0]).status_code == 200
    )
    db.refresh(user)
    assert user.check_password(PASSWORD)


def test_deactivated_accounts_get_no_link(client, make_user, mailbox):
    make_user("teacher", email="left@example.org", active=False)
    _forgot(client, "left@example.org")
    assert mailbox.messages == []


def test_forgot_password_is_rate_limited_per_address_typed_and_per_client(app, make_user, mailbox):
    app.config["RATELIMIT_PASSWORD_RESET_PER_ACCOUNT"] = "3 per hour"
    app.config["RATELIMIT_PASSWORD_RESET_PER_ADDRESS"] = "5 per hour"
    make_user("teacher", email="guru@example.org")
    first = app.test_client()
    answers = [_forgot(first, "guru@example.org").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert len(mailbox.to("guru@example.org")) == 3
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    answers = [_forgot(other, f"someone{n}@example.org").status_code for n in range(6)]
    assert answers == [200] * 5 + [429]


def _invite(client, email, school, **extra):
    return client.post(
        "/admin/invitations",
        data={"full_name": "Budi Santoso", "email": email, "role": "teacher",
              "organization_id": str(school.id), "locale": "id", **extra},
    )  # fmt: skip


def _pending_rows(client):
    page = client.get("/admin/invitations?lang=en").get_data(as_text=True)
    return page.count('/withdraw"')  # one "Withdraw…" button per pending invitation


def test_an_invitation_sent_again_is_listed_once(client, login, school, mailbox):
    login("office")
    _invite(client, "budi@example.org", school)
    invited = mailbox.last("budi@example.org")
    assert invited is not None
    user_id = client.get("/admin/invitations").get_data(as_text=True)
    user_id = int(user_id.split("/admin/invitations/", 1)[1].split("/", 1)[0])
    assert client.post(f"/admin/invitations/{user_id}/resend").status_code == 302
    assert _pending_rows(client) == 1  # the ended first link is not a second invitation


def test_the_office_withdraws_an_invitation_it_sent_by_mistake(
    app, client, login, school, mailbox, db
):
    """Withdrawing asks first, naming the person; then the emailed link stops working, the
    account cannot be used, the list no longer shows it, and the address can be invited again
    (issue 14 section 4)."""
    login("office")
    _invite(client, "budi@exmaple.org", school)  # a typo in the address
    (link,) = mailbox.last("budi@exmaple.org").links
    invited = db.exec(select(User).where(User.email == "budi@exmaple.org")).one()

    asked = client.post(f"/admin/invitations/{invited.id}/withdraw?lang=en")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Withdraw the invitation of Budi Santoso?" in page
    assert "The link in the email to budi@exmaple.org stops working." in page
    db.refresh(invited)
    assert invited.active  # asking changed nothing

    done = client.post(f"/admin/invitations/{invited.id}/withdraw", data={"confirm": "1"})
    assert done.status_code == 302
    db.refresh(invited)
    assert not invited.active and invited.password_hash is None
    assert _pending_rows(client) == 0
    refused = open_link(app.test_client(), link)
    assert "Tautan ini tidak berlaku lagi" in refused.get_data(as_text=True)
    events = db.exec(select(AuditEvent.action).where(AuditEvent.object_id == str(invited.id))).all()
    assert "user.invitation_withdrawn" in events
    # Withdrawn is withdrawn: a second try answers like an unknown invitation.
    again = client.post(f"/admin/invitations/{invited.id}/withdraw", data={"confirm": "1"})
    assert again.status_code == 404

    # The same address may be invited again later, and that new link works.
    assert _invite(client, "budi@exmaple.org", school).status_code == 302
    fresh = mailbox.last("budi@exmaple.org").links[0]
    assert choose_password_via(app.test_client(), fresh).status_code == 302
    db.refresh(invited)
    assert invited.active and invited.check_password(NEW_PASSWORD)


def test_only_pending_invitations_the_actor_may_send_can_be_withdrawn(
    app, client, login, make_user, make_org, school, mailbox, db
):
    teacher = make_user("teacher", organization=school)  # has a password: not an invitation
    admin = make_user("admin")
    university = make_org("university", name="Xi'an Partner Automotive University")
    with app.test_request_context():
        from eduplatform.db import get_session

        author = invite_staff(
            session=get_session(),
            actor=admin,
            email="chen@example.org",
            full_name="Chen Wei",
            organization=university,
            role="author",
        )
    login("office")
    assert "chen@example.org" not in client.get("/admin/invitations").get_data(as_text=True)
    for user_id in (teacher.id, author.id, 999999):
        response = client.post(f"/admin/invitations/{user_id}/withdraw", data={"confirm": "1"})
        assert response.status_code == 404
    assert db.get(User, author.id, populate_existing=True).active


def test_an_expired_invitation_says_so_and_can_be_sent_again(client, login, school, mailbox, db):
    login("office")
    _invite(client, "late@example.org", school)
    link = db.exec(select(AccountToken)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.add(link)
    db.commit()
    page = client.get("/admin/invitations?lang=en").get_data(as_text=True)
    assert '<td data-label="Link valid until">Expired</td>' in page and _pending_rows(client) == 1
    user_id = link.user_id
    assert client.post(f"/admin/invitations/{user_id}/resend").status_code == 302
    page = client.get("/admin/invitations?lang=en").get_data(as_text=True)
    assert '<td data-label="Link valid until">Expired</td>' not in page
    assert len(mailbox.to("late@example.org")) == 2
