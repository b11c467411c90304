"""loadtest.cost's client holds each person's session cookie as a browser does: the one the
server set last, not the one the person started with."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from loadtest.cost import Client


class _Server(BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        cookie = self.headers.get("Cookie", "")
        type(self).seen.append(cookie)
        self.send_response(200)
        if cookie.endswith("=first"):  # a page with a form: the session gains a CSRF token
            self.send_header("Set-Cookie", "eduplatform_session=second; HttpOnly; Path=/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *arguments):
        pass


def test_the_cookie_the_server_sets_is_sent_from_then_on():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(server.server_address[1])
        for _page in range(3):
            assert client.get("/", cookie="first") == b"ok"
        client.get("/", cookie="someone-else")
        client.get("/api", token="t")
    finally:
        server.shutdown()
        server.server_close()
    assert _Server.seen == [
        "eduplatform_session=first",
        "eduplatform_session=second",
        "eduplatform_session=second",
        "eduplatform_session=someone-else",
        "",
    ]
