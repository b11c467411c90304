"""The dashboard at city scale, each ratio measured in one run (results: RESULTS.md).

"cold" requests miss the page cache (a query argument nobody else sends makes each one new: the
figures are computed and rendered); "warm" requests are served from the cache of the current
data version, as a second reader of the dashboard is until the next change.
"""

import statistics
import time

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from eduplatform import create_app
from eduplatform.dashboard import service
from eduplatform.db import get_engine, new_session
from eduplatform.people.models import Organization, User
from tests.benchmarks import harness

ROUNDS = 9
TARGETS = {
    "rps": 0.5,  # the dashboard serves at least half the requests/second of the bare endpoint
    "latency": 1.2,  # scale-10 latency at most 1.2 times scale 1
    "worker_mb": 200,
    "demo_mb": 1024,
}


def _app(url):
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URL": "memory://",
        }
    )


def _signed_in(app):
    client = app.test_client()
    login, password = harness.OFFICE
    response = client.post("/login", data={"login": login, "password": password})
    assert response.status_code == 302
    return client


def _mean_ms(client, path, count):
    client.get(path.format(n="warm-up"))
    started = time.perf_counter()
    for n in range(count):
        response = client.get(path.format(n=n))
        assert response.status_code == 200
    return (time.perf_counter() - started) / count * 1000


class Statements:
    """Counts (and keeps) the SQL statements an engine runs."""

    def __init__(self, engine):
        self.seen = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        self.seen.append((statement, parameters))

    def during(self, action):
        self.seen = []
        action()
        return len(self.seen)


def _school_id(app):
    with new_session(app, write=False) as session:
        return session.exec(
            select(Organization.id).where(Organization.npsn.like("9998%")).limit(1)
        ).one()


def _figure(results, backend, name, value):
    results.setdefault(backend, {})[name] = value


def test_latency_and_statements_per_request_do_not_grow_with_the_data(backend, databases, results):
    """Both scales are measured in alternating rounds (medians): machine load hits both alike."""
    clients, paths, measured = {}, {}, {scale: {} for scale in databases}
    for scale, (url, _meta) in databases.items():
        app = _app(url)
        clients[scale] = (app, _signed_in(app), Statements(get_engine(app)))
        school = _school_id(app)
        paths[scale] = {
            "city cold": "/dashboard/?bench={n}",
            "city warm": "/dashboard/",
            "school cold": f"/dashboard/schools/{school}?bench={{n}}",
        }
    samples = {scale: {name: [] for name in paths[scale]} for scale in databases}
    for round_ in range(ROUNDS):
        for scale, (_unused, client, _statements) in clients.items():
            for name, path in paths[scale].items():
                count = 20 if "warm" in name else 5
                unique = path.replace("{n}", f"{round_}-{{n}}")
                samples[scale][name].append(_mean_ms(client, unique, count))
    for scale, (app, client, statements) in clients.items():
        for name, values in samples[scale].items():
            measured[scale][name] = statistics.median(values)
        measured[scale]["statements cold"] = statements.during(
            lambda: client.get("/dashboard/?bench=count")  # noqa: B023
        )
        measured[scale]["statements warm"] = statements.during(
            lambda: client.get("/dashboard/")  # noqa: B023
        )
        get_engine(app).dispose()
    for name in ("city cold", "city warm", "school cold"):
        one, ten = measured[1][name], measured[10][name]
        met = ten / one <= TARGETS["latency"]
        _figure(
            results,
            backend,
            f"latency {name}: scale 1 / scale 10 (ms), ratio",
            f"{one:.1f} / {ten:.1f}, x{ten / one:.2f} {'(met)' if met else '(NOT met)'}",
        )
    for name in ("statements cold", "statements warm"):
        _figure(
            results,
            backend,
            f"SQL {name} per request: scale 1 / scale 10",
            f"{measured[1][name]} / {measured[10][name]}",
        )
    assert measured[1]["statements cold"] == measured[10]["statements cold"]
    assert measured[1]["statements warm"] == measured[10]["statements warm"]


def test_the_dashboards_queries_against_the_same_sql_run_raw(backend, databases, results):
    url, _meta = databases[10]
    app = _app(url)
    engine = get_engine(app)
    statements = Statements(engine)
    with app.test_request_context("/?lang=id"), new_session(app, write=False) as session:
        office = session.exec(select(User).where(User.email == harness.OFFICE[0])).one()

        def build():
            filters = service.resolve_filters(session, actor=office, args={})
            return service.build(session, actor=office, filters=filters)

        build()
        statements.during(build)
        captured = list(statements.seen)
        count = 20
        started = time.perf_counter()
        for _ in range(count):
            build()
        orm = (time.perf_counter() - started) / count * 1000
    raw_connection = engine.raw_connection()
    try:
        cursor = raw_connection.cursor()
        started = time.perf_counter()
        for _ in range(count):
            for statement, parameters in captured:
                cursor.execute(statement, parameters)
                cursor.fetchall()
        raw = (time.perf_counter() - started) / count * 1000
    finally:
        raw_connection.close()
    engine.dispose()
    _figure(
        results,
        backend,
        "figures at scale 10: ORM service / same SQL raw (ms), ratio",
        f"{orm:.1f} / {raw:.1f}, x{orm / raw:.1f} ({len(captured)} statements)",
    )


@pytest.mark.parametrize("scale", (1, 10))
def test_requests_per_second_against_a_bare_endpoint_and_worker_memory(
    backend, databases, results, scale
):
    url, meta = databases[scale]
    with harness.gunicorn_worker(url) as (port, master):
        cookie = harness.sign_in(port)
        harness.get(port, "/dashboard/", cookie)
        rates = harness.interleaved_rates(
            port,
            {
                "hello": ("/hello", None),
                "hello with the cookie": ("/hello", cookie),
                "signed-in hello": ("/hello-signed-in", cookie),
                "warm": ("/dashboard/", cookie),
            },
        )
        hello, signed_in, warm = rates["hello"], rates["signed-in hello"], rates["warm"]
        cold = harness.requests_per_second(port, "/dashboard/?bench={n}", cookie, seconds=8)
        rss, peak = harness.worker_memory_mb(master)
    for name, rate in (("warm", warm), ("cold", cold)):
        ratio = rate / hello
        met = "(met)" if ratio >= TARGETS["rps"] else "(NOT met)"
        _figure(
            results,
            backend,
            f"scale {scale}: requests/s hello / dashboard {name}, ratio",
            f"{hello:.0f} / {rate:.0f}, x{ratio:.2f} {met}",
        )
    for name, rate in (
        ("hello with the cookie", rates["hello with the cookie"]),
        ("signed-in hello", signed_in),
    ):
        _figure(
            results,
            backend,
            f"scale {scale}: requests/s {name} / dashboard warm, ratio",
            f"{rate:.0f} / {warm:.0f}, x{warm / rate:.2f} (for reference)",
        )
    met = "(met)" if peak < TARGETS["worker_mb"] else "(NOT met)"
    _figure(results, backend, f"scale {scale}: worker RSS now / peak (MB)", f"{rss} / {peak} {met}")
    met = "(met)" if meta["demo_peak_rss_mb"] < TARGETS["demo_mb"] else "(NOT met)"
    _figure(
        results,
        backend,
        f"scale {scale}: demo --scale {scale} wall time (s), peak RSS (MB)",
        f"{meta['demo_seconds']} s, {meta['demo_peak_rss_mb']} MB {met} (built {meta['built_at']})",
    )


def test_rollups_check_at_scale_10(backend, databases, results):
    url, _meta = databases[10]
    app = _app(url)
    from eduplatform.dashboard.rebuild import check

    with app.app_context(), new_session(app, write=False) as session:
        started = time.perf_counter()
        differences, total = check(session)
        elapsed = time.perf_counter() - started
        completions = session.execute(text("SELECT count(*) FROM unit_completion")).scalar()
    get_engine(app).dispose()
    _figure(
        results,
        backend,
        "scale 10: rollups check (s), differences, completion records",
        f"{elapsed:.1f} s, {total}, {completions:,}",
    )
    assert total == 0, differences[:5]
