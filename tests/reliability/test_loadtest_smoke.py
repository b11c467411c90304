"""The load test's smoke run (issue 21 item 1): `python -m loadtest.run` with a few users for a
few seconds against `eduplatform serve`, on the suite's database kind; every kind of simulated
person gets answers and nothing fails. (`make loadtest` runs the real ramp, not in the suite.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.server import drop_database, served_database_url

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_a_short_load_test_runs_every_journey_without_an_error(tmp_path):
    suite = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL", "")
    backend = "postgresql" if suite.startswith("postgresql") else "sqlite"
    url = served_database_url(backend, tmp_path, "loadtest")
    results = tmp_path / "results"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "loadtest.run", "--database-url", url, "--scale", "0",
             "--steps", "4,6", "--step-seconds", "8", "--think", "0.5,1.5",
             "--weights", "1,1,1,1", "--originals", "0.5", "--workers", "2",
             "--results", str(results)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        if backend == "postgresql":
            from eduplatform.db import make_engine

            drop_database(make_engine(url))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads((results / "summary.json").read_text())
    assert [step["users"] for step in summary["steps"]] == [4, 6]
    assert sum(step["errors"] for step in summary["steps"]) == 0, summary["errors_seen"]
    kinds = {kind for step in summary["steps"] for kind in step["kinds"]}
    journeys = {"student: home", "teacher: queue", "office: dashboard", "api: completions page"}
    assert journeys <= kinds
    assert "== step 2: 6 users" in run.stdout
    assert (results / "steps.csv").read_text().startswith("step,users,seconds,rps,kind")
