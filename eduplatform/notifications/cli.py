"""`eduplatform notifications send-reminders`: run once a day (cron or a systemd timer)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option, refuse
from eduplatform.clock import local_today
from eduplatform.db import new_session


@click.group("notifications")
def notifications():
    """Notifications: the teachers' daily reminders, and email copies that could not be sent."""


@notifications.command("send-reminders")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Remind about submissions older than this many days "
    "(default: EDUPLATFORM_REVIEW_REMINDER_DAYS, 3).",
)
@json_option
@with_appcontext
def send_reminders(days, as_json):
    """Remind teachers of submissions waiting too long; send email copies that failed before.

    Safe to run again the same day, or on two hosts at once: each teacher gets one reminder a
    day (a unique key per teacher and date in the database).
    """
    from eduplatform.notifications import service

    days = current_app.config["REVIEW_REMINDER_DAYS"] if days is None else days
    if days < 1:
        refuse([{"field": "days", "message": "--days must be 1 or more."}], as_json)
    with new_session() as session:
        result = service.remind_teachers(session, today=local_today(), days=days)
        created = result["created"]
        sent, failed = service.send_emails(session, created)
        retried_sent, retried_failed = service.retry_emails(session)
    payload = {
        "days": days,
        "waiting": result["waiting"],
        "reminded": [n.user_id for n in created],
        "already_reminded_today": result["already"],
        "emails": {"sent": sent + retried_sent, "failed": failed + retried_failed},
    }
    emit(
        payload,
        as_json,
        [
            f"{result['waiting']} submissions wait more than {days} days for review.",
            f"{len(created)} teachers reminded, {len(result['already'])} already reminded today.",
            f"Emails: {payload['emails']['sent']} sent, {payload['emails']['failed']} failed.",
        ],
    )
