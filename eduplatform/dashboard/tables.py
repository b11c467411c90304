"""The dashboard's tables: what a chart draws, the page shows next to it, and an export writes."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

SMALL_CELL = 5  # counts below this (but above 0) are not shown to aggregate-only viewers


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    # count | hours | days | number | percent | text | month | term | code | datetime
    kind: str = "count"


@dataclass
class Table:
    name: str  # names the export: dashboard-<name>_...
    title: object
    columns: list
    rows: list = field(default_factory=list)
    total: int | None = None  # rows over every page, when the page shows one page of them
    note: object = None

    def values(self, row):
        return [row.get(column.key) for column in self.columns]


@dataclass
class Figure:
    key: str
    label: object
    definition: object
    value: object  # an int, or None when suppressed as a small cell
    as_of: object = None  # datetime of the latest change counted, or None (nothing yet)
    kind: str = "count"  # as a Column's: how the page writes the value (count, hours, days)

    def as_dict(self):
        return {
            "value": self.value,
            "suppressed": self.value is None,
            "label": str(self.label),
            "definition": str(self.definition),
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }


def suppress(value):
    """A count of 1 to 4 becomes None (shown as "<5"): aggregates must not single anyone out."""
    if isinstance(value, int) and 0 < value < SMALL_CELL:
        return None
    return value


def suppress_rows(table, keys):
    for row in table.rows:
        for key in keys:
            row[key] = suppress(row.get(key))
    table.note = _l("Counts from 1 to 4 are shown as “<5” so that no one can be singled out.")
    return table


def rate(verified, rejected):
    """Share of reviewed records that were verified, or None before any review."""
    reviewed = (verified or 0) + (rejected or 0)
    return (verified or 0) / reviewed if reviewed else None
