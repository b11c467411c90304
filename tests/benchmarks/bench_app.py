"""The app as served in the benchmarks, plus bare endpoints to compare the dashboard with."""

from flask import Flask

from eduplatform import create_app
from eduplatform.auth.access import login_required


def create_bench_app():
    """create_app() with /hello (nothing: no session, query or template) and /hello-signed-in
    (the session lookup every signed-in page pays, and nothing else)."""
    app = create_app()
    app.add_url_rule("/hello", "bench_hello", lambda: "hello")
    app.add_url_rule("/hello-signed-in", "bench_hello_signed_in", login_required(lambda: "hello"))
    return app


def create_bare_app():
    """A bare Flask app answering "hello": the reference the signed-in floor is measured against."""
    app = Flask(__name__)
    app.add_url_rule("/hello", "hello", lambda: "hello")
    return app
