"""`rollups rebuild` and `rollups check`: the rollup tables against the raw records."""

from decimal import Decimal

from sqlalchemy import delete, func, select

from eduplatform.dashboard import raw
from eduplatform.dashboard.increments import ATTRIBUTES, COUNTS, bump_version
from eduplatform.dashboard.models import ActivityLedger
from eduplatform.sqltypes import utcnow

BATCH = 5000
LEDGER_COLUMNS = ("school_id", "month", "kind", "participant_hours", "trainees")


def _columns(model):
    """The stored columns besides the key: counts and copied attributes (or the ledger's)."""
    if model is ActivityLedger:
        return LEDGER_COLUMNS
    return COUNTS[model] + ATTRIBUTES.get(model, ())


def rebuild(session, progress=None):
    """Recompute every rollup table from the raw rows in one transaction; rows per table."""
    expected = raw.expected(session)
    now = utcnow()
    written = {}
    for model, rows in expected.items():
        table = model.__table__
        session.execute(delete(table))
        keys = [column.name for column in table.primary_key.columns]
        batch = []
        for key, values in sorted(rows.items()):
            row = dict(zip(keys, key, strict=True))
            row.update({name: values.get(name, 0) for name in _columns(model)})
            row["updated_at"] = now
            batch.append(row)
            if len(batch) >= BATCH:
                session.execute(table.insert(), batch)
                batch = []
        if batch:
            session.execute(table.insert(), batch)
        written[table.name] = len(rows)
        if progress is not None:
            progress(table.name)
    from eduplatform.dashboard import placements

    placements.recompute(session)
    for model in placements.VALUE:
        written[model.__tablename__] = session.execute(
            select(func.count()).select_from(model)
        ).scalar_one()
        if progress is not None:
            progress(model.__tablename__)
    bump_version(session)
    session.commit()
    return written


def _number(value):
    return Decimal(str(value or 0))


def _same(name, got, want):
    if name == "trainees":
        return {k: _number(v) for k, v in (got or {}).items()} == {
            k: _number(v) for k, v in (want or {}).items()
        }
    if isinstance(got, str) or isinstance(want, str):
        return got == want
    return _number(got) == _number(want)


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _differences(model, key, have, want):
    """(column, rollup value, raw value) for one key; a missing count row counts as zeros."""
    if model is ActivityLedger and (have is None) != (want is None):
        yield ("row", "present" if have else "missing", "present" if want else "missing")
        return
    if have is None or want is None:
        for name in COUNTS.get(model, ()):
            got = have[name] if have is not None else 0
            ought = want.get(name, 0) if want is not None else 0
            if _number(got) != _number(ought):
                yield (name, got, ought)
        return
    for name in _columns(model):
        if not _same(name, have[name], want.get(name, 0)):
            yield (name, have[name], want.get(name, 0))


def check(session, limit=200):
    """Differences between the rollup tables and the raw aggregates: (first `limit`, total)."""
    expected = raw.expected(session)
    differences = []
    for model, rows in expected.items():
        table = model.__table__
        keys = [column.name for column in table.primary_key.columns]
        stored = {
            tuple(row._mapping[k] for k in keys): row._mapping
            for row in session.execute(table.select())
        }
        for key in sorted(set(stored) | set(rows)):
            for column, got, want in _differences(model, key, stored.get(key), rows.get(key)):
                differences.append(
                    {
                        "table": table.name,
                        "key": dict(zip(keys, key, strict=True)),
                        "column": column,
                        "rollup": _plain(got),
                        "raw": _plain(want),
                    }
                )
    from eduplatform.dashboard import placements

    for table, key, got, want in placements.check(session):
        differences.append({"table": table, "key": [str(k) for k in key], "column": "count",
                            "rollup": got, "raw": want})  # fmt: skip
    return differences[:limit], len(differences)
