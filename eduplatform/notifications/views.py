"""The bell in the header, the list of one's notifications, marking them read, the setting."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform.auth.access import login_required
from eduplatform.db import get_session
from eduplatform.ids import page_arg
from eduplatform.notifications import service
from eduplatform.notifications.forms import EmailSettingForm
from eduplatform.notifications.texts import describe

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def unread_count():
    """The signed-in person's unread notifications, counted once per request (a session's
    sign-in check counts them in its own statement: auth.views.load_user)."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = service.unread_count(get_session(), current_user.id)
    return g.unread_notifications


@bp.app_context_processor
def bell():
    return {"unread_notifications": unread_count, "notification_settings": _settings}


def _settings():
    db = get_session()
    return EmailSettingForm(email=service.email_enabled(db, current_user)), bool(current_user.email)


@bp.route("")
@login_required
def index():
    db = get_session()
    page = page_arg()
    rows, total = service.list_for(db, current_user.id, page=page)
    return render_template(
        "notifications/list.html",
        shown=describe(db, rows),
        total=total,
        page=page,
        per_page=service.PER_PAGE,
        unread=unread_count(),
    )


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id):
    """Mark one notification read and go to what it is about."""
    db = get_session()
    notification = service.own_notification(db, current_user, notification_id) or abort(404)
    service.mark_read(db, user=current_user, notification=notification)
    (shown,) = describe(db, [notification])
    return redirect(shown.url() or url_for("notifications.index"))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    db = get_session()
    count = service.mark_all_read(db, user=current_user)
    if count:
        flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["POST"])
@login_required
def settings():
    db = get_session()
    form = EmailSettingForm()
    service.set_email(db, user=current_user, enabled=form.email.data)
    if form.email.data:
        flash(_("You will get an email copy of each notification."), "success")
    else:
        flash(_("You will get no more notification emails."), "success")
    return redirect(url_for("auth.profile", _anchor="notification-settings"))
