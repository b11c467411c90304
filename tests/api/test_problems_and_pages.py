"""Refusals as RFC 9457 problem documents, keyset pagination, and the rate limit per token."""

from sqlmodel import func, select

from eduplatform.training.models import UnitCompletion
from tests.api.conftest import TODAY, problem

BODY = {"unit": "EV-101-U1", "performed_on": TODAY.isoformat(), "hours": 2, "note": "Done."}


def completions(db):
    return db.exec(select(func.count()).select_from(UnitCompletion)).one()


def test_malformed_json_answers_400(api, world, db):
    response = api(
        "POST", "/completions", world.student, data='{"unit": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert problem(response)["title"] == "Bad Request"
    assert completions(db) == 0


def test_a_body_that_is_not_json_answers_415(api, world, db):
    response = api("POST", "/completions", world.student, data=BODY)
    assert response.status_code == 415
    problem(response)
    assert completions(db) == 0


def test_a_json_body_over_1_mb_answers_413(api, world, db):
    response = api(
        "POST", "/completions", world.student, json={**BODY, "note": "x" * (1024 * 1024)}
    )
    assert response.status_code == 413
    problem(response)
    assert completions(db) == 0


def test_a_json_array_instead_of_an_object_answers_422(api, world):
    response = api("POST", "/completions", world.student, json=[BODY])
    assert response.status_code == 422
    problem(response)


def test_unknown_paths_and_methods_answer_with_problems(api, world):
    missing = api("GET", "/nothing/here", world.student)
    assert missing.status_code == 404
    problem(missing)
    wrong = api("DELETE", "/completions", world.student)
    assert wrong.status_code == 405
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "POST"}
    problem(wrong)


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_messages_follow_the_asked_language(api, world):
    response = api("POST", "/completions?lang=en", world.student, json={**BODY, "note": ""})
    assert problem(response)["errors"] == [
        {"field": "note", "message": "Write a short note on what you did."}
    ]


def test_lists_are_paginated_with_cursors_and_link_headers(api, world, logged):
    made = [logged("EV-101-U1", student=s).id for s in (world.student, world.classmate)]
    made.append(logged("EV-102-U1").id)
    seen, path = [], "/completions?limit=2"
    first = api("GET", path, world.teacher)
    body = first.get_json()
    assert len(body["items"]) == 2 and body["next"]
    link = first.headers["Link"]
    assert link.endswith('rel="next"') and f"cursor={body['next']}" in link
    seen += [item["id"] for item in body["items"]]
    second = api("GET", f"{path}&cursor={body['next']}", world.teacher).get_json()
    seen += [item["id"] for item in second["items"]]
    assert second["next"] is None
    assert seen == made


def test_a_last_page_has_no_link(api, world, logged):
    logged("EV-101-U1")
    response = api("GET", "/completions", world.teacher)
    assert response.get_json()["next"] is None
    assert "Link" not in response.headers


def test_a_cursor_not_made_by_the_api_or_a_bad_limit_answers_422(api, world):
    for query, field in (
        ("cursor=bm9wZQ", "cursor"),
        ("cursor=%%%", "cursor"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
    ):
        response = api("GET", f"/completions?{query}", world.teacher)
        assert response.status_code == 422, query
        assert problem(response)["errors"][0]["field"] == field


def test_too_many_requests_answer_429_with_retry_after(app, api, world, token):
    app.config["RATELIMIT_API"] = "3 per minute"
    raw = token(world.teacher)
    for _ in range(3):
        assert api("GET", "/me", raw).status_code == 200
    refused = api("GET", "/me", raw)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    problem(refused)
    assert api("GET", "/me", token(world.teacher)).status_code == 200  # each token its own budget


def test_a_nul_character_anywhere_answers_a_400_problem(api, world, db):
    assert problem(api("GET", "/programs?cursor=a%00b", world.student))["status"] == 400
    response = api("POST", "/completions", world.student, json={**BODY, "note": "a\x00b"})
    assert response.status_code == 400
    problem(response)
    assert completions(db) == 0
