"""The supervisor's final assessment through an assessment link, then the school's grade."""

import re

from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.placements import links
from eduplatform.placements.models import AssessmentUnit, Placement, PlacementAssessment

ATTITUDES = {"discipline": "4", "safety": "4", "teamwork": "3", "initiative": "3",
             "communication": "2"}  # fmt: skip


def _issue(app, pkl, placement, purpose):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        return links.issue_link(
            session, actor=session.get(User, pkl.teacher.id),
            placement=session.get(Placement, placement.id), purpose=purpose,
        )[0]  # fmt: skip


def test_the_supervisor_assesses_and_the_teacher_grades_closing_the_placement(
    app, client, login, db, pkl, make_placement
):
    placement = make_placement()
    token = _issue(app, pkl, placement, "assessment")
    page = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    assert "Final assessment of Siti Rahma" in page
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    partial = {"csrf": csrf, **ATTITUDES}
    response = client.post(f"/pkl/{token}/assessment?lang=en", data=partial)
    assert response.status_code == 422 and "Choose a level for EV-201-U1." in response.get_data(
        as_text=True
    )
    assert db.exec(select(PlacementAssessment)).all() == []
    units = {f"unit_{u.id}": "3" for u in pkl.units.values()}
    response = client.post(
        f"/pkl/{token}/assessment", data={**partial, **units, "comment": "Rajin"}
    )
    assert response.status_code == 302
    found = db.get(PlacementAssessment, placement.id)
    assert (found.discipline, found.communication, found.comment) == (4, 2, "Rajin")
    assert len(db.exec(select(AssessmentUnit)).all()) == 3
    # Sent once: a second form changes nothing.
    client.post(f"/pkl/{token}/assessment", data={**partial, **units, "discipline": "1"})
    db.refresh(found)
    assert found.discipline == 4

    login(pkl.teacher)
    # Planned for 60 more days: the grade form says it ends the placement today.
    page = client.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert 'id="closes-early"' in page and "giving the grade now ends it today" in page
    client.post(f"/placements/{placement.id}/grade", data={"grade": "101"})
    assert db.get(Placement, placement.id).status == "running"
    client.post(f"/placements/{placement.id}/grade", data={"grade": "88", "comment": "Baik"})
    db.refresh(found)
    assert (found.school_grade, found.graded_by_id) == (88, pkl.teacher.id)
    closed = db.get(Placement, placement.id)
    db.refresh(closed)
    assert closed.status == "finished"


def test_a_countersign_link_cannot_send_an_assessment(app, client, db, pkl, make_placement):
    placement = make_placement()
    token = _issue(app, pkl, placement, "countersign")
    page = client.get(f"/pkl/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    data = {"csrf": csrf.group(1) if csrf else "", **ATTITUDES}
    assert client.post(f"/pkl/{token}/assessment", data=data).status_code in (400, 404)
    assert db.exec(select(PlacementAssessment)).all() == []


def test_grading_needs_the_assessment_first(client, login, db, pkl, make_placement):
    placement = make_placement()
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/grade", data={"grade": "80"})
    assert db.get(Placement, placement.id).status == "running"
    client.post("/logout")
    login(pkl.other_teacher)
    assert client.post(f"/placements/{placement.id}/grade", data={"grade": "80"}).status_code == 404


def test_the_skills_passport_lists_finished_placements(app, client, db, pkl, make_placement):
    from eduplatform.training import service as training
    from tests.placements.conftest import TODAY

    placement = make_placement()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        student = session.get(User, pkl.student.id)
        training.record_consent(
            session, actor=session.get(User, pkl.teacher.id), student=student,
            guardian_name="Ibu Siti", relationship="mother", confirmed=True,
        )  # fmt: skip
        slug = training.enable_passport(session, actor=student, today=TODAY).slug
    assert "Bengkel EV Sejahtera" not in client.get(f"/passport/{slug}").get_data(as_text=True)
    row = db.get(Placement, placement.id)
    row.status = "finished"
    db.add(row)
    db.commit()
    page = client.get(f"/passport/{slug}?lang=en").get_data(as_text=True)
    assert "Industry placements (PKL)" in page and "Bengkel EV Sejahtera" in page


def test_the_graded_placement_has_a_certificate_with_a_public_check(
    app, client, login, db, pkl, make_placement
):
    placement = make_placement()
    token = _issue(app, pkl, placement, "assessment")
    page = client.get(f"/pkl/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    units = {f"unit_{u.id}": "4" for u in pkl.units.values()}
    client.post(f"/pkl/{token}/assessment", data={"csrf": csrf, **ATTITUDES, **units})
    login(pkl.teacher)
    response = client.post(f"/placements/{placement.id}/grade?lang=en", data={"grade": "90"},
                           follow_redirects=True)  # fmt: skip
    found = db.get(PlacementAssessment, placement.id)
    assert "The school's grade is recorded" in response.get_data(as_text=True).replace("&#39;", "'")
    code = found.certificate_code
    assert code and len(code) == 10
    client.post("/logout")
    login(pkl.student)
    assert "Placement certificate (PDF)" in client.get("/placements/journal?lang=en").get_data(
        as_text=True
    )
    pdf = client.get(f"/placements/{placement.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    client.post("/logout")
    login(pkl.other_teacher)
    assert client.get(f"/placements/{placement.id}/certificate.pdf").status_code == 404
    check = client.get(f"/placements/verify/{code}?lang=en").get_data(as_text=True)
    assert "This placement certificate is valid." in check and "Bengkel EV Sejahtera" in check
    unknown = client.get("/placements/verify/NOTACODE00?lang=en")
    assert unknown.status_code == 404
    assert "No placement certificate has the code" in unknown.get_data(as_text=True)
    assert "NOTACODE00" in unknown.get_data(as_text=True)
