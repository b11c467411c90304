"""The `eduplatform` command group: the Flask CLI with this app preset, plus data commands."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from eduplatform.db import new_session
from eduplatform.errors import Invalid

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main():
    """Console-script entry point."""
    cli = FlaskGroup(create_app=_create_app, help=__doc__, add_version_option=False)
    cli.main(prog_name="eduplatform")


def _create_app():
    """The app, or a one-line message (no traceback) when a required setting is missing."""
    from flask.cli import NoAppException

    from eduplatform import create_app
    from eduplatform.config import ConfigurationError

    try:
        return create_app()
    except ConfigurationError as missing:
        raise NoAppException(str(missing)) from None


def json_option(command):
    return click.option(
        "--json", "as_json", is_flag=True, help="Print exactly one JSON object on stdout."
    )(command)


def emit(payload, as_json, lines=()):
    """Report success: one JSON object, or readable lines."""
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, default=str))
    else:
        for line in lines:
            click.echo(line)


def refuse(errors, as_json):
    """Report refused input (nothing was written) and exit 1."""
    if isinstance(errors, Invalid):
        errors = errors.errors
    errors = [
        {k: (str(v) if v is not None and k == "message" else v) for k, v in e.items()}
        for e in errors
    ]
    if as_json:
        click.echo(json.dumps({"errors": errors}, ensure_ascii=False))
    else:
        for error in errors:
            where = " ".join(
                f"{key} {error[key]}"
                for key in ("row", "column", "field")
                if error.get(key) not in (None, "")
            )
            click.echo(f"error: {where + ': ' if where else ''}{error['message']}", err=True)
    sys.exit(1)


def register(app):
    """Attach every command group to the app's CLI."""
    from eduplatform.api.cli import tokens
    from eduplatform.credentials.cli import keys_group
    from eduplatform.curriculum.cli import curricula
    from eduplatform.dashboard.cli import rollups
    from eduplatform.exchange.cli import partnerships
    from eduplatform.notifications.cli import notifications
    from eduplatform.ops.cli import backup_command, mail_group, restore_command, serve_command
    from eduplatform.people.cli import orgs, users
    from eduplatform.people.cohort_cli import cohorts, roster
    from eduplatform.people.teacher_cli import teachers
    from eduplatform.quality.cli import quality

    for group in (
        db_group,
        demo_command,
        orgs,
        users,
        cohorts,
        roster,
        teachers,
        curricula,
        partnerships,
        tokens,
        keys_group,
        rollups,
        translate,
        backup_command,
        restore_command,
        serve_command,
        mail_group,
        notifications,
        quality,
    ):
        app.cli.add_command(group)


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@click.group("db")
def db_group():
    """Database schema: upgrade, downgrade, current (Alembic)."""


def _run_alembic(action, *args):
    from alembic import command

    from eduplatform.db import get_engine, migration_connection

    with migration_connection(get_engine()) as connection:
        getattr(command, action)(alembic_config(connection), *args)


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision):
    """Apply migrations up to REVISION (default: every head)."""
    _run_alembic("upgrade", revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision):
    """Revert migrations down to REVISION (default: one step)."""
    _run_alembic("downgrade", revision)
    click.echo(f"database downgraded to {revision}")


@db_group.command("current")
@with_appcontext
def db_current():
    """Show the revision the database is at."""
    _run_alembic("current")


@click.command("demo")
@click.option(
    "--scale",
    type=click.IntRange(min=0),
    default=0,
    help="Add N times the synthetic city-scale data set.",
)
@click.option(
    "--if-empty", is_flag=True, help="Only load the demo data when the database has no users yet."
)
@json_option
@with_appcontext
def demo_command(scale, if_empty, as_json):
    """Create the demo organizations and one account per role (idempotent)."""
    from eduplatform.demo import DEMO_PASSWORD, database_is_empty, demo_accounts, load_demo

    with new_session() as session:
        if if_empty and not database_is_empty(session):
            accounts = demo_accounts(session)
            note = "The database already has data; nothing was loaded."
        else:
            accounts = load_demo(session)
            note = "Demo data loaded."
    payload, lines = {"accounts": accounts, "scale": scale}, []
    if scale:
        from eduplatform.dashboard.cli import add_synthetic_data

        payload["synthetic"] = synthetic = add_synthetic_data(scale, as_json)
        lines = [
            f"Added {synthetic['schools']} synthetic schools "
            f"(NPSN {synthetic['npsn_from']} to {synthetic['npsn_to']}); "
            "each run adds another N times the data."
        ]
    emit(
        payload,
        as_json,
        [note, *lines, f"Demo accounts (password: {DEMO_PASSWORD}):"]
        + [f"  {a['role']:<8} {a['email']}" for a in accounts],
    )


@click.group("translate")
def translate():
    """Translation catalogues: extract, update, compile (pybabel)."""


def _pybabel(*args):
    from babel.messages.frontend import main as pybabel

    sys.argv = ["pybabel", *args]
    try:
        pybabel()
    except SystemExit as exit_:
        if exit_.code:
            raise


@translate.command("update")
def translate_update():
    """Extract strings into messages.pot and merge them into every catalogue."""
    package = Path(current_app.root_path)
    pot = package / "translations" / "messages.pot"
    _pybabel("extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k", "_ln:1,2",
             "--no-location", "--sort-output", "-o", str(pot), str(package))  # fmt: skip
    _pybabel(
        "update",
        "-i",
        str(pot),
        "-d",
        str(package / "translations"),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate.command("compile")
def translate_compile():
    """Compile every catalogue to .mo."""
    _pybabel("compile", "-d", str(Path(current_app.root_path) / "translations"))
