"""The load test judges each step against issue 21's targets and names the highest step that
holds them all (loadtest/report.py)."""

from loadtest import report


def _step(users, errors=0, largest_mb=150, **p95):
    kinds = {
        "student: home": {"p95": p95.get("home", 40), "errors": 0},
        "student: log unit, photo": {"p95": p95.get("photo", 90), "errors": 0},
        "student: log unit, 12 MP photo": {"p95": p95.get("original", 250), "errors": errors},
    }
    for row in kinds.values():
        row.update(count=10, p50=20, p99=row["p95"] + 50)
    return {"users": users, "errors": errors, "kinds": kinds, "worker_max_rss_mb": largest_mb}


def test_a_step_within_every_target_holds():
    assert report.misses(_step(500)) == []


def test_pages_are_held_to_300_ms_and_photo_uploads_to_2_s():
    # A photo upload may take longer than a page: 1.5 s is within its target, not a page's.
    assert report.misses(_step(500, photo=1500, original=1999)) == []
    assert report.misses(_step(500, home=300)) == ["student: home p95 300 ms (target under 300)"]
    assert report.misses(_step(500, original=2100)) == [
        "student: log unit, 12 MP photo p95 2100 ms (target under 2000)"
    ]


def test_errors_and_a_worker_over_200_mb_miss_too():
    assert report.misses(_step(500, errors=2, largest_mb=201)) == [
        "2 errors (target 0)",
        "largest worker 201 MB (target under 200)",
    ]


def test_the_highest_step_that_holds_stops_at_the_first_step_that_misses():
    steps = [_step(250), _step(500), _step(750, home=450), _step(1000)]
    assert report.highest_holding(steps) == 500
    assert report.highest_holding([_step(250, errors=1), _step(500)]) is None
    assert report.highest_holding([_step(250), _step(500)]) == 500


def test_each_step_prints_whether_it_held():
    lines = []
    resources = {
        "step": 2, "seconds": 60.0, "rps": 140.0, "workers": 3, "workers_cpu": 120.0,
        "workers_rss_mb": 480.0, "db_cpu": 30.0, "db_rss_mb": 400.0, "machine_cpu": 90.0,
        "load1": 2.5,
    }  # fmt: skip
    report.print_step({**_step(750, home=450), **resources}, out=lines.append)
    assert lines[-1] == "  targets: missed: student: home p95 450 ms (target under 300)"
    report.print_step({**_step(750), **resources}, out=lines.append)
    assert lines[-1] == "  targets: held"
