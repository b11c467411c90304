"""`eduplatform curricula import [DIR]` and `eduplatform curricula export CODE`."""

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from eduplatform.cli import PROJECT_ROOT, emit, json_option
from eduplatform.curriculum import importer
from eduplatform.curriculum.source import read_curricula
from eduplatform.db import new_session
from eduplatform.people.service import find_organization


@click.group("curricula")
def curricula():
    """The shared curriculum: import YAML files, export a module."""


def _refuse(errors, as_json):
    """Print every error with file, line and field; exit 1 (nothing was imported)."""
    if as_json:
        payload = {"created": [], "updated": [], "unchanged": [], "errors": errors}
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        for error in errors:
            where = error["file"] or ""
            if error.get("line"):
                where += f":{error['line']}"
            field = f" {error['field']}:" if error.get("field") else ""
            click.echo(f"{where}:{field} {error['message']}", err=True)
        click.echo(f"{len(errors)} error(s); nothing was imported.", err=True)
    sys.exit(1)


def _default_directory():
    local = Path("curricula")
    return local if local.is_dir() else PROJECT_ROOT / "curricula"


@curricula.command("import")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--owner", "owner_ref", help="Owner of new modules: organization name or id.")
@json_option
@with_appcontext
def import_command(directory, owner_ref, as_json):
    """Import programs and modules from DIR (default: curricula/); idempotent, all or nothing."""
    directory = directory or _default_directory()
    programs, errors = read_curricula(directory)
    if errors:
        _refuse(errors, as_json)
    with new_session() as session:
        clashes = importer.school_module_clashes(session, programs)
        if clashes:
            _refuse(clashes, as_json)
        if owner_ref:
            owner = find_organization(session, owner_ref)
            if owner is None:
                _refuse(
                    [
                        {
                            "file": None,
                            "line": None,
                            "field": "owner",
                            "message": f"no organization matches {owner_ref!r}",
                        }
                    ],
                    as_json,
                )
        else:
            owner = importer.default_owner(session)
        count = sum(len(program.modules) for program in programs)
        if as_json:
            summary = importer.import_curricula(session, actor=None, programs=programs, owner=owner)
        else:
            with click.progressbar(length=count, label="Importing modules") as bar:
                summary = importer.import_curricula(
                    session,
                    actor=None,
                    programs=programs,
                    owner=owner,
                    progress=lambda _code: bar.update(1),
                )
    lines = [f"program {p['code']}: {p['status']}" for p in summary["programs"]] + [
        f"{key}: {len(summary[key])} module(s)"
        + (f" ({', '.join(_label(m) for m in summary[key])})" if summary[key] else "")
        for key in ("created", "updated", "unchanged")
    ]
    if not summary["created"] and not summary["updated"]:
        lines.append("Nothing changed.")
    emit({**summary, "errors": []}, as_json, lines)


def _label(entry):
    return f"{entry['code']} v{entry['version']}"


@curricula.command("export")
@click.argument("code")
@with_appcontext
def export_command(code):
    """Write module CODE (its current published version, else its latest) as YAML to stdout."""
    with new_session(write=False) as session:
        text = importer.export_module(session, code)
    if text is None:
        click.echo(f"error: no module with code {code!r}", err=True)
        sys.exit(1)
    click.echo(text, nl=False)
