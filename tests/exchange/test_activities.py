from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.errors import Invalid
from eduplatform.exchange import participation, partnerships, service
from eduplatform.exchange.models import ExchangeActivity
from tests.exchange.conftest import TODAY, text


def _actions(db, activity):
    rows = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "ExchangeActivity")
        .where(AuditEvent.object_id == str(activity.id))
        .order_by(AuditEvent.id)
    ).all()
    return list(rows)


def test_planned_activity_keeps_money_as_decimals(db, world, plan):
    activity = plan(
        cost_travel="12500000.50",
        cost_subsistence="3000000",
        cost_fees="",
        cost_other="0.25",
        currency="idr",
    )
    db.expire_all()
    stored = db.get(ExchangeActivity, activity.id)
    assert stored.currency == "IDR"
    assert stored.cost_travel == Decimal("12500000.50")
    assert isinstance(stored.cost_travel, Decimal)
    assert stored.total_cost == Decimal("15500000.75")
    assert stored.languages == ["id", "zh"]
    assert _actions(db, activity) == ["activity.created"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_on": TODAY - timedelta(days=1)}, "ends_on"),
        ({"title": "  "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"currency": "RP"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"cost_travel": "-5"}, "cost_travel"),
        ({"cost_fees": "12.345"}, "cost_fees"),
        ({"cost_other": "lots"}, "cost_other"),
        ({"cost_other": 1.5}, "cost_other"),
        ({"languages": ["indonesian"]}, "languages"),
        ({"sending_org_id": 999999}, "sending_org_id"),
    ],
)
def test_bad_activity_input_is_refused_and_nothing_written(db, world, plan, fields, field):
    with pytest.raises(Invalid) as refused:
        plan(**fields)
    assert refused.value.for_field(field), refused.value.errors
    assert db.exec(select(ExchangeActivity)).all() == []


def test_sending_and_receiving_sides_belong_to_the_partnership(db, world, plan):
    activity = plan(sending_org_id=world.university.id, receiving_org_id=world.school.id)
    assert activity.receiving_org_id == world.school.id
    with pytest.raises(Invalid) as refused:
        plan(sending_org_id=world.other_school.id)
    assert refused.value.for_field("sending_org_id")


def test_completing_requires_the_whole_report(db, world, plan):
    activity = plan()
    for missing in ("outcomes", "hours", "follow_up"):
        report = {"outcomes": "Teachers can test BMS", "hours": "12", "follow_up": "Next term"}
        report[missing] = ""
        with pytest.raises(Invalid) as refused:
            service.complete_activity(db, actor=world.teacher, activity=activity, **report)
        assert refused.value.for_field(missing)
    db.refresh(activity)
    assert activity.status == "planned"


@pytest.mark.parametrize("hours", ["-1", "49", "48.05", "0"])
def test_report_hours_must_fit_the_activity_span(db, world, plan, hours):
    activity = plan()  # two days: at most 48 hours
    with pytest.raises(Invalid) as refused:
        service.complete_activity(
            db, actor=world.teacher, activity=activity, outcomes="x", hours=hours, follow_up="y"
        )
    assert refused.value.for_field("hours")


def test_an_activity_cannot_be_completed_before_it_starts(db, world, plan):
    activity = plan(starts_on=TODAY + timedelta(days=3), ends_on=TODAY + timedelta(days=3))
    with pytest.raises(Invalid) as refused:
        service.complete_activity(
            db, actor=world.teacher, activity=activity, outcomes="x", hours="4", follow_up="y"
        )
    assert refused.value.for_field("status")


def test_completion_is_refused_when_participants_have_more_hours(db, world, plan):
    activity = plan()
    participation.add_participant(
        db,
        actor=world.teacher,
        activity=activity,
        partnership=world.partnership,
        user=world.teacher,
        hours="16",
    )
    with pytest.raises(Invalid) as refused:
        service.complete_activity(
            db, actor=world.teacher, activity=activity, outcomes="x", hours="12", follow_up="y"
        )
    assert refused.value.for_field("hours")


def test_complete_and_cancel_follow_the_status_rules_and_are_audited(db, world, plan):
    done = plan()
    service.complete_activity(
        db, actor=world.teacher, activity=done, outcomes="BMS tested", hours="14", follow_up="More"
    )
    assert done.status == "completed" and done.report_hours == Decimal("14")
    with pytest.raises(Invalid):
        service.cancel_activity(db, actor=world.teacher, activity=done)
    with pytest.raises(Invalid):
        service.complete_activity(
            db, actor=world.teacher, activity=done, outcomes="a", hours="1", follow_up="b"
        )
    dropped = plan(title="Visit cancelled")
    service.cancel_activity(db, actor=world.teacher, activity=dropped, reason="Flights")
    assert dropped.status == "cancelled"
    assert _actions(db, done) == ["activity.created", "activity.completed"]
    assert _actions(db, dropped) == ["activity.created", "activity.cancelled"]


def test_only_a_planned_activity_can_be_edited(db, world, plan):
    activity = plan()
    service.cancel_activity(db, actor=world.teacher, activity=activity)
    with pytest.raises(Invalid):
        service.update_activity(
            db,
            actor=world.teacher,
            activity=activity,
            partnership=world.partnership,
            kind="joint_workshop",
            title="New",
            starts_on=TODAY,
            place="x",
        )


def test_no_activity_for_an_ended_partnership(db, world, plan):
    partnerships.update_partnership(
        db,
        actor=world.office,
        partnership=world.partnership,
        kind="university",
        partner=world.university,
        status="ended",
        ended_on=TODAY,
    )
    with pytest.raises(Invalid) as refused:
        plan()
    assert refused.value.for_field("partnership")


def test_teacher_plans_an_activity_through_the_form(client, login, db, world):
    login(world.teacher)
    url = f"/exchange/partnerships/{world.partnership.id}/activities/new"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        data={
            "kind": "teacher_training",
            "title": "BMS diagnostics training",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=2)).isoformat(),
            "place": "Xi'an campus",
            "languages": ["zh", "id"],
            "sending_org_id": str(world.school.id),
            "receiving_org_id": str(world.university.id),
            "funding_source": "City budget",
            "currency": "CNY",
            "cost_travel": "8200.00",
        },
    )
    assert response.status_code == 302, text(response)
    activity = db.exec(select(ExchangeActivity)).one()
    assert activity.cost_travel == Decimal("8200.00") and activity.currency == "CNY"
    page = text(client.get(f"/exchange/activities/{activity.id}"))
    assert "BMS diagnostics training" in page


def test_form_shows_end_before_start_next_to_the_field(client, login, db, world):
    login(world.teacher)
    response = client.post(
        f"/exchange/partnerships/{world.partnership.id}/activities/new",
        data={
            "kind": "joint_workshop",
            "title": "Workshop",
            "starts_on": "2026-05-10",
            "ends_on": "2026-05-01",
            "place": "Lab",
            "currency": "IDR",
        },
    )
    page = text(response)
    assert 'id="ends_on-error"' in page
    assert 'value="Workshop"' in page
    assert db.exec(select(ExchangeActivity)).all() == []


def test_teacher_completes_an_activity_through_the_form(client, login, db, world, plan):
    activity = plan()
    login(world.teacher)
    url = f"/exchange/activities/{activity.id}/complete"
    refused = client.post(url, data={"outcomes": "Done", "hours": "", "follow_up": "More"})
    assert refused.status_code == 200 and 'id="hours-error"' in text(refused)
    response = client.post(url, data={"outcomes": "Done", "hours": "10.5", "follow_up": "More"})
    assert response.status_code == 302
    db.refresh(activity)
    assert activity.status == "completed" and activity.report_hours == Decimal("10.5")


@pytest.mark.parametrize(
    ("lang", "morning", "two_days"),
    [
        ("en", "at most 3, as long as it lasted", "at most 48 for its 2 days"),
        ("id", "paling banyak 3, selama kegiatan berlangsung", "paling banyak 48 untuk 2 harinya"),
    ],
)
def test_the_report_form_says_how_many_hours_the_activity_can_have(
    client, login, db, world, plan, lang, morning, two_days
):
    """Before: "at most 24 per day" for a morning's workshop from 09:00 to 12:00, which the
    form then refused past 3 hours."""
    workshop = plan(ends_on=TODAY, start_time=time(9), end_time=time(12))
    visit = plan()  # today and tomorrow, all day
    login(world.teacher)
    assert morning in text(client.get(f"/exchange/activities/{workshop.id}/complete?lang={lang}"))
    assert two_days in text(client.get(f"/exchange/activities/{visit.id}/complete?lang={lang}"))
    refused = client.post(
        f"/exchange/activities/{workshop.id}/complete?lang={lang}",
        data={"outcomes": "Done", "hours": "4", "follow_up": "More"},
    )
    assert refused.status_code == 200 and 'id="hours-error"' in text(refused)


def test_student_and_other_school_cannot_manage_activities(client, login, world, plan):
    activity = plan()
    login(world.student)
    assert client.get(f"/exchange/activities/{activity.id}/edit").status_code == 403
    client.post("/logout")
    login(world.other_teacher)
    assert client.get(f"/exchange/activities/{activity.id}/edit").status_code == 404
    assert client.post(f"/exchange/activities/{activity.id}/cancel").status_code == 404


@pytest.mark.parametrize(
    ("lang", "travel", "other", "total", "zero"),
    [
        ("id", "Rp\u00a01.500.000", "Rp\u00a00,50", "Rp\u00a01.500.000,50", "Rp\u00a00"),
        ("en", "IDR\u00a01,500,000", "IDR\u00a00.50", "IDR\u00a01,500,000.50", "IDR\u00a00"),
        ("zh", "IDR\u00a01,500,000", "IDR\u00a00.50", "IDR\u00a01,500,000.50", "IDR\u00a00"),
    ],
)
def test_budget_shows_amounts_in_the_pages_language(
    client, login, world, plan, lang, travel, other, total, zero
):
    """Before: "IDR1,500,000" and "IDR0", the code glued to the digits, and 0.50 shown as 0."""
    activity = plan(cost_travel="1500000", cost_other="0.5")
    login(world.teacher)
    funding = text(client.get(f"/exchange/activities/{activity.id}?lang={lang}"))
    funding = funding.split('id="report"')[0].split("</h2>", 1)[1]
    assert f">{travel}<" in funding and f">{other}<" in funding
    assert f"<strong>{total}</strong>" in funding and f">{zero}<" in funding


def test_budget_sign_that_is_a_symbol_touches_the_digits(client, login, world, plan):
    """CNY in Chinese is "¥8,200.00": only a sign ending in a letter stands apart."""
    activity = plan(currency="CNY", cost_travel="8200")
    login(world.teacher)
    page = text(client.get(f"/exchange/activities/{activity.id}?lang=zh"))
    assert ">¥8,200.00<" in page
