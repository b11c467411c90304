"""Translation fallback, and cohorts keeping the module version they started on."""

import pytest
from flask import render_template_string
from sqlmodel import select

from eduplatform.curriculum import authoring
from eduplatform.curriculum.models import Module
from eduplatform.curriculum.service import cohort_version, program_modules
from eduplatform.i18n import translated
from eduplatform.people.models import Cohort, CohortModuleVersion


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ({"id": "Baterai", "en": "Battery", "zh": "电池"}, "zh", ("电池", "zh", False)),
        ({"id": "Baterai", "en": "Battery"}, "zh", ("Baterai", "id", True)),
        ({"id": "", "en": "Battery"}, "zh", ("Battery", "en", True)),
        ({"zh": "电池"}, "en", ("电池", "zh", True)),
        ({}, "en", ("", None, True)),
        (None, "id", ("", None, True)),
    ],
)
def test_translation_falls_back_to_indonesian_then_english(app, text, locale, expected):
    with app.test_request_context():
        result = translated(text, locale)
    assert (result.text, result.lang, result.fallback) == expected
    assert result == expected[0]  # it is the text itself, for templates


def test_translation_defaults_to_the_ui_language(app):
    with app.test_request_context("/?lang=en"):
        assert translated({"id": "Baterai", "en": "Battery"}) == "Battery"


def test_the_macro_marks_text_that_is_not_yet_translated(app):
    template = '{% from "curriculum/_macros.html" import t with context %}{{ t(text) }}'
    with app.test_request_context("/?lang=en"):
        marked = render_template_string(template, text={"id": "Baterai"})
        plain = render_template_string(template, text={"id": "Baterai", "en": "Battery"})
    assert marked == (
        '<span lang="id">Baterai</span> '
        '<span class="untranslated" lang="en">not yet translated</span>'
    )
    assert plain == "Battery"


@pytest.fixture
def cohort(db, ev_program, make_org):
    school = make_org("school")
    cohort = Cohort(
        school_id=school.id,
        name="XI TKRO 1",
        academic_year="2026/2027",
        program_id=ev_program["summary"]["programs"][0]["id"],
    )
    db.add(cohort)
    db.commit()
    return cohort


def test_a_cohort_keeps_the_version_it_started_on(db, ev_program, cohort, make_user):
    module = db.exec(select(Module).where(Module.code == "EV-101")).one()
    started = cohort_version(db, cohort=cohort, module=module)
    assert started.number == 1
    assert db.get(CohortModuleVersion, (cohort.id, module.id)).version_id == started.id

    author = make_user("author", organization=ev_program["owner"])
    draft = authoring.start_draft(db, actor=author, module=module)
    authoring.publish(db, actor=author, module=module, version=draft)

    assert cohort_version(db, cohort=cohort, module=module).id == started.id
    later = Cohort(school_id=cohort.school_id, name="XI TKRO 2", academic_year="2026/2027")
    db.add(later)
    db.commit()
    assert cohort_version(db, cohort=later, module=module).number == 2


def test_a_cohort_gets_no_version_of_a_module_never_published(db, ev_program, cohort, make_user):
    from eduplatform.curriculum.models import Program

    author = make_user("author", organization=ev_program["owner"])
    program = db.exec(select(Program)).one()
    module, _draft = authoring.create_module(
        db,
        actor=author,
        program_id=program.id,
        code="EV-300",
        level="basic",
        title={"id": "x"},
        summary={},
    )
    assert cohort_version(db, cohort=cohort, module=module) is None
    assert db.get(CohortModuleVersion, (cohort.id, module.id)) is None


def test_program_modules_come_in_program_order(db, ev_program):
    program_id = ev_program["summary"]["programs"][0]["id"]
    codes = [m.code for m in program_modules(db, program_id=program_id)]
    assert codes[:2] == ["EV-101", "EV-102"] and codes == sorted(codes)
