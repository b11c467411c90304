"""Months, academic years and terms as the dashboard counts them, in Python and in SQL.

An academic year runs from July to June ("2025/2026"); its two terms (semesters) are July to
December and January to June. Months are taken in the reporting time zone, the app's
BABEL_DEFAULT_TIMEZONE (Asia/Jakarta), so that a unit verified at 06:00 on the 1st counts in the
month the teacher saw on the calendar.
"""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func, literal

DEFAULT_TIMEZONE = "Asia/Jakarta"
YEAR_RE = re.compile(r"^(\d{4})/(\d{4})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def reporting_zone():
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or name
    return ZoneInfo(name)


def local_now():
    return datetime.now(UTC).astimezone(reporting_zone())


def month_key(moment):
    """ "YYYY-MM" of an aware datetime in the reporting time zone (a date: its own month)."""
    if isinstance(moment, datetime):
        return moment.astimezone(reporting_zone()).strftime("%Y-%m")
    return moment.strftime("%Y-%m")


def month_sql(column, dialect_name):
    """The SQL twin of month_key for a UTC timestamp column."""
    zone = reporting_zone()
    if dialect_name == "postgresql":
        return func.to_char(func.timezone(literal(zone.key), column), "YYYY-MM")
    # SQLite stores UTC without an offset; the reporting zones of Indonesia keep one offset
    # all year, so adding it is exact.
    minutes = int(local_now().utcoffset() / timedelta(minutes=1))
    return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")


def academic_year_of(day):
    """ "2025/2026" for any day from 1 July 2025 to 30 June 2026."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


def year_start(academic_year):
    match = YEAR_RE.match(academic_year or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        return None
    return int(match.group(1))


def year_months(academic_year):
    """The twelve "YYYY-MM" months of an academic year, July first."""
    start = year_start(academic_year)
    return [f"{start + (m < 7)}-{m:02d}" for m in (*range(7, 13), *range(1, 7))]


def month_text(month):
    """A "YYYY-MM" month as people read it, in the page's language's own order ("Juni 2026",
    "2026年6月")."""
    from eduplatform.i18n import format_skeleton

    return format_skeleton(date(int(month[:4]), int(month[5:7]), 1), "yMMMM")


def reference_month(period, this_month):
    """The month a "this month" figure shows: this month, or the chosen period's month nearest
    to it when this month is outside the period (its last month for a past year)."""
    if not period or this_month in period:
        return this_month
    return period[-1] if period[-1] < this_month else period[0]


def parse_month(text):
    match = MONTH_RE.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def shift_month(month, count):
    """The month `count` months after (or before) a "YYYY-MM" month."""
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 + count
    return f"{index // 12}-{index % 12 + 1:02d}"


def month_range(first, last):
    """Every "YYYY-MM" month from first to last, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = shift_month(month, 1)
    return months


def term_of(month):
    """The term a "YYYY-MM" month belongs to: ("2025/2026", 1) for July to December 2025."""
    year, number = int(month[:4]), int(month[5:7])
    if number >= 7:
        return (f"{year}/{year + 1}", 1)
    return (f"{year - 1}/{year}", 2)


def term_months(term):
    academic_year, half = term
    months = year_months(academic_year)
    return months[:6] if half == 1 else months[6:]


def previous_term(term):
    academic_year, half = term
    if half == 2:
        return (academic_year, 1)
    start = year_start(academic_year)
    return (f"{start - 1}/{start}", 2)
