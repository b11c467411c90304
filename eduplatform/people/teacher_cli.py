"""`eduplatform teachers import`: a school's teacher list (Dapodik's GTK export too)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option
from eduplatform.db import new_session
from eduplatform.errors import Invalid
from eduplatform.people.cohort_cli import find_school
from eduplatform.people.sheets import MAX_BYTES, SheetError
from eduplatform.people.teacher_import import import_teachers
from eduplatform.people.teacher_list import parse_teacher_list


@click.group("teachers")
def teachers():
    """Teachers of a school."""


def _refuse(errors, as_json):
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
        emit({"invited": 0, "added_to_school": 0, "unchanged": 0, "errors": errors}, True)
    else:
        for error in errors:
            where = " ".join(
                f"{key} {error[key]}"
                for key in ("row", "column", "field")
                if error.get(key) not in (None, "")
            )
            click.echo(f"error: {where + ': ' if where else ''}{error['message']}", err=True)
    raise SystemExit(1)


@teachers.command("import")
@click.option("--school", "npsn", required=True, help="NPSN of the school.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing, send nothing.")
@json_option
@with_appcontext
def import_command(npsn, file, dry_run, as_json):
    """Import a CSV or XLSX teacher list into a school: invite the new teachers by email, add
    the school to those already on the platform. All rows or none."""
    with new_session() as session:
        school = find_school(session, npsn)
        if school is None:
            _refuse([{"field": "school", "message": f"no school has NPSN {npsn!r}"}], as_json)
        with file.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        try:
            listed = parse_teacher_list(data)
            result = import_teachers(
                session, actor=None, school=school, teachers=listed, dry_run=dry_run
            )
        except (SheetError, Invalid) as refused:
            session.rollback()
            _refuse(refused.errors, as_json)
        summary = result.summary()
        if listed.ignored:
            summary["ignored_columns"] = listed.ignored
        if result.from_number:
            summary["nuptk_from_number_rows"] = result.from_number
        if dry_run:
            summary["dry_run"] = True
        emit(summary, as_json, _lines(summary, result, dry_run))


def _lines(summary, result, dry_run):
    lines = [
        f"{'would invite' if dry_run else 'invited'} {summary['invited']}, "
        f"{'would add' if dry_run else 'added'} {summary['added_to_school']} already on the "
        f"platform to the school, unchanged {summary['unchanged'] + summary['updated']}"
    ]
    for entry in summary["needs_email"]:
        lines.append(
            f"row {entry['row']}: {entry['name']} has no email: not invited "
            "(add the email to the file and import again)"
        )
    for entry in summary["not_teachers"]:
        lines.append(f"row {entry['row']}: {entry['name']} is not a teacher ({entry['kind']})")
    for entry in summary["inactive"]:
        what = (
            "their invitation was withdrawn: invite them again"
            if entry["state"] == "invitation_withdrawn"
            else "deactivated: reactivate them"
        )
        lines.append(
            f"row {entry['row']}: {entry['name']} is already on the platform but {what} from "
            "the school's teacher list (the import does not reactivate)"
        )
    if summary.get("ignored_columns"):
        lines.append("columns not imported: " + ", ".join(summary["ignored_columns"]))
    if result.from_number:
        rows = ", ".join(str(n) for n in result.from_number)
        lines.append(f"NUPTK completed with leading zeros (check them) on rows {rows}")
    return lines
