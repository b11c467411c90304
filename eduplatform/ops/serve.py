"""`eduplatform serve`: the app under gunicorn, configured from the environment."""

import multiprocessing
import os
import sys


def default_workers():
    """EDUPLATFORM_WORKERS (or WEB_CONCURRENCY), else one worker per core and one more.

    Not gunicorn's usual 2 x cores + 1, which assumes workers mostly wait: here a request is
    mostly CPU (pages, photos), and on the city's one machine so is PostgreSQL's share. With the
    load test's mix on 2 cores, 3 workers spent 7.9-8.1 ms of CPU per request where 5 spent
    8.3-10.4 (more processes than cores: more switching between them), and at 1,000 users served
    168-177 requests/s where 5 served 145; 2 workers did as well as 3, and the one more keeps a
    core busy while a worker waits for the database or a long export. With the database on
    another host, workers wait for its round trips: set EDUPLATFORM_WORKERS to about
    2 x cores + 1 there. A slow phone's upload does not hold a worker: the reverse proxy takes
    the whole request before passing it on.
    """
    configured = os.environ.get("EDUPLATFORM_WORKERS") or os.environ.get("WEB_CONCURRENCY")
    return int(configured) if configured else multiprocessing.cpu_count() + 1


def gunicorn_command(*, bind, workers, threads, timeout):
    """The gunicorn command line that serves create_app() with our hooks."""
    return [
        sys.executable, "-m", "gunicorn",
        "--config", "python:eduplatform.ops.gunicorn_conf",
        "--bind", bind,
        "--workers", str(workers),
        "--threads", str(threads),
        "--timeout", str(timeout),
        "eduplatform:create_app()",
    ]  # fmt: skip


# glibc hands out blocks of 128 KB and more with mmap (and gives them back when freed) only
# until the first such block is freed: then it raises that bar to the block's size, up to 32 MB.
# After one photo a worker's large buffers (an upload, a decoded picture: 4 to 9 MB each) come
# from its heap, which rarely shrinks. A fixed bar keeps them out of it: a worker settled about
# 8 MB lower after a day's mix of pages and photos (153 -> 145 MB). Ignored by other C libraries.
MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=131072"


def serve_environment(metrics_dir):
    env = dict(os.environ)
    env.setdefault("EDUPLATFORM_ENV", "production")
    env.setdefault("EDUPLATFORM_LOG_FORMAT", "json")
    # An operator (or a test running two servers on one host) may choose the directory.
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    # An operator's own tunables win.
    env.setdefault("GLIBC_TUNABLES", MALLOC_TUNABLES)
    return env


def exec_gunicorn(*, bind, workers, threads, timeout, metrics_dir):
    """Replace this process with gunicorn (fresh imports, so metrics see the shared dir)."""
    metrics_dir.mkdir(parents=True, exist_ok=True)
    command = gunicorn_command(bind=bind, workers=workers, threads=threads, timeout=timeout)
    os.execve(command[0], command, serve_environment(metrics_dir))
