"""The audit log for administrators."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, render_template, request

from eduplatform.audit import labels, service
from eduplatform.auth.access import roles_required
from eduplatform.auth.service import find_login
from eduplatform.db import get_session
from eduplatform.people.models import Role

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day(raw):
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC) if raw else None
    except ValueError:
        return None


@bp.route("/")
@roles_required(Role.ADMIN)
def events():
    db = get_session()
    page = max(request.args.get("page", 1, type=int), 1)
    until = _day(request.args.get("until"))
    actor = find_login(db, request.args["actor"]) if request.args.get("actor") else None
    rows, total = service.list_events(
        db,
        action=request.args.get("action") or None,
        actor_id=actor.id if actor else (-1 if request.args.get("actor") else None),
        since=_day(request.args.get("since")),
        until=until + timedelta(days=1) if until else None,
        page=page,
    )
    names = labels.Names(db, rows)
    return render_template(
        "audit/events.html",
        events=rows,
        total=total,
        page=page,
        per_page=50,
        actions=labels.action_choices(service.known_actions(db)),
        action_label=labels.action_label,
        actors=names.users,
        names=names,
    )
