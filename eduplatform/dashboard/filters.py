"""The dashboard's filters and who may use which: checked values, or a refusal naming the field.

- office and admin see every school (and may choose one);
- a teacher sees their own schools only, one at a time (another school's id answers 404);
- an author sees aggregates only: no school, no names.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eduplatform import scope as scoped
from eduplatform.curriculum.models import Module, Program
from eduplatform.curriculum.service import can_see
from eduplatform.dashboard import periods
from eduplatform.dashboard.periods import parse_month, year_start
from eduplatform.errors import Invalid
from eduplatform.ids import page_number
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Organization, Role

MAX_MONTHS = 60
FIRST_MONTH = "2000-01"  # no programme's data can be older: an earlier month is a typing slip


class OutOfScope(Exception):
    """The user may not see this (a school outside their scope): answer 404."""


@dataclass(frozen=True)
class Scope:
    kind: str  # "city": every school; "school": a teacher's schools; "aggregate": no school data
    school_id: int | None = None  # the school shown first: a teacher's home school
    school_ids: frozenset = frozenset()  # every school a teacher may see


def scope_of(actor):
    if actor.role in (Role.OFFICE, Role.ADMIN):
        return Scope("city")
    if actor.role == Role.TEACHER and actor.organization_id is not None:
        return Scope("school", actor.organization_id, school_ids(actor))
    if actor.role == Role.AUTHOR:
        return Scope("aggregate")
    raise OutOfScope()


@dataclass(frozen=True)
class Filters:
    academic_year: str | None = None
    school: Organization | None = None
    program: Program | None = None
    module: Module | None = None
    since: str | None = None  # "YYYY-MM", the first month of the month-by-month figures
    until: str | None = None
    page: int = 1

    def as_args(self, **changes):
        """The query-string arguments that give these filters back (for links and exports)."""
        args = {
            "year": self.academic_year,
            "school": self.school.id if self.school else None,
            "program": self.program.code if self.program else None,
            "module": self.module.code if self.module else None,
            "since": self.since,
            "until": self.until,
        }
        args.update(changes)
        return {key: value for key, value in args.items() if value not in (None, "")}

    def name_parts(self):
        """Words for an export's file name."""
        parts = [self.academic_year.replace("/", "-") if self.academic_year else None]
        parts.append(self.school.npsn or f"school-{self.school.id}" if self.school else None)
        parts += [self.program.code if self.program else None]
        parts += [self.module.code if self.module else None]
        parts += [f"{self.since or ''}..{self.until or ''}" if self.since or self.until else None]
        return [part for part in parts if part]


def resolve_filters(session, *, actor, args, school_id=None):
    """Filters from query arguments (or a school page's id), checked against the user's scope.

    Raises Invalid naming each unknown value and OutOfScope for a school the user may not see.
    """
    scope = scope_of(actor)
    errors = []

    def text(name):
        return (args.get(name) or "").strip()

    academic_year = text("year") or None
    if academic_year and year_start(academic_year) is None:
        errors.append(
            {"field": "year", "message": _l("Choose an academic year such as 2025/2026.")}
        )

    school = None
    asked = text("school")
    if asked and not asked.isdigit():
        errors.append({"field": "school", "message": _l("Choose a school from the list.")})
    elif asked:  # through the scope guard: unknown, out of range or not yours alike
        found = scoped.find("school", asked, source="query", name="school", user=actor, db=session)
        school = _school_in_scope(scope, found)
    if school_id is not None:  # a school's own page: its id wins over the query string
        found = scoped.find("school", school_id, source="path", user=actor, db=session)
        school = _school_in_scope(scope, found)
    elif school is None and scope.kind == "school":
        school = session.get(Organization, scope.school_id)

    program = None
    if text("program"):
        program = session.execute(
            select(Program).where(Program.code == text("program"))
        ).scalar_one_or_none()
        if program is None:
            errors.append({"field": "program", "message": _l("Choose a program from the list.")})
    module = None
    if text("module"):
        module = session.execute(
            select(Module).where(Module.code == text("module"))
        ).scalar_one_or_none()
        if module is not None and not can_see(actor, module):
            module = None  # another school's own module: as if unknown
        if module is None:
            errors.append({"field": "module", "message": _l("Choose a module from the list.")})
        elif program is not None and module.program_id != program.id:
            errors.append(
                {"field": "module", "message": _l("This module is not part of the chosen program.")}
            )

    since, until = _month_filters(text("since"), text("until"), errors)
    if academic_year and year_start(academic_year) is not None:
        months = periods.year_months(academic_year)
        for name, month in (("since", since), ("until", until)):
            if month and month not in months:
                errors.append(
                    {
                        "field": name,
                        "message": _l(
                            "Choose a month of the academic year %(year)s (%(first)s to "
                            "%(last)s), or no academic year.",
                            year=academic_year,
                            first=months[0],
                            last=months[-1],
                        ),
                    }
                )
    page = page_number(text("page"))
    if errors:
        raise Invalid(errors)
    return Filters(academic_year, school, program, module, since, until, page)


def _school_in_scope(scope, school):
    if school is None:
        raise OutOfScope()
    if scope.kind == "aggregate" or (scope.kind == "school" and school.id not in scope.school_ids):
        raise OutOfScope()
    return school


def _month_filters(since_text, until_text, errors):
    """The months from and to (each "YYYY-MM" or None): from FIRST_MONTH to this month."""
    since, until = parse_month(since_text), parse_month(until_text)
    first = parse_month(FIRST_MONTH)
    this_month = periods.local_now().date().replace(day=1)
    in_bounds = True
    for name, raw, parsed in (("since", since_text, since), ("until", until_text, until)):
        if raw and parsed is None:
            errors.append({"field": name, "message": _l("Enter a month as YYYY-MM.")})
        elif parsed and parsed < first:
            in_bounds = False
            errors.append(
                {
                    "field": name,
                    "message": _l(
                        "Choose %(month)s or a later month.",
                        month=periods.month_text(FIRST_MONTH),
                    ),
                }
            )
        elif parsed and parsed > this_month:
            in_bounds = False
            errors.append(
                {
                    "field": name,
                    "message": _l(
                        "Choose %(month)s (this month) or an earlier month.",
                        month=periods.month_text(this_month.strftime("%Y-%m")),
                    ),
                }
            )
    if since and until and in_bounds:
        if until < since:
            errors.append(
                {"field": "until", "message": _l("The end month is before the start month.")}
            )
        elif (until.year - since.year) * 12 + until.month - since.month >= MAX_MONTHS:
            errors.append({"field": "until", "message": _l("Choose at most 60 months at a time.")})
    return (
        since.strftime("%Y-%m") if since else None,
        until.strftime("%Y-%m") if until else None,
    )
