"""Benchmark plumbing: cached scale-N databases, a gunicorn worker, a load client, memory."""

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("eduplatform"))
OFFICE = ("office@demo.example.org", "demo-eduplatform-2026")
STUDENT = ("student@demo.example.org", "demo-eduplatform-2026")
TEACHER = ("teacher@demo.example.org", "demo-eduplatform-2026")


def bench_dir():
    directory = Path(os.environ.get("EDUPLATFORM_BENCH_DIR", ROOT / "instance" / "bench"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _environment(url):
    env = dict(os.environ)
    env.update(
        EDUPLATFORM_DATABASE_URL=url,
        EDUPLATFORM_SECRET_KEY="benchmark-secret",
        EDUPLATFORM_RATELIMIT_STORAGE_URL="memory://",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def _postgres_url(base, scale):
    parsed = urllib.parse.urlsplit(base)
    name = f"{parsed.path.lstrip('/') or 'eduplatform_bench'}_s{scale}"
    return urllib.parse.urlunsplit(parsed._replace(path=f"/{name}")), name


def database_url(backend, scale):
    if backend == "sqlite":
        return f"sqlite:///{bench_dir() / f'scale{scale}.sqlite3'}"
    url, _name = _postgres_url(os.environ["EDUPLATFORM_BENCH_DATABASE_URL"], scale)
    return url


def _synthetic_schools(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM organization WHERE npsn LIKE '9998%'")
            ).scalar()
    except Exception:  # noqa: BLE001 - a missing or empty database is rebuilt
        return None
    finally:
        engine.dispose()


def _fresh_database(backend, scale, url):
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    base = os.environ["EDUPLATFORM_BENCH_DATABASE_URL"]
    _url, name = _postgres_url(base, scale)
    admin = create_engine(
        urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path="/postgres")),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


PEAK_RSS = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "elapsed = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(result.returncode, elapsed, peak)\n"
)


def build_database(backend, scale):
    """The scale-N demo database, built once into the cache and reused; with how it was built.

    Building runs `eduplatform demo --scale N` in a child process whose peak resident memory
    (getrusage) and wall time are kept next to the database.
    """
    url = database_url(backend, scale)
    meta_path = bench_dir() / f"{backend}-scale{scale}.json"
    env = _environment(url)
    if meta_path.exists() and _synthetic_schools(url) == scale * 10:
        # Kept from an earlier run: brought to the code's migrations (an index added since).
        subprocess.run([CLI, "db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
        return url, json.loads(meta_path.read_text())
    _fresh_database(backend, scale, url)
    subprocess.run([CLI, "db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    print(f"\nbuilding the {backend} scale-{scale} database (once; cached in {bench_dir()})")
    output = subprocess.run(
        [PYTHON, "-c", PEAK_RSS, CLI, "demo", "--scale", str(scale), "--json"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    code, elapsed, peak_kb = int(output[0]), float(output[1]), int(output[2])
    assert code == 0, f"demo --scale {scale} failed"
    analyze(url)
    meta = {
        "scale": scale,
        "backend": backend,
        "demo_seconds": round(elapsed, 1),
        "demo_peak_rss_mb": round(peak_kb / 1024, 1),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return url, meta


def analyze(url):
    """Planner statistics for the freshly loaded rows (as autovacuum gathers them in time on a
    live database): without them PostgreSQL may scan two million records for one student's."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
        engine.dispose()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_worker(url, app="tests.benchmarks.bench_app:create_bench_app()"):
    """One sync gunicorn worker (one thread) serving the benchmark app on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "--workers", "1", "--threads", "1",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            app,
        ],
        env={**_environment(url), "EDUPLATFORM_LOG_FORMAT": "json"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                get(port, "/hello")
                break
            except OSError:
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def get(port, path, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def sign_in(port, account=OFFICE):
    """An account's session cookie, the office's by default (the login form is CSRF-protected:
    read its token)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = [_session_cookie(response)]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"login": account[0], "password": account[1], "csrf_token": token}
    )
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies[0]},
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = _session_cookie(response)
    connection.close()
    return cookie


def _session_cookie(response):
    for header in response.msg.get_all("Set-Cookie") or ():
        if header.startswith("eduplatform_session="):
            return header.split(";")[0]
    raise AssertionError("no session cookie")


def requests_per_second(port, path, cookie=None, seconds=5.0):
    """Sequential requests for `seconds`: one client, one worker, a new connection each."""
    count, unique = 0, "{n}" in path
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        status = get(port, path.format(n=count) if unique else path, cookie)
        assert status == 200, (path, status)
        count += 1
    return count / (time.perf_counter() - started)


def interleaved_rates(port, endpoints, rounds=12, seconds=0.5):
    """{name: median requests/s} for {name: (path, cookie)} or {name: (port, path, cookie)},
    measured in alternating rounds.

    The machine's load drifts during a run; taking the endpoints in turn, round after round,
    lets the drift hit each of them alike, so that their ratio holds.
    """
    samples = {name: [] for name in endpoints}
    for _round in range(rounds):
        for name, endpoint in endpoints.items():
            on, path, cookie = endpoint if len(endpoint) == 3 else (port, *endpoint)
            samples[name].append(requests_per_second(on, path, cookie, seconds=seconds))
    return {name: statistics.median(values) for name, values in samples.items()}


def worker_memory_mb(master_pid):
    """(current, peak) resident memory of the gunicorn worker (the master's child), in MB."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
            status = (entry / "status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
            return round(rss / 1024, 1), round(peak / 1024, 1)
    return None, None


def machine():
    """The machine, and its speed as the load test gives it (loadtest/machine.py): figures of
    two runs compare only between machines of a similar reference time."""
    from loadtest import machine as speed

    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    load = os.getloadavg()
    fastest, median = speed.reference_ms()
    return (
        f"{os.cpu_count()} x {speed.cpu_name()}, {memory // 1024 // 1024} GB RAM, Python "
        f"{sys.version.split()[0]}, load average {load[0]:.1f}, reference work {fastest} ms on "
        f"one core at best ({median} median; lower is faster)"
    )
