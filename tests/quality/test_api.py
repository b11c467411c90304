"""The API's samples and reviews follow the pages' rules: reviewers only, pseudonyms only,
404 outside the university, 422 naming the field, 409 for a second review; teachers answer."""

import pytest
from sqlmodel import select

from eduplatform.api import service as tokens
from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.quality.models import QualityAction, QualitySample


@pytest.fixture
def token_of(app):
    def make(user):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            row = session.get(User, user.id)
            _token, raw = tokens.create_token(session, actor=row, user=row, name="t",
                                              scope="read-write")  # fmt: skip
        return {"Authorization": f"Bearer {raw}"}

    return make


def test_reviewers_list_read_and_review_samples_through_the_api(client, db, quality, training,
                                                                verified, token_of):  # fmt: skip
    verified("EV-101-U1", "EV-101-U2")
    headers = token_of(quality.reviewer)
    page = client.get("/api/v1/quality/samples?lang=en&limit=1", headers=headers)
    assert page.status_code == 200
    body = page.get_json()
    assert len(body["items"]) == 1 and body["next"]
    first = body["items"][0]
    assert first["pseudonym"].startswith("P-") and first["unit"] == "EV-101-U1"
    assert first["teacher"]["full_name"] == "Budi Santoso" and first["rule"] == "minimum"
    text = page.get_data(as_text=True)
    for secret in ("Siti", "Rahayu", training.student.nisn, training.student.email):
        assert secret not in text
    following = client.get(f"/api/v1/quality/samples?cursor={body['next']}", headers=headers)
    assert following.get_json()["items"][0]["unit"] == "EV-101-U2"
    one = client.get(f"/api/v1/quality/samples/{first['id']}", headers=headers).get_json()
    assert one["criteria"][0]["met"] is True and one["review"] is None
    refused = client.post(
        f"/api/v1/quality/samples/{first['id']}/review?lang=en",
        json={"agrees": False, "rating": 2, "feedback": ""},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "feedback"
    bad_rating = client.post(f"/api/v1/quality/samples/{first['id']}/review",
                             json={"agrees": True, "rating": 7}, headers=headers)  # fmt: skip
    assert bad_rating.status_code == 422
    assert bad_rating.get_json()["errors"][0]["field"] == "rating"
    made = client.post(f"/api/v1/quality/samples/{first['id']}/review",
                       json={"agrees": False, "rating": 2, "feedback": "Show the tag."},
                       headers=headers)  # fmt: skip
    assert made.status_code == 201
    assert made.get_json()["action"]["status"] == "open"
    again = client.post(f"/api/v1/quality/samples/{first['id']}/review",
                        json={"agrees": True, "rating": 4}, headers=headers)  # fmt: skip
    assert again.status_code == 409 and again.get_json()["detail"]
    reviewed = client.get("/api/v1/quality/samples?status=reviewed", headers=headers).get_json()
    assert [item["id"] for item in reviewed["items"]] == [first["id"]]


def test_only_reviewers_of_the_university_and_ids_in_scope(client, db, make_org, make_user,
                                                          quality, training, verified,
                                                          token_of):  # fmt: skip
    from eduplatform.quality.models import QualityReviewer

    verified("EV-101-U1")
    sample = db.exec(select(QualitySample)).one()
    for who in (quality.plain_author, training.teacher, training.office):
        response = client.get("/api/v1/quality/samples", headers=token_of(who))
        assert response.status_code == 403, who.role
    elsewhere = make_org("university")
    stranger = make_user("author", organization=elsewhere)
    db.add(QualityReviewer(user_id=stranger.id, university_id=elsewhere.id))
    db.commit()
    headers = token_of(stranger)
    assert client.get(f"/api/v1/quality/samples/{sample.id}", headers=headers).status_code == 404
    review = client.post(f"/api/v1/quality/samples/{sample.id}/review",
                         json={"agrees": True, "rating": 4}, headers=headers)  # fmt: skip
    assert review.status_code == 404
    mine = token_of(quality.reviewer)
    for bad in (f"school={training.other_school.id}", "teacher=987654", "module=2147483647"):
        assert client.get(f"/api/v1/quality/samples?{bad}", headers=mine).status_code == 404, bad
    assert client.get(f"/api/v1/quality/samples?school={training.school.id}",
                      headers=mine).status_code == 200  # fmt: skip


def test_teachers_list_and_answer_their_actions(client, db, quality, training, verified,
                                                token_of):  # fmt: skip
    verified("EV-101-U1")
    sample = db.exec(select(QualitySample)).one()
    client.post(f"/api/v1/quality/samples/{sample.id}/review",
                json={"agrees": False, "rating": 1, "feedback": "No tag visible."},
                headers=token_of(quality.reviewer))  # fmt: skip
    action = db.exec(select(QualityAction)).one()
    other = token_of(training.other_teacher)
    assert client.get("/api/v1/quality/actions", headers=other).get_json()["items"] == []
    answer = client.post(f"/api/v1/quality/actions/{action.id}/answer",
                         json={"response": "Done."}, headers=other)  # fmt: skip
    assert answer.status_code == 404
    headers = token_of(training.teacher)
    listed = client.get("/api/v1/quality/actions", headers=headers).get_json()["items"]
    assert listed[0]["review"]["feedback"] == "No tag visible." and listed[0]["status"] == "open"
    answered = client.post(
        f"/api/v1/quality/actions/{action.id}/answer",
        json={"response": "Re-assessed with Siti."},
        headers=headers,
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    twice = client.post(f"/api/v1/quality/actions/{action.id}/answer",
                        json={"response": "Again."}, headers=headers)  # fmt: skip
    assert twice.status_code == 409
    # The reviewer reads the answer without the student's name the teacher wrote in it.
    read = client.get(f"/api/v1/quality/samples/{sample.id}", headers=token_of(quality.reviewer))
    response = read.get_json()["review"]["action"]["response"]
    assert response.startswith("Re-assessed with ") and "Siti" not in response
