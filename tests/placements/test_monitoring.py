"""The teacher's placement page: figures, monitoring visits, a unit verified from the journal."""

import re
from datetime import time, timedelta

from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.placements import journal, links
from eduplatform.placements.models import MonitoringVisit, Placement
from eduplatform.training.models import UnitCompletion
from tests.placements.conftest import TODAY


def _countersigned_days(app, pkl, placement, unit, days):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        actor = session.get(User, pkl.student.id)
        row = session.get(Placement, placement.id)
        ids = [
            journal.write_entry(
                session, actor=actor, placement=row, day=TODAY - timedelta(days=d),
                kind="present", arrived_at=time(8), left_at=time(15, 30),
                activities="Servis baterai", unit_ids=[unit.id],
            ).id
            for d in days
        ]  # fmt: skip
        _token, link = links.issue_link(
            session, actor=session.get(User, pkl.teacher.id), placement=row, purpose="countersign"
        )
        for entry_id in ids:
            links.countersign(session, link=link, entry_id=entry_id, decision="approve")
    return ids


def test_the_page_shows_attendance_hours_and_units_covered(app, client, login, pkl, make_placement):
    placement = make_placement()
    _countersigned_days(app, pkl, placement, pkl.units["EV-201-U1"], [1, 2])
    login(pkl.teacher)
    page = client.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert "2 countersigned, 0 waiting, 0 returned" in page
    assert "<dd>15</dd>" in page  # 2 days of 7.5 hours, in the page's number format
    assert "2 countersigned entries" in page and "Verify from the journal" in page


def test_a_teacher_records_a_visit_and_the_office_cannot(client, login, db, pkl, make_placement):
    placement = make_placement()
    login(pkl.office)
    data = {"visited_on": TODAY.isoformat(), "notes": "Siti rajin; bengkel aman."}
    assert client.post(f"/placements/{placement.id}/visits", data=data).status_code == 403
    client.post("/logout")
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/visits", data={**data, "notes": ""})
    assert db.exec(select(MonitoringVisit)).all() == []
    client.post(f"/placements/{placement.id}/visits", data=data)
    visit = db.exec(select(MonitoringVisit)).one()
    assert (visit.teacher_id, visit.visited_on) == (pkl.teacher.id, TODAY)


def _tag(page, name, element_id):
    return re.search(rf'<{name}[^>]*id="{element_id}"[^>]*>', page).group(0)


def test_a_visit_dated_in_the_future_shows_the_page_again_with_the_error_at_the_date(
    client, login, db, pkl, make_placement
):
    placement = make_placement()
    login(pkl.teacher)
    data = {"visited_on": "2099-01-01", "notes": "my long careful visit notes"}
    response = client.post(f"/placements/{placement.id}/visits?lang=zh", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    date = _tag(page, "input", "visited_on")
    assert 'aria-invalid="true"' in date and 'aria-describedby="visited_on-error"' in date
    assert '<p class="error" id="visited_on-error">日期不能晚于今天。</p>' in page
    assert 'value="2099-01-01"' in date
    assert "my long careful visit notes</textarea>" in page
    assert "aria-invalid" not in _tag(page, "textarea", "notes")
    assert "此字段为必填项" not in page and 'class="flash flash-error"' not in page
    assert f'action="/placements/{placement.id}/visits#visits"' in page
    assert db.exec(select(MonitoringVisit)).all() == []


def test_a_visit_without_notes_or_with_a_bad_date_is_refused_at_that_field(
    client, login, db, pkl, make_placement
):
    placement = make_placement()
    login(pkl.teacher)
    url = f"/placements/{placement.id}/visits?lang=en"
    response = client.post(url, data={"visited_on": TODAY.isoformat(), "notes": "  "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in _tag(page, "textarea", "notes")
    # what to write, not only that it is missing
    assert (
        '<p class="error" id="notes-error">Write what you saw at the visit: what the student was '
        "doing, how they work, and what the supervisor said.</p>"
    ) in page
    assert "aria-invalid" not in _tag(page, "input", "visited_on")
    response = client.post(url, data={"visited_on": "01/13/2026", "notes": ""})
    page = response.get_data(as_text=True)  # both problems at once, each at its field
    assert 'aria-invalid="true"' in _tag(page, "input", "visited_on")
    assert 'aria-invalid="true"' in _tag(page, "textarea", "notes")
    assert '<p class="error" id="notes-error">Write what you saw' in page
    response = client.post(url, data={"visited_on": "01/13/2026", "notes": "Siti rajin."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in _tag(page, "input", "visited_on")
    assert "Siti rajin.</textarea>" in page
    assert db.exec(select(MonitoringVisit)).all() == []
    response = client.post(url, data={"visited_on": TODAY.isoformat(), "notes": "Siti rajin."})
    assert (response.status_code, response.location) == (302, f"/placements/{placement.id}#visits")
    assert len(db.exec(select(MonitoringVisit)).all()) == 1


def test_one_tap_verifies_the_unit_from_countersigned_entries(
    app, client, login, db, pkl, make_placement
):
    placement = make_placement()
    unit = pkl.units["EV-201-U1"]
    _countersigned_days(app, pkl, placement, unit, [1, 2])
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/units/{unit.id}/verify")
    completion = db.exec(select(UnitCompletion).where(UnitCompletion.unit_id == unit.id)).one()
    assert (completion.status, completion.reviewer_id) == ("verified", pkl.teacher.id)
    assert "PKL Bengkel EV Sejahtera" in completion.note
    # Twice is refused; nothing more is written.
    client.post(f"/placements/{placement.id}/units/{unit.id}/verify")
    assert len(db.exec(select(UnitCompletion)).all()) == 1


def test_a_unit_without_countersigned_entries_is_not_verified(
    app, client, login, db, pkl, make_placement
):
    placement = make_placement()
    login(pkl.teacher)
    unit = pkl.units["EV-201-U2"]
    response = client.post(f"/placements/{placement.id}/units/{unit.id}/verify?lang=en",
                           follow_redirects=True)  # fmt: skip
    assert "No countersigned entry practised this unit yet." in response.get_data(as_text=True)
    assert db.exec(select(UnitCompletion)).all() == []
    client.post("/logout")
    login(pkl.other_teacher)
    assert client.post(f"/placements/{placement.id}/units/{unit.id}/verify").status_code == 404
