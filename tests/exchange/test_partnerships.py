from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.errors import Invalid
from eduplatform.exchange import partnerships
from eduplatform.exchange.models import Partnership
from eduplatform.people.models import Organization
from tests.exchange.conftest import text


def _count(db, model):
    return len(db.exec(select(model)).all())


def test_partnership_with_a_named_industry_partner_is_recorded_and_audited(db, world):
    partnership = partnerships.create_partnership(
        db,
        actor=world.office,
        school=world.school,
        kind="industry",
        partner_name="PT Mobil Listrik Nusantara",
        areas=["economy", "environment", "waste_management"],
        contacts=partnerships.parse_contacts("Dewi Lestari; dewi@example.co.id; +62 271 123456"),
        started_on=date(2025, 8, 1),
    )
    assert partnership.partner_id is None
    assert partnership.contacts == [
        {"name": "Dewi Lestari", "email": "dewi@example.co.id", "phone": "+62 271 123456"}
    ]
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "partnership.created",
            AuditEvent.object_id == str(partnership.id),
        )
    ).one()
    assert event.details["partner_name"] == "PT Mobil Listrik Nusantara"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "friendship", "partner_name": "X"}, "kind"),
        ({"kind": "industry"}, "partner"),
        ({"kind": "industry", "partner_name": "X", "areas": ["space"]}, "areas"),
        (
            {
                "kind": "industry",
                "partner_name": "X",
                "started_on": date(2025, 5, 1),
                "ended_on": date(2025, 4, 1),
            },
            "ended_on",
        ),
        ({"kind": "industry", "partner_name": "X", "status": "ended"}, "ended_on"),
        (
            {"kind": "industry", "partner_name": "X", "contacts": [{"name": "", "email": ""}]},
            "contacts",
        ),
        (
            {"kind": "industry", "partner_name": "X", "contacts": [{"name": "A", "email": "a@"}]},
            "contacts",
        ),
    ],
)
def test_bad_partnership_input_names_the_field_and_writes_nothing(db, world, fields, field):
    before = _count(db, Partnership)
    with pytest.raises(Invalid) as refused:
        partnerships.create_partnership(db, actor=world.office, school=world.school, **fields)
    assert refused.value.for_field(field), refused.value.errors
    assert _count(db, Partnership) == before


def test_a_sister_school_partner_is_a_school_or_a_university(db, world):
    with_university = partnerships.create_partnership(
        db, actor=world.office, school=world.school, kind="sister_school", partner=world.university
    )
    with_school = partnerships.create_partnership(
        db,
        actor=world.office,
        school=world.school,
        kind="sister_school",
        partner=world.other_school,
    )
    assert with_university.partner_id == world.university.id
    assert with_school.partner_id == world.other_school.id


def test_a_second_open_partnership_of_a_kind_with_the_same_partner_is_refused(
    client, login, db, world
):
    """Saved twice (two tabs, or not seeing the first in the list), a partnership would count
    twice on the dashboard: the second is refused by the partner field; an ended one may be
    recorded beside it, and another kind is another partnership."""
    assert world.partnership.status == "active" and world.partnership.kind == "university"
    with pytest.raises(Invalid) as refused:
        partnerships.create_partnership(
            db, actor=world.office, school=world.school, kind="university",
            partner=world.university, status="proposed",
        )  # fmt: skip
    assert refused.value.for_field("partner")
    assert _count(db, Partnership) == 1
    partnerships.create_partnership(
        db, actor=world.office, school=world.school, kind="university", partner=world.university,
        status="ended", started_on=date(2020, 1, 1), ended_on=date(2022, 12, 31),
    )  # fmt: skip
    partnerships.create_partnership(
        db, actor=world.office, school=world.school, kind="sister_school",
        partner=world.university,
    )  # fmt: skip
    assert _count(db, Partnership) == 3
    login(world.office)
    values = {"school_id": str(world.school.id), "kind": "university", "status": "active",
              "partner_id": str(world.university.id), "partner_name": ""}  # fmt: skip
    response = client.post("/exchange/partnerships/new?lang=en", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="partner_id-error"' in page
    assert "already has a proposed or active partnership of this kind" in page
    assert _count(db, Partnership) == 3


def test_partner_organization_must_fit_the_kind(db, world):
    office = db.get(Organization, world.office.organization_id)
    before = _count(db, Partnership)
    for kind, partner in [
        ("sister_school", office),
        ("sister_school", world.school),  # its own partner
        ("university", world.other_school),
        ("university", office),
        ("industry", world.university),
    ]:
        with pytest.raises(Invalid) as refused:
            partnerships.create_partnership(
                db, actor=world.office, school=world.school, kind=kind, partner=partner
            )
        assert refused.value.for_field("partner"), (kind, partner.kind)
    assert _count(db, Partnership) == before


def test_a_named_university_partner_can_join_the_platform(db, world):
    partnership = partnerships.create_partnership(
        db,
        actor=world.office,
        school=world.other_school,
        kind="university",
        partner_name="Chongqing Vocational Institute",
        register_partner_country="CN",
    )
    partner = db.get(Organization, partnership.partner_id)
    assert partner.kind == "university"
    assert partner.country == "CN"
    assert partnership.partner_name is None


def test_database_keeps_exactly_one_partner(db, world):
    db.add(
        Partnership(
            school_id=world.school.id,
            partner_id=world.university.id,
            partner_name="Both",
            kind="university",
        )
    )
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_update_records_changed_fields(db, world):
    partnerships.update_partnership(
        db,
        actor=world.office,
        partnership=world.partnership,
        kind="university",
        partner=world.university,
        areas=["education", "tourism"],
        mou_reference="MOU/2025/017",
        status="active",
    )
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "partnership.updated")).one()
    assert event.details["changed"] == ["areas"]


def test_office_creates_a_partnership_through_the_form(client, login, db, world):
    login(world.office)
    response = client.post(
        "/exchange/partnerships/new",
        data={
            "school_id": str(world.other_school.id),
            "kind": "university",
            "partner_id": str(world.university.id),
            "partner_name": "",
            "areas": ["education", "tourism"],
            "mou_reference": "MOU/2026/001",
            "mou_signed_on": "2026-01-15",
            "status": "active",
            "contacts": "Li Wei; li.wei@example.cn",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.exec(select(Partnership).where(Partnership.school_id == world.other_school.id))
    partnership = created.one()
    assert partnership.areas == ["education", "tourism"]
    assert partnership.mou_signed_on == date(2026, 1, 15)


def test_form_keeps_input_and_shows_the_error_next_to_the_field(client, login, world):
    login(world.office)
    response = client.post(
        "/exchange/partnerships/new",
        data={
            "school_id": str(world.school.id),
            "kind": "industry",
            "partner_name": "PT Kita",
            "status": "active",
            "started_on": "2026-03-01",
            "ended_on": "2026-02-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="ended_on-error"' in page
    assert 'value="PT Kita"' in page


def test_teachers_and_authors_cannot_create_partnerships(client, login, world):
    login(world.teacher)
    assert client.get("/exchange/partnerships/new").status_code == 403


def test_partnership_lists_follow_scope(client, login, world):
    login(world.teacher)
    assert world.university.name in text(client.get("/exchange/partnerships"))
    assert client.get(f"/exchange/partnerships/{world.partnership.id}").status_code == 200
    client.post("/logout")
    login(world.other_teacher)
    page = text(client.get("/exchange/partnerships"))
    assert world.university.name not in page
    assert client.get(f"/exchange/partnerships/{world.partnership.id}").status_code == 404
    client.post("/logout")
    login(world.other_author)
    assert client.get(f"/exchange/partnerships/{world.partnership.id}").status_code == 404
    client.post("/logout")
    login(world.author)
    assert client.get(f"/exchange/partnerships/{world.partnership.id}").status_code == 200


def test_office_edits_a_partnership_and_the_change_is_audited(client, login, db, world):
    login(world.office)
    url = f"/exchange/partnerships/{world.partnership.id}/edit"
    form = text(client.get(url))
    assert 'value="MOU/2025/017"' in form
    response = client.post(
        url,
        data={
            "kind": "university",
            "partner_id": str(world.university.id),
            "areas": ["education", "environment"],
            "mou_reference": "MOU/2025/017",
            "status": "active",
            "contacts": "",
        },
    )
    assert response.status_code == 302, text(response)
    db.refresh(world.partnership)
    assert world.partnership.areas == ["education", "environment"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "partnership.updated")).one()
    assert event.details["changed"] == ["areas"]


def test_exchange_pages_name_the_university_in_the_readers_language(client, login, db, world):
    """In Chinese the partner university is 西安汽车大学 on the exchange pages and in the forms'
    lists, as on every other page; its official name stays where no translation is given."""
    world.university.name_translations = {"zh": "西安汽车大学"}
    db.add(world.university)
    db.commit()
    login(world.office)
    listing = text(client.get("/exchange/partnerships?lang=zh"))
    assert "西安汽车大学" in listing and "Xi'an Automotive University" not in listing
    form = text(client.get("/exchange/partnerships/new?lang=zh"))
    assert "西安汽车大学" in form
    assert "Xi'an Automotive University" in text(client.get("/exchange/partnerships?lang=en"))
