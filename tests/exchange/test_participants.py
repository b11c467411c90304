import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.errors import Invalid
from eduplatform.exchange import participation, service
from eduplatform.exchange.models import ActivityAttachment, ActivityParticipant
from tests.exchange.conftest import text
from tests.exchange.crafted_pdfs import pdf as plain_pdf

PDF = plain_pdf()


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 110, 79)).save(out, "PNG")
    return out.getvalue()


def _add(db, world, activity, **fields):
    return participation.add_participant(
        db, actor=world.teacher, activity=activity, partnership=world.partnership, **fields
    )


def _complete(db, world, activity, hours="14"):
    return service.complete_activity(
        db, actor=world.teacher, activity=activity, outcomes="BMS", hours=hours, follow_up="More"
    )


def test_users_of_both_sides_and_named_guests_can_take_part(db, world, plan):
    activity = plan()
    _add(db, world, activity, user=world.teacher, role="participant", hours="12")
    _add(db, world, activity, user=world.author, role="facilitator")
    _add(db, world, activity, guest_name="Wang Fang", guest_affiliation="Interpreter agency",
         role="interpreter", hours="8")  # fmt: skip
    rows = db.exec(select(ActivityParticipant).order_by(ActivityParticipant.id)).all()
    assert [r.role for r in rows] == ["participant", "facilitator", "interpreter"]
    assert rows[0].hours == Decimal("12")
    changes = db.exec(
        select(AuditEvent).where(AuditEvent.action == "activity.participants_changed")
    ).all()
    assert len(changes) == 3


def test_participant_from_outside_the_partnership_is_refused(db, world, plan):
    activity = plan()
    with pytest.raises(Invalid) as refused:
        _add(db, world, activity, user=world.other_teacher)
    assert refused.value.for_field("user_id")
    with pytest.raises(Invalid):
        _add(db, world, activity, user=world.office)
    assert db.exec(select(ActivityParticipant)).all() == []


def test_a_person_takes_part_once(db, world, plan):
    activity = plan()
    _add(db, world, activity, user=world.student)
    with pytest.raises(Invalid) as refused:
        _add(db, world, activity, user=world.student)
    assert refused.value.for_field("user_id")


@pytest.mark.parametrize("hours", ["-0.5", "48.5", "abc"])
def test_participant_hours_stay_within_the_span(db, world, plan, hours):
    activity = plan()  # two days
    with pytest.raises(Invalid) as refused:
        _add(db, world, activity, user=world.teacher, hours=hours)
    assert refused.value.for_field("hours")


def test_after_completion_hours_stay_within_the_report(db, world, plan):
    activity = plan()
    participant = _add(db, world, activity, user=world.teacher)
    _complete(db, world, activity, hours="14")
    with pytest.raises(Invalid):
        participation.update_participant(
            db, actor=world.teacher, activity=activity, participant=participant,
            role="participant", hours="15",
        )  # fmt: skip
    participation.update_participant(
        db, actor=world.teacher, activity=activity, participant=participant,
        role="participant", hours="14",
    )  # fmt: skip
    assert participant.hours == Decimal("14")


def test_cancelled_activity_participants_do_not_change(db, world, plan):
    activity = plan()
    service.cancel_activity(db, actor=world.teacher, activity=activity)
    with pytest.raises(Invalid):
        _add(db, world, activity, user=world.teacher)


def test_reflections_come_from_participants_after_completion(db, world, plan):
    activity = plan()
    _add(db, world, activity, user=world.student, hours="6")
    with pytest.raises(Invalid):
        participation.save_reflection(db, actor=world.student, activity=activity, body="Early")
    _complete(db, world, activity)
    with pytest.raises(Invalid):
        participation.save_reflection(db, actor=world.teacher, activity=activity, body="Not in")
    participation.save_reflection(db, actor=world.student, activity=activity, body="I learnt")
    again = participation.save_reflection(
        db, actor=world.student, activity=activity, body="I learnt a lot"
    )
    assert again.body == "I learnt a lot"


def test_teacher_adds_participants_and_a_guest_through_the_page(client, login, db, world, plan):
    activity = plan()
    login(world.teacher)
    url = f"/exchange/activities/{activity.id}/participants"
    page = text(client.get(f"/exchange/activities/{activity.id}"))
    assert "Chen Jing" in page and "Siti Rahayu" in page  # candidates in the select
    assert client.post(url, data={"p-user_id": str(world.author.id), "p-role": "facilitator",
                                  "p-hours": "10"}).status_code == 302  # fmt: skip
    assert client.post(url, data={"p-guest_name": "Wang Fang", "p-role": "interpreter",
                                  "p-hours": "10"}).status_code == 302  # fmt: skip
    refused = client.post(url, data={"p-user_id": str(world.other_teacher.id),
                                     "p-role": "participant"})  # fmt: skip
    assert refused.status_code == 422
    assert "not part of the partnership" in text(refused) or "p-user_id-error" in text(refused)
    assert len(db.exec(select(ActivityParticipant)).all()) == 2


def test_author_sees_how_many_students_took_part_but_not_who(client, login, db, world, plan):
    activity = plan()
    _add(db, world, activity, user=world.student, hours="6")
    _add(db, world, activity, user=world.teacher, hours="6")
    login(world.author)
    page = text(client.get(f"/exchange/activities/{activity.id}"))
    assert "Budi Santoso" in page
    assert "Siti Rahayu" not in page


def test_student_writes_a_reflection_on_the_page(client, login, db, world, plan):
    activity = plan()
    _add(db, world, activity, user=world.student, hours="6")
    _complete(db, world, activity)
    login(world.student)
    response = client.post(
        f"/exchange/activities/{activity.id}/reflection", data={"r-body": "Great week"}
    )
    assert response.status_code == 302
    assert "Great week" in text(client.get(f"/exchange/activities/{activity.id}"))


def test_pdf_and_image_attachments_are_stored_and_served_in_scope(client, login, db, world, plan):
    activity = plan()
    login(world.teacher)
    url = f"/exchange/activities/{activity.id}/attachments"
    for name, data in (("report.pdf", PDF), ("photo.png", _png())):
        response = client.post(
            url,
            data={"a-attachment": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, text(response)
    pdf, png = db.exec(select(ActivityAttachment).order_by(ActivityAttachment.id)).all()
    assert (pdf.mime_type, png.mime_type) == ("application/pdf", "image/png")
    with client.get(f"{url}/{pdf.id}") as served:
        assert served.status_code == 200 and served.data.startswith(b"%PDF-")
        assert served.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/logout")
    login(world.other_teacher)
    assert client.get(f"{url}/{pdf.id}").status_code == 404
    client.post("/logout")
    login(world.author)
    with client.get(f"{url}/{png.id}") as served:
        assert served.status_code == 200


def test_an_attachment_that_is_not_pdf_or_image_is_refused(client, login, db, world, plan):
    activity = plan()
    login(world.teacher)
    response = client.post(
        f"/exchange/activities/{activity.id}/attachments",
        data={"a-attachment": (io.BytesIO(b"<html><script>alert(1)</script>"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'id="a-attachment-error"' in text(response)
    assert db.exec(select(ActivityAttachment)).all() == []


def test_pdf_with_javascript_is_refused(db, world, plan, app):
    activity = plan()
    evil = b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (x) >> >>\n%%EOF\n"
    with app.test_request_context(), pytest.raises(Invalid):
        participation.add_attachment(
            db, actor=world.teacher, activity=activity, stream=io.BytesIO(evil), filename="a.pdf"
        )
