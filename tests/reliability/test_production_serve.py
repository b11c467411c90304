"""The production layout on one machine: `eduplatform serve` with 3 workers (EDUPLATFORM_WORKERS)
on PostgreSQL, rate limits in Redis. Whatever worker answers, the app behaves as one."""

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from eduplatform.ops.serve import MALLOC_TUNABLES, serve_environment
from eduplatform.people.models import Organization, User
from tests.reliability.server import (
    Server,
    drop_database,
    empty_tables,
    prepare_database,
    served_database_url,
)

pytestmark = pytest.mark.slow

PASSWORD = "serve test passphrase"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PER_ACCOUNT = 5


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("production")
    engine = prepare_database(served_database_url("postgresql", workdir, "serve"))
    server = Server(
        database_url=engine.url.render_as_string(False),
        workdir=workdir,
        environment={"EDUPLATFORM_RATELIMIT_LOGIN_PER_ACCOUNT": f"{PER_ACCOUNT} per 15 minutes"},
    )
    try:
        yield server.start(), engine
    finally:
        server.stop()
        drop_database(engine)


@pytest.fixture
def people(production):
    server, engine = production
    empty_tables(engine)
    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    with Session(engine, expire_on_commit=False) as db:
        school = Organization(kind="school", name="SMK Produksi", npsn="99997777", city="Solo")
        db.add(school)
        db.commit()
        made = {}
        for name in ("target", "bystander", "siti"):
            user = User(role="student", email=f"{name}@serve.example.org", full_name=name.title(),
                        organization_id=school.id, password_hash=cheap,
                        birth_date=date(2009, 1, 1))  # fmt: skip
            db.add(user)
            made[name] = user
        db.commit()
    return made


def fresh_connection_get(server, path, **kwargs):
    """A request on a new connection, so that any worker may take it."""
    return requests.get(server.base_url + path, headers={"Connection": "close"}, timeout=20,
                        **kwargs)  # fmt: skip


def sign_in(server, login, password, session=None):
    session = session or requests.Session()
    page = session.get(f"{server.base_url}/login", headers={"Connection": "close"}, timeout=20)
    return session.post(
        f"{server.base_url}/login",
        data={"login": login, "password": password, "csrf_token": TOKEN.search(page.text)[1]},
        headers={"Connection": "close"},
        allow_redirects=False,
        timeout=20,
    )


def pids_of(server, request_ids):
    return {
        e["pid"]
        for e in server.log_entries()
        if e.get("logger") == "eduplatform.access" and e.get("request_id") in request_ids
    }


def test_health_readiness_and_liveness(production):
    server, _engine = production
    ready = fresh_connection_get(server, "/healthz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok" and ready.json()["schema"] == "ok"
    assert fresh_connection_get(server, "/healthz/live").json() == {"status": "ok"}
    assert len(server.worker_pids()) == 3


def test_workers_keep_large_buffers_out_of_their_heaps(production, monkeypatch, tmp_path):
    """glibc's bar for blocks given back to the system when freed stays fixed in every worker
    (see ops/serve.py), unless the operator set tunables of their own."""
    server, _engine = production
    for pid in server.worker_pids():
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"GLIBC_TUNABLES={MALLOC_TUNABLES}".encode() in environment
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    assert serve_environment(tmp_path)["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2"


def at_once(calls, threads=6):
    """Run the calls concurrently: a busy worker cannot take the next one, so several serve."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_signing_in_works_on_every_worker(production, people):
    server, _engine = production
    session = requests.Session()
    assert sign_in(server, people["siti"].email, PASSWORD, session).status_code == 302
    cookies = session.cookies.get_dict()

    def home():
        return requests.get(server.base_url + "/", cookies=cookies, timeout=20,
                            headers={"Connection": "close"})  # fmt: skip

    pages = at_once([home] * 18)
    assert all(page.status_code == 200 and "Siti" in page.text for page in pages)
    served_by = pids_of(server, {page.headers["X-Request-ID"] for page in pages})
    assert len(served_by) >= 2, "the session is honoured by more than one worker"


def test_every_worker_recovers_from_dropped_database_connections(production, people):
    """The server closes every connection of the app (a restart, a failover): no worker pings
    its connections before each request, yet the next signed-in pages all answer."""
    server, engine = production
    session = requests.Session()
    assert sign_in(server, people["siti"].email, PASSWORD, session).status_code == 302
    cookies = session.cookies.get_dict()

    def home():
        return requests.get(server.base_url + "/", cookies=cookies, timeout=20,
                            headers={"Connection": "close"})  # fmt: skip

    assert all(page.status_code == 200 for page in at_once([home] * 18))
    name = engine.url.database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        ).scalar()
    assert dropped >= 3  # at least one pooled connection of each worker

    pages = at_once([home] * 18)
    assert [page.status_code for page in pages] == [200] * 18
    assert all("Siti" in page.text for page in pages)
    assert len(pids_of(server, {page.headers["X-Request-ID"] for page in pages})) >= 2


def test_a_session_ended_on_one_worker_is_refused_by_every_worker_at_once(production, people):
    """Every worker has served the session (each has seen and verified its cookie); signing out
    on one of them ends it on all: the very next pages, whichever worker takes them, send the
    browser to the sign-in page."""
    server, _engine = production
    browser = requests.Session()
    assert sign_in(server, people["siti"].email, PASSWORD, browser).status_code == 302
    cookies = browser.cookies.get_dict()

    def profile():  # a page only for signed-in users (the home page has a public version)
        return requests.get(server.base_url + "/profile", cookies=cookies, timeout=20,
                            allow_redirects=False, headers={"Connection": "close"})  # fmt: skip

    before = at_once([profile] * 24)
    assert [page.status_code for page in before] == [200] * 24
    assert all("Siti" in page.text for page in before)
    assert len(pids_of(server, {page.headers["X-Request-ID"] for page in before})) >= 2
    page = browser.get(server.base_url + "/", headers={"Connection": "close"}, timeout=20)
    signed_out = browser.post(
        server.base_url + "/logout",
        data={"csrf_token": TOKEN.search(page.text)[1]},
        headers={"Connection": "close"},
        allow_redirects=False,
        timeout=20,
    )
    assert signed_out.status_code == 302
    after = at_once([profile] * 24)
    assert [page.status_code for page in after] == [302] * 24
    assert all("/login" in page.headers["Location"] for page in after)
    assert len(pids_of(server, {page.headers["X-Request-ID"] for page in after})) >= 2


def test_the_login_limit_is_shared_by_all_workers(production, people):
    server, _engine = production
    target = people["target"].email

    def guess(n):
        return lambda: sign_in(server, target, f"wrong guess {n}")

    # The allowed failures arrive together, so several workers count them...
    first = at_once([guess(n) for n in range(PER_ACCOUNT)])
    assert [r.status_code for r in first] == [200] * PER_ACCOUNT
    assert len(pids_of(server, {r.headers["X-Request-ID"] for r in first})) >= 2
    # ...and every worker then refuses the next ones (with per-worker memory: up to 3 x 5).
    later = [sign_in(server, target, f"another guess {n}").status_code for n in range(4)]
    assert later == [429] * 4
    # Other accounts are not locked by it.
    assert sign_in(server, people["bystander"].email, PASSWORD).status_code == 302


def test_metrics_add_up_the_requests_of_every_worker(production, people):
    server, _engine = production
    before = _count(server.metrics(), "auth.login")
    pages = at_once([lambda: fresh_connection_get(server, "/login")] * 30)
    body = server.metrics()
    assert _count(body, "auth.login") == before + 30
    assert len(pids_of(server, {page.headers["X-Request-ID"] for page in pages})) >= 2
    assert re.search(r"^eduplatform_unverified_completions 0(\.0)?$", body, re.MULTILINE)
    assert "eduplatform_request_duration_seconds_bucket" in body
    assert fresh_connection_get(server, "/metrics").status_code == 404  # no token, no figures


def _count(body, endpoint):
    pattern = re.compile(
        r'^eduplatform_requests_total\{(?=[^}]*endpoint="' + re.escape(endpoint) + r'")'
        r'(?=[^}]*status="200")[^}]*\} ([0-9.e+]+)$',
        re.MULTILINE,
    )
    return sum(float(v) for v in pattern.findall(body))


def test_logs_are_json_lines_with_request_ids_and_errors_are_plain_pages(production):
    server, _engine = production
    missing = fresh_connection_get(server, "/no/such/page")
    assert missing.status_code == 404
    assert "Traceback" not in missing.text and "Werkzeug" not in missing.text
    entries = [e for e in server.log_entries() if e.get("logger") == "eduplatform.access"]
    assert entries and all(e["request_id"] and e["pid"] for e in entries)
    statuses = Counter(e["status"] for e in entries)
    assert statuses[404] >= 1
    assert "Traceback" not in server.log()
