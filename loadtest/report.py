"""Per-step figures of a load test: requests per kind, percentiles, errors, CPU and memory.

Kept apart from Locust (plain Python): the locustfile feeds it, the smoke test reads its summary.
"""

import contextlib
import csv
import json
import math
import os
import time
from collections import defaultdict
from pathlib import Path

import psutil

# Issue 21's targets for a step: p95 of pages and of photo uploads, no errors, worker memory.
PAGE_P95_MS = 300
PHOTO_P95_MS = 2000
WORKER_MAX_MB = 200


def is_photo(kind):
    """Uploads carry a photo ("student: log unit, photo", "..., 12 MP photo"); the rest are
    pages (and the forms and API answers a page waits for)."""
    return kind.endswith("photo")


def misses(figures):
    """What a step's figures miss of the targets, in words (an empty list when it holds)."""
    found = []
    if figures["errors"]:
        found.append(f"{figures['errors']} errors (target 0)")
    for kind, row in figures["kinds"].items():
        limit = PHOTO_P95_MS if is_photo(kind) else PAGE_P95_MS
        if row["p95"] is not None and row["p95"] >= limit:
            found.append(f"{kind} p95 {row['p95']:.0f} ms (target under {limit})")
    biggest = figures.get("worker_max_rss_mb")
    if biggest is not None and biggest >= WORKER_MAX_MB:
        found.append(f"largest worker {biggest:.0f} MB (target under {WORKER_MAX_MB})")
    return found


def highest_holding(steps):
    """The most users of a step that holds every target, counting up from the first step until
    one misses (None when the first already misses)."""
    held = None
    for figures in steps:
        if misses(figures):
            break
        held = figures["users"]
    return held


def percentile(values, fraction):
    """The nearest-rank percentile of a sorted list (None when empty)."""
    if not values:
        return None
    rank = max(1, math.ceil(fraction * len(values)))
    return values[rank - 1]


class Processes:
    """CPU (percent of one core) and resident memory of the app's workers and the database's
    backends serving its database, sampled from /proc with psutil."""

    def __init__(self, master_pid, database):
        self.master_pid, self.database = master_pid, database
        self._known = {}
        psutil.cpu_percent(None)

    def _tracked(self, process):
        known = self._known.get(process.pid)
        if known is None:
            known = self._known[process.pid] = process
            process.cpu_percent(None)  # the first reading only starts the count
        return known

    def _groups(self):
        workers, database = [], []
        with contextlib.suppress(psutil.Error):
            workers = psutil.Process(self.master_pid).children()
        for process in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or ())
            if process.info["name"] == "postgres" and f" {self.database} " in f"{cmdline} ":
                database.append(process)
        return workers, database

    def sample(self):
        workers, database = self._groups()
        figures = {"machine_cpu": psutil.cpu_percent(None), "load1": os.getloadavg()[0]}
        for label, group in (("workers", workers), ("db", database)):
            cpu, rss, biggest = 0.0, 0, 0
            for process in group:
                try:
                    tracked = self._tracked(process)
                    cpu += tracked.cpu_percent(None)
                    memory = tracked.memory_info().rss
                except psutil.Error:
                    continue
                rss += memory
                biggest = max(biggest, memory)
            figures[f"{label}_cpu"] = cpu
            figures[f"{label}_rss_mb"] = rss / 2**20
            figures[f"{label}_max_rss_mb"] = biggest / 2**20
            figures[f"{label}_count"] = len(group)
        return figures


class Steps:
    """Requests and resource samples, grouped by the step (number of users) they fell in."""

    def __init__(self):
        self.times = defaultdict(lambda: defaultdict(list))  # step -> kind -> [ms]
        self.errors = defaultdict(lambda: defaultdict(int))  # step -> kind -> count
        self.cpu = defaultdict(lambda: defaultdict(list))  # step -> kind -> [CPU ms in the app]
        self.samples = defaultdict(list)  # step -> [figures]
        self.users, self.started, self.ended = {}, {}, {}
        self.error_examples = []

    def begin(self, step, users):
        self.users[step] = users
        self.started[step] = time.monotonic()

    def end(self, step):
        self.ended.setdefault(step, time.monotonic())

    def request(self, step, kind, milliseconds, error, cpu_ms=None):
        self.times[step][kind].append(milliseconds)
        if cpu_ms is not None:
            self.cpu[step][kind].append(cpu_ms)
        if error:
            self.errors[step][kind] += 1
            if len(self.error_examples) < 20:
                self.error_examples.append(f"{kind}: {str(error)[:200]}")

    def sample(self, step, figures):
        self.samples[step].append(figures)

    def summary(self, step):
        """One step's figures: users, req/s, per kind (count, p50, p95, p99, errors), resources."""
        seconds = max(1e-9, self.ended.get(step, time.monotonic()) - self.started[step])
        kinds = {}
        for kind, values in sorted(self.times[step].items()):
            values.sort()
            cpu = self.cpu[step][kind]
            kinds[kind] = {
                "count": len(values),
                "p50": percentile(values, 0.50),
                "p95": percentile(values, 0.95),
                "p99": percentile(values, 0.99),
                "errors": self.errors[step][kind],
                # The worker's CPU time inside the app (its Server-Timing), mean per request.
                "cpu_ms": sum(cpu) / len(cpu) if cpu else None,
            }
        app_cpu = [ms for values in self.cpu[step].values() for ms in values]
        requests = sum(k["count"] for k in kinds.values())
        samples = self.samples[step]

        def mean(key):
            return sum(s[key] for s in samples) / len(samples) if samples else None

        def peak(key):
            return max((s[key] for s in samples), default=None)

        return {
            "step": step,
            "users": self.users[step],
            "seconds": round(seconds, 1),
            "requests": requests,
            "rps": requests / seconds,
            "errors": sum(k["errors"] for k in kinds.values()),
            "kinds": kinds,
            # Per request: the CPU the app reported, and what the workers spent in all
            # (the difference is the server's own work: HTTP parsing, the WSGI layer).
            "app_cpu_ms": sum(app_cpu) / len(app_cpu) if app_cpu else None,
            "workers_cpu_ms": (
                10 * mean("workers_cpu") * seconds / requests if samples and requests else None
            ),  # percent of a core x seconds / 100, in ms, per request
            "workers_cpu": mean("workers_cpu"),
            "workers_rss_mb": peak("workers_rss_mb"),
            "worker_max_rss_mb": peak("workers_max_rss_mb"),
            "workers": peak("workers_count"),
            "db_cpu": mean("db_cpu"),
            "db_rss_mb": peak("db_rss_mb"),
            "machine_cpu": mean("machine_cpu"),
            "load1": peak("load1"),
        }


def _ms(value):
    return "-" if value is None else f"{value:.0f}"


def _cpu(value):
    return "-" if value is None else f"{value:.1f}"


def print_step(figures, out=print):
    out(
        f"\n== step {figures['step'] + 1}: {figures['users']} users, {figures['seconds']} s, "
        f"{figures['rps']:.1f} req/s, {figures['errors']} errors =="
    )
    out(
        f"  {'request kind':<30} {'count':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6} "
        f"{'app CPU':>8}  (ms)"
    )
    for kind, row in figures["kinds"].items():
        out(
            f"  {kind:<30} {row['count']:>6} {_ms(row['p50']):>6} {_ms(row['p95']):>6} "
            f"{_ms(row['p99']):>6} {row['errors']:>6} {_cpu(row.get('cpu_ms')):>8}"
        )
    out(
        f"  workers: {figures['workers']} processes, CPU {_ms(figures['workers_cpu'])}% of a core "
        f"(mean), RSS {_ms(figures['workers_rss_mb'])} MB together, the largest "
        f"{_ms(figures['worker_max_rss_mb'])} MB (peak)"
    )
    if figures.get("app_cpu_ms") is not None and figures.get("workers_cpu_ms") is not None:
        out(
            f"  CPU per request: {figures['workers_cpu_ms']:.1f} ms of the workers', of which "
            f"{figures['app_cpu_ms']:.1f} ms in the app (Server-Timing)"
        )
    out(
        f"  database backends: CPU {_ms(figures['db_cpu'])}% of a core, RSS "
        f"{_ms(figures['db_rss_mb'])} MB (peak); machine CPU {_ms(figures['machine_cpu'])}% "
        f"of {psutil.cpu_count()} cores, load average up to {figures['load1']:.1f}"
    )
    missed = misses(figures)
    out(f"  targets: {'missed: ' + '; '.join(missed) if missed else 'held'}")


def write(results_dir, steps, meta):
    """steps.csv (one row per step and request kind), summary.json, and the plot."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    with open(results_dir / "steps.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["step", "users", "seconds", "rps", "kind", "count", "p50_ms", "p95_ms", "p99_ms",
             "errors", "app_cpu_ms", "workers_cpu_pct", "workers_rss_mb", "worker_max_rss_mb",
             "db_cpu_pct", "db_rss_mb", "machine_cpu_pct", "load1"]
        )  # fmt: skip
        for figures in steps:
            for kind, row in figures["kinds"].items():
                writer.writerow(
                    [figures["step"] + 1, figures["users"], figures["seconds"],
                     round(figures["rps"], 2), kind, row["count"], row["p50"], row["p95"],
                     row["p99"], row["errors"], row.get("cpu_ms"), figures["workers_cpu"],
                     figures["workers_rss_mb"], figures["worker_max_rss_mb"], figures["db_cpu"],
                     figures["db_rss_mb"],
                     figures["machine_cpu"], figures["load1"]]
                )  # fmt: skip
    for figures in steps:
        figures["misses"] = misses(figures)
    meta = {**meta, "highest_holding_users": highest_holding(steps)}
    (results_dir / "summary.json").write_text(json.dumps({**meta, "steps": steps}, indent=2))
    return plot(results_dir, steps)


def plot(results_dir, steps):
    """p95 per request kind, requests/s and CPU per step, as plot.png (None without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    users = [s["users"] for s in steps]
    figure, (latency, load) = plt.subplots(2, 1, figsize=(9, 9), sharex=True)
    kinds = sorted({kind for s in steps for kind in s["kinds"]})
    for kind in kinds:
        latency.plot(
            users, [s["kinds"].get(kind, {}).get("p95") for s in steps], marker="o", label=kind
        )
    latency.axhline(PAGE_P95_MS, color="grey", linestyle="--", linewidth=1)
    latency.set_ylabel("p95 (ms)")
    latency.set_yscale("log")
    latency.legend(fontsize=7, ncol=2)
    latency.set_title("Load test: p95 per request kind (dashed: the 300 ms page target)")
    load.plot(users, [s["rps"] for s in steps], marker="o", color="black", label="requests/s")
    load.set_ylabel("requests/s")
    load.set_xlabel("simulated users")
    cpu = load.twinx()
    cpu.plot(users, [s["workers_cpu"] for s in steps], marker="s", label="workers CPU %")
    cpu.plot(users, [s["db_cpu"] for s in steps], marker="^", label="database CPU %")
    cpu.set_ylabel("CPU (% of one core)")
    load.legend(loc="upper left")
    cpu.legend(loc="lower right")
    figure.tight_layout()
    path = Path(results_dir) / "plot.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
