"""The new-placement form reports every field's problem in one submit: a date the form cannot
read, or a placement decades away, no longer hides the missing company, supervisor or units."""

import re

from sqlmodel import func, select

from eduplatform.placements.models import Placement


def _errors(page):
    found = {}
    for field, message in re.findall(r'<p class="error" id="([^"]+)-error">(.*?)</p>', page):
        found.setdefault(field, []).append(message)
    for message in re.findall(
        r'<fieldset class="checks has-error">.*?<p class="error">(.*?)</p>', page, re.S
    ):
        found.setdefault("unit_ids", []).append(message)
    return found


def test_an_unreadable_date_and_the_rules_errors_show_together(client, login, db, pkl):
    login(pkl.teacher)
    response = client.post(
        "/placements/new?lang=en",
        data={"student_id": pkl.student.id, "teacher_id": pkl.teacher.id,
              "starts_on": "2026-02-30", "ends_on": "2026-05-01"},
    )  # fmt: skip
    errors = _errors(response.get_data(as_text=True))
    assert set(errors) == {"starts_on", "company_id", "supervisor_id", "unit_ids"}, errors
    assert errors["starts_on"] == ["Not a valid date value."]
    assert db.exec(select(func.count()).select_from(Placement)).one() == 0


def test_a_date_decades_away_is_reported_beside_a_missing_company(client, login, db, pkl):
    """Before: the rules checked the dates only once every other field was right."""
    login(pkl.teacher)
    response = client.post(
        "/placements/new?lang=en",
        data={"student_id": pkl.student.id, "teacher_id": pkl.teacher.id,
              "starts_on": "1900-01-01", "ends_on": "1900-02-01", "dates_note": "x" * 301,
              "unit_ids": [u.id for u in pkl.units.values()][:1]},
    )  # fmt: skip
    errors = _errors(response.get_data(as_text=True))
    assert set(errors) >= {"company_id", "supervisor_id", "starts_on", "ends_on", "dates_note"}
    assert "teacher_id" not in errors  # the teacher chosen is one of the student's school
    assert errors["starts_on"][0].startswith("The date cannot be before")


def test_without_a_student_the_teacher_chosen_is_not_faulted(client, login, pkl):
    login(pkl.teacher)
    response = client.post(
        "/placements/new?lang=en", data={"teacher_id": pkl.teacher.id, "company_id": ""}
    )
    errors = _errors(response.get_data(as_text=True))
    assert "student_id" in errors and "teacher_id" not in errors, errors
