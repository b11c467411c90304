"""When an activity happens: whole days, or local times in its own time zone shown in the
viewer's zone (people of the partner university in China see China time, everyone else the
schools' zone), with the activity's own times beside them when the two differ."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import g, has_request_context
from flask_babel import get_locale
from flask_login import current_user

from eduplatform.clock import school_zone
from eduplatform.db import get_session
from eduplatform.people.models import Organization

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


def _zone_label(zone, short_labels):
    return str(short_labels.get(zone.key, zone.key))


def _span(start, end, zone, date_style, locale, short_labels):
    start, end = start.astimezone(zone), end.astimezone(zone)
    start_time = format_time(start, "HH:mm", locale=locale)
    end_time = format_time(end, "HH:mm", locale=locale)
    label = _zone_label(zone, short_labels)
    if start.date() == end.date():
        day = format_date(start.date(), date_style, locale=locale)
        return f"{day}, {start_time}–{end_time} {label}"
    first = format_date(start.date(), date_style, locale=locale)
    last = format_date(end.date(), date_style, locale=locale)
    return f"{first} {start_time} – {last} {end_time} {label}"


def describe(activity, date_style="medium", zone=None):
    """The activity's dates, or its times in the viewer's zone (and its own, when different)."""
    from eduplatform.exchange.forms import TIME_ZONE_SHORT

    locale = get_locale()
    if activity.start_time is None:
        first = format_date(activity.starts_on, date_style, locale=locale)
        if activity.ends_on == activity.starts_on:
            return first
        return f"{first} – {format_date(activity.ends_on, date_style, locale=locale)}"
    zone = zone or viewer_zone()
    start, end = starts_at(activity), ends_at(activity)
    text = _span(start, end, zone, date_style, locale, TIME_ZONE_SHORT)
    own = ZoneInfo(activity.timezone)
    if start.utcoffset() != start.astimezone(zone).utcoffset():
        text += f" ({_span(start, end, own, date_style, locale, TIME_ZONE_SHORT)})"
    return text
