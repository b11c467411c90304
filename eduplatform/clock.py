"""The schools' calendar: "today" is the date in the app's time zone (BABEL_DEFAULT_TIMEZONE,
Asia/Jakarta by default), never the server's, which runs on UTC: from 00:00 to 07:00 WIB the two
differ by a day."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Jakarta"


def school_zone():
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or name
    return ZoneInfo(name)


def local_today():
    """Today's date where the schools are."""
    return datetime.now(school_zone()).date()
