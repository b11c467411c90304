"""The teacher's pages: verification queue, review, bulk approval, class matrix, student page."""

import re

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.training.models import Certificate, UnitCompletion
from tests.sql import recorded


def _status(db, completion):
    return db.get(UnitCompletion, completion.id, populate_existing=True).status


def test_queue_shows_the_schools_submissions_oldest_first(client, login, training, log):
    first = log("EV-101-U1")
    second = log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    page = client.get("/training/verification?lang=en").get_data(as_text=True)
    assert page.index(f"/training/completions/{first.id}") < page.index(
        f"/training/completions/{second.id}"
    )
    assert "Siti Rahayu" in page and "Agus Pratama" in page


def test_queue_filters_by_student_and_module(client, login, training, log):
    log("EV-101-U1")
    log("EV-102-U1")
    log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    page = client.get(
        f"/training/verification?cohort={training.cohort.id}&student={training.classmate.id}"
    ).get_data(as_text=True)
    assert page.count('name="completion"') == 1 and "Agus Pratama" in page
    page = client.get(f"/training/verification?module={training.battery.id}").get_data(as_text=True)
    assert page.count('name="completion"') == 1 and "EV-102-U1" in page


def test_another_schools_teacher_sees_an_empty_queue_and_404_on_the_record(
    client, login, training, log
):
    completion = log("EV-101-U1")
    login(training.foreign_teacher)
    assert "Siti Rahayu" not in client.get("/training/verification").get_data(as_text=True)
    assert client.get(f"/training/completions/{completion.id}").status_code == 404
    response = client.post(
        f"/training/completions/{completion.id}", data={"decision": "approve", "criteria": "1"}
    )
    assert response.status_code == 404


def test_students_and_office_cannot_open_the_queue(client, login, training):
    login(training.student)
    assert client.get("/training/verification").status_code == 403
    client.post("/logout")
    login(training.office)
    assert client.get("/training/verification").status_code == 403


def test_teacher_approves_from_the_review_page(client, login, db, training, log):
    completion = log("EV-101-U1")
    login(training.teacher)
    page = client.get(f"/training/completions/{completion.id}?lang=en").get_data(as_text=True)
    assert "Did the task with my group." in page and 'value="approve"' in page
    response = client.post(
        f"/training/completions/{completion.id}",
        data={"decision": "approve", "feedback": "Rapi", "criteria": "1"},
    )
    assert response.status_code == 302
    assert _status(db, completion) == "verified"


def test_after_a_decision_the_next_waiting_record_opens_then_the_queue(
    client, login, db, training, log
):
    first, second = log("EV-101-U1"), log("EV-102-U1")
    login(training.teacher)
    response = client.post(
        f"/training/completions/{first.id}", data={"decision": "approve", "criteria": "1"}
    )
    assert response.headers["Location"].endswith(f"/training/completions/{second.id}")
    response = client.post(
        f"/training/completions/{second.id}", data={"decision": "reject", "feedback": "Blurry"}
    )
    assert response.headers["Location"].endswith("/training/verification")  # nothing left


def test_rejecting_without_feedback_shows_the_error_and_changes_nothing(
    client, login, db, training, log
):
    completion = log("EV-101-U1")
    login(training.teacher)
    response = client.post(
        f"/training/completions/{completion.id}?lang=en", data={"decision": "reject"}
    )
    assert response.status_code == 422
    assert "Tell the student what to improve." in response.get_data(as_text=True)
    assert _status(db, completion) == "submitted"


def test_the_second_reviewer_is_told_who_reviewed_first(client, login, app, db, training, log):
    completion = log("EV-101-U1")
    other = app.test_client()
    login(training.teacher)
    other.post("/login", data={"login": training.other_teacher.email,
                               "password": "correct horse battery staple"})  # fmt: skip
    assert (
        client.post(
            f"/training/completions/{completion.id}", data={"decision": "approve", "criteria": "1"}
        ).status_code
        == 302
    )
    response = other.post(
        f"/training/completions/{completion.id}?lang=en",
        data={"decision": "reject", "feedback": "Too late"},
        follow_redirects=True,
    )
    assert "already reviewed by Budi Santoso" in response.get_data(as_text=True)
    assert _status(db, completion) == "verified"
    reviews = db.exec(
        select(AuditEvent).where(
            AuditEvent.action.in_(["completion.verified", "completion.rejected"])
        )
    ).all()
    assert len(reviews) == 1


def test_bulk_approval_asks_for_confirmation_before_verifying(client, login, db, training, log):
    first = log("EV-101-U1")
    second = log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    ids = [str(first.id), str(second.id)]
    response = client.post("/training/verification/approve?lang=en", data={"completion": ids})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You are about to verify these 2 records" in page
    assert "Siti Rahayu" in page and "Agus Pratama" in page
    assert [_status(db, first), _status(db, second)] == ["submitted", "submitted"]
    response = client.post(
        "/training/verification/approve",
        data={"completion": ids, "confirm": "1", "criteria_checked": "y"},
    )
    assert response.status_code == 302
    assert [_status(db, first), _status(db, second)] == ["verified", "verified"]


def test_bulk_approval_ignores_records_of_another_school(client, login, db, training, log):
    completion = log("EV-101-U1")
    login(training.foreign_teacher)
    client.post(
        "/training/verification/approve",
        data={"completion": [completion.id], "confirm": "1", "criteria_checked": "y"},
    )
    assert _status(db, completion) == "submitted"


def test_verifying_the_last_unit_on_the_page_announces_the_certificate(
    client, login, db, training, verified, log
):
    verified("EV-101-U1")
    completion = log("EV-101-U2")
    login(training.teacher)
    response = client.post(
        f"/training/completions/{completion.id}?lang=en",
        data={"decision": "approve", "criteria": "1"},
        follow_redirects=True,
    )
    (certificate,) = db.exec(select(Certificate)).all()
    assert f"certificate {certificate.code} issued" in response.get_data(as_text=True)


def test_cohort_matrix_shows_each_students_state_per_unit_with_text_and_a_legend(
    client, login, training, verified, log
):
    verified("EV-101-U1")
    log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    page = client.get(
        f"/training/progress/cohorts/{training.cohort.id}?module={training.safety.id}&lang=en"
    ).get_data(as_text=True)
    assert 'class="legend"' in page
    rows = {
        name: re.findall(r'<td class="cell state-(\w+)">', row)
        for name, row in re.findall(r">([^<]+)</a></th>(.*?)</tr>", page, re.S)
    }
    assert rows == {
        "Agus Pratama": ["submitted", "locked"],
        "Siti Rahayu": ["verified", "not_started"],
    }
    assert "Awaiting review" in page and "Verified" in page


def test_cohort_matrix_of_another_school_answers_404(client, login, training):
    login(training.foreign_teacher)
    assert client.get(f"/training/progress/cohorts/{training.cohort.id}").status_code == 404
    client.post("/logout")
    login(training.office)
    assert client.get(f"/training/progress/cohorts/{training.cohort.id}").status_code == 200


def test_student_page_shows_hours_per_module_for_the_teacher(
    client, login, training, verified, log
):
    verified("EV-101-U1")
    log("EV-102-U1", hours="3.5")
    login(training.teacher)
    page = client.get(f"/training/progress/students/{training.student.id}?lang=en").get_data(
        as_text=True
    )
    hours = dict(
        re.findall(
            r'<th scope="row">(EV-10\d).*?</td>\s*<td class="num">[\d.]+</td>\s*'
            r'<td class="num">([\d.]+)</td>',
            page,
            re.S,
        )
    )
    verified_hours = dict(
        re.findall(r'<th scope="row">(EV-10\d).*?</td>\s*<td class="num">([\d.]+)</td>', page, re.S)
    )
    assert verified_hours == {"EV-101": "2", "EV-102": "0"}
    assert hours == {"EV-101": "0", "EV-102": "3.5"}


def test_student_page_of_another_school_answers_404(client, login, training):
    login(training.foreign_teacher)
    assert client.get(f"/training/progress/students/{training.student.id}").status_code == 404


def test_the_queue_names_its_state_in_the_statement_so_postgresql_keeps_one_plan(
    app, client, login, training, log
):
    """Sent as a parameter, the state ("submitted": few of a city's records) left PostgreSQL's
    generic plan guessing a third of the records, so it planned the queue's two statements
    anew on every opening, 1-3 ms each against 0.1 ms to run them. The state is written into
    the statement (always one of the app's own states, never what a request sent), and the
    records of each page come with their units' codes, titles and criteria in one statement."""
    log("EV-101-U1")
    log("EV-102-U1", student=training.classmate)
    login(training.teacher)
    with recorded(app) as seen:
        page = client.get("/training/verification?lang=en").get_data(as_text=True)
    assert "EV-101-U1" in page and "EV-102-U1" in page
    queue = [(s, p) for s, p in seen if "FROM unit_completion JOIN" in s]
    assert len(queue) == 2  # the number of records, and the page
    for statement, parameters in queue:
        assert "unit_completion.status = 'submitted'" in statement
        values = parameters.values() if isinstance(parameters, dict) else parameters
        assert "submitted" not in [str(value) for value in values]
    assert not [s for s, _p in seen if s.startswith("SELECT unit.criteria")]


def test_the_review_page_reads_the_class_the_student_and_the_teachers_schools_once(
    app, client, login, training, log
):
    """The scope checks (may see, may review) and the page itself share what one of them read:
    the record's class and student, held by the view, and the teacher's schools, kept for the
    request."""
    completion = log("EV-101-U1")
    login(training.teacher)
    with recorded(app) as seen:
        page = client.get(f"/training/completions/{completion.id}?lang=en")
    assert page.status_code == 200 and "Siti Rahayu" in page.get_data(as_text=True)
    assert len(seen.selects("cohort")) == 1
    assert len(seen.selects("user")) == 1
    assert len(seen.selects("school_membership")) == 1


def test_bulk_approval_reads_the_teachers_schools_once_for_all_records(
    app, client, login, db, training, log
):
    records = [log("EV-101-U1"), log("EV-101-U1", student=training.classmate)]
    login(training.teacher)
    chosen = {"completion": [r.id for r in records], "confirm": "1", "criteria_checked": "y"}
    with recorded(app) as seen:
        response = client.post("/training/verification/approve", data=chosen)
    assert response.status_code == 302
    assert [_status(db, record) for record in records] == ["verified", "verified"]
    assert len(seen.selects("school_membership")) == 1


def test_after_a_decision_the_next_record_is_found_in_one_statement_within_the_filter(
    app, client, login, training, log
):
    """The next record is the oldest waiting within the queue's filter (here: the classmate's),
    found without counting the queue or reading units."""
    mine = log("EV-101-U1")
    log("EV-102-U1")  # older than the classmate's, but outside the filter below
    theirs = log("EV-101-U1", student=training.classmate)
    login(training.teacher)
    with recorded(app) as seen:
        response = client.post(
            f"/training/completions/{mine.id}?student={training.classmate.id}",
            data={"decision": "approve", "criteria": "1"},
        )
    location = response.headers["Location"]
    assert f"/training/completions/{theirs.id}?" in location
    assert f"student={training.classmate.id}" in location
    queue = [s for s in seen.selects() if re.search(r'FROM unit_completion JOIN "?user"? ON', s)]
    assert len(queue) == 1 and "count(*)" not in queue[0] and "LIMIT" in queue[0]


def test_bulk_approval_of_one_record_speaks_of_one(client, login, db, training, verified, log):
    """Before: "these 1 records", "Yes, verify them", "1 records verified.", "1 certificates
    issued." and "1 records were already reviewed"."""
    (earlier,) = verified("EV-101-U1")
    last = log("EV-101-U2")
    login(training.teacher)
    page = client.post("/training/verification/approve?lang=en", data={"completion": [last.id]})
    page = page.get_data(as_text=True)
    assert "You are about to verify this record:" in page and "Yes, verify it" in page
    response = client.post(
        "/training/verification/approve?lang=en",
        data={"completion": [last.id, earlier.id], "confirm": "1", "criteria_checked": "y"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "1 record verified." in page and "1 certificate issued." in page
    assert "1 record was already reviewed by someone else and was skipped." in page
