"""The load test's smoke run (issue 21 item 1): `python -m loadtest.run` with a few users for a
few seconds against `eduplatform serve`, on the suite's database kind; every kind of simulated
person gets answers and nothing fails. (`make loadtest` runs the real ramp, not in the suite.)"""

import json

import pytest

from tests.reliability.server import run_on_a_database_of_its_own

pytestmark = pytest.mark.slow


def test_a_short_load_test_runs_every_journey_without_an_error(tmp_path):
    results = tmp_path / "results"
    run = run_on_a_database_of_its_own(
        tmp_path, "loadtest", "loadtest.run", "--scale", "0",
        "--steps", "4,6", "--step-seconds", "8", "--think", "0.5,1.5",
        "--weights", "1,1,1,1", "--originals", "0.5", "--workers", "2",
        "--results", str(results),
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads((results / "summary.json").read_text())
    assert [step["users"] for step in summary["steps"]] == [4, 6]
    assert sum(step["errors"] for step in summary["steps"]) == 0, summary["errors_seen"]
    kinds = {kind for step in summary["steps"] for kind in step["kinds"]}
    journeys = {"student: home", "teacher: queue", "office: dashboard", "api: completions page"}
    assert journeys <= kinds
    # Every kind's answers said what they cost the worker's CPU (Server-Timing); the step
    # prints it beside what the workers spent in all (sampled from /proc).
    last = summary["steps"][-1]
    assert all(row["cpu_ms"] > 0 for row in last["kinds"].values()), last["kinds"]
    assert last["app_cpu_ms"] > 0 and last["workers_cpu_ms"] > 0, last
    assert "ms in the app (Server-Timing)" in run.stdout
    assert "== step 2: 6 users" in run.stdout
    # Each step is judged against issue 21's targets; the run names the highest that holds.
    assert run.stdout.count("  targets: ") == 2
    assert all(isinstance(step["misses"], list) for step in summary["steps"])
    held = summary["highest_holding_users"]
    assert held in (None, 4, 6)
    assert ("the highest step that holds every target" in run.stdout) == (held is not None)
    assert (results / "steps.csv").read_text().startswith("step,users,seconds,rps,kind")
    # The machine the figures came from, measured idle before the run and after it.
    for key in ("machine", "machine_after"):
        assert summary[key]["cores"] >= 1 and summary[key]["reference_ms"] > 0, summary[key]
        assert summary[key]["reference_median_ms"] >= summary[key]["reference_ms"]
    assert run.stdout.count("ms on one core at best") == 2
