"""`eduplatform cohorts` and `eduplatform roster`."""

import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import select

from eduplatform.cli import emit, json_option, refuse
from eduplatform.curriculum.models import Program
from eduplatform.db import new_session
from eduplatform.errors import Invalid
from eduplatform.people import cohorts as rules
from eduplatform.people.activation import VALID_FOR, write_codes_csv
from eduplatform.people.models import Organization, OrgKind, User
from eduplatform.people.roster import MAX_BYTES, RosterError, parse_roster
from eduplatform.people.roster_import import (
    NAMES_KEEP,
    NAMES_TITLE,
    ImportOptions,
    default_rombel,
    import_roster,
)
from eduplatform.people.service import normalize_email, normalize_npsn
from eduplatform.sqltypes import utcnow


def find_school(session, npsn):
    """The school with this NPSN, however it was typed ("2030 0001" too), or None."""
    return session.exec(
        select(Organization).where(
            Organization.npsn == normalize_npsn(npsn), Organization.kind == OrgKind.SCHOOL
        )
    ).first()


def _school(session, npsn, as_json):
    school = find_school(session, npsn)
    if school is None:
        refuse([{"field": "school", "message": f"no school has NPSN {npsn!r}"}], as_json)
    return school


@click.group("cohorts")
def cohorts():
    """Classes of a school."""


@cohorts.command("create")
@click.option("--school", "npsn", required=True, help="NPSN of the school.")
@click.option("--name", required=True, help='Class name, e.g. "XI TKRO 1".')
@click.option("--year", required=True, help="Academic year, e.g. 2025/2026.")
@click.option("--program", "program_code", help="Code of the program the class follows.")
@click.option("--teacher", "teacher_emails", multiple=True, help="Email of a teacher (repeatable).")
@json_option
@with_appcontext
def create_cohort(npsn, name, year, program_code, teacher_emails, as_json):
    """Create a class of a school for one academic year."""
    with new_session() as session:
        school = _school(session, npsn, as_json)
        program_id = None
        if program_code:
            program = session.exec(select(Program).where(Program.code == program_code)).first()
            if program is None:
                refuse([{"field": "program", "message": f"no program {program_code!r}"}], as_json)
            program_id = program.id
        teachers = []
        for email in teacher_emails:
            user = session.exec(select(User).where(User.email == normalize_email(email))).first()
            if user is None:
                refuse([{"field": "teacher", "message": f"no account {email!r}"}], as_json)
            teachers.append(user)
        try:
            cohort = rules.create_cohort(
                session,
                actor=None,
                school=school,
                name=name,
                academic_year=year,
                program_id=program_id,
                teachers=teachers,
            )
        except Invalid as refused:
            session.rollback()
            refuse(refused, as_json)
        payload = {
            "cohort": {
                "id": cohort.id,
                "school_id": school.id,
                "name": cohort.name,
                "academic_year": cohort.academic_year,
                "program_id": cohort.program_id,
                "teacher_ids": [t.id for t in teachers],
            }
        }
        emit(payload, as_json, [f"created class {cohort.id}: {cohort.name} {cohort.academic_year}"])


@click.group("roster")
def roster():
    """Student rosters."""


def _refuse_rows(errors, as_json):
    errors = [
        {
            "row": e.get("row"),
            "column": e.get("column"),
            **({"field": e["field"]} if e.get("field") else {}),
            "message": str(e["message"]),
        }
        for e in errors
    ]
    if as_json:
        emit({"created": 0, "updated": 0, "unchanged": 0, "errors": errors}, True)
        raise SystemExit(1)
    refuse(errors, as_json)


@roster.command("import")
@click.option("--school", "npsn", required=True, help="NPSN of the school.")
@click.option("--cohort", "cohort_name", required=True, help="Name of the class.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option(
    "--rombel",
    help="The class of the file to import when it lists several (default: the one named "
    "like the class).",
)
@click.option(
    "--keep-capitals",
    is_flag=True,
    help="Keep names and places written in capitals as they are (default: title case).",
)
@click.option(
    "--codes-csv",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the new students' activation codes to this CSV file (they are never printed).",
)
@click.option(
    "--codes-xlsx",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the new students' activation codes to this Excel workbook (NISN kept as text).",
)
@json_option
@with_appcontext
def import_command(
    npsn, cohort_name, file, dry_run, rombel, keep_capitals, codes_csv, codes_xlsx, as_json
):
    """Import a CSV or XLSX student list (a Dapodik export too) into a class: all rows or none."""
    with new_session() as session:
        school = find_school(session, npsn)
        if school is None:
            _refuse_rows([{"field": "school", "message": f"no school has NPSN {npsn!r}"}], as_json)
        cohort = rules.find_cohort(session, school=school, name=cohort_name)
        if cohort is None:
            message = f"{school.name} has no class named {cohort_name!r}"
            _refuse_rows([{"field": "cohort", "message": message}], as_json)
        with file.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        try:
            roster = parse_roster(data)
            options = ImportOptions(
                names=NAMES_KEEP if keep_capitals else NAMES_TITLE,
                rombel=rombel or default_rombel(roster, cohort),
            )
            result = import_roster(
                session, actor=None, cohort=cohort, roster=roster, options=options, dry_run=dry_run
            )
        except (RosterError, Invalid) as refused:
            session.rollback()
            _refuse_rows(refused.errors, as_json)
        summary = result.summary()
        if roster.ignored:
            summary["ignored_columns"] = roster.ignored
        if result.padded:
            summary["padded_nisn_rows"] = result.padded
        if result.skipped:
            summary["skipped_other_rombel"] = result.skipped
        if dry_run:
            summary["dry_run"] = True
        if result.codes:
            summary["activation_codes"] = len(result.codes)
            if codes_csv:
                _write_codes(codes_csv, result.codes)
            if codes_xlsx:
                _write_codes_xlsx(codes_xlsx, result.codes)
        saved_to = [str(path) for path in (codes_csv, codes_xlsx) if path]
        emit(summary, as_json, _import_lines(summary, result, dry_run, " and ".join(saved_to)))


def _import_lines(summary, result, dry_run, saved_to):
    lines = [
        f"{'would create' if dry_run else 'created'} {summary['created']}, "
        f"{'would update' if dry_run else 'updated'} {summary['updated']}, "
        f"unchanged {summary['unchanged']}"
    ]
    if result.skipped:
        lines.append(f"skipped {result.skipped} students of the file's other classes")
    if summary.get("ignored_columns"):
        lines.append("columns not imported: " + ", ".join(summary["ignored_columns"]))
    if result.padded:
        rows = ", ".join(str(n) for n in result.padded)
        lines.append(f"NISN completed with leading zeros (check them) on rows {rows}")
    if result.codes:
        where = f"written to {saved_to}" if saved_to else "not saved (use --codes-xlsx)"
        lines.append(f"{len(result.codes)} activation codes {where}")
    return lines


def _write_codes(path, issued):
    """The codes file is readable by its owner only: it holds one-time sign-in secrets."""
    expires = (utcnow() + VALID_FOR).date().isoformat()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        rows = ([s.full_name, s.nisn, code, expires] for s, code in issued)
        write_codes_csv(out, ["name", "nisn", "code", "valid_until"], rows)


def _write_codes_xlsx(path, issued):
    """The codes as a workbook a clerk opens by double-click (a CSV would lose a NISN's leading
    zeros there); readable by its owner only, like the CSV."""
    from eduplatform.people.codes_workbook import codes_xlsx  # xlsxwriter: loaded when asked for

    expires = (utcnow() + VALID_FOR).date()
    header = ["Name", "NISN", "Activation code", "Valid until"]
    rows = ([s.full_name, s.nisn, code, expires] for s, code in issued)
    data = codes_xlsx(header, rows, title="Activation codes", text_columns={1, 2})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
