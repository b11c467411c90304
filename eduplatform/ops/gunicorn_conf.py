"""Gunicorn settings and hooks used by `eduplatform serve`."""

import os
import shutil
from pathlib import Path

graceful_timeout = 30
accesslog = None  # the app writes one JSON line per request itself
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Start with an empty metrics directory: counts from a previous run do not carry over."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
