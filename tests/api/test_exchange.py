"""Partnerships and exchange activities through the API, by role and membership."""

from datetime import timedelta

from sqlmodel import select

from eduplatform.exchange.models import ActivityParticipant, ExchangeActivity, Partnership
from tests.api.conftest import TODAY, problem

PLAN = {
    "kind": "online_class",
    "title": "CCS2 connectors",
    "online_url": "https://meet.example/x",
    "languages": ["id", "zh"],
    "cost_fees": "150000.00",
}


def plan(world, **fields):
    return {
        **PLAN,
        "partnership": world.partnership.id,
        "starts_on": (TODAY + timedelta(days=7)).isoformat(),
        **fields,
    }


def test_staff_of_members_and_the_office_see_partnerships(api, world):
    for user in (world.teacher, world.author, world.office, world.admin):
        items = api("GET", "/partnerships", user).get_json()["items"]
        assert [p["id"] for p in items] == [world.partnership.id], user.role
    assert api("GET", "/partnerships", world.other_teacher).get_json()["items"] == []
    assert api("GET", "/partnerships", world.student).status_code == 403
    response = api("GET", f"/partnerships/{world.partnership.id}", world.other_teacher)
    assert response.status_code == 404


def test_the_office_records_a_partnership(api, world, db):
    response = api(
        "POST",
        "/partnerships",
        world.office,
        json={
            "school": world.other_school.id,
            "kind": "sister_school",
            "partner": world.school.id,
            "areas": ["education", "culture"],
            "mou_reference": "MOU/2026/1",
            "mou_signed_on": TODAY.isoformat(),
            "status": "active",
            "contacts": [{"name": "Ibu Rina", "email": "rina@example.org"}],
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["partner"]["id"] == world.school.id and body["areas"] == ["education", "culture"]
    assert response.headers["Location"] == f"/api/v1/partnerships/{body['id']}"


def test_partnership_refusals_name_the_field(api, world, db):
    before = len(db.exec(select(Partnership)).all())
    wrong_kind = api(
        "POST", "/partnerships", world.office, json={"school": world.school.id, "kind": "friends"}
    )
    assert wrong_kind.status_code == 422
    assert problem(wrong_kind)["errors"][0]["field"] == "kind"
    no_partner = api(
        "POST", "/partnerships", world.office, json={"school": world.school.id, "kind": "industry"}
    )
    assert problem(no_partner)["errors"][0]["field"] == "partner"
    unknown = api(
        "POST",
        "/partnerships",
        world.office,
        json={"school": world.school.id, "kind": "university", "partner": 999999},
    )
    assert problem(unknown)["errors"][0]["field"] == "partner"
    teacher = api(
        "POST",
        "/partnerships",
        world.teacher,
        json={"school": world.school.id, "kind": "industry", "partner_name": "PT X"},
    )
    assert teacher.status_code == 403
    assert len(db.exec(select(Partnership)).all()) == before


def test_a_member_teacher_plans_changes_and_completes_an_activity(api, world, db):
    created = api("POST", "/activities", world.teacher, json=plan(world))
    assert created.status_code == 201, created.get_json()
    activity = created.get_json()
    assert activity["status"] == "planned" and activity["costs"]["fees"] == "150000.00"
    changed = api(
        "PATCH",
        f"/activities/{activity['id']}",
        world.teacher,
        json={"title": "CCS2 and GB/T connectors", "starts_on": TODAY.isoformat()},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "CCS2 and GB/T connectors"
    assert changed.get_json()["languages"] == ["id", "zh"]  # unsent fields keep their values
    done = api(
        "POST",
        f"/activities/{activity['id']}/complete",
        world.teacher,
        json={"outcomes": "Both connectors explained.", "hours": 3, "report": "Repeat next term."},
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["status"], body["hours"], body["report"]) == (
        "completed",
        3.0,
        "Repeat next term.",
    )


def test_activity_refusals(api, world, db):
    other = api("POST", "/activities", world.other_teacher, json=plan(world))
    assert other.status_code == 422
    assert problem(other)["errors"][0]["field"] == "partnership"
    student = api("POST", "/activities", world.student, json=plan(world))
    assert student.status_code == 403
    bad = api(
        "POST",
        "/activities",
        world.teacher,
        json=plan(world, online_url="", place="", currency="XYZ"),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in problem(bad)["errors"]} == {"place", "currency"}
    assert db.exec(select(ExchangeActivity)).all().__len__() == 1


def test_completing_needs_the_report_fields_and_a_started_activity(api, world):
    path = f"/activities/{world.activity.id}/complete"
    missing = api("POST", path, world.teacher, json={"outcomes": "x", "hours": 2, "report": ""})
    assert missing.status_code == 422
    assert problem(missing)["errors"][0]["field"] == "report"
    future = api("POST", "/activities", world.teacher, json=plan(world)).get_json()
    early = api(
        "POST",
        f"/activities/{future['id']}/complete",
        world.teacher,
        json={"outcomes": "x", "hours": 2, "report": "y"},
    )
    assert early.status_code == 422
    assert problem(early)["errors"][0]["field"] == "status"


def test_activities_by_scope(api, world, db):
    assert [a["id"] for a in api("GET", "/activities", world.teacher).get_json()["items"]] == [
        world.activity.id
    ]
    assert api("GET", "/activities", world.other_teacher).get_json()["items"] == []
    assert api("GET", f"/activities/{world.activity.id}", world.other_teacher).status_code == 404
    assert api("GET", "/activities", world.student).get_json()["items"] == []
    db.add(ActivityParticipant(activity_id=world.activity.id, user_id=world.student.id))
    db.commit()
    mine = api("GET", "/activities", world.student).get_json()["items"]
    assert [a["id"] for a in mine] == [world.activity.id]
    assert (
        api(
            "PATCH", f"/activities/{world.activity.id}", world.student, json={"title": "x"}
        ).status_code
        == 403
    )


def test_a_member_who_may_look_but_not_manage_gets_403(api, world, db, make_user):
    outsider = make_user("teacher", organization=world.other_school)
    activity = db.get(ExchangeActivity, world.activity.id)
    activity.receiving_org_id = world.other_school.id
    db.add(activity)
    db.commit()
    assert api("GET", f"/activities/{activity.id}", outsider).status_code == 200
    response = api("PATCH", f"/activities/{activity.id}", outsider, json={"title": "x"})
    assert response.status_code == 403


def test_a_city_partnership_with_member_schools_and_a_timed_activity(api, world, db):
    """The city's MoU (the education office's) with member schools; a member school's teacher
    plans a timed activity for their school, and the report credits each participant."""
    office_org = world.office.organization_id
    created = api(
        "POST",
        "/partnerships",
        world.office,
        json={
            "school": office_org,
            "kind": "sister_school",
            "partner": world.university.id,
            "member_schools": [world.school.id, world.other_school.id],
            "status": "active",
        },
    )
    assert created.status_code == 201, created.get_json()
    city = created.get_json()
    assert city["school"]["kind"] == "office"
    assert {s["id"] for s in city["member_schools"]} == {world.school.id, world.other_school.id}
    seen = api("GET", f"/partnerships/{city['id']}", world.other_teacher)
    assert seen.status_code == 200  # a member school's teacher sees the city's MoU

    timed = plan(world, partnership=city["id"], starts_on=TODAY.isoformat(),
                 start_time="09:00", end_time="12:30", timezone="Asia/Shanghai")  # fmt: skip
    refused = api("POST", "/activities", world.teacher, json=timed)
    assert refused.status_code == 422
    assert problem(refused)["errors"][0]["field"] == "school_id"
    planned = api(
        "POST", "/activities", world.teacher, json={**timed, "school_id": world.school.id}
    )
    assert planned.status_code == 201, planned.get_json()
    activity = planned.get_json()
    assert (activity["start_time"], activity["end_time"]) == ("09:00:00", "12:30:00")
    assert activity["starts_at"].endswith("T09:00:00+08:00")
    assert activity["school_id"] == world.school.id
    other = api("PATCH", f"/activities/{activity['id']}", world.other_teacher, json={"title": "x"})
    assert other.status_code == 403

    row = db.get(ExchangeActivity, activity["id"])
    guest = ActivityParticipant(activity_id=row.id, guest_name="Wang Fang", role="interpreter")
    teacher = ActivityParticipant(activity_id=row.id, user_id=world.other_teacher.id)
    db.add_all([guest, teacher])
    db.commit()
    done = api(
        "POST",
        f"/activities/{activity['id']}/complete",
        world.teacher,
        json={"outcomes": "Done", "hours": 3, "report": "Next",
              "participants": [{"id": guest.id, "hours": 2.5}]},
    )  # fmt: skip
    assert done.status_code == 200, done.get_json()
    db.refresh(guest)
    db.refresh(teacher)
    assert (float(guest.hours), float(teacher.hours)) == (2.5, 3.0)
