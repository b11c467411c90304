"""The suite's clock: a run that starts late in Jakarta's evening is turned back so that fixtures
(which compute the schools' date once) and the app (which asks at every request) agree."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import SCHOOL_ZONE, school_day_shift


def jakarta(hour, minute=0):
    return datetime(2026, 12, 5, hour, minute, tzinfo=SCHOOL_ZONE).astimezone(UTC)


@pytest.mark.parametrize("hour, minute", [(0, 0), (0, 30), (7, 0), (16, 59), (21, 59)])
def test_a_run_that_starts_by_day_keeps_the_real_time(hour, minute):
    assert school_day_shift(jakarta(hour, minute)) == timedelta(0)


@pytest.mark.parametrize("hour, minute", [(22, 0), (22, 30), (23, 59)])
def test_a_run_that_starts_late_in_the_evening_starts_at_nine(hour, minute):
    now = jakarta(hour, minute)
    moved = (now - school_day_shift(now)).astimezone(SCHOOL_ZONE)

    assert (moved.date(), moved.hour, moved.minute) == (now.astimezone(SCHOOL_ZONE).date(), 21, 0)
    # Three hours of the same school day ahead, whatever the minute the run started.
    assert (moved + timedelta(hours=2, minutes=59)).date() == moved.date()
