"""`python -m loadtest.cost`: the CPU one request of each kind costs a worker and PostgreSQL.

    python -m loadtest.cost [--scale 1] [--requests 300]

The load test says how much the machine carries; this says what each page costs there, on the
real server (gunicorn, the session check, logging and metrics included): one `eduplatform
serve` worker on the load test's database (built as `make loadtest` builds it), each kind of
page the simulated people read asked `--requests` times in a row by one client on a new
connection each time (as gunicorn's sync workers serve them), and the CPU time the worker and
the database's backends spent (from /proc, through psutil) divided by the number of requests.
The first requests of each kind are not counted (the worker fills its per-process caches).
"""

import argparse
import http.client
import json
import re
import time
from http.cookies import SimpleCookie
from pathlib import Path

import psutil

from loadtest.run import PG_BASE, database

WARM_UP = 20
COOKIE = "eduplatform_session"
LOG_LINK = re.compile(rb'href="(/training/units/\d+/log)"')
REVIEW_LINK = re.compile(rb'href="(/training/completions/\d+)')


def _cpu_seconds(processes):
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _backends(database_name):
    return [
        process
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres"
        and f" {database_name} " in " ".join(process.info["cmdline"] or ()) + " "
    ]


class Client:
    """GETs as signed-in people (or API clients), each on a connection of its own.

    Like a browser (and the load test's users), each person's session cookie is replaced by the
    one the server sets (a page with a form adds its CSRF token to the session): a client that
    kept sending the first cookie would have the server sign and send a new one on every page,
    a cost no browser causes.
    """

    def __init__(self, port):
        self.port = port
        self.cookies = {}  # {the cookie a person started with: the one they hold now}

    def get(self, path, *, cookie=None, token=None):
        headers = {"Connection": "close"}
        if cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookies.get(cookie, cookie)}"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"{response.status} for {path}")
        if cookie:
            for header in response.msg.get_all("Set-Cookie") or ():
                jar = SimpleCookie()
                jar.load(header)
                if COOKIE in jar:
                    self.cookies[cookie] = jar[COOKIE].value
        return body


def request_kinds(client, accounts):
    """{kind: a function of the request's number that makes one request of that kind}."""
    students, teachers = accounts["students"], accounts["teachers"]
    office, token = accounts["office"][0], accounts["api"][0]
    home = client.get("/", cookie=students[0])
    log_forms = LOG_LINK.findall(home) or [b"/"]
    queue = client.get("/training/verification", cookie=teachers[0])
    reviews = REVIEW_LINK.findall(queue) or [b"/training/verification"]
    return {
        "student: home": lambda n: client.get("/", cookie=students[n % len(students)]),
        "student: unit log page": lambda n: client.get(
            log_forms[n % len(log_forms)].decode(), cookie=students[0]
        ),
        "teacher: queue": lambda n: client.get("/training/verification", cookie=teachers[0]),
        "teacher: review page": lambda n: client.get(
            reviews[n % len(reviews)].decode(), cookie=teachers[0]
        ),
        "api: completions page": lambda n: client.get(
            "/api/v1/completions?status=verified", token=token
        ),
        "office: dashboard": lambda n: client.get("/dashboard/", cookie=office),
        "office: export xlsx": lambda n: client.get(
            "/dashboard/export/schools.xlsx", cookie=office
        ),
    }


def measure(kinds, worker, database_name, requests):
    """[(kind, wall ms, worker CPU ms, database CPU ms) per request] for each kind."""
    figures = []
    for kind, make in kinds.items():
        for n in range(WARM_UP):
            make(n)
        backends = _backends(database_name)
        worker_before, database_before = _cpu_seconds([worker]), _cpu_seconds(backends)
        started = time.perf_counter()
        for n in range(requests):
            make(n)
        wall = time.perf_counter() - started
        worker_cpu = _cpu_seconds([worker]) - worker_before
        database_cpu = _cpu_seconds(backends) - database_before
        figures.append(
            (kind, *(1000 * value / requests for value in (wall, worker_cpu, database_cpu)))
        )
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    from sqlalchemy.engine import make_url

    from eduplatform import create_app
    from loadtest import machine, seed
    from tests.reliability.server import Server, ensure_postgres

    url = args.database_url or f"{PG_BASE}_s{args.scale}"
    if url.startswith("postgresql"):
        ensure_postgres()
    database(url, args.scale)
    workdir = Path(__file__).resolve().parent / "results" / "cost"
    # One token asks a few hundred pages a second here, far past the API's budget per token
    # (120 a minute): a budget it cannot reach, so the limiter still counts each request.
    server = Server(
        database_url=url,
        workdir=workdir,
        workers=1,
        environment={"EDUPLATFORM_RATELIMIT_API": "1000000 per minute"},
    )
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": server.env["EDUPLATFORM_SECRET_KEY"]})
    seed.forget(app)
    accounts = seed.accounts(app, students=50, teachers=3, office=1, api_clients=1)
    app.extensions["eduplatform.engine"].dispose()
    print(machine.line(machine.describe()), flush=True)
    server.start()
    try:
        (worker_pid,) = server.worker_pids()
        kinds = request_kinds(Client(server.port), accounts)
        figures = measure(
            kinds, psutil.Process(worker_pid), make_url(url).database or "", args.requests
        )
    finally:
        server.stop()
    print(f"{'request kind':<24} {'wall':>7} {'worker CPU':>11} {'database CPU':>13}  (ms each)")
    for kind, wall, worker_cpu, database_cpu in figures:
        print(f"{kind:<24} {wall:7.2f} {worker_cpu:11.2f} {database_cpu:13.2f}")
    if args.json:
        names = ("kind", "wall_ms", "worker_cpu_ms", "database_cpu_ms")
        rows = [dict(zip(names, row, strict=True)) for row in figures]
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
