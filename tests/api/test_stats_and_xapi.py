"""The office's headline figures and verified completions as xAPI statements."""

import json
import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import tincan

from tests.api.conftest import problem


def test_headline_figures_are_the_dashboards(api, world, verified, db):
    verified("EV-101-U1", "EV-101-U2")
    response = api("GET", "/stats/summary?lang=en", world.office)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["scope"] == "city"
    figures = {key: figure["value"] for key, figure in body["figures"].items()}
    assert figures["schools"] == 2 and figures["active_students"] == 3
    assert figures["units_verified"] == 2 and figures["certificates"] == 1
    assert body["figures"]["schools"]["label"] == "Schools taking part"
    one = api("GET", f"/stats/summary?school={world.other_school.id}", world.office).get_json()
    assert one["filters"]["school_id"] == world.other_school.id
    assert one["figures"]["units_verified"]["value"] == 0


def test_unknown_filters_answer_422(api, world):
    response = api("GET", "/stats/summary?year=2025&program=NOPE", world.office)
    assert response.status_code == 422
    assert {e["field"] for e in problem(response)["errors"]} == {"year", "program"}
    assert api("GET", "/stats/summary?school=999999", world.office).status_code == 404


def test_figures_and_statements_are_for_the_office_and_admins_only(api, world):
    for user in (world.student, world.teacher, world.author):
        assert api("GET", "/stats/summary", user).status_code == 403
        response = api("GET", "/xapi/statements", user)
        assert response.status_code == 403
        problem(response)
    assert api("GET", "/stats/summary", world.admin).status_code == 200
    assert api("GET", "/xapi/statements", world.admin).status_code == 200


def test_verified_completions_become_xapi_statements(api, world, verified, logged):
    done = verified("EV-101-U1")[0]
    logged("EV-101-U2")  # awaiting review: not a learning record yet
    response = api("GET", "/xapi/statements", world.office)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    body = response.get_json()
    assert body["more"] == ""
    [statement] = body["statements"]
    uuid.UUID(statement["id"])
    assert statement["version"] == "1.0.3"
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    account = statement["actor"]["account"]
    assert account["homePage"] == "http://localhost"
    assert re.fullmatch(r"[0-9a-f]{32}", account["name"])
    assert world.student.nisn not in str(statement) and world.student.full_name not in str(
        statement
    )
    assert statement["object"]["id"] == "http://localhost/curriculum/units/EV-101-U1"
    assert statement["object"]["definition"]["name"]["zh"] == "高压危害"
    assert statement["result"] == {"completion": True, "success": True, "duration": "PT2H"}
    # The start of the day it was done in Jakarta (UTC+7), said in UTC: 17:00 the day before.
    performed = datetime.combine(done.performed_on, time.min, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert statement["timestamp"] == performed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert statement["stored"].endswith("Z")
    assert statement["authority"] == {
        "objectType": "Agent",
        "name": "eduplatform",
        "account": {"homePage": "http://localhost", "name": "eduplatform"},
    }
    school = statement["context"]["extensions"]["http://localhost/xapi/extensions/school"]
    assert school == {"id": world.school.id, "name": world.school.name, "npsn": world.school.npsn}
    again = api("GET", "/xapi/statements", world.office).get_json()["statements"][0]
    assert again["id"] == statement["id"] and again["actor"] == statement["actor"]


def test_statements_resume_after_since_and_follow_more(api, world, verified):
    verified("EV-101-U1", "EV-101-U2")
    verified("EV-101-U1", student=world.classmate)
    first = api("GET", "/xapi/statements?limit=2&ascending=true", world.office)
    body = first.get_json()
    assert len(body["statements"]) == 2 and body["more"].startswith("/api/v1/xapi/statements?")
    assert 'rel="next"' in first.headers["Link"]
    rest = api("GET", body["more"].removeprefix("/api/v1"), world.office).get_json()
    assert len(rest["statements"]) == 1 and rest["more"] == ""
    stored = body["statements"][1]["stored"]
    after = api("GET", f"/xapi/statements?since={stored}&ascending=true", world.office).get_json()
    assert [s["id"] for s in after["statements"]] == [rest["statements"][0]["id"]]
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    assert (
        api("GET", f"/xapi/statements?since={later}", world.office).get_json()["statements"] == []
    )
    bad = api("GET", "/xapi/statements?since=yesterday", world.office)
    assert bad.status_code == 422
    assert problem(bad)["errors"][0]["field"] == "since"


def test_durations_are_iso_8601():
    from eduplatform.api.xapi import iso_duration

    assert iso_duration("2") == "PT2H"
    assert iso_duration("1.5") == "PT1H30M"
    assert iso_duration("0.3") == "PT18M"


def test_statements_come_newest_first_unless_ascending(api, world, verified):
    verified("EV-101-U1", "EV-101-U2")
    verified("EV-101-U1", student=world.classmate)
    newest = api("GET", "/xapi/statements", world.office).get_json()["statements"]
    stored = [s["stored"] for s in newest]
    assert len(stored) == 3 and stored == sorted(stored, reverse=True)
    oldest = api("GET", "/xapi/statements?ascending=true", world.office).get_json()["statements"]
    assert [s["id"] for s in oldest] == [s["id"] for s in reversed(newest)]
    page = api("GET", "/xapi/statements?limit=2", world.office).get_json()
    rest = api("GET", page["more"].removeprefix("/api/v1"), world.office).get_json()
    assert [s["id"] for s in page["statements"] + rest["statements"]] == [s["id"] for s in newest]


def test_an_independent_xapi_library_reads_every_statement(api, world, verified):
    """TinCanPython (the ADL-listed xAPI library) parses each statement strictly: an unknown
    property, a malformed IRI-less verb or a timestamp that is not ISO 8601 is refused."""
    verified("EV-101-U1", "EV-101-U2")
    body = api("GET", "/xapi/statements", world.office).get_data(as_text=True)
    for raw in json.loads(body)["statements"]:
        parsed = tincan.Statement.from_json(json.dumps(raw))
        assert parsed.timestamp.utcoffset() == timedelta(0)
        assert parsed.stored.utcoffset() == timedelta(0)
        assert parsed.authority.account.home_page == "http://localhost"
        assert str(parsed.verb.id) == "http://adlnet.gov/expapi/verbs/completed"
        assert parsed.result.duration == timedelta(hours=2)
        assert parsed.version == "1.0.3"
