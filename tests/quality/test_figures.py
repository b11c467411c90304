"""Quality figures: the university's per school, per teacher and per term tables (with exports),
and the agreement rate per school on the office's dashboard, with its definition."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.quality import service
from eduplatform.quality.models import QualityAction, QualitySample
from tests.quality.conftest import TODAY


def _review_all(app, db, quality, opinions):
    samples = db.exec(select(QualitySample).order_by(QualitySample.id)).all()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        reviewer = session.get(User, quality.reviewer.id)
        for sample, agrees in zip(samples, opinions, strict=True):
            service.submit_review(session, actor=reviewer,
                                  sample=session.get(QualitySample, sample.id), agrees=agrees,
                                  rating=3, feedback="" if agrees else "Redo.")  # fmt: skip


def test_the_university_sees_sampled_agreement_and_actions_per_school_and_teacher(
    app, client, db, login, quality, training, verified
):
    verified("EV-101-U1", "EV-101-U2")
    verified("EV-101-U1", student=training.classmate)
    _review_all(app, db, quality, [True, False, False])
    overdue = db.exec(select(QualityAction).order_by(QualityAction.id)).first()
    overdue.due_on = TODAY - timedelta(days=1)
    db.add(overdue)
    db.commit()
    login(quality.reviewer)
    page = client.get("/quality/figures?lang=en").get_data(as_text=True)
    assert "Per school" in page and "Per teacher" in page and "Trend per term" in page
    assert "SMK Negeri 2 Surakarta" in page and "Budi Santoso" in page
    assert "33.3%" in page  # 1 of 3 agreed
    csv_text = client.get("/quality/figures/schools.csv?lang=en").get_data(as_text=True)
    header, row = csv_text.lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("School,Decisions sampled,Reviewed,Agreement rate,Open actions")
    assert row.split(",")[1:] == ["3", "3", "0.3333", "2", "1"]
    xlsx = client.get("/quality/figures/teachers.xlsx?lang=en")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    assert [c.value for c in sheet[2]][:3] == ["Budi Santoso", "SMK Negeri 2 Surakarta", 3]
    assert client.get("/quality/figures/nothing.csv").status_code == 404


def test_the_office_dashboard_shows_the_agreement_rate_per_school(
    app, client, db, login, quality, training, verified
):
    verified("EV-101-U1", "EV-101-U2")
    _review_all(app, db, quality, [True, False])
    login(training.office)
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert "Agreement with the university&#39;s reviewers" in page
    assert "the share the reviewers agreed with" in page
    assert "50.0%" in page


def test_a_review_moves_the_office_dashboard_on_at_once(
    app, client, db, login, quality, training, verified
):
    # The dashboard keeps rendered sections per data version: a review must move it on.
    verified("EV-101-U1", "EV-101-U2")
    login(training.office)
    assert "50.0%" not in client.get("/dashboard/?lang=en").get_data(as_text=True)
    _review_all(app, db, quality, [True, False])
    assert "50.0%" in client.get("/dashboard/?lang=en").get_data(as_text=True)
