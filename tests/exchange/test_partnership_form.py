"""The new-partnership form as the education office uses it: the journey's sister-school
partnership with the university, and refusals shown next to the fields they are about."""

import re
from datetime import date

from sqlmodel import select

from eduplatform.exchange.models import Partnership
from eduplatform.people.models import Organization
from tests.exchange.conftest import text

URL = "/exchange/partnerships/new"


def _form(**fields):
    """What a browser sends for the form left at its defaults, with `fields` filled in."""
    data = {
        "school_id": "",
        "kind": "sister_school",
        "partner_id": "",
        "partner_name": "",
        "partner_country": "",
        "status": "proposed",
        "mou_reference": "",
        "mou_signed_on": "",
        "started_on": "",
        "ended_on": "",
        "contacts": "",
        "notes": "",
    }
    data.update(fields)
    return data


def _field_errors(page, field_id):
    return re.findall(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page)


def _summary(page):
    """The text of the error summary at the top of the form ("" when there is none)."""
    match = re.search(r'<div class="flash flash-error" role="alert">(.*?)</div>', page, re.S)
    return match.group(1) if match else ""


def test_office_records_the_citys_sister_school_partnership_with_the_university(
    client, login, db, world, make_org
):
    university = make_org("university", name="Xi'an Partner Automotive University")
    login(world.office)
    response = client.post(
        URL,
        data=_form(
            school_id=str(world.other_school.id),
            partner_id=str(university.id),
            areas=["education", "culture"],
            started_on="2026-02-01",
            mou_reference="MOU/DISDIK/2026/004",
            mou_signed_on="2026-01-20",
            status="active",
        ),
    )
    assert response.status_code == 302, text(response)
    partnership = db.exec(
        select(Partnership).where(Partnership.school_id == world.other_school.id)
    ).one()
    assert partnership.kind == "sister_school"
    assert partnership.partner_id == university.id
    assert partnership.mou_reference == "MOU/DISDIK/2026/004"
    assert partnership.started_on == date(2026, 2, 1)
    assert partnership.areas == ["education", "culture"]
    page = text(client.get(response.headers["Location"]))
    assert "Xi'an Partner Automotive University" in page


def test_the_form_says_which_partner_each_kind_takes(client, login, world):
    login(world.office)
    page = text(client.get(f"{URL}?lang=en"))
    assert 'aria-describedby="kind-help"' in page
    assert "Sister school: the partner is another school or a university." in page


def test_an_office_partner_is_refused_on_the_partner_field(client, login, db, world):
    office = db.get(Organization, world.office.organization_id)
    login(world.office)
    before = len(db.exec(select(Partnership)).all())
    response = client.post(
        f"{URL}?lang=en",
        data=_form(
            school_id=str(world.other_school.id),
            partner_id=str(office.id),
            mou_reference="MOU/1",
        ),
    )
    page = text(response)
    assert response.status_code == 200
    assert _field_errors(page, "partner_id") == [
        "A sister-school partner is a school or a university."
    ]
    assert 'aria-describedby="partner_id-help partner_id-error"' in page
    assert _summary(page) == ""
    assert 'value="MOU/1"' in page
    assert len(db.exec(select(Partnership)).all()) == before


def test_an_empty_form_marks_the_school_and_partner_fields(client, login, db, world):
    login(world.office)
    before = len(db.exec(select(Partnership)).all())
    for lang, school_message in (
        ("id", "Pilih sekolah, atau dinas pendidikan untuk kemitraan tingkat kota."),
        ("zh", "请选择学校；全市合作请选择教育局。"),
    ):
        page = text(client.post(f"{URL}?lang={lang}", data=_form()))
        assert _field_errors(page, "school_id") == [school_message], lang
        assert len(_field_errors(page, "partner_id")) == 1, lang
        assert re.search(r'<select[^>]*aria-invalid="true"[^>]*id="school_id"', page), lang
        assert re.search(r'<select[^>]*aria-invalid="true"[^>]*id="partner_id"', page), lang
        assert _summary(page) == "", lang
    page = text(client.post(f"{URL}?lang=en", data=_form()))
    assert _field_errors(page, "school_id") == [
        "Choose a school, or the education office for a city-wide partnership."
    ]
    assert _field_errors(page, "partner_id") == [
        "Choose a partner organization or enter the partner's name."
    ]
    assert len(db.exec(select(Partnership)).all()) == before


def test_editing_shows_the_partner_refusal_on_the_partner_field(client, login, db, world):
    office = db.get(Organization, world.office.organization_id)
    login(world.office)
    response = client.post(
        f"/exchange/partnerships/{world.partnership.id}/edit?lang=en",
        data={"kind": "university", "partner_id": str(office.id), "status": "active"},
    )
    page = text(response)
    assert response.status_code == 200
    assert _field_errors(page, "partner_id") == ["A university partner is a university."]
    assert _summary(page) == ""


def test_office_records_the_city_mou_with_member_schools_and_edits_them(
    client, login, db, world, make_org
):
    """Ibu Rina records the city's sister-school programme: one MoU, many member schools."""
    office_org = db.get(Organization, world.office.organization_id)
    school_b = make_org("school", name="SMK Negeri 5 Surakarta")
    login(world.office)
    page = text(client.get(f"{URL}?lang=en"))
    assert f'value="{office_org.id}"' in page and 'name="member_schools"' in page
    response = client.post(
        f"{URL}?lang=en",
        data={
            **_form(),
            "school_id": str(office_org.id),
            "kind": "sister_school",
            "partner_id": str(world.university.id),
            "member_schools": [str(world.school.id), str(school_b.id)],
            "mou_reference": "MOU/KOTA/2025",
            "status": "active",
        },
    )
    assert response.status_code == 302, text(response)
    partnership = db.exec(select(Partnership).where(Partnership.school_id == office_org.id)).one()
    assert partnership.member_school_ids == {world.school.id, school_b.id}
    shown = text(client.get(f"/exchange/partnerships/{partnership.id}?lang=en"))
    assert "SMK Negeri 5 Surakarta" in shown and "city-wide" in shown
    edit = f"/exchange/partnerships/{partnership.id}/edit?lang=en"
    assert 'name="member_schools"' in text(client.get(edit))
    response = client.post(
        edit,
        data={
            "kind": "sister_school",
            "partner_id": str(world.university.id),
            "member_schools": [str(school_b.id)],
            "mou_reference": "MOU/KOTA/2025",
            "status": "active",
        },
    )
    assert response.status_code == 302, text(response)
    db.refresh(partnership)
    assert partnership.member_school_ids == {school_b.id}


def test_a_schools_own_partnership_has_no_member_schools(client, login, db, world, make_org):
    login(world.office)
    before = len(db.exec(select(Partnership)).all())
    data = _form(
        school_id=str(world.school.id),
        kind="university",
        partner_id=str(world.university.id),
        member_schools=[str(make_org("school").id)],
    )
    page = text(client.post(f"{URL}?lang=en", data=data))
    assert "Only a city-wide partnership (of the education office) has member schools." in page
    assert len(db.exec(select(Partnership)).all()) == before
