"""Consistent backups while the site runs, and restores that refuse to overwrite data.

SQLite: the file is copied with SQLite's online backup API. PostgreSQL: a logical export of
every table, read in one REPEATABLE READ snapshot, as a zip of JSON lines with a manifest
(`pg_dump` is the alternative documented in the README). Restore takes either format.
"""

import hashlib
import json
import sqlite3
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from eduplatform.errors import Invalid

SQLITE_MAGIC = b"SQLite format 3\x00"
FORMAT = "eduplatform-logical-backup/1"


def tables():
    """Every table, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def _row_key(table, row):
    return tuple(str(row[c.name]) for c in table.primary_key.columns)


def table_checksums(connection):
    """{table: {"rows": n, "sha256": ...}} over every row in primary-key order."""
    result = {}
    for table in tables():
        rows = [dict(r._mapping) for r in connection.execute(select(table))]
        rows.sort(key=lambda row, t=table: _row_key(t, row))
        digest = hashlib.sha256()
        for row in rows:
            digest.update(
                json.dumps(
                    {k: _plain(v) for k, v in row.items()}, sort_keys=True, default=str
                ).encode()
            )
        result[table.name] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return result


def _revision(connection):
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()


def backup(engine, destination):
    """Write a consistent copy of the database to `destination`; returns the manifest."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(engine.url.database)
        target = sqlite3.connect(destination)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        copy = _sqlite_engine(destination)
        with copy.connect() as connection:
            manifest = {
                "format": "sqlite",
                "revision": _revision(connection),
                "tables": table_checksums(connection),
            }
        copy.dispose()
        return manifest
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            manifest = {
                "format": FORMAT,
                "revision": _revision(connection),
                "tables": table_checksums(connection),
            }
            with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
                for table in tables():
                    lines = (
                        json.dumps({k: _plain(v) for k, v in r._mapping.items()}, default=str)
                        for r in connection.execute(select(table))
                    )
                    archive.writestr(f"{table.name}.jsonl", "\n".join(lines))
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return manifest


def _sqlite_engine(path):
    from eduplatform.db import make_engine

    return make_engine(f"sqlite:///{path}")


def _is_empty(connection):
    return all(
        connection.execute(select(func.count()).select_from(t)).scalar() == 0 for t in tables()
    )


def _rows_from_backup(path):
    """Yield (table, rows) from either backup format."""
    with open(path, "rb") as handle:
        magic = handle.read(16)
    if magic == SQLITE_MAGIC:
        source = _sqlite_engine(path)
        with source.connect() as connection:
            revision = _revision(connection)
            data = {
                t.name: [dict(r._mapping) for r in connection.execute(select(t))] for t in tables()
            }
        source.dispose()
        return revision, data
    if not zipfile.is_zipfile(path):
        raise Invalid.field("file", "not an eduplatform backup (neither SQLite nor zip)")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise Invalid.field("file", "unknown backup format")
        data = {}
        for table in tables():
            raw = archive.read(f"{table.name}.jsonl").decode()
            data[table.name] = [
                _typed(table, json.loads(line)) for line in raw.splitlines() if line
            ]
    return manifest["revision"], data


def _typed(table, row):
    """Turn the JSON values back into what each column type binds."""
    typed = {}
    for column in table.columns:
        value = row.get(column.name)
        python_type = _python_type(column)
        if value is not None and python_type is datetime:
            value = datetime.fromisoformat(value)
        elif value is not None and python_type is date:
            value = date.fromisoformat(value)
        elif value is not None and python_type is Decimal:
            value = Decimal(value)
        typed[column.name] = value
    return typed


def _python_type(column):
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        return column_type.python_type
    except NotImplementedError:
        return None


def restore(engine, source, *, force=False):
    """Load a backup into this (migrated) database; refuses to overwrite data unless forced."""
    revision, data = _rows_from_backup(source)
    with engine.begin() as connection:
        if sorted(_revision(connection)) != sorted(revision):
            raise Invalid.field(
                "file",
                f"the backup is at schema revision {revision}; "
                f"this database is at {_revision(connection)}. Run "
                f"`eduplatform db upgrade` to the same revision first.",
            )
        if not _is_empty(connection) and not force:
            raise Invalid.field(
                "force",
                "the database is not empty; use --force to replace its contents with the backup",
            )
        for table in reversed(tables()):
            connection.execute(table.delete())
        for table in tables():
            rows = data.get(table.name, [])
            if rows:
                connection.execute(insert(table), rows)
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection)
        return {"tables": table_checksums(connection)}


def _reset_sequences(connection):
    """Point each serial primary key's sequence past the restored rows."""
    for table in tables():
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or _python_type(columns[0]) is not int:
            continue
        column = columns[0]
        sequence = func.pg_get_serial_sequence(f'"{table.name}"', column.name)
        highest = select(func.coalesce(func.max(column), 0)).scalar_subquery()
        connection.execute(
            select(func.setval(sequence, highest + 1, False)).where(sequence.is_not(None))
        )
