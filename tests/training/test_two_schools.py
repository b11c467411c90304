"""A teacher of two schools: the queue, progress, reviews, certificates and the API show both
schools' records (the school named) and never a third school's."""

import pytest
from sqlmodel import select

from eduplatform.api import service as tokens
from eduplatform.db import new_session
from eduplatform.people.models import Cohort, CohortTeacher, SchoolMembership, User
from eduplatform.training import service
from eduplatform.training.models import UnitCompletion
from tests.training.conftest import TODAY


@pytest.fixture
def two_schools(db, make_org, make_user, enrol, training):
    """Budi teaches at SMK Negeri 2 (home) and SMK Lain; SMK Ketiga is nobody's of his."""
    db.add(SchoolMembership(user_id=training.teacher.id, school_id=training.other_school.id,
                            since=TODAY))  # fmt: skip
    second = Cohort(school_id=training.other_school.id, name="XI TKRO 1",
                    academic_year="2025/2026", program_id=training.program.id)  # fmt: skip
    third_school = make_org("school", name="SMK Ketiga")
    third = Cohort(school_id=third_school.id, name="XI TKRO 3", academic_year="2025/2026",
                   program_id=training.program.id)  # fmt: skip
    db.add_all([second, third])
    db.commit()
    db.add(CohortTeacher(cohort_id=second.id, teacher_id=training.foreign_teacher.id))
    db.commit()
    second_student = make_user("student", organization=training.other_school, full_name="Wulan")
    third_student = make_user("student", organization=third_school, full_name="Joko Ketiga")
    enrol(second_student, second)
    enrol(third_student, third)
    return {
        "second": second,
        "third": third,
        "third_school": third_school,
        "second_student": second_student,
        "third_student": third_student,
    }


def test_the_queue_holds_both_schools_records_with_the_school_named(
    client, login, db, log, training, two_schools
):
    own = log("EV-101-U1")
    second = log("EV-101-U1", student=two_schools["second_student"])
    third = log("EV-101-U1", student=two_schools["third_student"])
    login(training.teacher)
    page = client.get("/training/verification?lang=en").get_data(as_text=True)
    assert f"/training/completions/{own.id}" in page
    assert f"/training/completions/{second.id}" in page
    assert f"/training/completions/{third.id}" not in page and "Joko Ketiga" not in page
    assert "XI TKRO 1 · SMK Lain" in page and "XI TKRO 1 · SMK Negeri 2 Surakarta" in page
    assert "SMK Ketiga" not in page
    review = client.get(f"/training/completions/{second.id}?lang=en").get_data(as_text=True)
    assert "XI TKRO 1 (2025/2026), SMK Lain" in review  # which school's class
    assert client.get(f"/training/completions/{third.id}").status_code == 404
    response = client.post(
        f"/training/completions/{second.id}", data={"decision": "approve", "criteria": "1"}
    )
    assert response.status_code == 302
    # Bulk approval takes what is in his scope and skips the third school's record.
    client.post(
        "/training/verification/approve",
        data={
            "completion": [str(own.id), str(third.id)],
            "confirm": "1",
            "criteria_checked": "y",
        },
    )
    rows = db.exec(select(UnitCompletion).execution_options(populate_existing=True)).all()
    states = {completion.id: completion.status for completion in rows}
    assert states == {own.id: "verified", second.id: "verified", third.id: "submitted"}


def test_progress_lists_both_schools_classes_never_a_third(client, login, training, two_schools):
    login(training.teacher)
    page = client.get("/training/progress?lang=en").get_data(as_text=True)
    assert f"/training/progress/cohorts/{training.cohort.id}" in page
    assert f"/training/progress/cohorts/{two_schools['second'].id}" in page
    assert f"/training/progress/cohorts/{two_schools['third'].id}" not in page
    assert "SMK Lain" in page
    second_matrix = f"/training/progress/cohorts/{two_schools['second'].id}"
    assert client.get(second_matrix).status_code == 200
    third_matrix = f"/training/progress/cohorts/{two_schools['third'].id}"
    assert client.get(third_matrix).status_code == 404
    student = two_schools["second_student"].id
    assert client.get(f"/training/progress/students/{student}").status_code == 200
    third_student = two_schools["third_student"].id
    assert client.get(f"/training/progress/students/{third_student}").status_code == 404


def test_the_api_gives_both_schools_classes_and_records(
    app, client, login, log, training, two_schools
):
    second = log("EV-101-U1", student=two_schools["second_student"])
    third = log("EV-101-U1", student=two_schools["third_student"])
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        teacher = session.get(User, training.teacher.id)
        _token, raw = tokens.create_token(session, actor=teacher, user=teacher, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    cohorts = client.get("/api/v1/cohorts", headers=headers).get_json()
    ids = {c["id"] for c in cohorts["items"]}
    assert ids == {training.cohort.id, two_schools["second"].id}
    queue = client.get("/api/v1/completions", headers=headers).get_json()
    ids = {c["id"] for c in queue["items"]}
    assert second.id in ids and third.id not in ids
    third_cohort = two_schools["third"].id
    assert (
        client.get(f"/api/v1/cohorts/{third_cohort}/students", headers=headers).status_code == 404
    )


def test_certificates_of_both_schools_are_listed(
    app, client, login, session, training, two_schools
):
    def certify(student, teacher):
        with app.test_request_context("/?lang=en"):
            for code in ("EV-101-U1", "EV-101-U2"):
                done = service.log_completion(
                    session, actor=student, unit=training.units[code], performed_on=TODAY,
                    hours="2", note="Did it.",
                )  # fmt: skip
                service.approve_completion(
                    session, actor=session.get(User, teacher.id), completion=done, criteria_met=[1]
                )

    certify(session.get(User, two_schools["second_student"].id), training.teacher)
    certify(session.get(User, two_schools["third_student"].id), training.admin)
    login(training.teacher)
    page = client.get("/certificates?lang=en").get_data(as_text=True)
    assert "Wulan" in page and "Joko Ketiga" not in page
