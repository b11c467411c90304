"""How many workers `eduplatform serve` starts (issue 21): one per core and one more, unless the
operator says otherwise; the load test starts the same number."""

import multiprocessing

import pytest

from eduplatform.ops.serve import default_workers, gunicorn_command


@pytest.fixture
def unset(monkeypatch):
    monkeypatch.delenv("EDUPLATFORM_WORKERS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    return monkeypatch


def test_one_worker_per_core_and_one_more_by_default(unset):
    assert default_workers() == 3
    command = gunicorn_command(
        bind="127.0.0.1:8000", workers=default_workers(), threads=1, timeout=60
    )
    assert command[command.index("--workers") + 1] == "3"


@pytest.mark.parametrize("name", ["EDUPLATFORM_WORKERS", "WEB_CONCURRENCY"])
def test_the_operators_number_wins(unset, name):
    unset.setenv(name, "5")
    assert default_workers() == 5
