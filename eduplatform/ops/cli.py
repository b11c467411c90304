"""`eduplatform backup`, `restore` and `serve`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option, refuse
from eduplatform.db import get_engine
from eduplatform.errors import Invalid
from eduplatform.ops import backup as backups
from eduplatform.ops.serve import default_workers, exec_gunicorn


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@with_appcontext
def backup_command(file, as_json):
    """Write a consistent copy of the database to FILE while the site keeps running."""
    manifest = backups.backup(get_engine(), file)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    emit(
        {"file": str(file), **manifest},
        as_json,
        [f"backup written to {file}: {len(manifest['tables'])} tables, {rows} rows"],
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a non-empty database.")
@json_option
@with_appcontext
def restore_command(file, force, as_json):
    """Load FILE (made by `eduplatform backup`) into this database."""
    try:
        result = backups.restore(get_engine(), file, force=force)
    except Invalid as refused:
        refuse(refused, as_json)
    rows = sum(t["rows"] for t in result["tables"].values())
    emit({"file": str(file), **result}, as_json, [f"restored {rows} rows from {file}"])


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, envvar="EDUPLATFORM_BIND")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=default_workers,
    help="Worker processes (EDUPLATFORM_WORKERS; default 2 x cores + 1).",
)
@click.option("--threads", type=click.IntRange(min=1), default=1, envvar="EDUPLATFORM_THREADS")
@click.option("--timeout", type=click.IntRange(min=1), default=60, show_default=True)
@with_appcontext
def serve_command(bind, workers, threads, timeout):
    """Serve the app under gunicorn, in production mode, with JSON logs."""
    from eduplatform import create_app
    from eduplatform.config import MissingSecretKey

    try:  # the same check every worker will make, once, with a readable message
        create_app({"ENV": "production"})
    except MissingSecretKey as missing:
        raise click.ClickException(str(missing)) from None
    exec_gunicorn(
        bind=bind,
        workers=workers,
        threads=threads,
        timeout=timeout,
        metrics_dir=Path(current_app.instance_path) / "metrics",
    )
