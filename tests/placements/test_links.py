"""Supervisor links: personal, expiring, revocable, bound to one placement; countersigning."""

import re
import threading
from datetime import time, timedelta

from sqlmodel import func, select

from eduplatform.db import new_session
from eduplatform.errors import Conflict
from eduplatform.people.models import User
from eduplatform.placements import journal, links
from eduplatform.placements.models import JournalEntry, Placement, SupervisorLink
from eduplatform.sqltypes import utcnow
from tests.placements.conftest import TODAY


def _write_days(app, placement, student, days):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        actor = session.get(User, student.id)
        row = session.get(Placement, placement.id)
        return [
            journal.write_entry(
                session, actor=actor, placement=row, day=TODAY - timedelta(days=d),
                kind="present", arrived_at=time(8), left_at=time(16),
                activities=f"Hari ke-{d}: servis baterai",
            ).id
            for d in days
        ]  # fmt: skip


def _issue(app, pkl, placement, purpose="countersign", email=False):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        return links.issue_link(
            session, actor=session.get(User, pkl.teacher.id),
            placement=session.get(Placement, placement.id), purpose=purpose, email=email,
        )  # fmt: skip


def _csrf(page):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def test_the_teacher_emails_a_link_and_the_supervisor_countersigns(
    app, client, login, db, pkl, make_placement, mailbox
):
    placement = make_placement()
    (entry_id,) = _write_days(app, placement, pkl.student, [1])
    login(pkl.teacher)
    response = client.post(f"/placements/{placement.id}/links",
                           data={"purpose": "countersign", "delivery": "email"})  # fmt: skip
    assert response.status_code == 302
    message = mailbox.last("joko@bengkel.example")
    url = re.search(r"http://localhost(/pkl/\S+)", message.text).group(1)
    stored = db.exec(select(SupervisorLink)).one()
    assert url.rsplit("/", 1)[1] not in stored.token_hash  # only a hash is kept
    phone = app.test_client()  # the supervisor's phone: never signed in
    page = phone.get(url + "?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Siti Rahma" in text and "SMK Negeri 2 Surakarta" in text
    assert pkl.student.nisn not in text and pkl.student.email not in text
    assert "Set-Cookie" not in page.headers  # no session on the link's pages
    response = phone.post(f"{url}/entries/{entry_id}",
                           data={"csrf": _csrf(text), "decision": "approve"})  # fmt: skip
    assert response.status_code == 302
    entry = db.get(JournalEntry, entry_id)
    assert entry.status == "approved" and entry.countersign_link_id == stored.id
    assert entry.countersigned_by_id == pkl.supervisor.id and entry.countersigned_at


def test_returning_needs_a_comment_and_the_week_is_approved_at_once(
    app, client, db, pkl, make_placement
):
    placement = make_placement()
    ids = _write_days(app, placement, pkl.student, [1, 2, 3])
    token, _link = _issue(app, pkl, placement)
    text = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    csrf = _csrf(text)
    response = client.post(f"/pkl/{token}/entries/{ids[0]}?lang=en",
                           data={"csrf": csrf, "decision": "return"})  # fmt: skip
    assert response.status_code == 422
    assert "Say what the student should change." in response.get_data(as_text=True)
    client.post(
        f"/pkl/{token}/entries/{ids[0]}",
        data={"csrf": csrf, "decision": "return", "comment": "Tulis lebih rinci"},
    )
    assert db.get(JournalEntry, ids[0]).status == "returned"
    weeks = set(
        re.findall(
            r'name="week" value="([0-9-]+)"', client.get(f"/pkl/{token}").get_data(as_text=True)
        )
    )
    for week in weeks:
        client.post(f"/pkl/{token}/week", data={"csrf": csrf, "week": week})
    statuses = {db.get(JournalEntry, i).status for i in ids[1:]}
    assert statuses == {"approved"}
    assert db.get(JournalEntry, ids[0]).status == "returned"


def test_a_form_without_the_links_csrf_value_changes_nothing(app, client, db, pkl, make_placement):
    placement = make_placement()
    (entry_id,) = _write_days(app, placement, pkl.student, [1])
    token, _link = _issue(app, pkl, placement)
    for csrf in ("", "0" * 64):
        response = client.post(f"/pkl/{token}/entries/{entry_id}",
                               data={"csrf": csrf, "decision": "approve"})  # fmt: skip
        assert response.status_code == 400
    text = client.get(f"/pkl/{token}").get_data(as_text=True)
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    response = client.post(f"/pkl/{token}/entries/{entry_id}", headers=cross_site,
                           data={"csrf": _csrf(text), "decision": "approve"})  # fmt: skip
    assert response.status_code == 403
    assert db.get(JournalEntry, entry_id).status == "pending"


def test_an_expired_or_revoked_link_shows_a_clear_page_and_changes_nothing(
    app, client, login, db, pkl, make_placement
):
    placement = make_placement()
    (entry_id,) = _write_days(app, placement, pkl.student, [1])
    token, link = _issue(app, pkl, placement)
    csrf = _csrf(client.get(f"/pkl/{token}").get_data(as_text=True))
    db.get(SupervisorLink, link.id).expires_at = utcnow() - timedelta(minutes=1)
    row = db.get(SupervisorLink, link.id)
    db.add(row)
    db.commit()
    page = client.get(f"/pkl/{token}?lang=en")
    assert page.status_code == 410 and "The link has expired." in page.get_data(as_text=True)
    response = client.post(
        f"/pkl/{token}/entries/{entry_id}", data={"csrf": csrf, "decision": "approve"}
    )
    assert response.status_code == 410
    assert db.get(JournalEntry, entry_id).status == "pending"

    fresh, fresh_link = _issue(app, pkl, placement)
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/links/{fresh_link.id}/revoke")
    client.post("/logout")
    page = client.get(f"/pkl/{fresh}?lang=en")
    assert page.status_code == 410
    assert "The school replaced or withdrew this link." in page.get_data(as_text=True)
    assert client.get("/pkl/not-a-real-token").status_code == 404


def test_a_new_link_ends_the_previous_one(app, client, pkl, make_placement):
    placement = make_placement()
    first, _link = _issue(app, pkl, placement)
    second, _link2 = _issue(app, pkl, placement)
    assert client.get(f"/pkl/{first}").status_code == 410
    assert client.get(f"/pkl/{second}").status_code == 200


def test_a_link_never_reaches_another_placement(app, client, db, pkl, make_placement):
    placement = make_placement()
    other = make_placement(student=pkl.classmate)
    (entry_id,) = _write_days(app, placement, pkl.student, [1])
    (other_entry,) = _write_days(app, other, pkl.classmate, [1])
    token, _link = _issue(app, pkl, placement)
    text = client.get(f"/pkl/{token}?lang=en").get_data(as_text=True)
    assert "Agus" not in text
    response = client.post(
        f"/pkl/{token}/entries/{other_entry}", data={"csrf": _csrf(text), "decision": "approve"}
    )
    assert response.status_code == 404
    assert client.get(f"/pkl/{token}/entries/{other_entry}/photo").status_code == 404
    assert db.get(JournalEntry, other_entry).status == "pending"
    assert db.get(JournalEntry, entry_id).status == "pending"


def test_two_tabs_countersign_at_once_and_exactly_one_wins(app, db, pkl, make_placement):
    placement = make_placement()
    (entry_id,) = _write_days(app, placement, pkl.student, [1])
    token, _link = _issue(app, pkl, placement)
    barrier, outcomes = threading.Barrier(2), []

    def decide(decision):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            _state, link, _placement = links.find_link(session, token)
            session.rollback()
            barrier.wait(timeout=30)
            try:
                links.countersign(session, link=link, entry_id=entry_id, decision=decision,
                                  comment="Ulangi")  # fmt: skip
                outcomes.append(decision)
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(d,)) for d in ("approve", "return")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("conflict") == 1
    winner = next(o for o in outcomes if o != "conflict")
    assert (
        db.get(JournalEntry, entry_id).status
        == {"approve": "approved", "return": "returned"}[winner]
    )


def test_the_page_speaks_the_supervisors_language_and_offers_a_switch(
    app, client, db, pkl, make_placement
):
    supervisor = pkl.supervisor
    supervisor.locale = "zh"
    db.add(supervisor)
    db.commit()
    placement = make_placement()
    token, _link = _issue(app, pkl, placement)
    text = client.get(f"/pkl/{token}").get_data(as_text=True)
    assert "Siti Rahma 的日志" in text
    assert "Jurnal Siti Rahma" in client.get(f"/pkl/{token}?lang=id").get_data(as_text=True)


def test_a_qr_code_is_shown_once_to_the_teacher(client, login, db, pkl, make_placement):
    """Made by a POST that redirects to the page showing it: reloading that page makes no new
    link (the one just scanned keeps working) and no longer shows the code."""
    placement = make_placement()
    login(pkl.teacher)
    made = client.post(f"/placements/{placement.id}/links?lang=en",
                       data={"purpose": "countersign", "delivery": "qr"})  # fmt: skip
    assert made.status_code == 302
    shown_at = made.headers["Location"]
    response = client.get(shown_at)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and 'src="data:image/png;base64,' in text
    assert response.headers["Cache-Control"] == "no-store"
    url = re.search(r'href="http://localhost(/pkl/[^"]+)"', text).group(1)
    assert client.get(url).status_code == 200

    reloaded = client.get(f"{shown_at}?lang=en")
    again = reloaded.get_data(as_text=True)
    assert reloaded.status_code == 200
    assert "shown only once" in again and "data:image/png;base64," not in again
    assert db.exec(select(func.count()).select_from(SupervisorLink)).one() == 1
    assert client.get(url).status_code == 200  # the scanned link still works

    client.post("/logout")
    login(pkl.other_teacher)
    assert client.get(shown_at).status_code == 404
