"""No secret from an address reaches a log: the development server's and production's (#13.16)."""

import json
import logging
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from eduplatform import create_app
from eduplatform.db import get_engine
from eduplatform.ops.logs import redact

SECRETS = {"key": "feedkey-s3cr3t-1", "token": "reset-t0ken-2", "code": "ACT1CODE"}
QUERY = "?" + "&".join(f"{name}={value}" for name, value in SECRETS.items()) + "&page=2"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"GET /a.ics?key=abc HTTP/1.1" 200', '"GET /a.ics?key=[redacted] HTTP/1.1" 200'),
        ("/x?page=2&api_key=zz&q=a", "/x?page=2&api_key=[redacted]&q=a"),
        ("/activate?Code=ABCD&lang=en", "/activate?Code=[redacted]&lang=en"),
        ("/reset?access_token=t.o.k#top", "/reset?access_token=[redacted]#top"),
        ("/catalogue?q=battery&page=3", "/catalogue?q=battery&page=3"),
    ],
)
def test_secret_query_values_are_redacted_and_harmless_ones_kept(line, expected):
    assert redact(line) == expected


def test_the_development_servers_access_log_carries_no_secret(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in ("/exchange/schools/90000001/activities.ics", "/verify"):
                url = f"http://127.0.0.1:{server.server_port}{path}{QUERY}"
                try:
                    urllib.request.urlopen(url, timeout=10).close()  # noqa: S310 - our server
                except urllib.error.HTTPError as refused:
                    refused.close()
    finally:
        server.shutdown()
        thread.join()
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len([line for line in access if "activities.ics" in line]) == 1
    assert any("/verify?" in line and "page=2" in line for line in access)
    for value in SECRETS.values():
        assert value not in caplog.text
    assert "key=[redacted]" in caplog.text


def test_the_production_json_access_log_carries_no_secret(app_config, capsys):
    app = create_app({**app_config, "LOG_FORMAT": "json"})
    try:
        client = app.test_client()
        client.get(f"/exchange/schools/90000001/activities.ics{QUERY}")
        client.get(f"/activate{QUERY}")
        app.logger.warning("looked at /activate%s", QUERY)
        err = capsys.readouterr().err
    finally:
        get_engine(app).dispose()
        for name in ("eduplatform.access",):
            logging.getLogger(name).handlers.clear()
    lines = [json.loads(line) for line in err.splitlines() if line]
    paths = [line.get("path") for line in lines if line["logger"] == "eduplatform.access"]
    assert paths == ["/exchange/schools/90000001/activities.ics", "/activate"]
    for value in SECRETS.values():
        assert value not in err
