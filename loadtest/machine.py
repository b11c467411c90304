"""The machine a load test or a cost run ran on, in figures that do not depend on this code.

Machines of one kind differ: the same code, load test and database served 137.7 requests/s at
p95 83-214 ms for 750 users on one 2-core machine (issue 21's fourteenth run) and 99.7 requests/s
at p95 2.5-3.1 s on another, where one student home cost 4.7-8 ms of CPU in-process instead of
3.0. A run's figures are only comparable with another's when the machines are alike, so each run
prints and keeps these: the CPU's name, its cores, the Python that ran the workers, and the time
one core takes for a fixed piece of pure Python work (`reference_ms`: lower is faster).
"""

import hashlib
import json
import os
import platform
import re
import statistics
import time

# A worker's kind of work, from the standard library alone: building strings, dict look-ups,
# regular expressions over a page, JSON, hashing, sorting. The same every run.
_WORDS = [f"unit-{n:04d} Perawatan baterai kendaraan listrik {n % 7}" for n in range(400)]
_PAGE = "\n".join(
    f'<li><a href="/training/units/{n}/log">{w}</a></li>' for n, w in enumerate(_WORDS)
)
_LINK = re.compile(r'href="(/training/units/(\d+)/log)"')
_DOCUMENT = {
    "items": [{"id": n, "title": w, "tags": [w[:6], w[-3:]]} for n, w in enumerate(_WORDS)]
}
_BYTES = bytes(range(256)) * 2048  # 512 KB


def _work():
    total = 0
    for _round in range(60):
        counts = {}
        for word in _WORDS:
            key = word.split(" ", 1)[0]
            counts[key] = counts.get(key, 0) + len(word)
        html = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in sorted(counts.items()))
        total += len(html) + sum(int(match[1]) for match in _LINK.findall(_PAGE))
        total += len(json.loads(json.dumps(_DOCUMENT))["items"])
    total += hashlib.sha256(_BYTES).digest()[0]
    return total


def reference_ms(rounds=9):
    """(fastest, median) milliseconds of CPU one core took for the fixed work, over `rounds`
    rounds in a row: lower is faster; a median far above the fastest says the machine's speed
    changed while it was measured (a shared host: seen here at up to twice the time, for
    seconds at a stretch)."""
    timings = []
    for _round in range(rounds):
        started = time.thread_time()
        _work()
        timings.append((time.thread_time() - started) * 1000)
    return round(min(timings), 1), round(statistics.median(timings), 1)


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe():
    """{"cpu", "cores", "python", "reference_ms", "reference_median_ms"}: what a run's figures
    came from."""
    fastest, median = reference_ms()
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "reference_ms": fastest,
        "reference_median_ms": median,
    }


def line(machine):
    return (
        f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}; "
        f"reference work {machine['reference_ms']} ms on one core at best, "
        f"{machine['reference_median_ms']} ms median (lower is faster; compare runs only between "
        "machines with similar figures)"
    )
