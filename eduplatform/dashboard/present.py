"""Numbers and charts as a page shows them, in the reader's language."""

from datetime import date

from babel.numbers import format_compact_decimal, get_decimal_symbol, get_group_symbol
from flask import g
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from eduplatform.dashboard import charts


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
    if kind == "count":
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
    return format_date(date(int(month[:4]), int(month[5:7]), 1), "MMM y")


def as_of_text(moment):
    return format_datetime(moment, "d MMM y HH:mm")


def short_number(value, fraction_digits=1):
    """Chart labels: 4.8K, 4,8 rb, 1.7万 (the table beside the chart has them in full)."""
    return format_compact_decimal(value, locale=get_locale(), fraction_digits=fraction_digits)


def _chart(draw, chart_id, title, *args, **kwargs):
    return {"title": title, "svg": draw(chart_id, title, *args, **kwargs)}


def _month_axis(month):
    """Two short lines under a month's bar: the month, and the year in January."""
    name, _sep, year = month_label(month).rpartition(" ")
    return (name or month, year if month.endswith("-01") else "")


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


def draw_charts(dashboard):
    """Each table's chart(s) as inline SVG, with their titles."""
    drawn = {}
    months = dashboard.table("months")
    if months:
        labels = [_month_axis(row["month"]) for row in months.rows]
        drawn["months"] = [
            _chart(
                charts.columns,
                "chart-verified",
                _("Units verified per month"),
                labels,
                [row["verified"] for row in months.rows],
                short_number,
            ),
            _chart(
                charts.columns,
                "chart-certificates",
                _("Certificates issued per month"),
                labels,
                [row["certificates_issued"] for row in months.rows],
                short_number,
                css="bar alt",
            ),
        ]
    for name, label_key, value_key in BAR_CHARTS:
        table = dashboard.table(name)
        if table and table.rows:
            drawn[name] = [
                _chart(
                    charts.bars,
                    f"chart-{name}",
                    _bar_title(name),
                    [str(row[label_key]) for row in table.rows],
                    [row[value_key] for row in table.rows],
                    short_number,
                )
            ]
    activities = dashboard.table("activities")
    if activities:
        terms = [c for c in activities.columns if c.key.startswith("term")]
        drawn["activities"] = [
            _chart(
                charts.stacked,
                "chart-activities",
                _("Completed exchange activities per term"),
                [str(c.label) for c in terms],
                [
                    (f"bar kind-{r['kind_code']}", [r[c.key] for c in terms])
                    for r in activities.rows
                ],
                short_number,
                legend=[(f"bar kind-{r['kind_code']}", r["kind"]) for r in activities.rows],
            )
        ]
    return drawn
