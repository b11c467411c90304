"""The supervisor's link pages on a cheap phone: photos as small server-made thumbnails through
the link's own scope, refusals shown at the entry or question they concern, the language."""

import io
import re
from datetime import time, timedelta

from PIL import Image
from sqlmodel import select

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.placements import journal, links
from eduplatform.placements.models import (
    JournalEntry,
    Placement,
    PlacementAssessment,
    Supervisor,
    SupervisorLink,
)
from eduplatform.sqltypes import utcnow
from tests.placements.conftest import TODAY
from tests.training.conftest import jpeg_bytes


def _entry(app, placement, student, days_ago=1, photo=True):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        return journal.write_entry(
            session, actor=session.get(User, student.id),
            placement=session.get(Placement, placement.id), day=TODAY - timedelta(days=days_ago),
            kind="present", arrived_at=time(8), left_at=time(16), activities="Servis baterai",
            photo=io.BytesIO(jpeg_bytes(size=(1200, 900))) if photo else None,
        ).id  # fmt: skip


def _issue(app, pkl, placement, purpose="countersign"):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        token, _link = links.issue_link(
            session, actor=session.get(User, pkl.teacher.id),
            placement=session.get(Placement, placement.id), purpose=purpose,
        )  # fmt: skip
        return token


def _csrf(page):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def test_the_link_page_shows_a_thumbnail_served_through_the_link(app, client, pkl, make_placement):
    placement = make_placement()
    entry_id = _entry(app, placement, pkl.student)
    token = _issue(app, pkl, placement)
    text = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    thumbnail = f"/pkl/{token}/entries/{entry_id}/thumbnail"
    assert f'src="{thumbnail}"' in text
    assert f'href="/pkl/{token}/entries/{entry_id}/photo"' in text  # the whole photo on a tap
    response = client.get(thumbnail)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.size == (160, 160)
    with client.get(f"/pkl/{token}/entries/{entry_id}/photo") as photo:
        assert len(response.data) < len(photo.data)


def test_a_thumbnail_never_comes_from_another_placement_or_a_dead_link(
    app, client, db, pkl, make_placement
):
    placement = make_placement()
    other = make_placement(student=pkl.classmate)
    entry_id = _entry(app, placement, pkl.student)
    other_entry = _entry(app, other, pkl.classmate)
    no_photo = _entry(app, placement, pkl.student, days_ago=2, photo=False)
    token = _issue(app, pkl, placement)
    assert client.get(f"/pkl/{token}/entries/{other_entry}/thumbnail").status_code == 404
    assert client.get(f"/pkl/{token}/entries/{no_photo}/thumbnail").status_code == 404
    assert client.get(f"/pkl/{token}/entries/999999/thumbnail").status_code == 404
    assert client.get(f"/pkl/not-a-token/entries/{entry_id}/thumbnail").status_code == 404
    link = db.exec(select(SupervisorLink)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.add(link)
    db.commit()
    expired = client.get(f"/pkl/{token}/entries/{entry_id}/thumbnail")
    assert expired.status_code == 410 and expired.mimetype == "text/html"
    fresh = _issue(app, pkl, placement)
    assert client.get(f"/pkl/{fresh}/entries/{entry_id}/thumbnail").status_code == 200
    _issue(app, pkl, placement)  # a newer link ends this one
    assert client.get(f"/pkl/{fresh}/entries/{entry_id}/thumbnail").status_code == 410


def test_returning_without_a_comment_is_refused_at_that_entry(app, client, db, pkl, make_placement):
    placement = make_placement()
    first = _entry(app, placement, pkl.student, days_ago=1, photo=False)
    second = _entry(app, placement, pkl.student, days_ago=2, photo=False)
    token = _issue(app, pkl, placement)
    page = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    assert f'action="/pkl/{token}/entries/{first}?lang=en#entry-{first}"' in page
    response = client.post(
        f"/pkl/{token}/entries/{first}?lang=en",
        data={"csrf": _csrf(page), "decision": "return", "comment": "  "},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    refused = re.search(rf'<article class="card" id="entry-{first}">.*?</article>', text, re.S)
    assert 'aria-invalid="true"' in refused.group(0)
    assert "Say what the student should change." in refused.group(0)
    other = re.search(rf'<article class="card" id="entry-{second}">.*?</article>', text, re.S)
    assert "aria-invalid" not in other.group(0)
    assert text.count("Say what the student should change.") == 1
    assert {e.status for e in db.exec(select(JournalEntry))} == {"pending"}


def test_the_page_speaks_the_supervisors_language_and_marks_it(
    app, client, db, pkl, make_placement
):
    placement = make_placement()
    supervisor = db.get(Supervisor, pkl.supervisor.id)
    supervisor.locale = "zh"
    db.add(supervisor)
    db.commit()
    token = _issue(app, pkl, placement)
    text = client.get(f"/pkl/{token}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert '<html lang="zh">' in text and "Siti Rahma 的日志" in text
    assert re.search(r'lang="zh" hreflang="zh" aria-current="true">中文<', text)
    english = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    assert "Journal of Siti Rahma" in english
    assert re.search(r'lang="en" hreflang="en" aria-current="true">English<', english)


def test_a_refused_assessment_marks_each_question_and_says_each_thing_once(
    app, client, db, pkl, make_placement
):
    placement = make_placement()
    token = _issue(app, pkl, placement, purpose="assessment")
    page = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    unit = pkl.units["EV-201-U1"]
    response = client.post(
        f"/pkl/{token}/assessment?lang=en",
        data={"csrf": _csrf(page), f"unit_{unit.id}": "3", "discipline": "4", "comment": "Rajin"},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert text.count("Choose a level for each part of work attitude.") == 1 + 4  # top, 4 parts
    assert 'id="safety-error"' in text and 'id="discipline-error"' not in text
    assert f'id="unit_{unit.id}-error"' not in text
    assert 'id="unit_{}-error"'.format(pkl.units["EV-201-U2"].id) in text
    assert re.search(rf'name="unit_{unit.id}" value="3" checked', text)  # kept as chosen
    assert ">Rajin</textarea>" in text
    assert db.get(PlacementAssessment, placement.id) is None


def test_the_school_changes_a_supervisors_language_on_the_company_page(
    app, client, db, login, pkl, make_placement
):
    placement = make_placement()
    token = _issue(app, pkl, placement)
    company, supervisor = pkl.company.id, pkl.supervisor.id
    login(pkl.teacher)
    page = client.get(f"/placements/companies/{company}?lang=en").get_data(as_text=True)
    assert f'<select class="input" id="locale-{supervisor}" name="locale">' in page
    url = f"/placements/companies/{company}/supervisors/{supervisor}/language"
    response = client.post(f"{url}?lang=en", data={"locale": "zh"}, follow_redirects=True)
    assert "Language saved." in response.get_data(as_text=True)
    assert db.get(Supervisor, supervisor).locale == "zh"
    client.post("/logout")
    assert "Siti Rahma 的日志" in client.get(f"/pkl/{token}").get_data(as_text=True)

    login(pkl.other_teacher)  # companies are the city's: another school's teacher may too
    client.post(url, data={"locale": "klingon"})
    assert db.get(Supervisor, supervisor).locale == "zh"  # refused, nothing changed
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        from eduplatform.placements import companies

        other = companies.create_company(
            session, actor=session.get(User, pkl.teacher.id), name="Bengkel Lain",
            sector="battery",
        )  # fmt: skip
        other_id = other.id
    wrong = f"/placements/companies/{other_id}/supervisors/{supervisor}/language"
    assert client.post(wrong, data={"locale": "id"}).status_code == 404
    assert db.get(Supervisor, supervisor).locale == "zh"


def test_a_supervisor_without_an_email_address_is_not_offered_a_link_by_email(
    client, login, db, pkl, make_placement
):
    placement = make_placement()
    login(pkl.teacher)
    page = client.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert "Send it by email" in page  # Pak Joko has an address
    supervisor = db.get(type(pkl.supervisor), pkl.supervisor.id)
    supervisor.email = ""  # reachable by phone only
    db.add(supervisor)
    db.commit()
    page = client.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert "Show a QR code to scan now" in page and "Send it by email" not in page
