"""Supervisor links: how an industry supervisor, who has no account, countersigns the journal
and fills the final assessment.

A link is personal and single-purpose: bound to one supervisor, one placement and one purpose
(countersign or assessment); it expires (SUPERVISOR_LINK_VALID_DAYS) and the teacher can revoke
it or issue a new one (which ends the previous one). Only a SHA-256 hash of its random token is
stored, as for account links; the plaintext exists once, in the email or the QR code.

The link pages have no session, so Flask-WTF's session-bound CSRF token cannot serve them. Their
forms carry an HMAC of the link (its id and token hash) under the app's secret key instead: a
page on another site cannot know it without knowing the link itself, which is the credential.
"""

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select, update

from eduplatform import mail
from eduplatform.audit.service import record_event
from eduplatform.auth.service import hash_token
from eduplatform.errors import Conflict, Invalid
from eduplatform.exchange.validation import clean_text
from eduplatform.placements.models import (
    EntryStatus,
    JournalEntry,
    LinkPurpose,
    Placement,
    PlacementStatus,
    Supervisor,
    SupervisorLink,
)
from eduplatform.sqltypes import utcnow
from eduplatform.urls import public_url

MAX_COMMENT = 1000
# What a link may still do while the placement is in each status.
USABLE = {
    LinkPurpose.COUNTERSIGN: (PlacementStatus.RUNNING, PlacementStatus.FINISHED),
    LinkPurpose.ASSESSMENT: (PlacementStatus.RUNNING, PlacementStatus.FINISHED),
}


def link_url(token, **query):
    return public_url("supervisor.page", token=token, **query)


def current_links(session, placement_id):
    """The placement's links, newest first (revoked and expired ones too, as history)."""
    return session.exec(
        select(SupervisorLink)
        .where(SupervisorLink.placement_id == placement_id)
        .order_by(col(SupervisorLink.id).desc())
    ).all()


def issue_link(session: Session, *, actor, placement, purpose, email=False):
    """A new link for the placement's supervisor; their earlier open link of that purpose ends.

    With `email`, the link goes to the supervisor's address after the commit. Returns
    (token, link); the token is shown once (as a QR code) and never stored.
    """
    if purpose not in set(LinkPurpose):
        raise Invalid.field("purpose", _l("Choose what the link is for."))
    if placement.status not in USABLE[purpose]:
        raise Invalid.field(None, _l("This placement is not running; it needs no link."))
    supervisor = session.get(Supervisor, placement.supervisor_id)
    if email and not supervisor.email:
        raise Invalid.field(
            "delivery", _l("The supervisor has no email address: show the QR code.")
        )
    now = utcnow()
    session.exec(
        update(SupervisorLink)
        .where(
            col(SupervisorLink.placement_id) == placement.id,
            col(SupervisorLink.purpose) == purpose,
            col(SupervisorLink.revoked_at).is_(None),
            col(SupervisorLink.expires_at) > now,
        )
        .values(revoked_at=now, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    link = SupervisorLink(
        placement_id=placement.id,
        supervisor_id=supervisor.id,
        purpose=purpose,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=current_app.config["SUPERVISOR_LINK_VALID_DAYS"]),
        sent_to=supervisor.email if email else None,
        created_by_id=actor.id,
    )
    session.add(link)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="supervisor_link.issued",
        target=placement,
        details={"link_id": link.id},
    )
    if email:
        from eduplatform.people.models import Organization, User

        student = session.get(User, placement.student_id)
        mail.send_after_commit(
            session,
            to=supervisor.email,
            locale=supervisor.locale,
            subject=_l("Placement journal of %(name)s", name=student.full_name)
            if purpose == LinkPurpose.COUNTERSIGN
            else _l("Final assessment of %(name)s", name=student.full_name),
            template="supervisor_link",
            supervisor=supervisor,
            student=student,
            school=session.get(Organization, placement.school_id),
            purpose=purpose,
            link=link_url(token),
            expires_at=link.expires_at,
        )
    session.commit()
    return token, link


def revoke_link(session: Session, *, actor, placement, link_id):
    """End a link of this placement at once (a link of another placement is not found)."""
    result = session.exec(
        update(SupervisorLink)
        .where(
            col(SupervisorLink.id) == link_id,
            col(SupervisorLink.placement_id) == placement.id,
            col(SupervisorLink.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow(), revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Invalid.field(None, _l("This link is already revoked."))
    record_event(
        session,
        actor=actor,
        action="supervisor_link.revoked",
        target=placement,
        details={"link_id": link_id},
    )
    session.commit()


class LinkState:
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLOSED = "closed"  # the placement no longer takes what the link is for


def find_link(session, token):
    """(state, link, placement) for a token from a URL."""
    if not token or len(token) > 100:
        return LinkState.UNKNOWN, None, None
    link = session.exec(
        select(SupervisorLink).where(SupervisorLink.token_hash == hash_token(token))
    ).first()
    if link is None:
        return LinkState.UNKNOWN, None, None
    placement = session.get(Placement, link.placement_id)
    if link.revoked_at is not None:
        return LinkState.REVOKED, link, placement
    if link.expires_at <= utcnow():
        return LinkState.EXPIRED, link, placement
    if placement.status not in USABLE[link.purpose]:
        return LinkState.CLOSED, link, placement
    return LinkState.VALID, link, placement


def form_token(link):
    """The CSRF value of the link's forms: an HMAC of the link under the app's secret."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"supervisor-link:{link.id}:{link.token_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def check_form_token(link, value):
    return bool(value) and hmac.compare_digest(form_token(link), str(value))


def _touch(session, link):
    session.exec(
        update(SupervisorLink)
        .where(col(SupervisorLink.id) == link.id)
        .values(last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def countersign(session: Session, *, link, entry_id, decision, comment=""):
    """Approve or return one pending entry of the link's placement.

    A conditional update: of two tabs (or two supervisors) deciding at once, exactly one wins;
    the other gets Conflict. An entry of another placement is not found (Invalid).
    """
    comment = clean_text(comment)
    if decision not in ("approve", "return"):
        raise Invalid.field("decision", _l("Choose approve or return."))
    if decision == "return" and not comment:
        raise Invalid.field("comment", _l("Say what the student should change."))
    if len(comment) > MAX_COMMENT:
        raise Invalid.field("comment", _l("Use at most %(count)d characters.", count=MAX_COMMENT))
    entry = session.get(JournalEntry, entry_id)
    if entry is None or entry.placement_id != link.placement_id:
        raise Invalid.field(None, _l("This entry is not in this journal."))
    status = EntryStatus.APPROVED if decision == "approve" else EntryStatus.RETURNED
    result = session.exec(
        update(JournalEntry)
        .where(
            col(JournalEntry.id) == entry.id,
            col(JournalEntry.placement_id) == link.placement_id,
            col(JournalEntry.status) == EntryStatus.PENDING,
        )
        .values(
            status=status,
            supervisor_comment=comment or None,
            countersigned_at=utcnow(),
            countersigned_by_id=link.supervisor_id,
            countersign_link_id=link.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("This entry was already decided (another tab or another person)."))
    _touch(session, link)
    record_event(
        session,
        actor=None,
        action="journal.countersigned" if decision == "approve" else "journal.returned",
        target=entry,
        details={"supervisor_id": link.supervisor_id, "link_id": link.id},
    )
    session.commit()
    return status


def approve_week(session: Session, *, link, week_start):
    """Approve every pending entry of the link's placement in the week from `week_start`."""
    if not isinstance(week_start, date):
        raise Invalid.field("week", _l("Choose a week."))
    week_end = week_start + timedelta(days=6)
    pending = session.exec(
        select(JournalEntry.id).where(
            JournalEntry.placement_id == link.placement_id,
            JournalEntry.status == EntryStatus.PENDING,
            col(JournalEntry.day) >= week_start,
            col(JournalEntry.day) <= week_end,
        )
    ).all()
    if not pending:
        raise Conflict(_l("Nothing in this week is waiting for you."))
    result = session.exec(
        update(JournalEntry)
        .where(
            col(JournalEntry.id).in_(pending),
            col(JournalEntry.status) == EntryStatus.PENDING,
        )
        .values(
            status=EntryStatus.APPROVED,
            countersigned_at=utcnow(),
            countersigned_by_id=link.supervisor_id,
            countersign_link_id=link.id,
        )
        .execution_options(synchronize_session=False)
    )
    _touch(session, link)
    record_event(
        session,
        actor=None,
        action="journal.countersigned",
        target=session.get(Placement, link.placement_id),
        details={
            "supervisor_id": link.supervisor_id,
            "link_id": link.id,
            "count": result.rowcount,
        },
    )
    session.commit()
    return result.rowcount
