"""Many students and teachers at once across gunicorn workers: nothing acknowledged is lost,
nothing is written twice, and a worker killed mid-load leaves no half-written record."""

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eduplatform import create_app
from tests.reliability.load import (
    build_load_world,
    check_no_loss,
    check_server_log,
    run_load,
)

pytestmark = pytest.mark.slow


def rollups_are_exact(server):
    """`eduplatform rollups check`, once the dashboard's rollups exist."""
    probe = create_app({"SECRET_KEY": "probe", "DATABASE_URL": "sqlite://"})
    if "rollups" not in probe.cli.commands:
        return
    result = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).with_name("eduplatform")), "rollups", "check", "--json"],
        env=server.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_concurrent_students_and_teachers_lose_nothing(fresh):
    server, engine = fresh
    world = build_load_world(engine, students=12, teachers=2, units=5)
    outcome = run_load(server, world, seconds=90)

    figures = check_no_loss(engine, world, outcome, server=server)
    assert figures["completions"] == 12 * 5  # every student logged every unit once
    double_taps = [answers for answers in outcome.logs.values() if len(answers) == 2]
    assert len(double_taps) == 12
    assert all(sorted(answers) == ["accepted", "refused"] for answers in double_taps)
    assert figures["certificates"] > 0
    served_by = {e["pid"] for e in server.log_entries() if e.get("logger") == "eduplatform.access"}
    assert len(served_by) >= 3, "the load was spread over the workers"
    check_server_log(server)
    rollups_are_exact(server)


def test_a_worker_killed_mid_load_loses_no_acknowledged_write(fresh):
    server, engine = fresh
    world = build_load_world(engine, students=12, teachers=2, units=5)
    killed = []

    def kill_workers(outcome):
        chance = random.Random(7)
        for _round in range(3):
            deadline = time.monotonic() + 20
            target = len(outcome.accepted_logs()) + 8
            while len(outcome.accepted_logs()) < target and time.monotonic() < deadline:
                time.sleep(0.05)
            victim = chance.choice(server.worker_pids())
            server.kill_worker(victim)
            killed.append(victim)

    outcome = run_load(server, world, seconds=120, during=kill_workers)

    assert len(killed) == 3
    check_no_loss(engine, world, outcome, killed=True, server=server)
    deadline = time.monotonic() + 30
    while len(server.worker_pids()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)  # gunicorn replaces the killed workers
    assert len(server.worker_pids()) == 3 and not set(killed) & set(server.worker_pids())
    log = server.log()
    assert "database is locked" not in log
    rollups_are_exact(server)
