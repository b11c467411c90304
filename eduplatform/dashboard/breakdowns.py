"""The dashboard's tables: month by month, schools compared, modules, the funnel, activities,
and one school's classes. Each reads a few rollup rows per shown row, whatever the data's size.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, distinct, func, select

from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit
from eduplatform.curriculum.service import can_see, current_versions
from eduplatform.dashboard.figures import (
    enrollment_where,
    program_id_of,
    school_rows,
    training_where,
)
from eduplatform.dashboard.models import (
    ActivityMonth,
    CohortEnrollment,
    CohortModule,
    TrainingMonth,
    UnitReached,
)
from eduplatform.dashboard.periods import shift_month, term_months
from eduplatform.dashboard.tables import Column, Table, rate
from eduplatform.exchange.models import ActivityKind
from eduplatform.people.models import Cohort, Organization, OrgKind
from eduplatform.quality.figures import agreement_by_school

# -- month by month -----------------------------------------------------------------------------

MONTH_COLUMNS = [
    Column("month", _l("Month"), "month"),
    Column("logged", _l("Units logged")),
    Column("verified", _l("Units verified")),
    Column("rejected", _l("Units sent back")),
    Column("verified_hours", _l("Hours verified"), "hours"),
    Column("certificates_issued", _l("Certificates issued")),
    Column("certificates_revoked", _l("Certificates revoked")),
]


def months_table(session, filters, months):
    """Logged, verified and rejected units, hours and certificates per month."""
    names = [c.key for c in MONTH_COLUMNS[1:]]
    rows = session.execute(
        select(
            TrainingMonth.month,
            *[func.coalesce(func.sum(getattr(TrainingMonth, n)), 0) for n in names],
        )
        .where(
            *training_where(TrainingMonth, filters),
            TrainingMonth.month.between(months[0], months[-1]),
        )
        .group_by(TrainingMonth.month)
    ).all()
    found = {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}
    empty = dict.fromkeys(names, 0)
    return Table(
        "months",
        _l("Units and certificates per month"),
        MONTH_COLUMNS,
        [{"month": month, **found.get(month, empty)} for month in months],
    )


# -- schools compared ---------------------------------------------------------------------------

SCHOOL_COLUMNS = [
    Column("school", _l("School"), "text"),
    Column("npsn", _l("NPSN"), "code"),
    Column("students", _l("Active students")),
    Column("verified", _l("Units verified")),
    Column("rejected", _l("Units sent back")),
    Column("rate", _l("Verification rate"), "percent"),
    Column("certificates", _l("Certificates issued")),
    # The partner university's quality sampling (eduplatform.quality.figures defines it).
    Column("agreement", _l("Agreement with the university's reviewers"), "percent"),
]


def schools_table(session, filters, *, page=1, per_page=None, months=None):
    """Every active school (one page of them, by name) with its students, units, certificates:
    students in classes of the chosen year, work by the month it happened (in `months`).

    Like every other table, it follows the school filter: with a school chosen it has that
    school's row only (and says so), so that an export named for a school holds no other.
    """
    schools = select(Organization.id, Organization.name, Organization.npsn).where(
        Organization.kind == OrgKind.SCHOOL, Organization.active
    )
    note = None
    if filters.school is not None:
        schools = schools.where(Organization.id == filters.school.id)
        note = _l(
            "Only the chosen school is shown: choose “Every school” in the filters to compare "
            "the schools."
        )
    everyone = session.execute(schools.order_by(Organization.name, Organization.id)).all()
    shown = everyone
    if per_page:
        shown = everyone[(page - 1) * per_page : page * per_page]
    ids = [row.id for row in shown]
    students = dict(
        session.execute(
            select(CohortEnrollment.school_id, func.sum(CohortEnrollment.active))
            .where(CohortEnrollment.school_id.in_(ids), *enrollment_where(filters, school=False))
            .group_by(CohortEnrollment.school_id)
        ).all()
    )
    work = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                TrainingMonth.school_id,
                func.sum(TrainingMonth.verified),
                func.sum(TrainingMonth.rejected),
                func.sum(TrainingMonth.certificates_issued - TrainingMonth.certificates_revoked),
            )
            .where(
                TrainingMonth.school_id.in_(ids),
                *training_where(TrainingMonth, filters, by_school=False, months=months),
            )
            .group_by(TrainingMonth.school_id)
        ).all()
    }
    agreement = agreement_by_school(session, ids)
    rows = []
    for school in shown:
        verified, rejected, certificates = work.get(school.id, (0, 0, 0))
        rows.append(
            {
                "school_id": school.id,
                "school": school.name,
                "npsn": school.npsn,
                "students": int(students.get(school.id) or 0),
                "verified": int(verified or 0),
                "rejected": int(rejected or 0),
                "rate": rate(verified, rejected),
                "certificates": int(certificates or 0),
                "agreement": agreement.get(school.id),
            }
        )
    return Table(
        "schools", _l("Schools compared"), SCHOOL_COLUMNS, rows, total=len(everyone), note=note
    )


# -- modules and their funnel -------------------------------------------------------------------

MODULE_COLUMNS = [
    Column("module", _l("Module"), "code"),
    Column("title", _l("Title"), "text"),
    Column("schools", _l("Schools working on it")),
    Column("logged", _l("Units logged")),
    Column("verified", _l("Units verified")),
    Column("rate", _l("Verification rate"), "percent"),
    Column("certificates", _l("Certificates issued")),
]


def all_modules(session, actor=None):
    """[(module, its current version or None)] of every program, in program order: those
    `actor` may see (another school's own module is left out)."""
    modules = session.execute(
        select(Module)
        .join(Program, Program.id == Module.program_id)
        .order_by(Program.code, Module.position, Module.code)
    ).scalars()
    modules = [m for m in modules if actor is None or can_see(actor, m)]
    versions = current_versions(session, [m.id for m in modules])
    return [(module, versions.get(module.id)) for module in modules]


def program_modules(modules, filters):
    """The modules of the chosen program (the chosen module's program), or all."""
    program_id = program_id_of(filters)
    return [(m, v) for m, v in modules if program_id is None or m.program_id == program_id]


def modules_table(session, filters, modules, translate, months=None):
    """Per module: the schools whose students logged its units, units logged and verified,
    verification rate, certificates (in `months`)."""
    clauses = training_where(TrainingMonth, filters, months=months)
    totals = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                TrainingMonth.module_id,
                func.sum(TrainingMonth.logged),
                func.sum(TrainingMonth.verified),
                func.sum(TrainingMonth.rejected),
                func.sum(TrainingMonth.certificates_issued - TrainingMonth.certificates_revoked),
                func.count(distinct(case((TrainingMonth.logged > 0, TrainingMonth.school_id)))),
            )
            .where(*clauses)
            .group_by(TrainingMonth.module_id)
        ).all()
    }
    rows = []
    for module, version in modules:
        if filters.module is not None and module.id != filters.module.id:
            continue
        logged, verified, rejected, certificates, schools = totals.get(module.id, (0,) * 5)
        rows.append(
            {
                "module_id": module.id,
                "module": module.code,
                "title": translate(version.title) if version else "",
                "schools": int(schools or 0),
                "logged": int(logged or 0),
                "verified": int(verified or 0),
                "rate": rate(verified, rejected),
                "certificates": int(certificates or 0),
            }
        )
    return Table("modules", _l("Modules"), MODULE_COLUMNS, rows)


FUNNEL_COLUMNS = [
    Column("step", _l("Step"), "text"),
    Column("code", _l("Unit"), "code"),
    Column("students", _l("Students")),
]


def funnel_table(session, filters, module, version, translate):
    """How many students reached each unit of a module: enrolled, each unit verified, certified."""
    title = _l("How far students get in %(module)s", module=module.code)
    units = session.execute(
        select(Unit.id, Unit.code, Unit.position, Unit.version_id, Unit.title)
        .join(ModuleVersion, ModuleVersion.id == Unit.version_id)
        .where(ModuleVersion.module_id == module.id)
    ).all()
    reached = dict(
        session.execute(
            select(UnitReached.unit_id, func.sum(UnitReached.verified))
            .where(
                UnitReached.unit_id.in_([u.id for u in units]),
                school_rows(UnitReached, filters),
                *(
                    [UnitReached.academic_year == filters.academic_year]
                    if filters.academic_year
                    else []
                ),
            )
            .group_by(UnitReached.unit_id)
        ).all()
    )
    # Everyone who was in a class of the program (moves counted once, at the new class).
    in_class = CohortEnrollment.active + CohortEnrollment.completed + CohortEnrollment.withdrawn
    enrolled = session.execute(
        select(func.coalesce(func.sum(in_class), 0))
        .where(*enrollment_where(filters))
        .where(CohortEnrollment.program_id == module.program_id)
    ).scalar_one()
    certified = session.execute(
        select(
            func.coalesce(
                func.sum(TrainingMonth.certificates_issued - TrainingMonth.certificates_revoked), 0
            )
        ).where(
            school_rows(TrainingMonth, filters),
            TrainingMonth.module_id == module.id,
            *(
                [TrainingMonth.academic_year == filters.academic_year]
                if filters.academic_year
                else []
            ),
        )
    ).scalar_one()
    # Versions of a module share unit codes: a unit's step is its code, in the current order.
    steps, current = {}, version.id if version else None
    for unit in sorted(units, key=lambda u: (u.version_id != current, u.position, u.code)):
        step = steps.setdefault(unit.code, {"code": unit.code, "students": 0, "title": unit.title})
        step["students"] += int(reached.get(unit.id) or 0)
    rows = [{"step": _l("In a class of the program"), "code": "", "students": int(enrolled)}]
    rows += [
        {"step": translate(s["title"]), "code": s["code"], "students": s["students"]}
        for s in steps.values()
    ]
    rows.append({"step": _l("Certified"), "code": "", "students": int(certified)})
    note = None
    if filters.academic_year:
        note = _l(
            "Students of the classes of %(year)s, with everything they reached.",
            year=filters.academic_year,
        )
    return Table("funnel", title, FUNNEL_COLUMNS, rows, note=note)


# -- exchange activities ------------------------------------------------------------------------


def activities_table(session, filters, terms, kind_labels, term_label):
    """Completed activities per kind and term, and their participants' hours."""
    months = sorted(m for term in terms for m in term_months(term))
    rows = session.execute(
        select(
            ActivityMonth.month,
            ActivityMonth.kind,
            func.sum(ActivityMonth.completed),
            func.sum(ActivityMonth.participant_hours),
        )
        .where(
            school_rows(ActivityMonth, filters),
            ActivityMonth.month.between(months[0], months[-1]),
        )
        .group_by(ActivityMonth.month, ActivityMonth.kind)
    ).all()
    term_of_month = {m: index for index, term in enumerate(terms) for m in term_months(term)}
    counts, hours = {}, {}
    for month, kind, completed, participant_hours in rows:
        index = term_of_month.get(month)
        if index is None:
            continue
        counts[(kind, index)] = counts.get((kind, index), 0) + int(completed or 0)
        hours[kind] = hours.get(kind, 0) + (participant_hours or 0)
    columns = [Column("kind", _l("Kind"), "text")]
    columns += [
        Column(f"term{index}", term_label(term), "count") for index, term in enumerate(terms)
    ]
    columns.append(Column("hours", _l("Participant hours"), "hours"))
    table_rows = []
    for kind in ActivityKind:
        row = {
            "kind": kind_labels.get(kind, kind),
            "kind_code": str(kind),
            "hours": hours.get(kind, 0),
        }
        row.update({f"term{i}": counts.get((kind, i), 0) for i in range(len(terms))})
        table_rows.append(row)
    return Table("activities", _l("Exchange activities by kind and term"), columns, table_rows)


# -- one school ---------------------------------------------------------------------------------

COHORT_COLUMNS = [
    Column("cohort", _l("Class"), "text"),
    Column("academic_year", _l("Academic year"), "text"),
    Column("program", _l("Program"), "code"),
    Column("students", _l("Active students")),
    Column("verified", _l("Units verified")),
    Column("rate", _l("Verification rate"), "percent"),
    Column("certificates", _l("Certificates issued")),
]


def cohorts_table(session, filters):
    """The school's classes (in the chosen year and program) with students, units, certificates."""
    school_id = filters.school.id
    query = (
        select(Cohort.id, Cohort.name, Cohort.academic_year, Program.code)
        .join(Program, Program.id == Cohort.program_id, isouter=True)
        .where(Cohort.school_id == school_id)
    )
    if filters.academic_year:
        query = query.where(Cohort.academic_year == filters.academic_year)
    program_id = program_id_of(filters)
    if program_id is not None:
        query = query.where(Cohort.program_id == program_id)
    cohorts = session.execute(
        query.order_by(Cohort.academic_year.desc(), Cohort.name, Cohort.id)
    ).all()
    students = dict(
        session.execute(
            select(CohortEnrollment.cohort_id, CohortEnrollment.active).where(
                CohortEnrollment.school_id == school_id
            )
        ).all()
    )
    work = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                CohortModule.cohort_id,
                func.sum(CohortModule.verified),
                func.sum(CohortModule.rejected),
                func.sum(CohortModule.certificates_issued - CohortModule.certificates_revoked),
            )
            .where(
                CohortModule.school_id == school_id,
                *training_where(CohortModule, filters, by_school=False),
            )
            .group_by(CohortModule.cohort_id)
        ).all()
    }
    rows = []
    for cohort in cohorts:
        verified, rejected, certificates = work.get(cohort.id, (0, 0, 0))
        rows.append(
            {
                "cohort_id": cohort.id,
                "cohort": cohort.name,
                "label": f"{cohort.name} ({cohort.academic_year})",
                "academic_year": cohort.academic_year,
                "program": cohort.code or "",
                "students": int(students.get(cohort.id) or 0),
                "verified": int(verified or 0),
                "rate": rate(verified, rejected),
                "certificates": int(certificates or 0),
            }
        )
    note = None
    if filters.academic_year:
        note = _l(
            "The classes of %(year)s, with all the work they logged.", year=filters.academic_year
        )
    return Table("cohorts", _l("Classes"), COHORT_COLUMNS, rows, note=note)


def recent_months(this_month, count=12):
    return [shift_month(this_month, -i) for i in range(count - 1, -1, -1)]
