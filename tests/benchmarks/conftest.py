"""Benchmarks (`make bench`; the default test run ignores this folder).

The scale-1 and scale-10 databases are built once with `eduplatform demo --scale N` into
instance/bench/ (EDUPLATFORM_BENCH_DIR) and reused. SQLite always; PostgreSQL too when
EDUPLATFORM_BENCH_DATABASE_URL names a database (its _s1 and _s10 siblings are created).
"""

import json
import os
from datetime import UTC, datetime

import pytest

from tests.benchmarks import harness

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("EDUPLATFORM_BENCH_DATABASE_URL") else [])
SCALES = (1, 10)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def databases(backend):
    """{scale: (url, how the demo data was built)} for scale 1 and 10 of this backend."""
    return {scale: harness.build_database(backend, scale) for scale in SCALES}


@pytest.fixture(scope="session")
def results():
    """Every figure measured, printed together at the end and kept as JSON in the bench dir."""
    collected = {}
    yield collected
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    report = {"date": stamp, "machine": harness.machine(), "results": collected}
    (harness.bench_dir() / "results.json").write_text(json.dumps(report, indent=2))
    print(f"\n\n== benchmark results ({stamp}) ==\n{report['machine']}")
    for backend, figures in collected.items():
        print(f"\n[{backend}]")
        for name, value in figures.items():
            print(f"  {name:<58} {value}")
