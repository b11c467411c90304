"""Numbers and charts as a page shows them, in the reader's language."""

from dataclasses import dataclass
from datetime import date

from babel.numbers import format_compact_decimal, get_decimal_symbol, get_group_symbol
from flask import g
from flask_babel import get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _

from eduplatform.dashboard import charts
from eduplatform.exchange.times import zone_label
from eduplatform.i18n import format_skeleton


def _symbols():
    # Babel's formatter is slow for the thousand cells of a page: take the symbols once.
    if "dashboard_symbols" not in g:
        locale = get_locale()
        g.dashboard_symbols = str.maketrans(
            {",": get_group_symbol(locale), ".": get_decimal_symbol(locale)}
        )
    return g.dashboard_symbols


def cell(value, kind="count"):
    """A table cell as people read it: 12.345 in Indonesian, 12,345 in English."""
    if value is None:
        return "<5" if kind == "count" else "–"
    if kind == "number":  # a column of figures of several kinds
        kind = "count" if float(value).is_integer() else "hours"
    if kind in ("count", "days"):
        return f"{int(value):,}".translate(_symbols())
    if kind == "hours":
        return f"{float(value):,.1f}".translate(_symbols())
    if kind == "percent":
        return f"{float(value) * 100:,.1f}%".translate(_symbols())
    if kind == "month":
        return month_label(value)
    if kind == "datetime":
        return as_of_text(value)
    return str(value)


def month_label(month):
    return format_skeleton(_first_day(month), "yMMM")


def _first_day(month):
    return date(int(month[:4]), int(month[5:7]), 1)


def as_of_text(moment):
    """'7 Des 2026 14.05 WIB (UTC+7)': the zone said, as beside every other time a lecturer in
    China may read (the figures are the city's, in its time zone)."""
    day, hour = format_skeleton(moment, "yMMMd"), format_skeleton(moment, "Hm")
    return f"{day} {hour} {zone_label(get_timezone(), to_user_timezone(moment))}"


def short_number(value, fraction_digits=1):
    """Chart labels: 4.8K, 4,8 rb, 1.7万 (the table beside the chart has them in full)."""
    return format_compact_decimal(value, locale=get_locale(), fraction_digits=fraction_digits)


def _month_axis(month):
    """Two short lines under a month's bar: the month, and the year in January."""
    day = _first_day(month)
    return (format_skeleton(day, "MMM"), format_skeleton(day, "y") if day.month == 1 else "")


# (table, label column, value column) of the tables drawn as horizontal bars.
BAR_CHARTS = (
    ("schools", "school", "verified"),
    ("cohorts", "label", "verified"),
    ("modules", "module", "verified"),
    ("funnel", "step", "students"),
)


def _bar_title(name):
    return {
        "schools": _("Units verified per school"),
        "cohorts": _("Units verified per class"),
        "modules": _("Units verified per module"),
        "funnel": _("Students who reached each step"),
    }[name]


@dataclass(frozen=True)
class ChartData:
    """What one chart draws: the page draws it as SVG, the printable report with ReportLab."""

    table: str  # the table it sits beside
    chart_id: str
    title: str
    kind: str  # columns (months) | bars (one row per label) | stacked (terms by kind)
    labels: list  # columns: (month, year or "") pairs; otherwise strings
    values: list  # one value per label; stacked: [(css class, [value per label])]
    css: str = "bar"
    legend: tuple = ()  # stacked: [(css class, name)]


def chart_data(dashboard):
    """Every chart of the dashboard's tables, in the page's order, with its numbers."""
    found = []
    months = dashboard.table("months")
    if months:
        labels = [_month_axis(row["month"]) for row in months.rows]
        found.append(
            ChartData(
                "months",
                "chart-verified",
                _("Units verified per month"),
                "columns",
                labels,
                [row["verified"] for row in months.rows],
            )
        )
        found.append(ChartData("months", "chart-certificates",
                               _("Certificates issued per month"), "columns", labels,
                               [row["certificates_issued"] for row in months.rows],
                               css="bar alt"))  # fmt: skip
    for name, label_key, value_key in BAR_CHARTS:
        table = dashboard.table(name)
        if table and table.rows:
            found.append(ChartData(name, f"chart-{name}", _bar_title(name), "bars",
                                   [str(row[label_key]) for row in table.rows],
                                   [row[value_key] for row in table.rows]))  # fmt: skip
    activities = dashboard.table("activities")
    if activities:
        terms = [c for c in activities.columns if c.key.startswith("term")]
        found.append(
            ChartData(
                "activities",
                "chart-activities",
                _("Completed exchange activities per term"),
                "stacked",
                [str(c.label) for c in terms],
                [
                    (f"bar kind-{r['kind_code']}", [r[c.key] for c in terms])
                    for r in activities.rows
                ],
                legend=tuple((f"bar kind-{r['kind_code']}", r["kind"]) for r in activities.rows),
            )
        )
    return found


def draw_charts(dashboard):
    """Each table's chart(s) as inline SVG, with their titles."""
    drawn = {}
    for chart in chart_data(dashboard):
        if chart.kind == "columns":
            svg = charts.columns(chart.chart_id, chart.title, chart.labels, chart.values,
                                 short_number, css=chart.css)  # fmt: skip
        elif chart.kind == "bars":
            svg = charts.bars(chart.chart_id, chart.title, chart.labels, chart.values, short_number)
        else:
            svg = charts.stacked(chart.chart_id, chart.title, chart.labels, chart.values,
                                 short_number, legend=list(chart.legend))  # fmt: skip
        drawn.setdefault(chart.table, []).append({"title": chart.title, "svg": svg})
    return drawn
