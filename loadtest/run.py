"""`make loadtest`: seed a demo database at a scale, serve it as production does, load it.

    python -m loadtest.run [--scale 1] [--steps 50,100,250,500,1000] [--step-seconds 60]

PostgreSQL and Redis on 127.0.0.1 (started when they are not running, as the reliability tests
do); the database `eduplatform_loadtest_s<scale>` is built once with `eduplatform demo --scale`
and reused. The app runs under `eduplatform serve` (gunicorn, EDUPLATFORM_WORKERS workers, cores
+ 1 by default as `eduplatform serve` chooses) on a free port of 127.0.0.1; Locust runs headless
in a process of its own on the same machine. Results go to loadtest/results/<date-time>/ (not
committed).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "loadtest" / "results"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/eduplatform_loadtest"


def phone_photo(path, size=(4032, 3024)):
    """A 12-megapixel JPEG like a phone camera's (smooth light, some sensor noise), ~2-4 MB."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((size[0] // 4, size[1] // 4), 40).resize(size)
    gradient = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", (gradient, noise, gradient.filter(ImageFilter.BoxBlur(8))))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    path.write_bytes(buffer.getvalue())
    return path


def shrunk_in_the_browser(original, path, max_side=1600, quality=85):
    """The photo as the log form's script (static/js/photo.js) sends it: scaled to fit
    `max_side` and re-encoded as JPEG at quality 0.85 (a few hundred KB)."""
    from PIL import Image

    with Image.open(original) as picture:
        picture.thumbnail((max_side, max_side))
        picture.save(path, "JPEG", quality=quality)
    return path


def _cli(env, *arguments):
    command = [str(Path(sys.executable).with_name("eduplatform")), *arguments]
    return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)


def database(url, scale):
    """The migrated demo database at this scale: built the first time, reused afterwards."""
    from eduplatform import create_app
    from loadtest.seed import synthetic_students
    from tests.benchmarks.harness import analyze
    from tests.reliability.server import prepare_database

    env = {**os.environ, "EDUPLATFORM_DATABASE_URL": url, "EDUPLATFORM_SECRET_KEY": "seed"}
    probe = create_app({"DATABASE_URL": url, "SECRET_KEY": "seed"})
    try:
        found = synthetic_students(probe)
        ready = found is not None and found >= 100 * 10 * 4 * scale
    except Exception:  # noqa: BLE001 - a missing or empty database is built
        ready = False
    probe.extensions["eduplatform.engine"].dispose()
    if ready:
        print(f"reusing the scale-{scale} database (migrated to this code's head)", flush=True)
        _cli(env, "db", "upgrade")
        return
    print(f"building the scale-{scale} database (once; a few minutes per scale unit)", flush=True)
    prepare_database(url).dispose()
    started = time.monotonic()
    _cli(env, "demo", "--scale", str(scale))
    analyze(url)
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("LOADTEST_SCALE", 1)))
    parser.add_argument("--steps", default=os.environ.get("LOADTEST_STEPS", "50,100,250,500,1000"))
    parser.add_argument(
        "--step-seconds", type=float, default=float(os.environ.get("LOADTEST_STEP_SECONDS", 60))
    )
    parser.add_argument("--think", default=os.environ.get("LOADTEST_THINK", "3,10"))
    parser.add_argument(
        "--weights",
        default=os.environ.get("LOADTEST_WEIGHTS", "85,8,2,5"),
        help="shares of students, teachers, office staff and API clients",
    )
    parser.add_argument(
        "--originals",
        type=float,
        default=float(os.environ.get("LOADTEST_ORIGINALS", 0.1)),
        help="share of photo uploads sent as the camera's original (the others as the log "
        "form's script sends them, shrunk in the browser)",
    )
    parser.add_argument("--database-url", default=os.environ.get("LOADTEST_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args(argv)

    from eduplatform import create_app
    from eduplatform.ops.serve import default_workers
    from loadtest import machine, seed
    from tests.reliability.server import Server, ensure_postgres

    url = args.database_url or f"{PG_BASE}_s{args.scale}"
    if url.startswith("postgresql"):
        ensure_postgres()
    database(url, args.scale)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    results = args.results or RESULTS / stamp
    results.mkdir(parents=True, exist_ok=True)
    workers = args.workers or default_workers()
    # Each answer says what it cost the worker's CPU (Server-Timing), per request kind below.
    server = Server(
        database_url=url,
        workdir=results / "server",
        workers=workers,
        environment={"EDUPLATFORM_SERVER_TIMING": "true"},
    )
    users = max(int(n) for n in args.steps.split(","))
    weights = [int(n) for n in args.weights.split(",")]
    shares = [max(1, -(-users * w // sum(weights))) for w in weights]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": server.env["EDUPLATFORM_SECRET_KEY"]})
    seed.forget(app)
    accounts = seed.accounts(
        app,
        students=shares[0],
        teachers=shares[1],
        office=shares[2],
        api_clients=shares[3],
    )
    (results / "accounts.json").write_text(json.dumps(accounts))
    if len(accounts["students"]) < shares[0]:
        # The pool of cookies wraps: two simulated students on one account log the same units,
        # and the second log of a unit is refused (422, "already waiting for review").
        print(
            f"warning: scale {args.scale} has {len(accounts['students'])} students enrolled for "
            f"{shares[0]} simulated ones: above that, some share an account and their second log "
            "of a unit is refused; use a larger --scale",
            flush=True,
        )
    photo = phone_photo(results / "photo.jpg")
    shrunk = shrunk_in_the_browser(photo, results / "photo-shrunk.jpg")
    print(
        f"{len(accounts['students'])} students, {len(accounts['teachers'])} teachers, "
        f"{len(accounts['office'])} office sessions, {len(accounts['api'])} API tokens; "
        f"photo {photo.stat().st_size / 2**20:.1f} MB ({args.originals:.0%} of uploads; the "
        f"others shrunk in the browser: {shrunk.stat().st_size / 2**10:.0f} KB); "
        f"{workers} workers",
        flush=True,
    )
    # Before the server starts and after it stops: the machine's speed, idle (see machine.py).
    before = machine.describe()
    print(machine.line(before), flush=True)
    server.start()
    env = {
        **os.environ,
        "LOADTEST_ACCOUNTS": str(results / "accounts.json"),
        "LOADTEST_PHOTO": str(photo),
        "LOADTEST_SHRUNK_PHOTO": str(shrunk),
        "LOADTEST_ORIGINALS": str(args.originals),
        "LOADTEST_STEPS": args.steps,
        "LOADTEST_STEP_SECONDS": str(args.step_seconds),
        "LOADTEST_THINK": args.think,
        "LOADTEST_WEIGHTS": args.weights,
        "LOADTEST_SERVER_PID": str(server.process.pid),
        "LOADTEST_DATABASE": make_url(url).database or "",
        "LOADTEST_RESULTS": str(results),
        "PYTHONPATH": str(ROOT),
    }
    try:
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"),
             "--headless", "--only-summary", "--host", server.base_url,
             "--csv", str(results / "locust"), "--exit-code-on-error", "0",
             "--loglevel", "WARNING"],
            env=env, cwd=ROOT, check=False,
        )  # fmt: skip
    finally:
        server.stop()
    after = machine.describe()
    print(f"after the run: {machine.line(after)}")
    summary = json.loads((results / "summary.json").read_text())
    summary.update(machine=before, machine_after=after)
    (results / "summary.json").write_text(json.dumps(summary, indent=2))
    errors = sum(step["errors"] for step in summary["steps"])
    held = summary["highest_holding_users"]
    print(
        f"\nthe highest step that holds every target: {held} users"
        if held
        else "\nno step holds every target (the first already misses)"
    )
    print(f"\nresults: {results} (steps.csv, summary.json, plot.png, locust_*.csv)")
    return 1 if locust.returncode or errors else 0


if __name__ == "__main__":
    sys.exit(main())
