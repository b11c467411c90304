"""Catalogue, module, languages and history pages, and authoring through the web."""

import pytest
from sqlmodel import select

from eduplatform.curriculum import authoring, draft_units
from eduplatform.curriculum.content import version_units
from eduplatform.curriculum.models import Module, ModuleVersion, Program
from eduplatform.curriculum.service import current_version


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["student", "teacher", "author", "office", "admin"])
def test_every_signed_in_role_sees_the_catalogue(client, login, ev_program, role):
    login(role)
    html = page(client, "/curriculum/?lang=en")
    assert "EV-101" in html and "EV-109" in html
    assert "High-voltage safety, PPE and the de-energising procedure" in html
    assert "Partner University" in html  # the owner


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/curriculum/").status_code == 302


def test_the_catalogue_follows_the_ui_language(client, login, ev_program):
    login("student")
    assert "高压安全、个人防护装备与断电操作规程" in page(client, "/curriculum/?lang=zh")
    assert "Keselamatan tegangan tinggi" in page(client, "/curriculum/?lang=id")


def test_the_owner_is_named_in_the_ui_language_where_it_has_a_name_in_it(
    client, login, ev_program, db
):
    university = ev_program["owner"]
    university.name_translations = {"zh": "合作大学"}
    db.add(university)
    db.commit()
    login("student")
    for path in ("/curriculum/?lang=zh", "/curriculum/modules/EV-101?lang=zh"):
        shown = page(client, path)
        assert "合作大学" in shown and "Partner University" not in shown, path
    assert "Partner University" in page(client, "/curriculum/modules/EV-101?lang=en")


@pytest.mark.parametrize(
    ("query", "found", "absent"),
    [
        ("CHAdeMO", "EV-105", "EV-101"),  # an outcome of the charging module
        ("热管理", "EV-106", "EV-101"),  # Chinese text
        ("ev-101", "EV-101", "EV-105"),  # the code, any case
    ],
)
def test_search_matches_titles_and_outcomes_in_any_language(
    client, login, ev_program, query, found, absent
):
    login("student")
    html = page(client, f"/curriculum/?lang=en&q={query}")
    assert f">{found}<" in html and f">{absent}<" not in html


def test_filters_by_level_and_program(client, login, ev_program, db):
    login("student")
    html = page(client, "/curriculum/?lang=en&level=advanced")
    assert ">EV-109<" in html and ">EV-101<" not in html
    program = db.exec(select(Program)).one()
    assert ">EV-101<" in page(client, f"/curriculum/?program={program.id}")
    assert "No module matches." in page(client, "/curriculum/?lang=en&q=zzzz-nothing")


def test_language_coverage_filter_leaves_out_modules_not_fully_translated(
    client, login, ev_program, db, make_user
):
    author = make_user("author", organization=ev_program["owner"])
    program = db.exec(select(Program)).one()
    module, draft = authoring.create_module(
        db,
        actor=author,
        program_id=program.id,
        code="EV-199",
        level="basic",
        title={"id": "Hanya Indonesia"},
        summary={},
    )
    draft_units.add_unit(
        db,
        actor=author,
        module=module,
        version=draft,
        data={
            "code": "EV-199-U1",
            "title": {"id": "Unit"},
            "outcomes": {"id": "Hasil"},
            "task": {"id": "Tugas"},
            "criteria": {"id": "Kriteria"},
            "theory_hours": "1",
            "practice_hours": "1",
            "safety_critical": True,
        },
    )
    authoring.publish(db, actor=author, module=module, version=draft)
    login("student")
    assert ">EV-199<" in page(client, "/curriculum/?language=id")
    zh = page(client, "/curriculum/?lang=en&language=zh")
    assert ">EV-199<" not in zh and ">EV-101<" in zh
    # Shown in Chinese, the Indonesian text appears with the "not yet translated" mark.
    html = page(client, "/curriculum/modules/EV-199?lang=zh")
    assert '<span lang="id">Hanya Indonesia</span>' in html
    assert 'class="untranslated" lang="zh"' in html


def test_module_page_shows_units_in_order_with_everything_a_teacher_needs(
    client, login, ev_program
):
    login("teacher")
    html = page(client, "/curriculum/modules/EV-103?lang=en")
    positions = [html.index(f'id="EV-103-U{n}"') for n in range(1, 7)]
    assert positions == sorted(positions)
    for text in (
        "Learning outcomes",
        "Practical task",
        "Assessment criteria",
        "Theory:",
        "Practice:",
        "High-voltage work",
        "Prerequisites:",
        'href="#EV-103-U1"',
    ):
        assert text in html, text


def test_languages_side_by_side_for_translators(client, login, ev_program):
    login("author")
    html = page(client, "/curriculum/modules/EV-101/languages?lang=en&left=en&right=zh")
    assert "High-voltage safety, PPE and the de-energising procedure" in html
    assert "高压安全、个人防护装备与断电操作规程" in html
    assert "Keselamatan tegangan tinggi, APD" not in html


@pytest.mark.parametrize("role", ["office", "student"])
def test_readers_cannot_reach_authoring(client, login, ev_program, role):
    login(role)
    assert client.get("/curriculum/modules/new").status_code == 403
    assert client.post("/curriculum/modules/EV-101/draft").status_code == 403


def test_a_teacher_cannot_edit_the_universitys_module_nor_see_its_draft(
    client, login, ev_program, db, make_user
):
    author = make_user("author", organization=ev_program["owner"])
    module = db.exec(select(Module).where(Module.code == "EV-101")).one()
    draft = authoring.start_draft(db, actor=author, module=module)
    login("teacher")
    assert client.post("/curriculum/modules/EV-101/draft").status_code == 403
    assert client.get(f"/curriculum/drafts/{draft.id}").status_code == 404
    assert client.get("/curriculum/modules/EV-101?version=2").status_code == 404
    assert client.post(f"/curriculum/drafts/{draft.id}/publish").status_code == 404
    assert draft.status == "draft"


def test_discarding_a_draft_is_asked_first(client, login, ev_program, db):
    login("author", organization=ev_program["owner"])
    draft_url = client.post("/curriculum/modules/EV-104/draft").headers["Location"]
    version_id = int(draft_url.rstrip("/").rsplit("/", 1)[-1])
    asked = client.post(f"{draft_url}/discard?lang=en")
    assert asked.status_code == 200
    assert "Discard the draft of version 2 of EV-104?" in asked.get_data(as_text=True)
    assert db.get(ModuleVersion, version_id) is not None
    assert client.post(f"{draft_url}/discard", data={"confirm": "1"}).status_code == 302
    db.expire_all()
    assert db.get(ModuleVersion, version_id) is None


def test_an_author_edits_a_unit_and_publishes_through_the_web(client, login, ev_program, db):
    login("author", organization=ev_program["owner"])
    response = client.post("/curriculum/modules/EV-104/draft")
    draft_url = response.headers["Location"]
    version_id = int(draft_url.rstrip("/").rsplit("/", 1)[-1])
    unit = version_units(db, version_id)[0]
    edit = page(client, f"{draft_url}/units/{unit.id}?lang=en")
    assert "Title in Chinese" in edit
    form = {
        "code": unit.code,
        "theory_hours": "3",
        "practice_hours": "2",
        "title_id": "Judul baru",
        "title_en": "New title",
        "title_zh": "",
        "outcomes_id": "Satu\nDua",
        "outcomes_en": "One\nTwo",
        "outcomes_zh": "",
        "task_id": "Tugas",
        "task_en": "",
        "task_zh": "",
        "criteria_id": "Kriteria",
        "criteria_en": "",
        "criteria_zh": "",
    }
    saved = client.post(f"{draft_url}/units/{unit.id}", data=form)
    assert saved.status_code == 302
    draft_page = page(client, f"{draft_url}?lang=en")
    assert "Not yet translated" in draft_page and "New title" in draft_page
    module = db.exec(select(Module).where(Module.code == "EV-104")).one()
    asked = client.post(f"{draft_url}/publish?lang=en")  # asked first: it cannot be undone
    assert asked.status_code == 200
    question = asked.get_data(as_text=True)
    assert "Publish version 2 of EV-104?" in question and "frozen" in question
    assert "not yet translated" in question
    assert current_version(db, module).number == 1
    assert client.post(f"{draft_url}/publish", data={"confirm": "1"}).status_code == 302
    assert current_version(db, module).number == 2
    html = page(client, "/curriculum/?lang=en")
    assert "version 2" in html
    detail = page(client, "/curriculum/modules/EV-104?lang=en")
    assert "New title" in detail and "Theory: 3 h" in detail


def test_a_bad_unit_form_keeps_the_input_and_writes_nothing(client, login, ev_program, db):
    login("author", organization=ev_program["owner"])
    draft_url = client.post("/curriculum/modules/EV-104/draft").headers["Location"]
    response = client.post(
        f"{draft_url}/units/new?lang=en",
        data={
            "code": "EV-104-U9",
            "theory_hours": "1",
            "practice_hours": "1",
            "title_id": "",
            "title_en": "Kept title",
            "outcomes_id": "",
            "criteria_id": "x",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Write at least the Indonesian text." in html and 'value="Kept title"' in html
    version_id = int(draft_url.rsplit("/", 1)[-1])
    assert len(version_units(db, version_id)) == 6


def test_a_prerequisite_cycle_is_refused_on_the_page(client, login, ev_program, db):
    login("author", organization=ev_program["owner"])
    draft_url = client.post("/curriculum/modules/EV-101/draft").headers["Location"]
    version_id = int(draft_url.rsplit("/", 1)[-1])
    first, second = version_units(db, version_id)[:2]  # U2 requires U1
    response = client.post(
        f"{draft_url}/units/{first.id}/prerequisites?lang=en",
        data={"prerequisites": [str(second.id)]},
    )
    assert response.status_code == 422
    assert "would make a cycle: EV-101-U1 → EV-101-U2 → EV-101-U1" in response.get_data(
        as_text=True
    )


def test_units_are_reordered_with_buttons(client, login, ev_program, db):
    login("author", organization=ev_program["owner"])
    draft_url = client.post("/curriculum/modules/EV-101/draft").headers["Location"]
    version_id = int(draft_url.rsplit("/", 1)[-1])
    second = version_units(db, version_id)[1]
    client.post(f"{draft_url}/units/{second.id}/move", data={"direction": "up"})
    db.expire_all()
    assert version_units(db, version_id)[0].code == "EV-101-U2"


def test_a_teacher_creates_a_module_owned_by_the_school(client, login, ev_program, db):
    teacher = login("teacher")
    program = db.exec(select(Program)).one()
    response = client.post(
        "/curriculum/modules/new",
        data={
            "program_id": program.id,
            "code": "EV-150",
            "level": "basic",
            "title_id": "Modul bengkel sekolah",
            "title_en": "",
            "title_zh": "",
        },
    )
    assert response.status_code == 302
    draft = db.exec(select(ModuleVersion).join(Module).where(Module.code == "EV-150")).one()
    client.post(
        f"/curriculum/drafts/{draft.id}/units/new",
        data={
            "code": "EV-150-U1",
            "theory_hours": "1",
            "practice_hours": "2",
            "title_id": "Unit satu",
            "outcomes_id": "Hasil",
            "criteria_id": "Kriteria",
        },
    )
    published = client.post(f"/curriculum/drafts/{draft.id}/publish", data={"confirm": "1"})
    assert published.status_code == 302
    html = page(client, "/curriculum/modules/EV-150?lang=en")
    school_name = db.get(type(ev_program["owner"]), teacher.organization_id).name
    assert school_name in html
    assert "Partner University" not in html


def test_retire_from_the_history_page(client, login, ev_program, db):
    """Retiring asks first (one tap withdrew a version for good), warns when the version is the
    module's last published one, and the module is then found again under "Retired modules"."""
    login("author", organization=ev_program["owner"])
    path = "/curriculum/modules/EV-109/versions/1/retire"
    asked = client.post(f"{path}?lang=en")
    assert asked.status_code == 200
    question = asked.get_data(as_text=True)
    assert "Retire version 1 of EV-109?" in question and "only published version" in question
    module = db.exec(select(Module).where(Module.code == "EV-109")).one()
    assert current_version(db, module) is not None
    response = client.post(path, data={"confirm": "1"})
    assert response.status_code == 302
    assert current_version(db, module) is None
    catalogue = page(client, "/curriculum/?lang=en")
    retired = catalogue[catalogue.index("Retired modules") :]
    assert 'href="/curriculum/modules/EV-109/history"' in retired
    login("student")
    assert ">EV-109<" not in page(client, "/curriculum/")
