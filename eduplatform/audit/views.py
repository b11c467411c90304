"""The audit log for administrators."""

from datetime import datetime, timedelta

from babel.dates import get_timezone_name
from flask import Blueprint, render_template, request
from flask_babel import get_locale

from eduplatform.audit import labels, service
from eduplatform.auth.access import roles_required
from eduplatform.auth.service import find_login
from eduplatform.clock import school_zone
from eduplatform.db import get_session
from eduplatform.ids import page_arg
from eduplatform.people.models import Role

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _day(raw):
    try:
        # A day as the admin means it: from midnight where the schools are.
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=school_zone()) if raw else None
    except ValueError:
        return None


@bp.route("/")
@roles_required(Role.ADMIN)
def events():
    db = get_session()
    page = page_arg()
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
        time_zone=get_timezone_name(school_zone(), locale=get_locale()),
    )
