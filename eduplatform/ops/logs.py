"""Request ids on every response and, in production, one JSON log line per event.

No log line carries a secret from an address: values of query parameters whose name says key,
token, code, secret, password, signature or similar (a calendar feed's `key=`, an activation
code, a reset token) are replaced by `[redacted]`, in the development server's access log
(werkzeug), gunicorn's (if an operator turns it on) and the app's own.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import current_app, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("eduplatform.access")
REDACTED = "[redacted]"
# A query parameter whose name contains one of these words, and its value up to the next
# separator (a space or quote ends the request line in an access log).
SECRET_PARAMETER = re.compile(
    r"([?&;][^=&;?#\s\"']*(?:key|token|code|secret|pass|sig|auth|nonce|otp|session)"
    r"[^=&;?#\s\"']*=)[^&;#\s\"']*",
    re.IGNORECASE,
)
# Loggers that may write a request's address: the development server, gunicorn, the app.
ADDRESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "eduplatform.access")


def redact(text):
    """`text` with the values of secret-bearing query parameters replaced."""
    return SECRET_PARAMETER.sub(lambda m: m.group(1) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrite a record whose message holds a secret query value before any handler sees it."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


redact_secrets = RedactSecrets()


class RequestIdFilter(logging.Filter):
    """Stamp every record with the id of the request it belongs to."""

    def filter(self, record):
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JSONFormatter(logging.Formatter):
    _second = (None, None, None)  # (second, format, its text): one strftime per second

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        second, fmt, text = self._second
        if second != int(record.created) or fmt != datefmt:
            second, fmt = int(record.created), datefmt
            text = super().formatTime(record, datefmt)
            self._second = (second, fmt, text)
        return text

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "pid": record.process,  # which gunicorn worker
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def init_app(app):
    """Give each request an id (kept from a trusted proxy's header) and log it as JSON."""
    app.before_request(_start_request)
    app.after_request(_finish_request)
    for name in ADDRESS_LOGGERS:
        logging.getLogger(name).addFilter(redact_secrets)  # one shared filter: added once
    app.logger.addFilter(redact_secrets)
    if app.config["LOG_FORMAT"] == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JSONFormatter())
        handler.addFilter(RequestIdFilter())
        for logger in (app.logger, access_log):
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False


def _start_request():
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    context = g._get_current_object()
    context.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    context.request_started = time.perf_counter()
    context.request_cpu = time.thread_time()  # this thread's CPU: a gthread worker's too


def _finish_request(response):
    context = g._get_current_object()
    response.headers[REQUEST_ID_HEADER] = context.get("request_id", "")
    started = context.get("request_started")
    if started is None:  # a hook before ours answered
        return response
    duration_ms = (time.perf_counter() - started) * 1000
    cpu_ms = (time.thread_time() - context.request_cpu) * 1000
    if current_app.config["SERVER_TIMING"]:
        response.headers["Server-Timing"] = f"app;dur={duration_ms:.1f}, cpu;dur={cpu_ms:.2f}"
    if access_log.handlers and access_log.isEnabledFor(logging.INFO):
        current = request._get_current_object()
        fields = {
            "method": current.method,
            "path": current.path,
            "endpoint": current.endpoint,
            "status": response.status_code,
            "duration_ms": round(duration_ms, 1),
            # What the request cost the worker's CPU (the rest of duration_ms is waiting: for
            # the database, or for the CPU another process held).
            "cpu_ms": round(cpu_ms, 2),
            "client": current.remote_addr,
        }
        # The record made directly: Logger.info() would also walk the stack to name the
        # caller, which is always this function.
        access_log.handle(
            access_log.makeRecord(
                access_log.name, logging.INFO, __file__, 0, "request", (), None,
                func="_finish_request", extra={"fields": fields},
            )
        )  # fmt: skip
    return response
