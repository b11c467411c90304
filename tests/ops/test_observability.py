import json
import logging

from eduplatform import create_app
from eduplatform.db import get_engine


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first and second and first != second


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234567890"})
    assert kept.headers["X-Request-ID"] == "proxy-1234567890"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert replaced.headers["X-Request-ID"] != "<script>alert(1)</script>"


def test_json_logs_have_one_object_per_request_with_its_id(app_config, capsys):
    app = create_app({**app_config, "LOG_FORMAT": "json"})
    response = app.test_client().get("/healthz")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    access = [line for line in lines if line["logger"] == "eduplatform.access"]
    assert access[-1]["request_id"] == response.headers["X-Request-ID"]
    assert access[-1]["status"] == 200 and access[-1]["path"] == "/healthz"
    # What the request cost the worker's CPU: some, and never more than the time it took.
    assert 0 < access[-1]["cpu_ms"] <= access[-1]["duration_ms"] + 1
    get_engine(app).dispose()
    for name in ("eduplatform.access",):
        logging.getLogger(name).handlers.clear()


def test_server_timing_is_sent_only_when_configured(app_config, client):
    assert "Server-Timing" not in client.get("/healthz").headers
    app = create_app({**app_config, "SERVER_TIMING": True})
    header = app.test_client().get("/healthz").headers["Server-Timing"]
    # The W3C Server-Timing syntax: metric;dur=milliseconds, comma-separated.
    metrics = dict(part.strip().split(";dur=") for part in header.split(","))
    assert set(metrics) == {"app", "cpu"}
    assert 0 < float(metrics["cpu"]) <= float(metrics["app"]) + 1
    get_engine(app).dispose()


def test_metrics_are_for_admins_only(client, login):
    assert client.get("/metrics").status_code == 404
    login("teacher")
    assert client.get("/metrics").status_code == 404
    client.post("/logout")
    login("admin")
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert "eduplatform_requests_total" in body
    assert 'endpoint="core.healthz"' in body


def test_metrics_accept_the_configured_scraper_token(app, client):
    app.config["METRICS_TOKEN"] = "scrape-secret-123"
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"})
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert ok.status_code == 200 and wrong.status_code == 404


def test_serve_refuses_to_start_without_a_secret_key(runner, monkeypatch):
    monkeypatch.delenv("EDUPLATFORM_SECRET_KEY", raising=False)
    result = runner.invoke(args=["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert "EDUPLATFORM_SECRET_KEY" in result.output


def test_serve_refuses_to_start_without_a_base_url(runner, monkeypatch):
    monkeypatch.setenv("EDUPLATFORM_SECRET_KEY", "a-secret-for-this-test")
    monkeypatch.delenv("EDUPLATFORM_BASE_URL", raising=False)
    result = runner.invoke(args=["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert "EDUPLATFORM_BASE_URL is not set" in result.output
