"""The database part of a backup: a consistent copy while the site runs, rows back on restore.

SQLite: the file is copied with SQLite's online backup API. PostgreSQL: a logical export of
every table, read in one REPEATABLE READ snapshot, as JSON lines (`pg_dump` is the alternative
documented in the README). Either restores into either kind of database. Row counts and a
checksum per table are recorded and compared after a restore. eduplatform.ops.site puts this
together with the uploaded files and the signing keys into one archive.
"""

import hashlib
import json
import sqlite3
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

SQLITE_MAGIC = b"SQLite format 3\x00"
LEGACY_FORMAT = "eduplatform-logical-backup/1"  # database-only backups of earlier releases
SQLITE_MEMBER = "database/eduplatform.sqlite3"


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


def write_database(engine, archive, workdir):
    """Add a consistent copy of the database to the open ZipFile `archive`; its manifest part.

    SQLite: the file, copied with the online backup API (into `workdir` first). PostgreSQL:
    one JSON-lines member per table, all read in one REPEATABLE READ snapshot.
    """
    if engine.dialect.name == "sqlite":
        copy_path = Path(workdir) / "database.sqlite3"
        source = sqlite3.connect(engine.url.database)
        target = sqlite3.connect(copy_path)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        copy = _sqlite_engine(copy_path)
        with copy.connect() as connection:
            part = {
                "form": "sqlite",
                "revision": _revision(connection),
                "tables": table_checksums(connection),
            }
        copy.dispose()
        part["size"] = copy_path.stat().st_size
        part["sha256"] = _file_sha256(copy_path)
        archive.write(copy_path, SQLITE_MEMBER)
        copy_path.unlink()
        return part
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            part = {
                "form": "jsonl",
                "revision": _revision(connection),
                "tables": table_checksums(connection),
            }
            for table in tables():
                lines = (
                    json.dumps({k: _plain(v) for k, v in r._mapping.items()}, default=str)
                    for r in connection.execute(select(table))
                )
                archive.writestr(f"database/{table.name}.jsonl", "\n".join(lines))
    return part


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def read_database(archive, part, workdir):
    """{table: rows} from the database part of a site backup (already size-checked)."""
    from eduplatform.ops.archive import copy_member, damaged

    if part.get("form") == "sqlite":
        path = Path(workdir) / "database.sqlite3"
        with open(path, "wb") as handle:
            copy_member(archive, SQLITE_MEMBER, handle, int(part["size"]))
        if _file_sha256(path) != part.get("sha256"):
            raise damaged("the database copy does not match its checksum")
        return _sqlite_rows(path)[1]
    if part.get("form") == "jsonl":
        return _jsonl_rows(archive, "database/")
    raise damaged("its database part is of an unknown form")


def _sqlite_rows(path):
    source = _sqlite_engine(path)
    try:
        with source.connect() as connection:
            revision = _revision(connection)
            data = {
                t.name: [dict(r._mapping) for r in connection.execute(select(t))] for t in tables()
            }
    finally:
        source.dispose()
    return revision, data


def _jsonl_rows(archive, prefix):
    data = {}
    for table in tables():
        raw = archive.read(f"{prefix}{table.name}.jsonl").decode()
        data[table.name] = [_typed(table, json.loads(line)) for line in raw.splitlines() if line]
    return data


def _sqlite_engine(path):
    from eduplatform.db import make_engine

    return make_engine(f"sqlite:///{path}")


def _is_empty(connection):
    return all(
        connection.execute(select(func.count()).select_from(t)).scalar() == 0 for t in tables()
    )


def legacy_rows(path):
    """(revision, {table: rows}) of a database-only backup made before site backups."""
    with open(path, "rb") as handle:
        magic = handle.read(16)
    if magic == SQLITE_MAGIC:
        return _sqlite_rows(path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        return manifest["revision"], _jsonl_rows(archive, "")


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


def revision(connection):
    """The database's schema revisions; None when it was never migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return sorted(_revision(connection))


def is_empty(connection):
    return _is_empty(connection)


def load_rows(connection, data):
    """Replace every table's rows with `data` inside the caller's transaction; checksums after."""
    for table in reversed(tables()):
        connection.execute(table.delete())
    for table in tables():
        rows = data.get(table.name, [])
        if rows:
            connection.execute(insert(table), rows)
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)
    return table_checksums(connection)


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
