"""One way to write the audit trail, inside the caller's transaction."""

from sqlmodel import Session, col, func, select

from eduplatform.audit.models import AuditEvent

FORBIDDEN_DETAIL_KEYS = {"password", "password_hash", "token", "secret", "activation_code"}


def record_event(session: Session, *, actor, action, target=None, details=None):
    """Add an audit event to the session; it commits with the change it describes."""
    details = dict(details or {})
    leaked = FORBIDDEN_DETAIL_KEYS & set(details)
    if leaked:
        raise ValueError(f"audit details must not contain {sorted(leaked)}")
    event = AuditEvent(
        actor_id=getattr(actor, "id", actor),
        action=action,
        object_type=type(target).__name__ if target is not None else None,
        object_id=str(target.id) if target is not None else None,
        details=details,
        client_address=session.info.get("client_address"),
    )
    session.add(event)
    return event


def list_events(
    session, *, action=None, actor_id=None, since=None, until=None, page=1, per_page=50
):
    """Events newest first with the given filters, and the total count."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        query = query.where(AuditEvent.created_at < until)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEvent.id).desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return rows, total


def known_actions(session):
    return session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
