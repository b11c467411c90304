"""Sign-in and activation limits hold under concurrency and are kept per account, whichever of
its names (email or NISN) was typed, in memory and in Redis (issue 13 item 6)."""

import http.client
import sqlite3
import threading
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from eduplatform import create_app
from eduplatform.db import get_engine
from eduplatform.people.activation import issue_codes
from tests.conftest import PASSWORD

PARALLEL = 25
LIMIT = 5


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, app, app_config):
    """The app with a small per-account limit, on memory or on a real Redis."""
    settings = {
        "RATELIMIT_LOGIN_PER_ACCOUNT": f"{LIMIT} per 15 minutes",
        "RATELIMIT_LOGIN_PER_ADDRESS": "1000 per 15 minutes",
    }
    if request.param == "redis":
        settings |= {
            "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
            # Runs of other checkouts share the server: keys of their own.
            "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"test-{uuid.uuid4().hex}"},
        }
    other = create_app({**app_config, **settings})
    yield other
    get_engine(other).dispose()


@pytest.fixture
def served(limited_app):
    """The app behind a real threaded HTTP server: requests truly run at the same time."""
    server = make_server("127.0.0.1", 0, limited_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=5)


def post(port, path, fields):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=urllib.parse.urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return connection.getresponse().status
    finally:
        connection.close()


def at_once(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_parallel_wrong_passwords_get_exactly_the_limit(served, make_user):
    target = make_user("teacher", email="target@example.org")
    answers = at_once(
        [
            lambda n=n: post(served, "/login", {"login": target.email, "password": f"guess {n}"})
            for n in range(PARALLEL)
        ]
    )
    assert sorted(answers) == [200] * LIMIT + [429] * (PARALLEL - LIMIT)
    # The right password is refused too while the account is throttled.
    assert post(served, "/login", {"login": target.email, "password": PASSWORD}) == 429


def test_email_and_nisn_share_one_counter(served, make_user):
    student = make_user("student", email="siti@example.org")
    names = [student.email, student.nisn, student.email.upper(), f" {student.nisn} "]
    answers = [
        post(served, "/login", {"login": names[n % 4], "password": f"guess {n}"})
        for n in range(LIMIT + 2)
    ]
    assert answers == [200] * LIMIT + [429] * 2


def test_a_successful_sign_in_costs_nothing(served, make_user):
    user = make_user("teacher")
    for _ in range(LIMIT + 3):
        assert post(served, "/login", {"login": user.email, "password": PASSWORD}) == 302


def test_parallel_activation_code_guesses_get_exactly_the_limit(served, limited_app, make_user, db):
    student = make_user("student", password=None, email=None)
    with limited_app.app_context():
        issue_codes(db, actor=None, students=[student])
    answers = at_once(
        [
            lambda n=n: post(
                served,
                "/activate",
                {
                    "nisn": student.nisn,
                    "code": f"WRONG{n:03d}",
                    "password": "a long new password",
                    "confirm": "a long new password",
                },
            )
            for n in range(PARALLEL)
        ]
    )
    assert sorted(answers) == [200] * LIMIT + [429] * (PARALLEL - LIMIT)


def test_the_limit_holds_across_a_period_boundary(app, monkeypatch):
    """Five guesses just before a period ends leave no room for a sixth just after it."""
    from werkzeug.exceptions import TooManyRequests

    from eduplatform.auth import throttle

    app.config["RATELIMIT_LOGIN_PER_ACCOUNT"] = "5 per 15 minutes"
    boundary = 900 * 2_000_000
    with app.test_request_context("/login", method="POST"):
        monkeypatch.setattr(throttle.time, "time", lambda: boundary - 1)
        for _ in range(5):
            throttle.begin(
                "login",
                account="user:1",
                per_account="RATELIMIT_LOGIN_PER_ACCOUNT",
                per_address="RATELIMIT_LOGIN_PER_ADDRESS",
            )
        monkeypatch.setattr(throttle.time, "time", lambda: boundary + 1)
        with pytest.raises(TooManyRequests):
            throttle.begin(
                "login",
                account="user:1",
                per_account="RATELIMIT_LOGIN_PER_ACCOUNT",
                per_address="RATELIMIT_LOGIN_PER_ADDRESS",
            )


@pytest.mark.parametrize("path", ["/login", "/activate", "/forgot-password"])
def test_an_attempt_over_the_limit_waits_for_no_writer(
    served, limited_app, database_url, make_user, path
):
    """Looking up the account is a read: an attempt the limits refuse answers 429 while another
    connection holds SQLite's write lock (it waited for it, then answered 500, before)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock: PostgreSQL's readers never wait for a writer")
    limited_app.config["RATELIMIT_PASSWORD_RESET_PER_ACCOUNT"] = f"{LIMIT} per 15 minutes"
    student = make_user("student", email="lock@example.org")
    fields = {
        "/login": {"login": student.email, "password": "a wrong guess"},
        "/activate": {"nisn": student.nisn, "code": "WRONG001", "password": "x" * 12},
        "/forgot-password": {"email": student.email},
    }[path]
    if path == "/activate":
        fields["confirm"] = fields["password"]
    for _ in range(LIMIT):
        assert post(served, path, fields) == 200
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # held as a long write of another request would
        assert post(served, path, fields) == 429
    finally:
        writer.execute("ROLLBACK")
        writer.close()
