"""The app as production runs it: `eduplatform serve` (gunicorn, several workers) on a
database and Redis of this machine, started and stopped by the tests, on 127.0.0.1 only.

PostgreSQL and Redis are started with the machine's own commands when they are not running.
Each served database is a separate one (a SQLite file, or a PostgreSQL database next to the
suite's), migrated through the real migrations.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from eduplatform.db import make_engine, migration_connection

ROOT = Path(__file__).resolve().parents[2]

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DB = 12
DEFAULT_SERVER_PG = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test_reliability"
SERVED_MARK = "_served_"
START_POSTGRES = (
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n 1) main start"
)
START_REDIS = (
    f"redis-server --daemonize yes --bind {REDIS_HOST} --port {REDIS_PORT} --save '' "
    "--appendonly no"
)


def _port_open(host, port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _ensure_service(name, host, port, command):
    if _port_open(host, port):
        return
    if shutil.which(command.split()[0]) is None:
        raise RuntimeError(f"{name} is not running on {host}:{port} and is not installed")
    subprocess.run(command, shell=True, check=True, timeout=60, capture_output=True)  # noqa: S602
    deadline = time.monotonic() + 30
    while not _port_open(host, port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start on {host}:{port}")
        time.sleep(0.3)


def ensure_postgres():
    _ensure_service("PostgreSQL", PG_HOST, PG_PORT, START_POSTGRES)


def ensure_redis():
    _ensure_service("Redis", REDIS_HOST, REDIS_PORT, START_REDIS)


def served_database_url(backend, tmp_dir, label):
    """A database of its own for one served app: a SQLite file, or a PostgreSQL database
    named after this test run (other runs on the machine, other engineers' included, use
    their own), on the suite's PostgreSQL server or 127.0.0.1."""
    if backend == "sqlite":
        return f"sqlite:///{Path(tmp_dir) / f'served-{label}.sqlite3'}"
    ensure_postgres()
    suite = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL", "")
    base = make_url(suite if suite.startswith("postgresql") else DEFAULT_SERVER_PG)
    name = f"{base.database}{SERVED_MARK}{os.getpid()}_{label}"
    return base.set(database=name).render_as_string(False)


def run_on_a_database_of_its_own(tmp_dir, label, module, *arguments, timeout=300):
    """`python -m <module> --database-url <a database of its own> <arguments>` from the
    project's root, on the suite's database kind; the PostgreSQL database is dropped after.
    Returns the finished process (its output captured as text)."""
    suite = os.environ.get("EDUPLATFORM_TEST_DATABASE_URL", "")
    backend = "postgresql" if suite.startswith("postgresql") else "sqlite"
    url = served_database_url(backend, tmp_dir, label)
    try:
        return subprocess.run(
            [sys.executable, "-m", module, "--database-url", url, *arguments],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    finally:
        if backend == "postgresql":
            drop_database(make_engine(url))


def _admin_engine(url):
    return make_engine(make_url(url).set(database="postgres").render_as_string(False))


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_database(url):
    """Create the database (PostgreSQL; leftovers of runs that died are dropped) and migrate
    it to every head."""
    from alembic import command

    from eduplatform.cli import alembic_config

    if url.startswith("postgresql"):
        name = make_url(url).database
        admin = _admin_engine(url)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for (other,) in connection.execute(text("SELECT datname FROM pg_database")):
                pid = other.partition(SERVED_MARK)[2].split("_")[0]
                if SERVED_MARK in other and pid.isdigit() and not _process_alive(int(pid)):
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    engine = make_engine(url)
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    return engine


def drop_database(engine):
    """Remove a served PostgreSQL database (a SQLite file goes with its temporary folder)."""
    url = engine.url.render_as_string(False)
    engine.dispose()
    if url.startswith("postgresql"):
        admin = _admin_engine(url)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            name = make_url(url).database
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(engine):
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`eduplatform serve` in a process group of its own; the log is kept in a file."""

    def __init__(self, *, database_url, workdir, workers=3, redis=True, environment=None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.metrics_token = secrets.token_hex(16)
        self.log_path = self.workdir / "server.log"
        storage = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}" if redis else "memory://"
        if redis:
            ensure_redis()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("EDUPLATFORM_")},
            "EDUPLATFORM_ENV": "production",
            "EDUPLATFORM_SECRET_KEY": secrets.token_hex(32),
            "EDUPLATFORM_BASE_URL": self.base_url,
            "EDUPLATFORM_DATABASE_URL": database_url,
            "EDUPLATFORM_RATELIMIT_STORAGE_URL": storage,
            # Each server counts on its own in the shared Redis database.
            "EDUPLATFORM_RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
            "EDUPLATFORM_UPLOAD_DIR": str(self.workdir / "uploads"),
            "EDUPLATFORM_SIGNING_KEY_DIR": str(self.workdir / "signing_keys"),
            "EDUPLATFORM_METRICS_TOKEN": self.metrics_token,
            "EDUPLATFORM_WORKERS": str(workers),
            "EDUPLATFORM_LOG_FORMAT": "json",
            "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / "metrics"),
            **(environment or {}),
        }
        self.process = None

    def start(self, timeout=60):
        command = [str(Path(sys.executable).with_name("eduplatform")), "serve",
                   "--bind", f"127.0.0.1:{self.port}"]  # fmt: skip
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log()[-3000:]}")
            try:
                ready = requests.get(f"{self.base_url}/healthz", timeout=10).status_code == 200
            except requests.RequestException:
                ready = False
            if ready and len(self.worker_pids()) >= int(self.env["EDUPLATFORM_WORKERS"]):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server was not ready in {timeout} s:\n{self.log()[-3000:]}")

    def worker_pids(self):
        """Pids of the gunicorn master's children (its workers)."""
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may contain spaces: the fields after the closing parenthesis.
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == master and fields[0] != "Z":
                pids.append(int(entry.name))
        return sorted(pids)

    def kill_worker(self, pid):
        os.kill(pid, signal.SIGKILL)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
        self.process = None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def log_entries(self):
        """The JSON lines of the log (gunicorn's own plain lines are skipped)."""
        entries = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    continue
        return entries

    def metrics(self):
        response = requests.get(
            f"{self.base_url}/metrics",
            headers={"Authorization": f"Bearer {self.metrics_token}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.text
