"""Ids from the query string, forms and bodies pass the same scope check as path ids (issue 13
items 1 and 12): another school's id answers exactly like an unknown one, and a number too large
for the database is unknown too (never a 500 from the driver), on SQLite and PostgreSQL.
"""

import pytest

from eduplatform.ids import MAX_ID, MAX_PAGE, page_number, parse_id
from tests.security.crawl import sign_in

HUGE = "9" * 25


def test_parse_id_accepts_whole_numbers_within_the_database_range_only():
    assert parse_id("12") == 12
    assert parse_id(" 7 ") == 7
    assert parse_id(MAX_ID) == MAX_ID
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), HUGE, "0", "-3", "1.5", "", None, "١٢", "12abc", True, 0, 2**40):
        assert parse_id(bad) is None, bad


def test_page_numbers_are_clamped():
    assert page_number(None) == 1
    assert page_number("abc") == 1
    assert page_number("0") == 1
    assert page_number("3") == 3
    assert page_number(HUGE) == MAX_PAGE
    assert page_number(str(MAX_PAGE + 1)) == MAX_PAGE


def test_verification_queue_filters_only_by_the_teachers_own_classes(app, world):
    """The outside test's example: ?cohort=<another school's class> listed its students."""
    client = app.test_client()
    sign_in(client, world.a.teacher)
    own = client.get(f"/training/verification?cohort={world.a.cohort.id}&lang=en")
    assert own.status_code == 200
    assert "Siswa A" in own.get_data(as_text=True)
    for value in (world.b.cohort.id, 987654, HUGE, "abc"):
        response = client.get(f"/training/verification?cohort={value}&lang=en")
        assert response.status_code == 404, value
        assert "Siswa B" not in response.get_data(as_text=True)
    other_student = client.get(f"/training/verification?student={world.b.student.id}")
    assert other_student.status_code == 404
    assert client.get(f"/training/verification?student={world.a.student.id}").status_code == 200


def test_the_teacher_of_two_schools_filters_by_either_school_but_not_a_third(app, world):
    client = app.test_client()
    sign_in(client, world.second_school_teacher)
    assert client.get(f"/training/verification?cohort={world.a.cohort.id}").status_code == 200
    assert client.get(f"/training/verification?cohort={world.third_cohort.id}").status_code == 200
    assert client.get(f"/training/verification?cohort={world.b.cohort.id}").status_code == 404


def test_bulk_approval_ignores_another_schools_records_like_unknown_ones(app, world, db):
    from eduplatform.training.models import UnitCompletion

    client = app.test_client()
    sign_in(client, world.b.teacher)  # school A's record waits for school A's teacher
    answers = set()
    for value in (world.a.submitted.id, 987654, HUGE):
        response = client.post(
            "/training/verification/approve?lang=en",
            data={"completion": [str(value)], "confirm": "1", "criteria_checked": "y"},
            follow_redirects=True,
        )
        assert response.status_code == 200, value
        answers.add("Choose at least one record." in response.get_data(as_text=True))
    assert answers == {True}  # the same one answer for all three
    db.expire_all()
    assert db.get(UnitCompletion, world.a.submitted.id).status == world.a.submitted.status


@pytest.mark.parametrize(
    "url",
    [
        "/students/{huge}",
        "/classes/{huge}",
        "/training/progress/cohorts/{huge}",
        "/exchange/activities/{huge}",
        "/exchange/partnerships/{huge}",
        "/dashboard/schools/{huge}",
        "/schools/{huge}",
        "/admin/users/{huge}",
        "/training/completions/{huge}",
        "/api/v1/cohorts/{huge}/students",
        "/api/v1/completions/{huge}",
        "/training/verification?cohort={huge}",
        "/training/verification?module={huge}",
        "/training/verification?student={huge}",
        "/training/progress/cohorts/{cohort}?module={huge}",
        "/dashboard/?school={huge}",
    ],
)
def test_a_25_digit_id_anywhere_is_unknown(app, world, url):
    client = app.test_client()
    sign_in(client, world.admin)
    response = client.get(url.format(huge=HUGE, cohort=world.a.cohort.id))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/training/verification?page={huge}",
        "/certificates?page={huge}",
        "/admin/audit/?page={huge}",
        "/notifications?page={huge}",
        "/exchange/activities?page={huge}",
        "/admin/users?page={huge}",
        "/dashboard/?page={huge}",
    ],
)
def test_a_25_digit_page_number_is_clamped(app, world, url):
    client = app.test_client()
    sign_in(client, world.admin)
    assert client.get(url.format(huge=HUGE)).status_code == 200
