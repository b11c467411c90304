"""Accounts people can recover: staff invitations and forgotten passwords, by emailed links.

A link carries a random token; only its hash is stored. It works once, until it expires, and
only for an active account. Setting a password through it ends every session and API token
the account had.
"""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from eduplatform import mail
from eduplatform.audit.service import record_event
from eduplatform.auth.passwords import password_problem
from eduplatform.auth.service import find_login, hash_token, sign_out_everywhere
from eduplatform.errors import Invalid
from eduplatform.i18n import role_label
from eduplatform.people.models import AccountToken, OrgKind, Role, TokenPurpose, User
from eduplatform.people.service import check_user, create_user, normalize_email
from eduplatform.sqltypes import utcnow
from eduplatform.urls import public_url

# Who may invite whom: the office invites school staff; an admin invites any staff member.
INVITABLE = {
    Role.OFFICE: (Role.TEACHER,),
    Role.ADMIN: (Role.TEACHER, Role.AUTHOR, Role.OFFICE, Role.ADMIN),
}
LINK_PAGE = "account.set_password"


def _lifetime(purpose):
    if purpose == TokenPurpose.INVITATION:
        return timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    return timedelta(minutes=current_app.config["PASSWORD_RESET_VALID_MINUTES"])


def _new_link(session, *, user, purpose, actor=None):
    """A fresh token for this user and purpose; their earlier unused links of that kind end."""
    now = utcnow()
    for older in session.exec(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            col(AccountToken.used_at).is_(None),
            AccountToken.expires_at > now,
        )
    ):
        older.expires_at = now
        session.add(older)
    token = secrets.token_urlsafe(32)
    link = AccountToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=hash_token(token),
        expires_at=now + _lifetime(purpose),
        created_by_id=getattr(actor, "id", None),
    )
    session.add(link)
    session.flush()
    return token, link


def link_url(token):
    return public_url(LINK_PAGE, token=token)


def invitable_roles(actor):
    if actor is None:  # the operator on the command line (a teacher list's import)
        return INVITABLE[Role.ADMIN]
    return INVITABLE.get(getattr(actor, "role", None), ())


def invite_staff(
    *,
    session: Session,
    actor,
    email,
    full_name,
    organization,
    role=Role.TEACHER,
    locale=None,
    commit=True,
):
    """Invite a staff member by email: an account without a password, and a single-use link
    (valid INVITATION_VALID_DAYS) to choose one. Inviting a pending invitee again sends a new
    link and ends the old one. Returns the user. The email goes out after the commit.
    """
    if role not in invitable_roles(actor):
        raise Invalid.field("role", _l("You cannot invite people with this role."))
    if role == Role.TEACHER and (organization is None or organization.kind != OrgKind.SCHOOL):
        raise Invalid.field("organization", _l("Choose the teacher's school."))
    if organization is not None and not organization.active:
        raise Invalid.field("organization", _l("This school is deactivated."))
    address = normalize_email(email)
    if not address:
        raise Invalid.field("email", _l("Enter an email address."))
    existing = session.exec(select(User).where(User.email == address)).first()
    if existing is not None and not _pending_invitee(existing, role, organization):
        raise Invalid.field("email", _l("This email address already has an account."))
    if existing is None:
        user = create_user(
            session,
            actor=actor,
            email=address,
            full_name=full_name,
            role=role,
            organization=organization,
            locale=locale,
            commit=False,
        )
    else:
        errors = check_user(
            session,
            email=address,
            full_name=full_name,
            role=role,
            organization=organization,
            user=existing,
        )
        if errors:
            raise Invalid(errors)
        user = existing
        user.full_name = (full_name or "").strip()
        user.locale = locale or user.locale
        user.active = True  # an invitation withdrawn earlier is made again
        session.add(user)
    token, link = _new_link(session, user=user, purpose=TokenPurpose.INVITATION, actor=actor)
    record_event(
        session,
        actor=actor,
        action="user.invited",
        target=user,
        details={"role": role, "organization_id": user.organization_id},
    )
    mail.send_to_user(
        session,
        user=user,
        subject=_l("You are invited to eduplatform"),
        template="invitation",
        link=link_url(token),
        inviter=actor,
        role=role_label(role),
        organization=organization,
        expires_at=link.expires_at,
    )
    if commit:
        session.commit()
    return user


def _never_used(user):
    return user.password_hash is None and user.last_login_at is None


def _pending_invitee(user, role, organization):
    """An invited account nobody has signed in to yet (or whose invitation was withdrawn), for
    the same role and organization."""
    return (
        _never_used(user)
        and user.role == role
        and user.organization_id == getattr(organization, "id", None)
    )


def pending_invitee(session: Session, *, actor, user_id):
    """The account of an invitation not yet accepted that `actor` may send (and so withdraw),
    or None."""
    user = session.get(User, user_id)
    if user is None or not user.active or not _never_used(user):
        return None
    if user.role not in invitable_roles(actor):
        return None
    return user


def withdraw_invitation(*, session: Session, actor, user):
    """Withdraw a pending invitation (the address had a typo, the person will not join): every
    live link of it stops working and the account, never used, is deactivated. Inviting the
    address again later makes a new invitation. Audited."""
    now = utcnow()
    for link in session.exec(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.INVITATION,
            col(AccountToken.used_at).is_(None),
            AccountToken.expires_at > now,
        )
    ):
        link.expires_at = now
        session.add(link)
    user.active = False
    session.add(user)
    record_event(session, actor=actor, action="user.invitation_withdrawn", target=user)
    session.commit()


def request_password_reset(*, session: Session, email):
    """Email a reset link if an active account has this address; the caller says the same
    thing either way. Returns nothing that tells the two apart."""
    address = normalize_email(email)
    user = find_login(session, address) if address and "@" in address else None
    if user is None or not user.active or not user.email:
        return
    token, link = _new_link(session, user=user, purpose=TokenPurpose.PASSWORD_RESET)
    record_event(session, actor=None, action="auth.password_reset_requested", target=user)
    mail.send_to_user(
        session,
        user=user,
        subject=_l("Choose a new eduplatform password"),
        template="password_reset",
        link=link_url(token),
        expires_at=link.expires_at,
    )
    session.commit()


def find_link(session: Session, token):
    """The live link of this token (unused, unexpired, active account), or None."""
    if not token or len(token) > 100:
        return None
    link = session.exec(
        select(AccountToken).where(AccountToken.token_hash == hash_token(token))
    ).first()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    user = session.get(User, link.user_id)
    if user is None or not user.active:
        return None
    return link


WRONG_LINK = _l("This link is not valid any more: it was used already or it has expired.")


def set_password_with_link(*, session: Session, token, password):
    """Set the account's password through a live link; every session and API token it had
    ends. Returns the user (whom the caller signs in)."""
    link = find_link(session, token)
    if link is None:
        raise Invalid.field(None, WRONG_LINK)
    problem = password_problem(password)
    if problem:
        raise Invalid.field("password", problem)
    user = session.get(User, link.user_id)
    now = utcnow()
    link.used_at = now
    session.add(link)
    for other in session.exec(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            col(AccountToken.used_at).is_(None),
            AccountToken.id != link.id,
        )
    ):
        other.expires_at = min(other.expires_at, now)
        session.add(other)
    user.set_password(password)
    user.reset_notice_at = None  # they chose it themselves
    session.add(user)
    sign_out_everywhere(session, user)
    invited = link.purpose == TokenPurpose.INVITATION
    record_event(
        session,
        actor=user,
        action="user.invitation_accepted" if invited else "user.password_reset",
        target=user,
    )
    if not invited:
        mail.send_to_user(
            session,
            user=user,
            subject=_l("Your eduplatform password was changed"),
            template="password_changed",
            changed_at=now,
        )
    session.commit()
    return user


def pending_invitations(session: Session, *, actor, limit=50):
    """(latest link, user) of each invitation not yet accepted or withdrawn that `actor` may
    send, newest first (a link sent again replaces the one before it)."""
    latest = (
        select(func.max(AccountToken.id))
        .where(AccountToken.purpose == TokenPurpose.INVITATION)
        .group_by(AccountToken.user_id)
    )
    return session.exec(
        select(AccountToken, User)
        .join(User, col(User.id) == AccountToken.user_id)
        .where(
            col(AccountToken.id).in_(latest),
            col(AccountToken.used_at).is_(None),
            col(User.password_hash).is_(None),
            col(User.last_login_at).is_(None),
            col(User.active).is_(True),
            col(User.role).in_(invitable_roles(actor)),
        )
        .order_by(col(AccountToken.created_at).desc(), col(AccountToken.id).desc())
        .limit(limit)
    ).all()
