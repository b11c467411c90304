"""Organizations' names in other languages: the partner university's Chinese name on the
Chinese verification page, its official name elsewhere."""

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Organization
from tests.security.world import build_world


def test_an_admin_adds_an_organization_with_its_chinese_name(client, login, db):
    login("admin")
    response = client.post(
        "/admin/organizations",
        data={"kind": "university", "name": "Xi'an Automotive Vocational University",
              "city": "Xi'an", "country": "CN", "name_zh": " 西安汽车职业大学 ", "name_id": ""},
    )  # fmt: skip
    assert response.status_code == 302
    org = db.exec(select(Organization).where(Organization.kind == "university")).one()
    assert org.name_translations == {"zh": "西安汽车职业大学"}


def test_an_admin_names_an_organization_in_each_language(client, login, db, make_org):
    university = make_org("university", name="Partner University")
    login("admin")
    url = f"/admin/organizations/{university.id}"
    assert 'name="name_zh"' in client.get(f"{url}?lang=en").get_data(as_text=True)
    too_long = client.post(f"{url}?lang=en", data={"name_zh": "大" * 201})
    assert too_long.status_code == 422
    assert "200 characters" in too_long.get_data(as_text=True)
    response = client.post(url, data={"name_zh": "合作大学", "name_en": "", "name_id": ""})
    assert response.status_code == 302
    db.refresh(university)
    assert university.name_translations == {"zh": "合作大学"}
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "organization.updated")).all()
    assert event.details == {"languages": ["zh"]}
    page = client.get("/admin/organizations?lang=en").get_data(as_text=True)
    assert '<span lang="zh">合作大学</span>' in page


def test_only_admins_name_organizations(client, login, make_org):
    university = make_org("university")
    login("office")
    assert client.get(f"/admin/organizations/{university.id}").status_code == 403


def test_the_verification_page_names_the_university_in_the_readers_language(app, client, db):
    world = build_world(app, db)
    university = db.get(Organization, world.a.university.id)
    university.name_translations = {"zh": "甲大学", "en": "University A of Xi'an"}
    db.add(university)
    db.commit()
    url = f"/verify/{world.a.certificate.code}"
    assert "甲大学" in client.get(f"{url}?lang=zh").get_data(as_text=True)
    english = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "University A of Xi&#39;an" in english and "甲大学" not in english
    assert "University A" in client.get(f"{url}?lang=id").get_data(as_text=True)  # official
