# ruff: noqa: F811 - the training fixtures are imported from tests.training.conftest
"""The student's home stays light on prepaid data (issue 20): the bytes sent for the first
visit (empty browser cache) and a repeat visit, measured at the server with the service worker
in place; printed, and the first visit held under its budget (bytes only, never time)."""

import pytest

from tests.e2e.conftest import PHONE, wait_until_the_service_worker_controls
from tests.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    add_module,
    enrol,
    quick_password_hashes,
    session,
    training,
)

FIRST_VISIT_BUDGET = 60 * 1024


class SentBytes:
    """What the server sends (status line, headers, bodies; uncompressed, so at least what a
    phone receives): every request counts, the page's and its service worker's alike."""

    def __init__(self, app):
        self.bytes = self.requests = 0
        inner = app.wsgi_app

        def counted(environ, start_response):
            def start(status, headers, exc_info=None):
                self.requests += 1
                self.bytes += len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers)
                return start_response(status, headers, exc_info)

            for chunk in inner(environ, start):
                self.bytes += len(chunk)
                yield chunk

        app.wsgi_app = counted

    def during(self, page, go):
        self.bytes = self.requests = 0
        go()
        page.wait_for_load_state("networkidle")
        return {"bytes": self.bytes, "requests": self.requests}


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_students_home_first_and_repeat_visit_bytes(
    app, db, page, live_server, sign_in, training
):
    sent = SentBytes(app)
    sign_in(training.student)
    wait_until_the_service_worker_controls(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.detach()
    page.evaluate("caches.keys().then(names => Promise.all(names.map(n => caches.delete(n))))")

    first = sent.during(page, lambda: page.goto(f"{live_server}/"))
    repeat = sent.during(page, lambda: page.goto(f"{live_server}/"))
    print(
        f"\nstudent home, bytes sent by the server: first visit {first['bytes']} "
        f"({first['requests']} requests), repeat visit {repeat['bytes']} "
        f"({repeat['requests']} requests)"
    )
    assert first["requests"] and repeat["requests"]
    assert first["bytes"] < FIRST_VISIT_BUDGET
    assert repeat["bytes"] < first["bytes"]
