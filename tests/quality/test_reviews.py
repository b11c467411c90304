"""Second opinions: the reviewers' queue and review page, pseudonyms, agree or disagree, actions
for the teacher, no self-review, no double review, and two concurrent reviews of which one wins."""

import io
import re
import threading

import pytest
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.notifications.models import Notification
from eduplatform.people.models import SchoolMembership, User
from eduplatform.quality import service
from eduplatform.quality.models import QualityAction, QualityReview, QualitySample
from eduplatform.training.models import UnitCompletion
from tests.quality.conftest import TODAY
from tests.training.conftest import jpeg_bytes


def _sample(db, completion):
    return db.exec(select(QualitySample).where(QualitySample.completion_id == completion.id)).one()


@pytest.fixture
def sampled(db, quality, training, log, app, session):
    """sampled(code, student=None, note=...): a decision verified (with a photo) and sampled."""
    from eduplatform.training import service as training_service

    def make(code="EV-101-U1", student=None, note="Did the task with my group."):
        completion = log(code, student=student, note=note, photo=io.BytesIO(jpeg_bytes()))
        with app.test_request_context("/?lang=en"):
            training_service.approve_completion(
                session, actor=training.teacher, completion=completion, criteria_met=[1],
                feedback="Good lock-out, Siti.",
            )  # fmt: skip
        return _sample(db, completion)

    return make


def test_the_queue_shows_ready_samples_oldest_first_with_filters(client, login, quality,
                                                                 training, sampled):  # fmt: skip
    first = sampled("EV-101-U1")
    second = sampled("EV-101-U1", student=training.classmate)
    login(quality.reviewer)
    page = client.get("/quality/samples?lang=en").get_data(as_text=True)
    assert page.index(first.pseudonym) < page.index(second.pseudonym)
    assert "SMK Negeri 2 Surakarta" in page and "Budi Santoso" in page
    filtered = client.get(f"/quality/samples?teacher={training.teacher.id}&module="
                          f"{training.safety.id}&school={training.school.id}")  # fmt: skip
    assert filtered.status_code == 200 and first.pseudonym in filtered.get_data(as_text=True)
    for bad in (f"school={training.other_school.id}", "teacher=987654", "module=abc",
                f"teacher={training.foreign_teacher.id}", "school=" + "9" * 25):  # fmt: skip
        assert client.get(f"/quality/samples?{bad}").status_code == 404, bad


def test_only_reviewers_open_the_reviewer_pages(client, login, quality, training, sampled):
    sample = sampled()
    for who in (quality.plain_author, training.teacher, training.office):
        client.post("/logout")
        login(who)
        assert client.get("/quality/samples").status_code == 403
        assert client.get(f"/quality/samples/{sample.id}").status_code == 403
    client.post("/logout")
    assert client.get("/quality/samples").status_code == 302  # to sign in


def test_a_reviewer_of_another_university_gets_404(client, login, db, make_org, make_user,
                                                   sampled):  # fmt: skip
    from eduplatform.quality.models import QualityReviewer

    sample = sampled()
    elsewhere = make_org("university")
    stranger = make_user("author", organization=elsewhere)
    db.add(QualityReviewer(user_id=stranger.id, university_id=elsewhere.id))
    db.commit()
    login(stranger)
    assert client.get(f"/quality/samples/{sample.id}").status_code == 404
    assert client.get(f"/quality/samples/{sample.id}/photo").status_code == 404
    assert sample.pseudonym not in client.get("/quality/samples").get_data(as_text=True)


def _identity(training, student=None):
    student = student or training.student
    return [student.full_name, *student.full_name.split(), student.nisn, student.email,
            student.birth_date and student.birth_date.isoformat(),
            student.birth_date and student.birth_date.strftime("%d/%m/%Y")]  # fmt: skip


def _reviewer_pages(client, sample):
    """Every page and file a reviewer opens about a sample, before and after the review."""
    urls = ["/quality/samples", "/quality/samples?status=reviewed",
            f"/quality/samples/{sample.id}", f"/quality/samples/{sample.id}/photo"]  # fmt: skip
    for lang in ("id", "en", "zh"):
        for url in urls:
            joiner = "&" if "?" in url else "?"
            response = client.get(f"{url}{joiner}lang={lang}")
            assert response.status_code == 200, url
            yield url, response


def _assert_pseudonymous(client, training, sample):
    secrets = [s for s in _identity(training) if s]
    for url, response in _reviewer_pages(client, sample):
        text = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        for secret in secrets:
            word = re.compile(rf"(?<!\w){re.escape(secret)}(?!\w)", re.IGNORECASE)
            assert not word.search(text), (url, secret)  # text, alt texts, links, file names
            assert not word.search(str(response.headers)), (url, secret)
            assert not word.search(response.request.url if response.request else url), url
        if url.endswith("/photo"):
            assert f"{sample.pseudonym}.jpg" in response.headers["Content-Disposition"]


def test_no_page_a_reviewer_opens_identifies_the_student(client, login, quality, training,
                                                         sampled):  # fmt: skip
    sample = sampled(note="Saya, Siti Rahayu (NISN ditulis), mengerjakan lock-out.")
    login(quality.reviewer)
    page = client.get(f"/quality/samples/{sample.id}?lang=en").get_data(as_text=True)
    assert sample.pseudonym in page
    assert f'alt="Evidence photo of sample {sample.pseudonym}' in page
    assert "Photos may show faces" in page
    assert "mengerjakan lock-out" in page  # the evidence note, without the name
    _assert_pseudonymous(client, training, sample)
    response = client.post(f"/quality/samples/{sample.id}",
                           data={"agrees": "yes", "rating": "4", "feedback": ""})  # fmt: skip
    assert response.status_code == 302
    _assert_pseudonymous(client, training, sample)


def test_agreeing_records_the_review_and_changes_nothing_else(client, login, db, quality,
                                                              sampled):  # fmt: skip
    sample = sampled()
    login(quality.reviewer)
    response = client.post(
        f"/quality/samples/{sample.id}?lang=en",
        data={"agrees": "yes", "rating": "3", "feedback": "Clear photo."},
    )
    assert response.status_code == 302
    review = db.exec(select(QualityReview).where(QualityReview.sample_id == sample.id)).one()
    assert (review.agrees, review.rating, review.reviewer_id) == (True, 3, quality.reviewer.id)
    assert db.exec(select(func.count()).select_from(QualityAction)).one() == 0
    db.expire_all()
    assert db.get(QualitySample, sample.id).status == "reviewed"
    assert db.get(UnitCompletion, sample.completion_id).status == "verified"


def test_a_disagreement_needs_feedback_and_opens_an_action_for_the_teacher(
    client, login, db, quality, training, sampled
):
    sample = sampled()
    login(quality.reviewer)
    refused = client.post(f"/quality/samples/{sample.id}?lang=en",
                          data={"agrees": "no", "rating": "1", "feedback": ""})  # fmt: skip
    assert refused.status_code == 422
    assert "Explain to the teacher why you disagree." in refused.get_data(as_text=True)
    bad_rating = client.post(f"/quality/samples/{sample.id}?lang=en",
                             data={"agrees": "no", "rating": "5", "feedback": "x"})  # fmt: skip
    assert bad_rating.status_code == 422
    assert "Choose a rating from 1 to 4." in bad_rating.get_data(as_text=True)
    assert db.exec(select(func.count()).select_from(QualityReview)).one() == 0
    response = client.post(f"/quality/samples/{sample.id}?lang=en", data={
        "agrees": "no", "rating": "1",
        "feedback": "The photo does not show the lock-out tag on the service plug.",
    })  # fmt: skip
    assert response.status_code == 302
    action = db.exec(select(QualityAction)).one()
    assert action.owner_id == training.teacher.id and action.status == "open"
    assert action.due_on > TODAY
    assert db.get(UnitCompletion, sample.completion_id).status == "verified"  # unchanged
    actions = set(db.exec(select(AuditEvent.action).where(AuditEvent.action.like("quality.%"))))
    assert {"quality.sampled", "quality.reviewed", "quality.action_opened"} <= actions


def test_a_decision_is_reviewed_once(client, login, quality, sampled):
    sample = sampled()
    login(quality.reviewer)
    data = {"agrees": "yes", "rating": "4", "feedback": ""}
    assert client.post(f"/quality/samples/{sample.id}", data=data).status_code == 302
    again = client.post(f"/quality/samples/{sample.id}?lang=en", data=data)
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "This decision has already been reviewed." in page
    assert 'id="sample-review"' not in page  # the page shows the review given, no form


def test_the_service_refuses_a_second_review(app_context, session, quality, sampled):
    sample = sampled()
    reviewer = session.get(User, quality.reviewer.id)
    service.submit_review(session, actor=reviewer, sample=session.get(QualitySample, sample.id),
                          agrees=True, rating=4, feedback="")  # fmt: skip
    with pytest.raises(Conflict):
        service.submit_review(session, actor=reviewer,
                              sample=session.get(QualitySample, sample.id),
                              agrees=False, rating=1, feedback="Again")  # fmt: skip


def test_no_self_review_by_a_reviewer_who_teaches_at_the_school(
    app_context, db, session, quality, training, sampled
):
    sample = sampled()
    db.add(SchoolMembership(user_id=quality.reviewer.id, school_id=training.school.id,
                            since=TODAY))  # fmt: skip
    db.commit()
    with pytest.raises(Invalid) as refused:
        service.submit_review(session, actor=session.get(User, quality.reviewer.id),
                              sample=session.get(QualitySample, sample.id), agrees=True,
                              rating=4, feedback="")  # fmt: skip
    assert "school you teach at" in str(refused.value)


def test_two_concurrent_reviews_of_one_sample_exactly_one_wins(app, db, make_user, quality,
                                                               training, sampled):  # fmt: skip
    from eduplatform.quality.models import QualityReviewer

    sample = sampled()
    second = make_user("author", organization=training.university)
    db.add(QualityReviewer(user_id=second.id, university_id=training.university.id))
    db.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def review(reviewer_id, agrees):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            actor = session.get(User, reviewer_id)
            found = session.get(QualitySample, sample.id)
            session.rollback()  # release the read; both start from "ready"
            barrier.wait()
            try:
                service.submit_review(session, actor=actor, sample=found, agrees=agrees,
                                      rating=2, feedback="Second opinion.")  # fmt: skip
                outcomes.append("won")
            except Conflict:
                outcomes.append("lost")

    threads = [threading.Thread(target=review, args=(quality.reviewer.id, True)),
               threading.Thread(target=review, args=(second.id, False))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert db.exec(select(func.count()).select_from(QualityReview)).one() == 1
    review_row = db.exec(select(QualityReview)).one()
    actions = db.exec(select(func.count()).select_from(QualityAction)).one()
    assert actions == (0 if review_row.agrees else 1)  # only the winner's consequences


def _disagreed(client, login, db, quality, sample):
    """The reviewer disagrees with the sampled decision: the teacher's action (signed out)."""
    login(quality.reviewer)
    client.post(f"/quality/samples/{sample.id}",
                data={"agrees": "no", "rating": "2", "feedback": "Show the tag."})  # fmt: skip
    client.post("/logout")
    return db.exec(select(QualityAction)).one()


def test_the_teacher_answers_the_action_and_others_cannot_see_it(client, login, db, quality,
                                                                 training, sampled):  # fmt: skip
    sample = sampled()
    action = _disagreed(client, login, db, quality, sample)
    login(training.other_teacher)
    assert client.get(f"/quality/actions/{action.id}").status_code == 404
    assert client.post(f"/quality/actions/{action.id}", data={"response": "x"}).status_code == 404
    client.post("/logout")
    login(training.teacher)
    mine = client.get("/quality/my-samples?lang=en").get_data(as_text=True)
    assert "Show the tag." in mine and "Answer the action" in mine
    empty = client.post(f"/quality/actions/{action.id}?lang=en", data={"response": " "})
    assert empty.status_code == 422
    assert "Write what you did" in empty.get_data(as_text=True)
    answered = client.post(
        f"/quality/actions/{action.id}",
        data={"response": "Re-assessed with the student; new photo."},
    )
    assert answered.status_code == 302
    db.expire_all()
    stored = db.get(QualityAction, action.id)
    assert stored.status == "answered" and stored.answered_at is not None
    assert db.get(UnitCompletion, sample.completion_id).status == "verified"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "quality.action_answered")).one()
    assert event.actor_id == training.teacher.id


def _opened(client, db, user):
    """Where opening the person's latest notification leads."""
    latest = db.exec(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    ).first()
    return client.post(f"/notifications/{latest.id}/open").headers["Location"]


def test_the_teacher_hears_of_the_action_and_the_reviewer_of_the_answer(
    client, login, db, quality, training, sampled
):
    """Neither learned of it but by opening the quality pages (the answer is due in days): the
    teacher is told of the disagreement with a link to answer it, and the reviewer of the
    answer, by the sample's pseudonym: never the student's name."""
    sample = sampled()
    action = _disagreed(client, login, db, quality, sample)
    login(training.teacher)
    news = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "quality reviewer disagreed with your decision on EV-101-U1" in news
    assert _opened(client, db, training.teacher).endswith(f"/quality/actions/{action.id}")
    client.post(f"/quality/actions/{action.id}", data={"response": "Re-assessed; new photo."})
    client.post("/logout")
    login(quality.reviewer)
    news = client.get("/notifications?lang=en").get_data(as_text=True)
    assert f"A teacher answered your action on sample {sample.pseudonym}." in news
    assert _opened(client, db, quality.reviewer).endswith(f"/quality/samples/{sample.id}")
    assert training.student.full_name not in news
    kinds = set(db.exec(select(Notification.kind)))
    assert {"quality_action_opened", "quality_action_answered"} <= kinds


def test_a_teacher_who_moved_school_no_longer_sees_the_old_schools_samples(
    client, login, db, quality, training, sampled
):
    """His sampled decisions and the actions about them name the old school's students: once he
    teaches at another school they stay with that school (404, not listed) as every other
    record of its students: the list, the action's page and its answer (the API's actions read
    the same two service functions)."""
    sample = sampled()
    action = _disagreed(client, login, db, quality, sample)
    student = db.get(User, db.get(UnitCompletion, sample.completion_id).student_id)
    login(training.teacher)
    assert student.full_name in client.get("/quality/my-samples?lang=en").get_data(as_text=True)
    assert client.get(f"/quality/actions/{action.id}").status_code == 200
    client.post("/logout")

    teacher = db.get(User, training.teacher.id)
    for membership in db.exec(
        select(SchoolMembership).where(SchoolMembership.user_id == teacher.id)
    ):
        db.delete(membership)
    teacher.organization_id = training.other_school.id
    db.add(teacher)
    db.commit()

    login(training.teacher)
    mine = client.get("/quality/my-samples?lang=en").get_data(as_text=True)
    assert student.full_name not in mine and "Show the tag." not in mine
    assert client.get(f"/quality/actions/{action.id}").status_code == 404
    refused = client.post(f"/quality/actions/{action.id}", data={"response": "Done."})
    assert refused.status_code == 404
    assert db.get(QualityAction, action.id).status == "open"


def test_a_moved_teachers_open_action_passes_to_the_schools_teachers(
    client, login, db, make_user, quality, training, sampled
):
    """An open action blocks the school's endorsement of the module until it is answered: when
    an administrator moves its teacher to another school, the confirmation names it and it
    passes to the school's teachers; one of them answers it and becomes its owner. The teacher
    who left, and teachers of other schools, still get 404."""
    sample = sampled()
    action = _disagreed(client, login, db, quality, sample)
    student = db.get(User, db.get(UnitCompletion, sample.completion_id).student_id)
    teacher = training.teacher
    values = {"full_name": teacher.full_name, "email": teacher.email, "role": "teacher",
              "organization_id": str(training.other_school.id)}  # fmt: skip
    login(make_user("admin"))
    asked = client.post(f"/admin/users/{teacher.id}?lang=en", data=values).get_data(as_text=True)
    assert "1 open quality action passes to the school's teachers" in asked
    assert f"EV-101-U1 High-voltage hazards · {student.full_name} (answer due" in asked
    db.expire_all()
    assert db.get(QualityAction, action.id).owner_id == teacher.id  # nothing changed yet
    token = re.search(r'name="confirm_change" value="([^"]+)"', asked)[1]
    moved = client.post(f"/admin/users/{teacher.id}", data={**values, "confirm_change": token})
    assert moved.status_code == 302
    client.post("/logout")
    db.expire_all()
    assert db.get(QualityAction, action.id).owner_id is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.school_changed")).one()
    assert event.details["quality_actions_ids"] == [action.id]

    for outsider in (training.teacher, training.foreign_teacher):
        login(outsider)
        assert client.get(f"/quality/actions/{action.id}").status_code == 404
        refused = client.post(f"/quality/actions/{action.id}", data={"response": "Done."})
        assert refused.status_code == 404
        client.post("/logout")

    login(training.other_teacher)
    listed = client.get("/quality/my-samples?lang=en").get_data(as_text=True)
    assert "any of its teachers can answer the action" in listed and "Show the tag." in listed
    page = client.get(f"/quality/actions/{action.id}?lang=en").get_data(as_text=True)
    assert "by a teacher who has since left the school" in page and "Your decision" not in page
    answered = client.post(
        f"/quality/actions/{action.id}", data={"response": "Re-assessed it with the student."}
    )
    assert answered.status_code == 302
    db.expire_all()
    found = db.get(QualityAction, action.id)
    assert (found.status, found.owner_id) == ("answered", training.other_teacher.id)
    listed = client.get("/quality/my-samples?lang=en").get_data(as_text=True)
    assert "You answered this action for the school" in listed
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "quality.action_answered")).one()
    assert event.actor_id == training.other_teacher.id
