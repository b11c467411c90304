"""`eduplatform rollups rebuild | check`: the dashboard's rollup tables against the raw rows."""

import sys

import click
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option, refuse
from eduplatform.db import new_session
from eduplatform.errors import Invalid


@click.group("rollups")
def rollups():
    """The dashboard's rollup tables: recompute them, or prove they equal the raw records."""


@rollups.command("rebuild")
@json_option
@with_appcontext
def rebuild_command(as_json):
    """Recompute every rollup table from the raw rows, in one transaction."""
    from eduplatform.dashboard.rebuild import rebuild

    with new_session() as session:
        if as_json:
            written = rebuild(session)
        else:
            with click.progressbar(length=7, label="Rebuilding rollups") as bar:
                written = rebuild(session, progress=lambda _name: bar.update(1))
    emit(
        {"rebuilt": written},
        as_json,
        [f"  {table:<26} {rows:>9} rows" for table, rows in written.items()],
    )


@rollups.command("check")
@json_option
@with_appcontext
def check_command(as_json):
    """Compare the rollups with the raw aggregates; exit 1 listing the differences."""
    from eduplatform.dashboard.rebuild import check

    with new_session(write=False) as session:
        differences, total = check(session)
    payload = {"equal": total == 0, "differences": differences, "total_differences": total}
    if total == 0:
        emit(payload, as_json, ["The rollups equal the raw aggregates."])
        return
    if as_json:
        emit(payload, as_json)
    else:
        for d in differences:
            key = ", ".join(f"{k}={v}" for k, v in d["key"].items())
            click.echo(
                f"{d['table']} ({key}) {d['column']}: rollup {d['rollup']}, raw {d['raw']}",
                err=True,
            )
        shown = len(differences)
        more = f" (first {shown} shown)" if shown < total else ""
        click.echo(
            f"{total} difference(s){more}; `eduplatform rollups rebuild` mends them.", err=True
        )
    sys.exit(1)


def add_synthetic_data(scale, as_json):
    """The `demo --scale N` part: N units of synthetic city data, then rebuilt rollups."""
    from eduplatform.dashboard.scale import SCHOOLS_PER_UNIT, add_synthetic

    with new_session() as session:
        try:
            if as_json:
                return add_synthetic(session, scale=scale)
            with click.progressbar(
                length=scale * SCHOOLS_PER_UNIT, label="Adding synthetic schools", show_pos=True
            ) as bar:
                return add_synthetic(session, scale=scale, progress=bar.update)
        except Invalid as refused:
            session.rollback()
            refuse(refused, as_json)
