"""CSV exports of the exchange's lists and the iCalendar feed of a school's activities.

A CSV's header is in the reader's language, as the dashboard's are: each column's label is
translated when the file is written.
"""

import csv
import io
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from eduplatform.exchange.times import ends_at, starts_at

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header, rows):
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read the accents right; the
    header's (lazily translated) labels in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(label) for label in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_name(what, parts, today):
    """For example exchange-activities_upcoming_joint-workshop_2026-11-23.csv."""
    words = [what, *(str(p).replace("_", "-") for p in parts if p), today.isoformat()]
    return "_".join(words) + ".csv"


def _org_name(orgs, org_id):
    return orgs[org_id].name if org_id in orgs else ""


def partner_label(partnership, orgs):
    return _org_name(orgs, partnership.partner_id) or partnership.partner_name or ""


ACTIVITY_HEADER = [
    _l("ID"),
    _l("Title"),
    _l("Kind of activity"),
    _l("Status"),
    _l("Start date"),
    _l("End date"),
    _l("Start time"),
    _l("End time"),
    _l("Time zone"),
    _l("Place"),
    _l("Online link"),
    _l("Languages used"),
    _l("School"),
    _l("Partner"),
    _l("Sending organization"),
    _l("Receiving organization"),
    _l("Funding source"),
    _l("Currency"),
    _l("Travel cost"),
    _l("Subsistence"),
    _l("Fees"),
    _l("Other costs"),
    _l("Total cost"),
    _l("Number of hours"),
    _l("Participants"),
]


def activity_rows(rows, orgs, counts):
    for activity, partnership in rows:
        yield [
            activity.id,
            activity.title,
            activity.kind,
            activity.status,
            activity.starts_on.isoformat(),
            activity.ends_on.isoformat(),
            activity.start_time.strftime("%H:%M") if activity.start_time else "",
            activity.end_time.strftime("%H:%M") if activity.end_time else "",
            activity.timezone,
            activity.place,
            activity.online_url,
            " ".join(activity.languages or []),
            _org_name(orgs, partnership.school_id),
            partner_label(partnership, orgs),
            _org_name(orgs, activity.sending_org_id),
            _org_name(orgs, activity.receiving_org_id),
            activity.funding_source,
            activity.currency,
            f"{activity.cost_travel:.2f}",
            f"{activity.cost_subsistence:.2f}",
            f"{activity.cost_fees:.2f}",
            f"{activity.cost_other:.2f}",
            f"{activity.total_cost:.2f}",
            activity.report_hours if activity.report_hours is not None else "",
            counts.get(activity.id, 0),
        ]


PARTNERSHIP_HEADER = [
    _l("ID"),
    _l("School"),
    _l("NPSN"),
    _l("Partner"),
    _l("Kind of partnership"),
    _l("Areas of cooperation"),
    _l("Status"),
    _l("MoU reference"),
    _l("MoU signed on"),
    _l("Starts on"),
    _l("Ends on"),
]


def partnership_rows(partnerships, orgs):
    for partnership in partnerships:
        school = orgs.get(partnership.school_id)
        yield [
            partnership.id,
            school.name if school else "",
            school.npsn if school else "",
            partner_label(partnership, orgs),
            partnership.kind,
            " ".join(partnership.areas or []),
            partnership.status,
            partnership.mou_reference,
            partnership.mou_signed_on.isoformat() if partnership.mou_signed_on else "",
            partnership.started_on.isoformat() if partnership.started_on else "",
            partnership.ended_on.isoformat() if partnership.ended_on else "",
        ]


PARTICIPATION_HEADER = [
    _l("Activity ID"),
    _l("Title"),
    _l("Kind of activity"),
    _l("Status"),
    _l("Start date"),
    _l("End date"),
    _l("Role"),
    _l("Hours credited"),
]


def participation_rows(rows):
    for participant, activity, _partnership in rows:
        yield [
            activity.id,
            activity.title,
            activity.kind,
            activity.status,
            activity.starts_on.isoformat(),
            activity.ends_on.isoformat(),
            participant.role,
            participant.hours,
        ]


def ics_bytes(name, activities, *, host):
    """A calendar of the activities: titles, times and places only, never who takes part.

    Whole-day activities are all-day events; timed ones carry their time zone (TZID) with its
    VTIMEZONE definition, so calendar apps show them at the right hour wherever they are.
    """
    from icalendar import Calendar, Event  # loaded when a feed is asked for

    cal = Calendar()
    cal.add("prodid", "-//eduplatform//exchange activities//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for activity in activities:
        event = Event()
        event.add("uid", f"exchange-activity-{activity.id}@{host}")
        event.add("dtstamp", activity.updated_at)
        event.add("last-modified", activity.updated_at)
        event.add("summary", activity.title)
        if activity.all_day:
            event.add("dtstart", activity.starts_on)
            # DTEND of all-day events is exclusive
            event.add("dtend", activity.ends_on + timedelta(days=1))
        else:
            event.add("dtstart", starts_at(activity))
            event.add("dtend", ends_at(activity))
        location = activity.place or activity.online_url
        if location:
            event.add("location", location)
        event.add("status", "CANCELLED" if activity.status == "cancelled" else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
