"""The dashboard's rules: who sees which figures, the filters, and the figures themselves.

- office and admin see every school (and may choose one);
- a teacher sees their own school only (another school's id answers 404);
- an author sees aggregates only: no school, no names, counts from 1 to 4 shown as "<5".
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eduplatform.curriculum.models import Program
from eduplatform.dashboard import breakdowns, figures, placements
from eduplatform.dashboard.filters import (  # noqa: F401 - the views use them from here
    Filters,
    OutOfScope,
    Scope,
    resolve_filters,
    scope_of,
)
from eduplatform.dashboard.periods import (
    academic_year_of,
    local_now,
    month_range,
    month_text,
    previous_term,
    shift_month,
    term_of,
    year_months,
)
from eduplatform.dashboard.tables import suppress, suppress_rows
from eduplatform.exchange.models import ExchangeActivity, Partnership
from eduplatform.exchange.queries import school_activities, school_partnerships
from eduplatform.i18n import translated
from eduplatform.people.models import Cohort, Organization, OrgKind

SCHOOLS_PER_PAGE = 20


# -- periods the figures cover ------------------------------------------------------------------


def chart_months(filters, this_month):
    """Months of the month-by-month figures: the chosen year (July to June, within the chosen
    months if any), the chosen range, or the last 12."""
    if filters.academic_year:
        return [
            month
            for month in year_months(filters.academic_year)
            if (not filters.since or month >= filters.since)
            and (not filters.until or month <= filters.until)
        ]
    if filters.since or filters.until:
        first = filters.since or shift_month(filters.until, -11)
        last = filters.until or min(shift_month(first, 11), max(first, this_month))
        return month_range(first, last)
    return breakdowns.recent_months(this_month)


def period_months(filters, this_month):
    """The months every dated figure counts (those of the charts), or None for all time.

    Work, certificates and activities count by the month they happened in (Western Indonesia
    Time), so a year's headline figures are the sums of its month-by-month charts.
    """
    if filters.academic_year or filters.since or filters.until:
        return chart_months(filters, this_month)
    return None


def period_note(filters, this_month):
    """What the chosen period counts, said on the page beside the filters."""
    if filters.academic_year:
        months = chart_months(filters, this_month)
        return _l(
            "Figures count what happened from %(first)s to %(last)s (academic year %(year)s): "
            "units verified, certificates and activities by their month. Active students, "
            "schools taking part, the classes and the funnel count the classes of %(year)s.",
            first=month_text(months[0]),
            last=month_text(months[-1]),
            year=filters.academic_year,
        )
    if filters.since or filters.until:
        months = chart_months(filters, this_month)
        return _l(
            "Figures count what happened from %(first)s to %(last)s: units verified, "
            "certificates and activities by their month.",
            first=month_text(months[0]),
            last=month_text(months[-1]),
        )
    return None


def chart_terms(filters, this_month):
    """The terms of the activity table: those of the chosen period, else the last four."""
    if filters.since or filters.until or filters.academic_year:
        months = chart_months(filters, this_month)
        terms = []
        for month in months:
            if term_of(month) not in terms:
                terms.append(term_of(month))
        return terms
    terms = [term_of(this_month)]
    while len(terms) < 4:
        terms.insert(0, previous_term(terms[0]))
    return terms


def term_label(term):
    academic_year, half = term
    return _l("Term %(half)d %(year)s", half=half, year=academic_year)


# -- what a page shows --------------------------------------------------------------------------


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    figures: list
    tables: dict  # name -> Table, in the order the page shows them
    module: object = None  # the module of the funnel
    as_of: object = None
    note: object = None  # what the chosen period counts
    modules: list = field(default_factory=list)  # [(module, current version)] of every program
    placement_figures: list | None = None  # industry placements (None: not for this viewer)

    def table(self, name):
        return self.tables.get(name)


def _now_periods():
    now = local_now()
    this_month = now.strftime("%Y-%m")
    return now, this_month, term_of(this_month)


def build(session, *, actor, filters, tables=None, school_page=False):
    """Every figure and table the user's dashboard (or a school's page) shows with these filters.

    `tables` limits the work to some tables (an export needs one).
    """
    scope = scope_of(actor)
    _now, this_month, this_term = _now_periods()
    wanted = (lambda name: True) if tables is None else (lambda name: name in tables)
    result = Dashboard(scope, filters, [], {})
    period = period_months(filters, this_month)
    result.note = period_note(filters, this_month)
    if tables is None or "figures" in tables:
        result.figures = figures.headline(
            session, filters, this_month=this_month, this_term=this_term, period=period
        )
        if school_page:  # "schools taking part: 1" says nothing on a school's own page
            result.figures = [f for f in result.figures if f.key != "schools"]
    kind_labels = _kind_labels()
    if wanted("months"):
        result.tables["months"] = breakdowns.months_table(
            session, filters, chart_months(filters, this_month)
        )
    if wanted("schools") and scope.kind == "city" and not school_page:
        result.tables["schools"] = breakdowns.schools_table(
            session,
            filters,
            page=filters.page,
            per_page=SCHOOLS_PER_PAGE if tables is None else None,
            months=period,
        )
    if wanted("cohorts") and school_page:
        result.tables["cohorts"] = breakdowns.cohorts_table(session, filters)
    result.modules = breakdowns.all_modules(session, actor)
    modules = breakdowns.program_modules(result.modules, filters)
    if wanted("modules") and not school_page:
        result.tables["modules"] = breakdowns.modules_table(
            session, filters, modules, translated, months=period
        )
    if wanted("funnel") and modules:
        module, version = _funnel_module(filters, modules)
        result.module = module
        result.tables["funnel"] = breakdowns.funnel_table(
            session, filters, module, version, translated
        )
    if wanted("activities"):
        result.tables["activities"] = breakdowns.activities_table(
            session, filters, chart_terms(filters, this_month), kind_labels, term_label
        )
    if scope.kind != "aggregate" and any(wanted(name) for name in placements.TABLE_NAMES):
        # Authors see no placements: placements' pages are closed to them and a company's
        # count can single out a student.
        section = placements.build(
            session,
            filters,
            today=_now.date(),
            period=period,
            by_school=scope.kind == "city" and not school_page,
            limit_companies=tables is None,
        )
        result.placement_figures = section.figures
        section_tables = {"placement_figures": placements.figures_table(section.figures)}
        section_tables.update(section.tables)
        for name, table in section_tables.items():
            if wanted(name):
                result.tables[name] = table
    if scope.kind == "aggregate":
        _suppress_small_cells(result)
    moments = [f.as_of for f in result.figures if f.as_of is not None]
    result.as_of = max(moments) if moments else None
    return result


def _funnel_module(filters, modules):
    if filters.module is not None:
        for module, version in modules:
            if module.id == filters.module.id:
                return module, version
    return modules[0]


def _kind_labels():
    from eduplatform.exchange.forms import ACTIVITY_KIND_LABELS

    return ACTIVITY_KIND_LABELS


# Figures that count no people: shown to aggregate-only viewers as they are (a university
# deciding what to improve needs to know two schools follow a module, not "<5").
NOT_PEOPLE = ("activities_term", "schools")


def _suppress_small_cells(result):
    for figure in result.figures:
        if figure.key not in NOT_PEOPLE:
            figure.value = suppress(figure.value)
    counts = {
        "months": ("logged", "verified", "rejected", "certificates_issued", "certificates_revoked"),
        "modules": ("logged", "verified", "certificates"),
        "funnel": ("students",),
    }
    for name, keys in counts.items():
        if name in result.tables:
            suppress_rows(result.tables[name], keys)


def headline_figures(session, *, actor, filters):
    """The headline figures as a plain dict (for the JSON API): see the module's docstring.

    `filters` is a Filters or a mapping of query arguments (year, school, program, module).
    Raises Invalid for unknown filter values and OutOfScope outside the user's scope.
    """
    if not isinstance(filters, Filters):
        filters = resolve_filters(session, actor=actor, args=filters)
    scope = scope_of(actor)
    _now, this_month, this_term = _now_periods()
    found = figures.headline(
        session,
        filters,
        this_month=this_month,
        this_term=this_term,
        period=period_months(filters, this_month),
    )
    if scope.kind == "aggregate":
        for figure in found:
            if figure.key not in NOT_PEOPLE:
                figure.value = suppress(figure.value)
    moments = [f.as_of for f in found if f.as_of is not None]
    return {
        "scope": scope.kind,
        "filters": {
            "academic_year": filters.academic_year,
            "school_id": filters.school.id if filters.school else None,
            "program": filters.program.code if filters.program else None,
            "module": filters.module.code if filters.module else None,
        },
        "month": this_month,
        "term": {"academic_year": this_term[0], "half": this_term[1]},
        "as_of": max(moments).isoformat() if moments else None,
        "figures": {figure.key: figure.as_dict() for figure in found},
    }


def filter_options(session, *, actor, modules):
    """Choices of the filter form: academic years, schools (the office's, or a teacher's when
    they have several, home school first), programs and modules."""
    scope = scope_of(actor)
    years = set(session.execute(select(Cohort.academic_year).distinct()).scalars())
    years.add(academic_year_of(local_now().date()))
    schools = []
    if scope.kind == "city":
        schools = session.execute(
            select(Organization.id, Organization.name)
            .where(Organization.kind == OrgKind.SCHOOL)
            .order_by(Organization.name)
        ).all()
    elif scope.kind == "school" and len(scope.school_ids) > 1:
        rows = session.execute(
            select(Organization.id, Organization.name)
            .where(Organization.id.in_(sorted(scope.school_ids)))
            .order_by(Organization.name)
        ).all()
        schools = sorted(rows, key=lambda row: row.id != scope.school_id)
    programs = session.execute(select(Program).order_by(Program.code)).scalars().all()
    return {
        "years": sorted(years, reverse=True),
        "schools": schools,
        "programs": programs,
        "modules": modules,
    }


RECENT_ACTIVITIES = 10


def school_exchange(session, school):
    """A school's partnerships (with the partner's name) and its latest exchange activities."""
    partners = session.execute(
        select(Partnership, Organization.name)
        .join(Organization, Organization.id == Partnership.partner_id, isouter=True)
        .where(school_partnerships(school.id))
        .order_by(Partnership.started_on.desc(), Partnership.id.desc())
    ).all()
    rows = session.execute(
        select(ExchangeActivity, Partnership.school_id, Partnership.partner_id)
        .join(Partnership, Partnership.id == ExchangeActivity.partnership_id)
        .where(school_activities(school.id))
        .order_by(ExchangeActivity.starts_on.desc(), ExchangeActivity.id.desc())
        .limit(RECENT_ACTIVITIES)
    ).all()
    return {
        "partnerships": [
            {"partnership": p, "partner": name or p.partner_name} for p, name in partners
        ],
        "activities": [activity for activity, _school, _partner in rows],
        # A city-wide partnership's activity for the whole city: listed for its member schools,
        # counted in the city's figures only (dashboard.raw.activity_school); the page says so.
        "city_wide": {
            activity.id
            for activity, owner, partner in rows
            if activity.school_id is None and school.id not in (owner, partner)
        },
    }
