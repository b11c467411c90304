"""Prometheus metrics: requests by endpoint, their latency, and the verification queue.

Under `eduplatform serve` every gunicorn worker writes to PROMETHEUS_MULTIPROC_DIR and a scrape
aggregates all of them; in a single process the default registry is used.
"""

import os
import secrets
import time

from flask import Blueprint, Response, abort, current_app, g, request
from flask_login import current_user
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func

from eduplatform.db import get_engine

bp = Blueprint("ops", __name__)

REQUESTS = Counter(
    "eduplatform_requests_total", "HTTP requests served", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "eduplatform_request_duration_seconds",
    "Time to serve a request",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def _unverified_completions(connection):
    from eduplatform.training.reviews import waiting_for_review

    return connection.execute(waiting_for_review(func.count())).scalar_one()


# Areas add (name, help, callable(connection) -> number) for figures read from the database.
DATABASE_GAUGES = [
    (
        "eduplatform_unverified_completions",
        "Logged units waiting for a teacher's review",
        _unverified_completions,
    ),
]


class DatabaseGauges:
    """Figures read from the database at scrape time, the same for every worker."""

    def collect(self):
        with get_engine(current_app).connect() as connection:
            for name, description, read in DATABASE_GAUGES:
                family = GaugeMetricFamily(name, description)
                family.add_metric([], read(connection))
                yield family


def init_app(app):
    app.before_request(_start_timer)
    app.after_request(_count_request)
    app.register_blueprint(bp)


def _start_timer():
    g.metrics_started = time.perf_counter()


# The labelled children, looked up once per label values (labels() validates and locks).
_REQUEST_CHILDREN = {}
_LATENCY_CHILDREN = {}


def _count_request(response):
    started = g.get("metrics_started")
    current = request._get_current_object()
    endpoint = current.endpoint
    if started is not None and endpoint != "ops.metrics":
        endpoint = endpoint or "unmatched"
        key = (endpoint, current.method, response.status_code)
        counter = _REQUEST_CHILDREN.get(key)
        if counter is None:
            counter = _REQUEST_CHILDREN[key] = REQUESTS.labels(endpoint, key[1], str(key[2]))
        counter.inc()
        latency = _LATENCY_CHILDREN.get(endpoint)
        if latency is None:
            latency = _LATENCY_CHILDREN[endpoint] = LATENCY.labels(endpoint)
        latency.observe(time.perf_counter() - started)
    return response


def _allowed():
    token = current_app.config.get("METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and secrets.compare_digest(header[7:], token):
        return True
    return current_user.is_authenticated and current_user.role == "admin"


@bp.route("/metrics")
def metrics():
    """Prometheus text format, for admins or a scraper holding EDUPLATFORM_METRICS_TOKEN."""
    if not _allowed():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    body += generate_latest(_database_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def _database_registry():
    registry = CollectorRegistry()
    registry.register(DatabaseGauges())
    return registry
