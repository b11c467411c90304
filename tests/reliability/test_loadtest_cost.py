"""`python -m loadtest.cost` (issue 21): each kind of page the load test reads, asked of a
one-worker `eduplatform serve` on the suite's database kind, answers, and its cost is counted."""

import json

import pytest

from tests.reliability.server import run_on_a_database_of_its_own

pytestmark = pytest.mark.slow


def test_each_kind_of_page_is_asked_and_its_cpu_counted(tmp_path):
    figures = tmp_path / "cost.json"
    run = run_on_a_database_of_its_own(
        tmp_path, "cost", "loadtest.cost", "--scale", "0", "--requests", "5",
        "--json", str(figures),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = {row["kind"]: row for row in json.loads(figures.read_text())}
    assert {"student: home", "teacher: queue", "api: completions page"} <= set(rows)
    assert all(row["wall_ms"] > 0 and row["worker_cpu_ms"] >= 0 for row in rows.values())
    assert "student: home" in run.stdout and "worker CPU" in run.stdout
