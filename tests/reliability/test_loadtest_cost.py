"""`python -m loadtest.cost` (issue 21): each kind of page the load test reads, asked of a
one-worker `eduplatform serve` on the suite's database kind, answers, and its cost is counted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.server import drop_database, served_database_url

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_each_kind_of_page_is_asked_and_its_cpu_counted(tmp_path):
    suite = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL", "")
    backend = "postgresql" if suite.startswith("postgresql") else "sqlite"
    url = served_database_url(backend, tmp_path, "cost")
    figures = tmp_path / "cost.json"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "loadtest.cost", "--database-url", url, "--scale", "0",
             "--requests", "5", "--json", str(figures)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        if backend == "postgresql":
            from eduplatform.db import make_engine

            drop_database(make_engine(url))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = {row["kind"]: row for row in json.loads(figures.read_text())}
    assert {"student: home", "teacher: queue", "api: completions page"} <= set(rows)
    assert all(row["wall_ms"] > 0 and row["worker_cpu_ms"] >= 0 for row in rows.values())
    assert "student: home" in run.stdout and "worker CPU" in run.stdout
