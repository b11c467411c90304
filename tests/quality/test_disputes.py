"""Students dispute a teacher's decision: a returned unit, once, within the plan's days, with a
short reason; the decision goes to the reviewers at 100% (rule "disputed"), the plan's rule
samples the teacher's later decisions until they are back in line, the reviewer reads the
reason under the pseudonym, the teacher is told, the student sees the outcome. Refusals write
nothing; two tabs make one dispute; other students' records are 404."""

import io
import threading
from datetime import timedelta

import pytest
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.notifications.models import Notification
from eduplatform.people.models import User
from eduplatform.quality import service
from eduplatform.quality.models import QualityDispute, QualitySample
from eduplatform.quality.sampling import draw_for
from eduplatform.training import service as training_service
from eduplatform.training.models import UnitCompletion
from tests.quality.test_reviews import _assert_pseudonymous
from tests.training.conftest import jpeg_bytes

REASON = "Saya Siti Rahayu sudah memasang label lock-out; fotonya jelas."


def _count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def returned(app, session, training, log):
    """returned(code, student=None): a unit logged (with a photo) and sent back by Pak Budi."""

    def make(code="EV-101-U1", student=None, note="Saya mengerjakan lock-out bersama kelompok."):
        completion = log(code, student=student, note=note, photo=io.BytesIO(jpeg_bytes()))
        with app.test_request_context("/?lang=en"):
            training_service.reject_completion(
                session, actor=training.teacher, completion=completion,
                feedback="The photo does not show the tag.",
            )  # fmt: skip
        return completion

    return make


def _dispute(app, completion_id, student_id, reason=REASON):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        return service.open_dispute(
            session, actor=session.get(User, student_id),
            completion=session.get(UnitCompletion, completion_id), reason=reason,
        )  # fmt: skip


def _review(app, reviewer, sample_id, agrees, feedback="Second opinion."):
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        service.submit_review(
            session, actor=session.get(User, reviewer.id),
            sample=session.get(QualitySample, sample_id), agrees=agrees, rating=3,
            feedback=feedback,
        )  # fmt: skip


def _sample_of(db, completion_id):
    return db.exec(select(QualitySample).where(QualitySample.completion_id == completion_id)).one()


def test_a_dispute_puts_the_decision_in_the_queue_at_100_percent(app, db, quality, training,
                                                                 returned, set_plan):  # fmt: skip
    set_plan(minimum_rate=0, disputed_rate=None)  # no rate of the plan would draw it
    completion = returned()
    assert _count(db, QualitySample) == 0  # a decision sent back is not drawn
    dispute = _dispute(app, completion.id, training.student.id)
    sample = _sample_of(db, completion.id)
    assert (sample.rule, sample.rate, sample.status) == ("disputed", 100, "ready")
    assert sample.draw == draw_for(quality.plan.seed, completion.id)  # recorded all the same
    assert sample.teacher_id == training.teacher.id and sample.pseudonym.startswith("P-")
    assert dispute.sample_id == sample.id and dispute.reason == REASON
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "quality.disputed")).one()
    assert event.actor_id == training.student.id and event.details["rule"] == "disputed"
    told = db.exec(select(Notification).where(Notification.kind == "completion_disputed")).one()
    assert told.user_id == training.teacher.id and told.completion_id == completion.id
    assert db.get(UnitCompletion, completion.id).status == "rejected"  # unchanged


@pytest.mark.parametrize(
    ("reason", "field", "message"),
    [("  ", "reason", "Say why you think the decision is wrong."),
     ("x" * 501, "reason", "Use at most 500 characters.")],
)  # fmt: skip
def test_a_reason_is_required_and_short(app, db, quality, training, returned, reason, field,
                                        message):  # fmt: skip
    completion = returned()
    with pytest.raises(Invalid) as refused:
        _dispute(app, completion.id, training.student.id, reason=reason)
    assert refused.value.for_field(field) == [message]
    assert _count(db, QualityDispute) == 0 and _count(db, QualitySample) == 0


def test_the_window_is_the_plans_and_a_late_dispute_is_refused(app, db, quality, training,
                                                               returned, set_plan):  # fmt: skip
    set_plan(dispute_days=5)
    completion = returned()
    row = db.get(UnitCompletion, completion.id)
    row.reviewed_at = row.reviewed_at - timedelta(days=6)
    db.add(row)
    db.commit()
    with pytest.raises(Invalid) as refused:
        _dispute(app, completion.id, training.student.id)
    assert "within 5 days" in str(refused.value)
    assert _count(db, QualityDispute) == 0 and _count(db, QualitySample) == 0
    set_plan(dispute_days=30)
    assert _dispute(app, completion.id, training.student.id) is not None


def test_only_the_students_own_returned_decision_is_disputed(app, db, quality, training,
                                                            returned, verified):  # fmt: skip
    completion = returned()
    with pytest.raises(Invalid):  # a classmate
        _dispute(app, completion.id, training.classmate.id)
    (good,) = verified("EV-101-U1")
    with pytest.raises(Invalid):  # a verified decision
        _dispute(app, good.id, training.student.id)
    assert _count(db, QualityDispute) == 0
    sample = _sample_of(db, good.id)
    assert sample.rule == "minimum"  # its recorded draw is untouched


def test_without_a_plan_there_is_no_one_to_ask(app, db, quality, training, returned):
    db.delete(db.get(type(quality.plan), quality.plan.id))
    db.commit()
    completion = returned()
    with pytest.raises(Invalid) as refused:
        _dispute(app, completion.id, training.student.id)
    assert "No partner university reviews" in str(refused.value)


def test_a_decision_is_disputed_once(app, db, quality, training, returned):
    completion = returned()
    _dispute(app, completion.id, training.student.id)
    with pytest.raises(Conflict):
        _dispute(app, completion.id, training.student.id, reason="Again.")
    assert _count(db, QualityDispute) == 1 and _count(db, QualitySample) == 1


def test_two_tabs_sending_at_once_make_exactly_one_dispute(app, db, quality, training, returned):
    completion = returned()
    barrier = threading.Barrier(2)
    outcomes = []

    def send(reason):
        with app.test_request_context("/?lang=en"), new_session(app) as session:
            actor = session.get(User, training.student.id)
            record = session.get(UnitCompletion, completion.id)
            session.rollback()  # both start from "not disputed"
            barrier.wait()
            try:
                service.open_dispute(session, actor=actor, completion=record, reason=reason)
                outcomes.append("sent")
            except Conflict:
                outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(f"Tab {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "sent"]
    assert _count(db, QualityDispute) == 1 and _count(db, QualitySample) == 1
    assert db.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "quality.disputed")).one() == 1  # fmt: skip
    told = db.exec(select(func.count()).select_from(Notification).where(
        Notification.kind == "completion_disputed")).one()  # fmt: skip
    assert told == 1


def test_the_teachers_later_decisions_are_sampled_until_back_in_line(
    app, db, quality, training, returned, verified, set_plan
):
    """The plan's rule after a dispute, as after a disagreement: the disputed rate until
    `back_in_line_after` reviews agree in a row, the dispute's own review the first of them."""
    set_plan(minimum_rate=0, disputed_rate=100, back_in_line_after=2)
    (before,) = verified("EV-101-U1", student=training.classmate)
    assert _sample_of(db, before.id).rule == "minimum"  # rate 0: not selected
    assert _sample_of(db, before.id).status == "not_selected"
    disputed = returned()
    dispute = _dispute(app, disputed.id, training.student.id)
    (while_open,) = verified("EV-101-U1")
    assert (_sample_of(db, while_open.id).rule, _sample_of(db, while_open.id).status) == (
        "disputed", "ready")  # fmt: skip
    _review(app, quality.reviewer, dispute.sample_id, agrees=True)  # not upheld
    (after_one,) = verified("EV-101-U2")
    assert _sample_of(db, after_one.id).rule == "disputed"  # one agreement of two
    _review(app, quality.reviewer, _sample_of(db, while_open.id).id, agrees=True)
    (back,) = verified("EV-101-U2", student=training.classmate)
    assert (_sample_of(db, back.id).rule, _sample_of(db, back.id).status) == (
        "minimum", "not_selected")  # fmt: skip


def test_an_upheld_dispute_is_a_disagreement_with_an_action(app, db, quality, training,
                                                            returned, set_plan):  # fmt: skip
    set_plan(back_in_line_after=1)
    completion = returned()
    dispute = _dispute(app, completion.id, training.student.id)
    _review(app, quality.reviewer, dispute.sample_id, agrees=False,
            feedback="The tag is visible on the photo; accept the unit.")  # fmt: skip
    found = service.dispute_of(db, completion.id)
    assert found.state == "upheld" and found.review.agrees is False
    told = db.exec(select(Notification).where(Notification.kind == "dispute_reviewed")).one()
    assert told.user_id == training.student.id and told.details == {"upheld": True}
    with app.app_context():
        assert service.teacher_samples(db, actor=training.teacher)[0].action is not None


# The pages.


def test_the_student_disputes_from_the_unit_page_on_a_phone(client, db, login, quality, training,
                                                           returned):  # fmt: skip
    completion = returned()
    login(training.student)
    unit_page = client.get(f"/training/units/{completion.unit_id}/log?lang=en")
    text = unit_page.get_data(as_text=True)
    assert "Dispute this decision" in text
    link = f"/training/completions/{completion.id}/dispute"
    assert link in text
    assert link in client.get(f"/training/completions/{completion.id}?lang=en").get_data(
        as_text=True)  # the record's page too  # fmt: skip
    form = client.get(f"{link}?lang=en").get_data(as_text=True)
    assert '<label for="reason">Why do you think the decision is wrong?</label>' in form
    assert 'maxlength="500"' in form
    refused = client.post(f"{link}?lang=en", data={"reason": ""})
    assert refused.status_code == 422
    assert "Say why you think the decision is wrong." in refused.get_data(as_text=True)
    assert _count(db, QualityDispute) == 0
    sent = client.post(link, data={"reason": REASON})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(link)
    shown = client.get(f"{link}?lang=en").get_data(as_text=True)
    assert "Waiting for the university's reviewer" in shown and 'id="dispute-form"' not in shown
    again = client.post(f"{link}?lang=en", data={"reason": "Once more."})
    assert again.status_code == 409
    assert "You have already disputed this decision." in again.get_data(as_text=True)
    assert _count(db, QualityDispute) == 1
    unit_page = client.get(f"/training/units/{completion.unit_id}/log?lang=en")
    assert "Waiting for the university's reviewer" in unit_page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "message"),
    [("id", "Tuliskan mengapa menurutmu keputusan itu salah."),
     ("zh", "请说明您认为该决定错误的原因。")],
)  # fmt: skip
def test_the_field_message_is_in_the_students_language(client, login, quality, training,
                                                       returned, lang, message):  # fmt: skip
    completion = returned()
    login(training.student)
    refused = client.post(f"/training/completions/{completion.id}/dispute?lang={lang}",
                          data={"reason": " "})  # fmt: skip
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)


def test_a_late_dispute_is_refused_on_the_page(client, db, login, quality, training, returned):
    completion = returned()
    row = db.get(UnitCompletion, completion.id)
    row.reviewed_at = row.reviewed_at - timedelta(days=31)
    db.add(row)
    db.commit()
    login(training.student)
    link = f"/training/completions/{completion.id}/dispute?lang=en"
    page = client.get(link).get_data(as_text=True)
    assert "the time for this one has passed" in page and 'id="dispute-form"' not in page
    refused = client.post(link, data={"reason": REASON})
    assert refused.status_code == 422 and "within 30 days" in refused.get_data(as_text=True)
    assert _count(db, QualityDispute) == 0 and _count(db, QualitySample) == 0


def test_other_records_answer_404_and_staff_403(client, db, login, quality, training, returned,
                                               verified):  # fmt: skip
    theirs = returned(student=training.classmate)
    (mine_verified,) = verified("EV-101-U1")
    login(training.student)
    for completion_id in (theirs.id, mine_verified.id, 987654):
        link = f"/training/completions/{completion_id}/dispute"
        assert client.get(link).status_code == 404, completion_id
        assert client.post(link, data={"reason": REASON}).status_code == 404, completion_id
    assert _count(db, QualityDispute) == 0
    client.post("/logout")
    login(training.teacher)
    assert client.get(f"/training/completions/{theirs.id}/dispute").status_code == 403


def test_the_reviewer_reads_the_reason_under_the_pseudonym(client, app, db, login, quality,
                                                          training, returned):  # fmt: skip
    completion = returned()
    reason = (f"Saya {training.student.full_name} (NISN {training.student.nisn}, "
              f"{training.student.email}): Rahayu sudah memasang label lock-out.")  # fmt: skip
    _dispute(app, completion.id, training.student.id, reason=reason)
    sample = _sample_of(db, completion.id)
    login(quality.reviewer)
    queue = client.get("/quality/samples?lang=en").get_data(as_text=True)
    assert sample.pseudonym in queue and "Disputed by the student" in queue
    page = client.get(f"/quality/samples/{sample.id}?lang=en").get_data(as_text=True)
    assert "The student disputes the teacher's decision" in page
    assert "sudah memasang label lock-out." in page and "Sent back" in page
    assert "shown to the teacher and to the student" in page
    _assert_pseudonymous(client, training, sample)
    disagree = {"agrees": "no", "rating": "2", "feedback": "The tag is on the photo: accept it."}
    response = client.post(f"/quality/samples/{sample.id}", data=disagree)
    assert response.status_code == 302
    _assert_pseudonymous(client, training, sample)


def test_the_teacher_and_the_student_see_the_dispute_and_its_outcome(client, app, db, login,
                                                                    quality, training,
                                                                    returned):  # fmt: skip
    completion = returned()
    _dispute(app, completion.id, training.student.id)
    login(training.teacher)
    mine = client.get("/quality/my-samples?lang=en").get_data(as_text=True)
    assert "Disputed by the student" in mine and "label lock-out; fotonya jelas." in mine
    notes = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "Siti Rahayu disputed your decision on EV-101-U1" in notes
    client.post("/logout")
    _review(app, quality.reviewer, _sample_of(db, completion.id).id, agrees=True,
            feedback="The photo does not show the tag on the plug.")  # fmt: skip
    login(training.student)
    page = client.get(f"/training/completions/{completion.id}/dispute?lang=en")
    text = page.get_data(as_text=True)
    assert "Not upheld: the reviewer agreed with the teacher's decision" in text
    assert "The photo does not show the tag on the plug." in text
    notes = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "was not upheld" in notes


def test_the_api_names_the_disputed_decision(client, app, db, quality, training, returned):
    from eduplatform.api import service as tokens

    completion = returned()
    _dispute(app, completion.id, training.student.id,
             reason=f"Saya {training.student.full_name}: fotonya jelas.")  # fmt: skip
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        row = session.get(User, quality.reviewer.id)
        _token, raw = tokens.create_token(session, actor=row, user=row, name="t")
    body = client.get("/api/v1/quality/samples",
                      headers={"Authorization": f"Bearer {raw}"}).get_json()  # fmt: skip
    (item,) = body["items"]
    assert (item["rule"], item["rate"], item["decision"]) == ("disputed", 100, "rejected")
    assert item["dispute"]["reason"] == "Saya […]: fotonya jelas."


def test_anonymising_the_student_removes_the_reason_and_keeps_the_dispute(
    app, db, quality, training, returned
):
    from eduplatform.privacy.service import anonymise_student

    completion = returned()
    _dispute(app, completion.id, training.student.id)
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        anonymise_student(session, actor=session.get(User, training.admin.id),
                          student=session.get(User, training.student.id))  # fmt: skip
    dispute = db.exec(select(QualityDispute)).one()
    assert dispute.reason == "" and _sample_of(db, completion.id).status == "ready"
