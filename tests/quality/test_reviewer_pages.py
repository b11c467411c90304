"""Naming quality reviewers on pages: an admin lists a university's lecturers with their reviewer
permission and grants or revokes it after a confirmation; each change is audited; a revocation
closes the reviewer's queue at their next request while the samples waiting stay for the others;
no self-review and "only a university's lecturers" stay enforced."""

import threading
from datetime import date

import pytest
from sqlmodel import select

from eduplatform import create_app
from eduplatform.api import service as api
from eduplatform.audit.models import AuditEvent
from eduplatform.db import get_engine, new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import SchoolMembership, User
from eduplatform.quality import service
from eduplatform.quality.models import QualityReviewer, QualitySample
from tests.conftest import PASSWORD, csrf_token


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def _url(training, user=None, change=None):
    url = f"/quality/reviewers/{training.university.id}"
    return f"{url}/{user.id}/{change}" if user else url


def _sign_in(app, user):
    other = app.test_client()
    response = other.post("/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return other


def _events(db, action):
    return db.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_admin_sees_each_universitys_lecturers_with_their_permission(
    client, login, db, make_org, make_user, training, quality
):
    elsewhere = make_user("author", organization=make_org("university", name="Other University"),
                          full_name="Lecturer Elsewhere")  # fmt: skip
    login(training.admin)
    index = _page(client, "/quality/reviewers?lang=en")
    assert training.university.name.replace("'", "&#39;") in index
    assert "Other University" in index
    html = _page(client, _url(training) + "?lang=en")
    assert "Quality reviewers of" in html
    assert "Chen Li" in html and quality.plain_author.full_name in html
    assert f'id="staff-{quality.reviewer.id}"' in html
    assert "Not a reviewer" in html and "Reviewer" in html
    # only the university's lecturers: no teacher, no office, no other university's lecturer
    for stranger in (training.teacher, training.office, elsewhere):
        assert stranger.full_name not in html
    zh = _page(client, _url(training) + "?lang=zh")
    assert "质量审核员" in zh
    id_ = _page(client, _url(training) + "?lang=id")
    assert "Peninjau mutu" in id_


def test_naming_a_reviewer_asks_first_then_grants_and_audits(client, login, db, training, quality):
    author = quality.plain_author
    login(training.admin)
    asked = client.post(_url(training, author, "grant") + "?lang=en")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert f"Name {author.full_name} a quality reviewer of" in html
    assert db.get(QualityReviewer, author.id) is None  # asking changed nothing
    done = client.post(_url(training, author, "grant") + "?lang=en", data={"confirm": "1"})
    assert done.status_code == 303 and done.location.endswith(_url(training))
    grant = db.get(QualityReviewer, author.id)
    assert grant.university_id == training.university.id
    assert grant.granted_by_id == training.admin.id
    (event,) = _events(db, "quality.reviewer_granted")
    assert event.actor_id == training.admin.id and event.object_id == str(author.id)
    html = _page(client, _url(training) + "?lang=en")
    assert f"{author.full_name} is now a quality reviewer" in html
    assert f"named by {training.admin.full_name}" in html
    # the new reviewer's queue opens at their next request
    assert _sign_in(client.application, author).get("/quality/samples").status_code == 200


def test_revoking_closes_the_queue_at_the_next_request_and_keeps_the_samples(
    app, client, login, db, training, quality, verified
):
    (completion,) = verified("EV-101-U1")
    sample = db.exec(
        select(QualitySample).where(QualitySample.completion_id == completion.id)
    ).one()
    assert sample.status == "ready"
    chen = _sign_in(app, quality.reviewer)
    with new_session(app) as session:
        user = session.get(User, quality.reviewer.id)
        _token, raw = api.create_token(session, actor=None, user=user, name="Chen's script",
                                       scope="read-write")  # fmt: skip
    bearer = {"Authorization": f"Bearer {raw}"}
    assert chen.get("/quality/samples").status_code == 200
    assert chen.get(f"/quality/samples/{sample.id}").status_code == 200
    assert chen.get("/api/v1/quality/samples", headers=bearer).status_code == 200

    login(training.admin)
    asked = client.post(_url(training, quality.reviewer, "revoke") + "?lang=en")
    html = asked.get_data(as_text=True)
    assert "Revoke the quality reviewer permission of Chen Li?" in html
    assert "1 sample waiting for review stays in the university" in html
    assert "No other reviewer is left" in html
    assert db.get(QualityReviewer, quality.reviewer.id) is not None  # asking changed nothing
    done = client.post(_url(training, quality.reviewer, "revoke"), data={"confirm": "1"})
    assert done.status_code == 303
    assert db.get(QualityReviewer, quality.reviewer.id) is None
    (event,) = _events(db, "quality.reviewer_revoked")
    assert event.actor_id == training.admin.id and event.details["samples_waiting"] == 1

    # Chen's very next requests: the queue, the sample, its review and the API are closed.
    assert chen.get("/quality/samples").status_code == 403
    assert chen.get(f"/quality/samples/{sample.id}").status_code == 403
    review = {"agrees": "yes", "rating": "4", "feedback": ""}
    assert chen.post(f"/quality/samples/{sample.id}", data=review).status_code == 403
    assert chen.get("/api/v1/quality/samples", headers=bearer).status_code == 403
    assert "/quality/samples" not in _page(chen, "/")
    db.expire_all()
    assert db.get(QualitySample, sample.id).status == "ready"  # not lost, not reviewed

    # The sample waits for the university's next reviewer.
    client.post(_url(training, quality.plain_author, "grant"), data={"confirm": "1"})
    other = _sign_in(app, quality.plain_author)
    assert f'/quality/samples/{sample.id}"' in _page(other, "/quality/samples")


def test_a_lecturer_who_also_teaches_is_named_but_never_reviews_that_school(
    app, client, login, db, make_user, training, quality, verified
):
    lecturer = make_user("author", organization=training.university, full_name="Wang Fang")
    db.add(SchoolMembership(user_id=lecturer.id, school_id=training.school.id, since=date.today()))
    db.commit()
    (completion,) = verified("EV-101-U1")
    login(training.admin)
    html = client.post(_url(training, lecturer, "grant") + "?lang=en").get_data(as_text=True)
    assert f"Wang Fang also teaches at {training.school.name}" in html
    client.post(_url(training, lecturer, "grant"), data={"confirm": "1"})
    assert service.is_reviewer(db, db.get(User, lecturer.id))
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        sample = session.exec(
            select(QualitySample).where(QualitySample.completion_id == completion.id)
        ).one()
        with pytest.raises(Invalid, match="school you teach at"):
            service.submit_review(session, actor=session.get(User, lecturer.id), sample=sample,
                                  agrees=True, rating=4, feedback="")  # fmt: skip
    assert db.get(QualitySample, sample.id).status == "ready"


def test_refusals_change_nothing_and_say_why(client, login, db, make_org, make_user, training,
                                             quality):  # fmt: skip
    gone = make_user("author", organization=training.university, full_name="Former Lecturer",
                     active=False)  # fmt: skip
    elsewhere = make_user("author", organization=make_org("university"))
    login(training.admin)
    # Only the university's lecturers have a row: anyone else's id answers like an unknown one.
    for user in (training.teacher, training.office, elsewhere):
        assert client.post(_url(training, user, "grant"), data={"confirm": "1"}).status_code == 404
    assert client.get(f"/quality/reviewers/{training.school.id}").status_code == 404
    assert client.get("/quality/reviewers/999999999").status_code == 404
    refused = client.post(_url(training, gone, "grant") + "?lang=en", data={"confirm": "1"},
                          follow_redirects=True)  # fmt: skip
    assert "The account of Former Lecturer is deactivated" in refused.get_data(as_text=True)
    again = client.post(_url(training, quality.reviewer, "grant") + "?lang=en",
                        data={"confirm": "1"}, follow_redirects=True)  # fmt: skip
    assert "Chen Li is already a quality reviewer." in again.get_data(as_text=True)
    not_one = client.post(_url(training, quality.plain_author, "revoke") + "?lang=en",
                          data={"confirm": "1"}, follow_redirects=True)  # fmt: skip
    assert "is not a quality reviewer." in not_one.get_data(as_text=True)
    assert {g.user_id for g in db.exec(select(QualityReviewer)).all()} == {quality.reviewer.id}
    assert _events(db, "quality.reviewer_granted") == []
    assert _events(db, "quality.reviewer_revoked") == []


@pytest.mark.parametrize("role", ["author", "office", "teacher", "student"])
def test_only_an_admin_names_reviewers(client, login, db, training, quality, role):
    who = {"author": quality.reviewer, "office": training.office, "teacher": training.teacher,
           "student": training.student}[role]  # fmt: skip
    login(who)
    assert client.get("/quality/reviewers").status_code == 403
    assert client.get(_url(training)).status_code == 403
    response = client.post(_url(training, quality.plain_author, "grant"), data={"confirm": "1"})
    assert response.status_code == 403
    assert db.get(QualityReviewer, quality.plain_author.id) is None


def test_the_service_refuses_non_staff_with_a_clear_message(app, db, make_org, training, quality):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        admin = session.get(User, training.admin.id)
        teacher = session.get(User, training.teacher.id)
        with pytest.raises(Invalid, match="is not staff of a partner university"):
            service.grant_reviewer(session, actor=admin, user=teacher)
        with pytest.raises(Invalid, match="Only an admin"):
            service.grant_reviewer(session, actor=session.get(User, quality.reviewer.id),
                                   user=session.get(User, quality.plain_author.id))  # fmt: skip


def test_of_two_revocations_at_once_exactly_one_wins(app, db, training, quality):
    barrier = threading.Barrier(2)
    outcomes = []

    def revoke():
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            admin = session.get(User, training.admin.id)
            reviewer = session.get(User, quality.reviewer.id)
            session.rollback()  # release the read; both start from "a reviewer"
            barrier.wait()
            try:
                service.revoke_reviewer(session, actor=admin, user=reviewer)
                outcomes.append("won")
            except Conflict:
                outcomes.append("lost")

    threads = [threading.Thread(target=revoke) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert len(_events(db, "quality.reviewer_revoked")) == 1


def test_a_grant_stops_counting_when_the_lecturer_leaves_the_university(db, make_org, quality):
    user = db.get(User, quality.reviewer.id)
    assert service.is_reviewer(db, user)
    user.organization_id = make_org("university").id
    db.add(user)
    db.commit()
    assert not service.is_reviewer(db, user)


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app.test_client()
    get_engine(app).dispose()


def test_a_change_without_the_csrf_token_is_refused(csrf_client, db, training, quality):
    token = csrf_token(csrf_client.get("/login"))
    csrf_client.post("/login", data={"login": training.admin.email, "password": PASSWORD,
                                     "csrf_token": token})  # fmt: skip
    url = _url(training, quality.plain_author, "grant")
    assert csrf_client.post(url, data={"confirm": "1"}).status_code == 400
    assert db.get(QualityReviewer, quality.plain_author.id) is None
    token = csrf_token(csrf_client.get(_url(training)))
    assert csrf_client.post(url, data={"confirm": "1", "csrf_token": token}).status_code == 303
    assert db.get(QualityReviewer, quality.plain_author.id) is not None
