"""When an activity happens: whole days, or local times in its own time zone shown in the
viewer's zone (people of the partner university in China see China time, everyone else the
schools' zone), with the activity's own times beside them when the two differ. Every time of
day carries its zone, named from the zone data (WIB, CST) with its UTC offset."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import g, has_request_context
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from eduplatform.clock import school_zone
from eduplatform.db import get_session
from eduplatform.people.models import Organization

# "09:00–12:00" and "CST (UTC+8)" each stay on one line (a narrow column broke after the dash
# and before the offset); the line may break between them.
NO_BREAK = Markup('<span class="no-break">{}</span>')
# Where an organization is decides the zone its people read times in (Indonesia: the app's).
COUNTRY_ZONES = {"CN": "Asia/Shanghai"}


def starts_at(activity):
    """The aware start of a timed activity (None for whole days)."""
    if activity.start_time is None:
        return None
    return datetime.combine(activity.starts_on, activity.start_time, ZoneInfo(activity.timezone))


def ends_at(activity):
    if activity.end_time is None:
        return None
    return datetime.combine(activity.ends_on, activity.end_time, ZoneInfo(activity.timezone))


def zone_of(organization):
    """The time zone an organization's people read times in."""
    name = COUNTRY_ZONES.get(getattr(organization, "country", None) or "")
    return ZoneInfo(name) if name else school_zone()


def viewer_zone():
    """The signed-in viewer's time zone (read once per request)."""
    if not has_request_context():
        return school_zone()
    if "exchange_viewer_zone" not in g:
        organization = None
        if current_user.is_authenticated and current_user.organization_id:
            organization = get_session().get(Organization, current_user.organization_id)
        g.exchange_viewer_zone = zone_of(organization)
    return g.exchange_viewer_zone


def utc_offset(moment):
    """'UTC+7', 'UTC+8', 'UTC+5:30': an aware moment's offset as people write it."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone, moment=None):
    """A zone as it stands beside a time, from the zone data: 'WIB (UTC+7)', 'CST (UTC+8)'.

    The offset is always there: an Indonesian reads WIB at a glance, but a reader elsewhere (and
    CST, which is also America's Central time) needs the number. Where the zone data has no
    letters for the zone, the offset alone.
    """
    moment = (moment or datetime.now(zone)).astimezone(zone)
    name = moment.tzname() or ""
    return f"{name} ({utc_offset(moment)})" if name.isalpha() else utc_offset(moment)


def _span(start, end, zone, date_style, locale, days=True):
    start, end = start.astimezone(zone), end.astimezone(zone)
    start_time = format_time(start, "HH:mm", locale=locale)
    end_time = format_time(end, "HH:mm", locale=locale)
    label = zone_label(zone, start)
    if start.date() == end.date():
        times = Markup("{} {}").format(
            NO_BREAK.format(f"{start_time}–{end_time}"), NO_BREAK.format(label)
        )
        if not days:
            return times
        return Markup("{}, {}").format(format_date(start.date(), date_style, locale=locale), times)
    first = format_date(start.date(), date_style, locale=locale)
    last = format_date(end.date(), date_style, locale=locale)
    return Markup("{} {} – {} {}").format(
        first, start_time, last, Markup("{} {}").format(end_time, NO_BREAK.format(label))
    )


def describe(activity, date_style="medium", zone=None):
    """The activity's dates, or its times in the viewer's zone (and its own, when different),
    each with its zone: '7 Des 2026, 08:00–11:00 WIB (UTC+7) / 09:00–12:00 CST (UTC+8)'."""
    locale = get_locale()
    if activity.start_time is None:
        first = format_date(activity.starts_on, date_style, locale=locale)
        if activity.ends_on == activity.starts_on:
            return first
        return f"{first} – {format_date(activity.ends_on, date_style, locale=locale)}"
    zone = zone or viewer_zone()
    start, end = starts_at(activity), ends_at(activity)
    text = _span(start, end, zone, date_style, locale)
    own = ZoneInfo(activity.timezone)
    if start.utcoffset() != start.astimezone(zone).utcoffset():
        # the same day in both zones is said once
        same_days = all(
            moment.astimezone(zone).date() == moment.date() == start.date()
            for moment in (start, end)
        )
        text += Markup(" / ") + _span(start, end, own, date_style, locale, days=not same_days)
    return text
