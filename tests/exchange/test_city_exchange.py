"""A city-wide exchange: the education office's partnership with the university, with member
schools whose teachers take part with their accounts (issue #14, section 3)."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlmodel import select

from eduplatform.dashboard import service as dashboard
from eduplatform.errors import Invalid
from eduplatform.exchange import access, participation, partnerships, queries, service
from eduplatform.exchange.models import ActivityParticipant, Partnership, PartnershipSchool
from eduplatform.people.models import Organization
from tests.exchange.conftest import TODAY, text


@dataclass
class City:
    office_org: Organization
    school_a: Organization
    school_b: Organization
    school_c: Organization  # in the city, not a member
    partnership: Partnership
    teacher_a: object
    teacher_b: object
    teacher_c: object
    student_a: object
    student_b: object


@pytest.fixture
def city(db, world, make_org, person):
    office_org = db.get(Organization, world.office.organization_id)
    school_b = make_org("school", name="SMK Negeri 5 Surakarta")
    school_c = make_org("school", name="SMK Bukan Anggota")
    partnership = partnerships.create_partnership(
        db, actor=world.office, school=office_org, partner=world.university,
        kind="sister_school", areas=["education"], mou_reference="MOU/KOTA/2025",
        status="active", member_schools=[world.school, school_b],
    )  # fmt: skip
    return City(
        office_org=office_org,
        school_a=world.school,
        school_b=school_b,
        school_c=school_c,
        partnership=partnership,
        teacher_a=world.teacher,
        teacher_b=person("teacher", organization=school_b, full_name="Agus Wibowo"),
        teacher_c=person("teacher", organization=school_c, full_name="Joko Susanto"),
        student_a=world.student,
        student_b=person("student", organization=school_b, full_name="Dewi Lestari"),
    )


def _plan(db, actor, city, **fields):
    values = {
        "kind": "teacher_training",
        "title": "EV battery safety training",
        "starts_on": TODAY,
        "ends_on": TODAY,
        "place": "Xi'an campus",
    }
    values.update(fields)
    return service.create_activity(db, actor=actor, partnership=city.partnership, **values)


# -- the partnership ----------------------------------------------------------------------------


def test_the_office_records_one_city_mou_with_member_schools(db, world, city):
    assert city.partnership.school_id == city.office_org.id
    assert city.partnership.member_school_ids == {city.school_a.id, city.school_b.id}
    assert city.partnership.member_ids == {
        city.office_org.id, world.university.id, city.school_a.id, city.school_b.id
    }  # fmt: skip
    rows = db.exec(select(PartnershipSchool)).all()
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("school with members", "member_schools"),
        ("member is no school", "member_schools"),
        ("partner is a member", "member_schools"),
        ("industry for the city", "kind"),
    ],
)
def test_member_schools_belong_to_a_city_partnership_only(db, world, city, case, field):
    school, kind, members, partner = city.office_org, "sister_school", [city.school_c], None
    partner = world.university
    if case == "school with members":
        school = city.school_a
    elif case == "member is no school":
        members = [world.university]
        partner = None
    elif case == "partner is a member":
        partner = city.school_c
    elif case == "industry for the city":
        kind, partner, members = "industry", None, []
    before = len(db.exec(select(Partnership)).all())
    with pytest.raises(Invalid) as refused:
        partnerships.create_partnership(
            db, actor=world.office, school=school, kind=kind, partner=partner,
            partner_name="PT Baterai" if partner is None else None, member_schools=members,
        )  # fmt: skip
    assert refused.value.for_field(field), refused.value.errors
    db.rollback()
    assert len(db.exec(select(Partnership)).all()) == before


def test_a_school_with_activities_stays_a_member(db, world, city):
    _plan(db, city.teacher_b, city, school_id=city.school_b.id)
    with pytest.raises(Invalid) as refused:
        partnerships.update_partnership(
            db, actor=world.office, partnership=city.partnership, kind="sister_school",
            partner=world.university, status="active", member_schools=[city.school_a],
        )  # fmt: skip
    assert "SMK Negeri 5 Surakarta" in refused.value.for_field("member_schools")[0]
    db.rollback()
    partnerships.update_partnership(
        db, actor=world.office, partnership=city.partnership, kind="sister_school",
        partner=world.university, status="active",
        member_schools=[city.school_a, city.school_b, city.school_c],
    )  # fmt: skip
    assert city.partnership.member_school_ids == {
        city.school_a.id, city.school_b.id, city.school_c.id
    }  # fmt: skip


# -- who sees and plans what ---------------------------------------------------------------------


def test_member_school_teachers_see_the_partnership_others_do_not(client, login, db, city):
    for teacher, seen in ((city.teacher_a, True), (city.teacher_b, True), (city.teacher_c, False)):
        listed = queries.list_partnerships(db, viewer=teacher)
        assert (city.partnership in listed) is seen
        client.post("/logout")
        login(teacher)
        status = client.get(f"/exchange/partnerships/{city.partnership.id}").status_code
        assert status == (200 if seen else 404)


def test_a_member_school_teacher_plans_for_their_own_school_only(db, world, city):
    with pytest.raises(Invalid) as refused:
        _plan(db, city.teacher_a, city)  # for the whole city
    assert refused.value.for_field("school_id") == ["Choose your school."]
    with pytest.raises(Invalid) as refused:
        _plan(db, city.teacher_a, city, school_id=city.school_b.id)
    assert refused.value.for_field("school_id") == ["Choose your school."]
    with pytest.raises(Invalid) as refused:
        _plan(db, world.office, city, school_id=city.school_c.id)  # not a member
    assert refused.value.for_field("school_id")
    own = _plan(db, city.teacher_a, city, school_id=city.school_a.id)
    whole_city = _plan(db, world.office, city)
    assert own.school_id == city.school_a.id and whole_city.school_id is None
    assert access.manages_activities_of(city.teacher_a, city.partnership, own)
    assert not access.manages_activities_of(city.teacher_b, city.partnership, own)
    assert not access.manages_activities_of(city.teacher_a, city.partnership, whole_city)
    assert access.manages_activities_of(world.author, city.partnership, own)  # the partner


def test_another_schools_teacher_may_look_but_not_change(client, login, db, city):
    activity = _plan(db, city.teacher_a, city, school_id=city.school_a.id)
    login(city.teacher_b)
    assert client.get(f"/exchange/activities/{activity.id}").status_code == 200
    assert client.get(f"/exchange/activities/{activity.id}/edit").status_code == 403
    client.post("/logout")
    login(city.teacher_c)
    assert client.get(f"/exchange/activities/{activity.id}").status_code == 404


def test_the_plan_form_offers_a_teacher_their_member_school(client, login, db, city):
    login(city.teacher_a)
    url = f"/exchange/partnerships/{city.partnership.id}/activities/new?lang=en"
    page = text(client.get(url))
    school_select = re.search(r'<select[^>]*id="school_id".*?</select>', page, re.S).group(0)
    assert "SMK Negeri 2 Surakarta" in school_select
    assert "SMK Negeri 5 Surakarta" not in school_select
    response = client.post(
        url,
        data={
            "kind": "joint_workshop",
            "title": "Joint BMS workshop",
            "school_id": str(city.school_a.id),
            "starts_on": TODAY.isoformat(),
            "place": "Bengkel TKRO",
            "timezone": "Asia/Jakarta",
            "currency": "IDR",
        },
    )
    assert response.status_code == 302, text(response)


# -- taking part with an account -------------------------------------------------------------------


def test_any_member_school_teacher_takes_part_with_an_account(db, world, city):
    activity = _plan(db, world.office, city)
    offered = {u.id for u in queries.candidate_people(db, city.partnership, viewer=world.office)}
    assert {city.teacher_a.id, city.teacher_b.id, world.author.id} <= offered
    assert city.teacher_c.id not in offered
    for teacher in (city.teacher_a, city.teacher_b):
        participation.add_participant(
            db, actor=world.office, activity=activity, partnership=city.partnership, user=teacher
        )
    with pytest.raises(Invalid):
        participation.add_participant(
            db, actor=world.office, activity=activity, partnership=city.partnership,
            user=city.teacher_c,
        )  # fmt: skip


def test_a_teacher_adds_other_schools_teachers_but_only_their_own_students(db, city):
    activity = _plan(db, city.teacher_a, city, school_id=city.school_a.id)
    offered = {
        u.id
        for u in queries.candidate_people(
            db, city.partnership, viewer=city.teacher_a, activity=activity
        )
    }
    assert {city.teacher_b.id, city.student_a.id} <= offered
    assert city.student_b.id not in offered


def test_completing_gives_each_participant_the_report_hours_unless_told(db, world, city):
    activity = _plan(db, world.office, city, kind="teacher_training")
    added = {}
    for teacher in (city.teacher_a, city.teacher_b):
        added[teacher.id] = participation.add_participant(
            db, actor=world.office, activity=activity, partnership=city.partnership, user=teacher
        )
    guest = participation.add_participant(
        db, actor=world.office, activity=activity, partnership=city.partnership,
        guest_name="Wang Fang", role="interpreter",
    )  # fmt: skip
    with pytest.raises(Invalid) as refused:
        service.complete_activity(
            db, actor=world.office, activity=activity, outcomes="Safe work", hours="6",
            follow_up="Practice", participant_hours={guest.id: "7"},
        )  # fmt: skip
    assert refused.value.for_field(service.participant_field(guest.id))
    db.rollback()
    service.complete_activity(
        db, actor=world.office, activity=activity, outcomes="Safe work", hours="6",
        follow_up="Practice", participant_hours={added[city.teacher_b.id].id: Decimal("4.5")},
    )  # fmt: skip
    hours = {
        p.id: p.hours
        for p in db.exec(
            select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id)
        )
    }
    assert hours == {
        added[city.teacher_a.id].id: Decimal("6"),
        added[city.teacher_b.id].id: Decimal("4.5"),
        guest.id: Decimal("6"),
    }


def test_hours_count_as_teachers_trained_for_each_member_school(app, db, world, city):
    activity = _plan(db, world.office, city, kind="teacher_training")
    for teacher in (city.teacher_a, city.teacher_b):
        participation.add_participant(
            db, actor=world.office, activity=activity, partnership=city.partnership, user=teacher
        )
    service.complete_activity(
        db, actor=world.office, activity=activity, outcomes="Done", hours="6", follow_up="More"
    )
    with app.test_request_context():
        city_figures = dashboard.headline_figures(db, actor=world.office, filters={})
        school_b = dashboard.headline_figures(
            db, actor=world.office, filters={"school": str(city.school_b.id)}
        )
    assert city_figures["figures"]["teachers_trained"]["value"] == 2
    assert school_b["figures"]["teachers_trained"]["value"] == 1


def test_a_schools_dashboard_page_marks_the_citys_activities_it_does_not_count(
    client, login, db, world, city
):
    """The school's page lists the city-wide forum beside its own workshop, but counts only its
    own in its figures: the forum is marked city-wide and the page says where it counts."""
    own = _plan(db, city.teacher_a, city, school_id=city.school_a.id, title="A's workshop")
    whole = _plan(db, world.office, city, title="City forum")
    login(world.office)
    page = client.get(f"/dashboard/schools/{city.school_a.id}?lang=en").get_data(as_text=True)
    recent = page[page.index("Recent exchange activities") :]
    assert own.title.replace("'", "&#39;") in recent and whole.title in recent
    forum_row = recent[
        recent.index("City forum") : recent.index("</tr>", recent.index("City forum"))
    ]
    assert "city-wide" in forum_row
    assert "counted in the whole city's figures, not in this school's" in recent
    workshop = recent.index("A&#39;s workshop")
    assert "city-wide" not in recent[workshop : recent.index("</tr>", workshop)]


# -- the school's calendar feed ------------------------------------------------------------------


def test_a_member_schools_feed_has_its_own_and_the_citys_activities(db, world, city):
    own = _plan(db, city.teacher_a, city, school_id=city.school_a.id, title="A's workshop")
    other = _plan(db, city.teacher_b, city, school_id=city.school_b.id, title="B's workshop")
    whole = _plan(db, world.office, city, title="City forum")
    feed_a = {a.id for a in queries.feed_activities(db, city.school_a)}
    assert feed_a == {own.id, whole.id}
    assert other.id in {a.id for a in queries.feed_activities(db, city.school_b)}
    assert queries.feed_activities(db, city.school_c) == []


# -- the API and the CLI -------------------------------------------------------------------------


def test_cli_creates_a_city_partnership_with_member_schools(runner, db, world, city):
    import json

    result = runner.invoke(
        args=["partnerships", "create", "--city", city.office_org.name,
              "--member", city.school_a.npsn, "--member", city.school_c.npsn,
              "--partner", world.university.name, "--kind", "university", "--json"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)["partnership"]
    assert payload["school"]["kind"] == "office"
    assert {m["npsn"] for m in payload["member_schools"]} == {
        city.school_a.npsn, city.school_c.npsn
    }  # fmt: skip
    both = runner.invoke(
        args=["partnerships", "create", "--city", city.office_org.name, "--school",
              city.school_a.npsn, "--partner", "X", "--kind", "industry"]
    )  # fmt: skip
    assert both.exit_code == 2
