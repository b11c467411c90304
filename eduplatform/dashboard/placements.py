"""Industry placements (PKL) on the dashboard: students on placement now, hours at the workplace,
companies taking students, and how quickly supervisors countersign the journal.

Read with a fixed number of grouped statements (ten at most, whatever the number of placements,
entries, companies or schools), each returning a row per company or per school (per school and
delay in days for the delays), never one per placement or entry. Students on placement and
companies come from the placements themselves (one row per student); hours and countersigns
come from three rollup tables (dashboard.models) that the commit of every change to a school's
placements or journals recomputes for that school (`recompute`), so that the page never reads
the journal entries themselves.

Scope follows the rest of the dashboard: `filters.school` is set for one school (always for a
teacher, one of their schools) and None for the whole city (office, admin). Authors see no
placement figures: placements' own pages are closed to them, and a company's count can single
out a student. Program and module filters do not apply to placements.

Days are calendar days in the reporting time zone (Western Indonesia Time): an entry written on
Monday and countersigned on Tuesday waited 1 day.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from eduplatform.dashboard.models import CountersignDelay, CountersignPending, PlacementHours
from eduplatform.dashboard.periods import academic_year_of, reporting_zone, year_start
from eduplatform.dashboard.tables import Column, Figure, Table
from eduplatform.i18n import org_name
from eduplatform.people.models import Organization
from eduplatform.placements.models import (
    Company,
    DayKind,
    EntryStatus,
    JournalEntry,
    Placement,
    PlacementStatus,
)
from eduplatform.sqltypes import utcnow

PENDING_DAYS = 7  # an entry waiting longer than this for its countersign is reported
COMPANIES_ON_PAGE = 25  # the page lists this many companies; the exports list every one
TABLE_NAMES = ("placement_figures", "placement_companies", "placement_sectors", "placement_schools")
DECIDED = (EntryStatus.APPROVED, EntryStatus.RETURNED)

DEFINITIONS = {
    "placements_now": (
        _l("Students on placement now"),
        _l(
            "Students whose industry placement is running today (started by the school and not "
            "yet finished or ended early), of the chosen school. A student has at most one "
            "running placement. The academic year and months filters do not apply: this is "
            "today's count."
        ),
    ),
    "placement_hours": (
        _l("Hours at the workplace"),
        _l(
            "Hours from arrival to leaving on the journal days at the workplace, counting only "
            "the entries the company's supervisor countersigned (approved); entries waiting "
            "for the countersign or returned to the student do not count, nor do missed days. "
            "By the day of the entry: within the chosen academic year or months, or ever. Of "
            "the chosen school's students."
        ),
    ),
    "placement_companies": (
        _l("Companies taking students"),
        _l(
            "Companies with at least one placement (planned, running, finished or ended early) "
            "whose dates fall at least partly within the academic year: the chosen one, or this "
            "one when none is chosen. Of the chosen school's students."
        ),
    ),
    "countersign_median": (
        _l("Countersign delay, median (days)"),
        _l(
            "Calendar days (Western Indonesia Time) from the day the student wrote a journal "
            "entry, or last sent it again after a return, to the day the supervisor approved "
            "or returned it: half of the entries were decided within this many days. Entries "
            "decided within the chosen academic year or months, or ever; of the chosen "
            "school's students. Entries still waiting are counted apart."
        ),
    ),
    "countersign_p90": (
        _l("Countersign delay, 90th percentile (days)"),
        _l(
            "Counted as the median: nine in ten decided entries were approved or returned "
            "within this many calendar days of being written (or sent again)."
        ),
    ),
    "countersign_pending": (
        _l("Entries waiting more than %(days)d days", days=PENDING_DAYS),
        _l(
            "Journal entries waiting for the supervisor's countersign today that the student "
            "wrote (or last sent again) more than %(days)d calendar days ago, of the chosen "
            "school's students. The academic year and months filters do not apply.",
            days=PENDING_DAYS,
        ),
    ),
}
FIGURE_KINDS = {"placement_hours": "hours", "countersign_median": "days", "countersign_p90": "days"}


def company_columns(academic_year):
    return [
        Column("company", _l("Company"), "text"),
        Column("sector", _l("Sector"), "text"),
        Column("now", _l("Students on placement now")),
        Column("year", _l("Students placed in %(year)s", year=academic_year)),
        Column("hours", _l("Hours at the workplace"), "hours"),
    ]


SECTOR_COLUMNS = [
    Column("sector", _l("Sector"), "text"),
    Column("companies", _l("Companies taking students")),
    Column("now", _l("Students on placement now")),
    Column("hours", _l("Hours at the workplace"), "hours"),
]
SCHOOL_COLUMNS = [
    Column("school", _l("School"), "text"),
    Column("npsn", _l("NPSN"), "code"),
    Column("now", _l("Students on placement now")),
    Column("hours", _l("Hours at the workplace"), "hours"),
    Column("median", _l("Countersign delay, median (days)"), "days"),
    Column("p90", _l("Countersign delay, 90th percentile (days)"), "days"),
    Column("pending", _l("Entries waiting more than %(days)d days", days=PENDING_DAYS)),
]


@dataclass
class Placements:
    """What the dashboard's placement section shows."""

    figures: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)  # name -> Table, in the page's order
    academic_year: str = ""


def percentile(histogram, share):
    """The nearest-rank percentile of a {days: count} histogram: the fewest days within which
    `share` (0.5, 0.9) of the counted entries fall; None when there are none."""
    total = sum(histogram.values())
    if not total:
        return None
    needed, seen = math.ceil(share * total), 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= needed:
            return days
    return None  # pragma: no cover - the loop always reaches `needed`


# -- the rollups: kept by increments at the commit of every change to a journal ---------------
#
# A journal entry adds to at most three rollup rows (`contributions`). The commit of a
# transaction that changed entries reads, for each entry, what it added before the change (read
# before the change, locking the entry's row on PostgreSQL, so that two writers of one entry take
# turns) and what it adds now, and adds the difference (dashboard.rollups notes the entries).
# A change that moves many entries at once (a placement moved to another school or company, a
# placement or student deleted with their journal) recomputes the schools concerned instead.

ROLLUPS = (PlacementHours, CountersignDelay, CountersignPending)
VALUE = {PlacementHours: "minutes", CountersignDelay: "entries", CountersignPending: "entries"}
_ENTRY_COLUMNS = (
    Placement.school_id,
    Placement.company_id,
    JournalEntry.day,
    JournalEntry.kind,
    JournalEntry.arrived_at,
    JournalEntry.left_at,
    JournalEntry.status,
    JournalEntry.updated_at,
    JournalEntry.countersigned_at,
)


def _aware(moment):
    if isinstance(moment, str):  # SQLite through a raw select
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def contributions(zone, school, company, day, kind, arrived, left, status, updated, decided):
    """[(rollup model, key, count)]: what one journal entry adds to the placement rollups."""
    found = []
    written = _aware(updated).astimezone(zone).date()
    if status == EntryStatus.APPROVED and kind == DayKind.PRESENT and arrived and left:
        minutes = (left.hour * 60 + left.minute) - (arrived.hour * 60 + arrived.minute)
        found.append((PlacementHours, (school, company, day.strftime("%Y-%m")), minutes))
    if status in DECIDED and decided is not None:
        decided = _aware(decided).astimezone(zone)
        key = (school, decided.strftime("%Y-%m"), (decided.date() - written).days)
        found.append((CountersignDelay, key, 1))
    if status == EntryStatus.PENDING:
        found.append((CountersignPending, (school, written), 1))
    return found


def expected(session, school_ids=None):
    """{model: {key: count}} of the placement rollups, from the journal entries of these schools
    (all when None): the one definition `recompute`, `rollups rebuild` and `check` share."""
    zone = reporting_zone()
    query = select(*_ENTRY_COLUMNS).join(Placement, Placement.id == JournalEntry.placement_id)
    if school_ids is not None:
        query = query.where(Placement.school_id.in_(sorted(school_ids)))
    counts = {model: Counter() for model in ROLLUPS}
    for row in session.execute(query):
        for model, key, count in contributions(zone, *row):
            counts[model][key] += count
    return counts


def entry_contributions(session, where, *, lock=False):
    """{journal entry id: contributions()} of the entries matching `where`; `lock` takes their
    rows FOR UPDATE (PostgreSQL; SQLite has one writer at a time anyway)."""
    zone = reporting_zone()
    query = select(JournalEntry.id, *_ENTRY_COLUMNS).join(
        Placement, Placement.id == JournalEntry.placement_id
    )
    if where is not None:
        query = query.where(where)
    if lock:
        query = query.order_by(JournalEntry.id).with_for_update(of=JournalEntry.__table__)
    return {
        entry_id: contributions(zone, *values) for entry_id, *values in session.execute(query).all()
    }


def apply_changes(session, before, school_ids):
    """Bring the rollups up to date at commit: `before` is {entry id: what it added before this
    transaction changed it} (new entries: []); `school_ids` are recomputed whole."""
    from eduplatform.dashboard import increments  # which calls this at commit

    school_ids = set(school_ids) - {None}
    if school_ids:
        recompute(session, school_ids)
    if not before:
        return
    now = {}
    ids = sorted(before)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        now.update(entry_contributions(session, JournalEntry.id.in_(chunk)))
    deltas = {model: Counter() for model in ROLLUPS}
    for entry_id, added in before.items():
        for model, key, count in added:
            deltas[model][key] -= count
        for model, key, count in now.get(entry_id, ()):
            deltas[model][key] += count
    stamp = utcnow()
    for model in ROLLUPS:  # one order for every writer: table by table, keys sorted
        table, value = model.__table__, VALUE[model]
        names = [column.name for column in table.primary_key.columns]
        changed = sorted(
            (key, count)
            for key, count in deltas[model].items()
            if count and key[0] not in school_ids  # those were recomputed whole
        )
        if not changed:
            continue
        rows = [
            {**dict(zip(names, key, strict=True)), value: count, "updated_at": stamp}
            for key, count in changed
        ]
        session.execute(increments.upsert_statement(session, model, counts=(value,)), rows)
        schools = sorted({key[0] for key, _count in changed})
        session.execute(delete(table).where(table.c[value] == 0, table.c.school_id.in_(schools)))


def recompute(session, school_ids=None):
    """Replace the placement rollup rows of these schools (all when None) with their journals'.

    The schools' rows are locked first (in id order), so two transactions changing one school's
    journals recompute one after the other, the second seeing the first's entries.
    """
    if school_ids is not None:
        school_ids = sorted(set(school_ids))
        if not school_ids:
            return
        session.execute(
            select(Organization.id)
            .where(Organization.id.in_(school_ids))
            .order_by(Organization.id)
            .with_for_update()
        ).all()
    now = utcnow()
    for model, counts in expected(session, school_ids).items():
        table = model.__table__
        removal = delete(table)
        if school_ids is not None:
            removal = removal.where(table.c.school_id.in_(school_ids))
        session.execute(removal)
        keys = [column.name for column in table.primary_key.columns]
        rows = [
            {**dict(zip(keys, key, strict=True)), VALUE[model]: count, "updated_at": now}
            for key, count in sorted(counts.items())
            if count
        ]
        if rows:
            session.execute(table.insert(), rows)


def check(session):
    """(table, key, rollup, raw) for every placement rollup row that differs from the journals."""
    differences = []
    for model, counts in expected(session).items():
        table = model.__table__
        keys = [column.name for column in table.primary_key.columns]
        stored = {
            tuple(row._mapping[k] for k in keys): row._mapping[VALUE[model]]
            for row in session.execute(table.select())
        }
        for key in sorted(set(stored) | {k for k, v in counts.items() if v}, key=str):
            if stored.get(key, 0) != counts.get(key, 0):
                differences.append((table.name, key, stored.get(key, 0), counts.get(key, 0)))
    return differences


# -- reading ------------------------------------------------------------------------------------


def _school_clause(filters, model=Placement):
    return [model.school_id == filters.school.id] if filters.school else []


# -- the section --------------------------------------------------------------------------------


def build(session, filters, *, today, period, by_school, limit_companies=False):
    """The placement figures and tables for these filters.

    `period` is the chosen months (None: all time); `by_school` adds the schools table (the
    city's view); `limit_companies` keeps the page's companies table short.
    """
    where = _school_clause(filters)
    academic_year = filters.academic_year or academic_year_of(today)
    start_year = year_start(academic_year)
    year_first, year_last = date(start_year, 7, 1), date(start_year + 1, 6, 30)

    def per(column, *where_clauses, value=None):
        """{key: value} of one grouped statement: per company, or per school."""
        value = func.count() if value is None else value
        rows = session.execute(select(column, value).where(*where_clauses).group_by(column)).all()
        return Counter({key: int(total or 0) for key, total in rows})

    running = (Placement.status == PlacementStatus.RUNNING, *where)
    in_year = (Placement.starts_on <= year_last, Placement.ends_on >= year_first, *where)
    students = func.count(func.distinct(Placement.student_id))
    hours_where = list(_school_clause(filters, PlacementHours))
    if period:
        hours_where.append(PlacementHours.month.between(period[0], period[-1]))
    minutes = func.sum(PlacementHours.minutes)
    now_by_company = per(Placement.company_id, *running)
    hours_by_company = per(PlacementHours.company_id, *hours_where, value=minutes)
    placed_by_company = per(Placement.company_id, *in_year, value=students)

    delay_query = select(
        CountersignDelay.school_id, CountersignDelay.days, func.sum(CountersignDelay.entries)
    ).where(*_school_clause(filters, CountersignDelay))
    if period:
        delay_query = delay_query.where(CountersignDelay.month.between(period[0], period[-1]))
    delays = defaultdict(Counter)  # school -> {days: entries}
    for school_id, days, count in session.execute(
        delay_query.group_by(CountersignDelay.school_id, CountersignDelay.days)
    ):
        delays[school_id][int(days)] += int(count)
    pending = per(
        CountersignPending.school_id,
        CountersignPending.day < today - timedelta(days=PENDING_DAYS),
        *_school_clause(filters, CountersignPending),
        value=func.sum(CountersignPending.entries),
    )

    company_ids = set(now_by_company) | set(hours_by_company) | set(placed_by_company)
    companies = {}
    if company_ids:
        companies = {
            row.id: row
            for row in session.execute(
                select(
                    Organization.id,
                    Organization.name,
                    Organization.name_translations,
                    Company.sector,
                )
                .join(Company, Company.organization_id == Organization.id, isouter=True)
                .where(Organization.id.in_(sorted(company_ids)))
            ).all()
        }

    all_delays = Counter()
    for histogram in delays.values():
        all_delays.update(histogram)

    result = Placements(academic_year=academic_year)
    stamp = utcnow()
    values = {
        "placements_now": sum(now_by_company.values()),
        "placement_hours": _hours(sum(hours_by_company.values())),
        "placement_companies": len(placed_by_company),
        "countersign_median": percentile(all_delays, 0.5),
        "countersign_p90": percentile(all_delays, 0.9),
        "countersign_pending": sum(pending.values()),
    }
    for key, value in values.items():
        label, definition = DEFINITIONS[key]
        if key == "placement_companies":
            label = _l("Companies taking students in %(year)s", year=academic_year)
        kind = FIGURE_KINDS.get(key, "count")
        result.figures.append(Figure(key, label, definition, value, as_of=stamp, kind=kind))

    sector_of = {cid: (row.sector or "other") for cid, row in companies.items()}
    company_rows = [
        {
            "company_id": cid,
            "company": org_name(companies[cid]) if cid in companies else str(cid),
            "sector": sector_label(sector_of.get(cid, "other")),
            "now": now_by_company.get(cid, 0),
            "year": placed_by_company.get(cid, 0),
            "hours": _hours(hours_by_company.get(cid, 0)),
        }
        for cid in company_ids
    ]
    company_rows.sort(key=lambda r: (-r["now"], -r["year"], -r["hours"], r["company"].casefold()))
    total_companies = len(company_rows)
    note = None
    if limit_companies and total_companies > COMPANIES_ON_PAGE:
        company_rows = company_rows[:COMPANIES_ON_PAGE]
        note = _l(
            "The %(count)d companies with the most students on placement are shown; the CSV and "
            "XLSX list all %(total)d.",
            count=COMPANIES_ON_PAGE,
            total=total_companies,
        )
    result.tables["placement_companies"] = Table(
        "placement_companies",
        _l("Placements by company"),
        company_columns(academic_year),
        company_rows,
        total=total_companies,
        note=note,
    )

    sectors = {}
    for cid in company_ids:
        row = sectors.setdefault(
            sector_of.get(cid, "other"), {"companies": 0, "now": 0, "hours": 0}
        )
        row["companies"] += cid in placed_by_company
        row["now"] += now_by_company.get(cid, 0)
        row["hours"] += hours_by_company.get(cid, 0)
    sector_rows = [
        {
            "sector_code": code,
            "sector": sector_label(code),
            "companies": row["companies"],
            "now": row["now"],
            "hours": _hours(row["hours"]),
        }
        for code, row in sectors.items()
    ]
    sector_rows.sort(
        key=lambda r: (-r["now"], -r["companies"], -r["hours"], str(r["sector"]).casefold())
    )
    result.tables["placement_sectors"] = Table(
        "placement_sectors", _l("Placements by sector"), SECTOR_COLUMNS, sector_rows
    )

    if by_school:
        result.tables["placement_schools"] = _schools_table(
            session,
            per(Placement.school_id, *running),
            per(PlacementHours.school_id, *hours_where, value=minutes),
            delays,
            pending,
            per(Placement.school_id, *in_year, value=students),
        )
    return result


def _schools_table(session, now, hours, delays, pending, placed):
    """Every school with a placement this year, a placement running, hours, decided or waiting
    entries: its students on placement, hours and countersign delays."""
    ids = set(now) | set(hours) | set(delays) | set(pending) | set(placed)
    schools = []
    if ids:
        schools = session.execute(
            select(Organization.id, Organization.name, Organization.npsn)
            .where(Organization.id.in_(sorted(ids)))
            .order_by(Organization.name, Organization.id)
        ).all()
    rows = [
        {
            "school_id": school.id,
            "school": school.name,
            "npsn": school.npsn,
            "now": now.get(school.id, 0),
            "hours": _hours(hours.get(school.id, 0)),
            "median": percentile(delays.get(school.id, {}), 0.5),
            "p90": percentile(delays.get(school.id, {}), 0.9),
            "pending": pending.get(school.id, 0),
        }
        for school in schools
    ]
    return Table("placement_schools", _l("Placements by school"), SCHOOL_COLUMNS, rows)


def _hours(minutes):
    """Minutes as hours with one decimal, exactly (Decimal, as the other hour columns)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def sector_label(code):
    from eduplatform.placements.forms import SECTOR_LABELS

    return SECTOR_LABELS.get(code, code)


def figures_table(figures):
    """The placement figures as an export writes them: figure, value, definition, when."""
    rows = [
        {
            "figure": str(f.label),
            "value": float(f.value) if isinstance(f.value, Decimal) else f.value,
            "definition": str(f.definition),
            "as_of": f.as_of,
        }
        for f in figures
    ]
    columns = [
        Column("figure", _l("Figure"), "text"),
        Column("value", _l("Value"), "number"),
        Column("definition", _l("How it is counted"), "text"),
        Column("as_of", _l("Data as of"), "datetime"),
    ]
    return Table("placement_figures", _l("Industry placements"), columns, rows)
