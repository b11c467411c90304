"""Notifications: queued inside the transaction that makes the news, written after it commits.

A service (or a signal receiver) calls `notify_after_commit(session, Pending(...))` while its
transaction is open. Nothing is written then: when that transaction commits, the notifications
are inserted in a transaction of their own and their email copies are sent; when it rolls back,
they are dropped. So a decision never waits on, or fails with, its notification, and a mail
server that is down costs an email (retried by `eduplatform notifications send-reminders`),
never the decision.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import bindparam, event, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, func, select

from eduplatform.db import new_session
from eduplatform.notifications.models import EmailState, Kind, Notification, NotificationSetting
from eduplatform.people.memberships import teaches_at
from eduplatform.people.models import Cohort, CohortTeacher, Role, User
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import UnitCompletion
from eduplatform.training.reviews import waiting_for_review

PENDING = "eduplatform.notifications"
MAX_EMAIL_ATTEMPTS = 3
# An email still "pending" this long after its notification was written was lost with its
# process (stopped between the two steps): the daily command sends it.
STALE_PENDING = timedelta(minutes=15)
PER_PAGE = 30


@dataclass(frozen=True)
class Pending:
    """A notification to write once the current transaction commits."""

    user_id: int
    kind: str
    completion_id: int | None = None
    certificate_id: int | None = None
    details: dict = field(default_factory=dict)
    dedupe_key: str | None = None


def notify_after_commit(session, pending):
    """Queue `pending` on `session`: written when its transaction commits, dropped on rollback."""
    if not has_app_context():
        return  # no app to write through (a bare script): nothing to notify
    if not session.in_transaction():
        session.begin()
    queued = session.info.setdefault(PENDING, [])
    queued.append((pending, current_app._get_current_object()))


@event.listens_for(Session, "after_commit")
def _write_after_commit(session):
    queued = session.info.pop(PENDING, None)
    if queued:
        write_and_send(queued[0][1], [pending for pending, _app in queued])


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def write_and_send(app, pendings):
    """Insert the notifications in their own transaction, then send their email copies.

    Runs after the change they report is committed: any failure here is logged, never raised.
    """
    try:
        with app.app_context(), new_session(app) as session:
            created = _insert(session, pendings)
            session.commit()
            send_emails(session, created)
    except Exception:  # the news is committed; a lost notification must not undo it
        app.logger.exception("notifications could not be written")


def _insert(session, pendings):
    wanted = email_wanted(session, {p.user_id for p in pendings})
    created = []
    for pending in pendings:
        notification = Notification(
            user_id=pending.user_id,
            kind=pending.kind,
            completion_id=pending.completion_id,
            certificate_id=pending.certificate_id,
            details=dict(pending.details),
            dedupe_key=pending.dedupe_key,
            email_state=EmailState.PENDING if pending.user_id in wanted else EmailState.NONE,
        )
        if pending.dedupe_key is None:
            session.add(notification)
            session.flush()
            created.append(notification)
            continue
        try:  # a key seen before (the same reminder, another run): nothing new
            with session.begin_nested():
                session.add(notification)
            created.append(notification)
        except IntegrityError:
            pass
    return created


# Email copies.


def email_wanted(session, user_ids):
    """The ids among `user_ids` of active people with an email who did not turn copies off."""
    if not user_ids:
        return set()
    off = select(NotificationSetting.user_id).where(
        col(NotificationSetting.email).is_(False), col(NotificationSetting.user_id).in_(user_ids)
    )
    rows = session.exec(
        select(User.id).where(
            col(User.id).in_(user_ids),
            col(User.active).is_(True),
            col(User.email).is_not(None),
            col(User.email) != "",
            col(User.id).not_in(off),
        )
    ).all()
    return set(rows)


def send_emails(session, notifications):
    """Send the email copy of each notification that waits for one; returns (sent, failed)."""
    from eduplatform.notifications.texts import compose_email

    sent = failed = 0
    for notification in notifications:
        if notification.email_state not in (EmailState.PENDING, EmailState.FAILED):
            continue
        user = session.get(User, notification.user_id)
        ok = False
        try:
            ok = compose_email(session, notification, user)
        except Exception:  # composing failed (a record gone): count it, keep going
            current_app.logger.exception("notification email could not be composed")
        notification.email_attempts += 1
        notification.email_state = EmailState.SENT if ok else EmailState.FAILED
        notification.emailed_at = utcnow() if ok else None
        session.add(notification)
        session.commit()
        sent, failed = sent + ok, failed + (not ok)
    return sent, failed


def retry_emails(session, *, now=None):
    """Send copies that failed (fewer than MAX_EMAIL_ATTEMPTS times) or were never sent."""
    now = now or utcnow()
    waiting = session.exec(
        select(Notification)
        .where(
            (
                (col(Notification.email_state) == EmailState.FAILED)
                & (col(Notification.email_attempts) < MAX_EMAIL_ATTEMPTS)
            )
            | (
                (col(Notification.email_state) == EmailState.PENDING)
                & (col(Notification.created_at) < now - STALE_PENDING)
            )
        )
        .order_by(Notification.id)
    ).all()
    return send_emails(session, waiting)


# Reminders for teachers.


def _waiting_teachers(session, cohort_ids):
    """{cohort id: [teacher ids]}: the class's own teachers, else its school's teachers."""
    assigned = {}
    for cohort_id, teacher_id in session.exec(
        select(CohortTeacher.cohort_id, CohortTeacher.teacher_id)
        .join(User, col(User.id) == CohortTeacher.teacher_id)
        .where(col(CohortTeacher.cohort_id).in_(cohort_ids), col(User.active).is_(True))
    ).all():
        assigned.setdefault(cohort_id, []).append(teacher_id)
    missing = [c for c in cohort_ids if c not in assigned]
    if missing:
        for cohort_id, teacher_id in session.exec(
            select(Cohort.id, User.id)
            .join(User, teaches_at(Cohort.school_id))
            .where(
                col(Cohort.id).in_(missing),
                User.role == Role.TEACHER,
                col(User.active).is_(True),
            )
        ).all():
            assigned.setdefault(cohort_id, []).append(teacher_id)
    return assigned


def remind_teachers(session, *, today, days, now=None):
    """Notify each teacher whose classes have submissions waiting more than `days` days.

    One reminder per teacher and day (the key `reviews_waiting:<date>`), however often it runs.
    Returns {"reminded": [teacher ids], "already": [teacher ids], "waiting": records}.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    rows = session.exec(
        waiting_for_review(
            UnitCompletion.cohort_id, func.count(), func.min(UnitCompletion.created_at)
        )
        .where(col(UnitCompletion.created_at) < cutoff)
        .group_by(UnitCompletion.cohort_id)
    ).all()
    per_teacher = {}
    teachers = _waiting_teachers(session, [cohort_id for cohort_id, _n, _o in rows])
    for cohort_id, count, oldest in rows:
        for teacher_id in teachers.get(cohort_id, []):
            entry = per_teacher.setdefault(teacher_id, {"count": 0, "oldest": oldest})
            entry["count"] += count
            entry["oldest"] = min(entry["oldest"], oldest)
    key = f"reviews_waiting:{today.isoformat()}"
    already = set(
        session.exec(
            select(Notification.user_id).where(
                col(Notification.user_id).in_(list(per_teacher)),
                Notification.dedupe_key == key,
            )
        ).all()
    )
    fresh = [
        Pending(
            user_id=teacher_id,
            kind=Kind.REVIEWS_WAITING,
            details={"count": entry["count"], "days": days, "oldest": entry["oldest"].isoformat()},
            dedupe_key=key,
        )
        for teacher_id, entry in sorted(per_teacher.items())
        if teacher_id not in already
    ]
    created = _insert(session, fresh)
    session.commit()
    return {
        "created": created,
        "already": sorted(already),
        "waiting": sum(count for _c, count, _o in rows),
    }


# What a person sees.


def unread_count(session, user_id):
    return session.exec(
        select(func.count()).where(
            Notification.user_id == user_id, col(Notification.read_at).is_(None)
        )
    ).one()


def list_for(session, user_id, *, page=1, per_page=PER_PAGE):
    """A person's notifications, newest first, and how many there are."""
    query = select(Notification).where(Notification.user_id == user_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return rows, total


def own_notification(session, user, notification_id):
    """The person's own notification, or None (another's is as good as unknown)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    return notification


def mark_read(session, *, user, notification):
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.add(notification)
        session.commit()


def mark_all_read(session, *, user):
    """Mark every unread notification of the person read; returns how many."""
    result = session.exec(
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return result.rowcount


# Built once: the profile page asks on every visit (a column, not an object to track).
EMAIL_SETTING = select(NotificationSetting.email).where(
    NotificationSetting.user_id == bindparam("user_id")
)


def email_enabled(session, user):
    """Whether the person gets copies by email: yes unless they turned them off."""
    setting = session.execute(EMAIL_SETTING, {"user_id": user.id}).scalar()
    return setting is None or bool(setting)


def set_email(session, *, user, enabled):
    """Turn email copies on or off for the person."""
    setting = session.get(NotificationSetting, user.id) or NotificationSetting(user_id=user.id)
    setting.email = bool(enabled)
    setting.updated_at = utcnow()
    session.add(setting)
    session.commit()
