"""Every refusal of the API is a whole problem document, `detail` included (issue 13 item 13):
also a path whose value is malformed or beyond the database's range, which no API route
matches, and ids in queries and bodies out of range or another school's (items 1 and 12).
"""

import base64
import json

import pytest

from tests.api.conftest import problem

HUGE = "9" * 25


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/completions/abc"),
        ("GET", "/completions/-1"),
        ("GET", f"/completions/{HUGE}"),
        ("GET", "/completions/5847018696199/evidence"),  # Werkzeug once answered 405 here
        ("POST", f"/completions/{HUGE}/approve"),
        ("GET", f"/cohorts/{HUGE}/students"),
        ("PATCH", f"/activities/{HUGE}"),
        ("GET", "/modules/not a code"),
        ("GET", "/no-such-thing"),
    ],
)
def test_a_path_no_route_matches_answers_a_full_problem(api, world, method, path):
    response = api(method, path, world.admin, json={} if method != "GET" else None)
    body = problem(response)
    assert response.status_code == 404
    assert body["detail"]


def test_a_page_refused_to_a_json_caller_has_a_detail_too(client):
    response = client.get(f"/students/{HUGE}", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["detail"]


@pytest.mark.parametrize(
    "query",
    ["/cohorts?school={other}", "/partnerships?school={other}", "/activities?partnership=98765"],
)
def test_filters_naming_another_schools_record_answer_404_like_unknown_ones(api, world, query):
    response = api("GET", query.format(other=world.other_school.id), world.teacher)
    assert response.status_code == 404
    assert problem(response)["detail"]


def test_a_25_digit_id_in_a_query_is_refused_as_input_not_a_server_error(api, world):
    response = api("GET", f"/completions?cohort={HUGE}", world.teacher)
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "cohort"


@pytest.mark.parametrize(
    ("path", "values"),
    [
        ("/cohorts", ["2025/2026", 10**25]),  # an id no row can have
        ("/cohorts", [10**25, 1]),  # a number where the text sort key goes
        ("/completions", ["2026-01-01T00:00:00+00:00", 10**25]),
    ],
)
def test_a_forged_cursor_is_refused_not_a_server_error(api, world, path, values):
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    response = api("GET", f"{path}?cursor={cursor}", world.admin)
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "cursor"


def test_an_amount_too_large_to_round_is_refused_not_a_server_error(api, world):
    """Found by the schemathesis run: -1.7e255 could not be rounded to cents (a 500)."""
    response = api(
        "PATCH", f"/activities/{world.activity.id}", world.admin, json={"cost_travel": -1.7e255}
    )
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == "cost_travel"
