"""Authoring rules: drafts, units, prerequisites, publishing and retiring, and who may do it."""

import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum import authoring, draft_units
from eduplatform.curriculum.content import prerequisite_codes, version_units
from eduplatform.curriculum.models import Module, Program
from eduplatform.curriculum.service import can_edit, current_version
from eduplatform.errors import Invalid
from tests.curriculum.conftest import run_import


def unit_data(code, title="Judul", **fields):
    return {
        "code": code,
        "title": {"id": title, "en": "", "zh": ""},
        "outcomes": {"id": "Hasil satu\nHasil dua", "en": "One\nTwo", "zh": ""},
        "task": {"id": "Tugas", "en": "Task", "zh": "任务"},
        "criteria": {"id": "Kriteria", "en": "", "zh": ""},
        "theory_hours": "1",
        "practice_hours": "2.5",
        "safety_critical": False,
        **fields,
    }


@pytest.fixture
def owned(db, write_curriculum, make_org):
    """A university owning the imported test module T-101 (version 1, published)."""
    university = make_org("university")
    run_import(db, write_curriculum(), owner=university)
    return university, db.exec(select(Module)).one()


def test_a_new_draft_copies_units_and_prerequisites(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    assert (draft.number, draft.status) == (2, "draft")
    units = version_units(db, draft.id)
    assert [u.code for u in units] == ["T-101-U1", "T-101-U2"]
    assert prerequisite_codes(db, units) == {units[1].id: ["T-101-U1"]}
    assert authoring.start_draft(db, actor=author, module=module).id == draft.id  # only one


def test_publishing_a_draft_freezes_it_and_records_who_and_when(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    first = version_units(db, draft.id)[0]
    draft_units.update_unit(
        db,
        actor=author,
        module=module,
        version=draft,
        unit=first,
        data=unit_data("T-101-U1", title="Judul baru"),
    )
    authoring.publish(db, actor=author, module=module, version=draft)

    assert current_version(db, module).id == draft.id
    assert draft.published_by_id == author.id and draft.published_at is not None
    assert draft.content_hash
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "module.published", AuditEvent.actor_id == author.id
        )
    ).one()
    assert event.details["version"] == 2
    with pytest.raises(Invalid):
        draft_units.update_unit(
            db,
            actor=author,
            module=module,
            version=draft,
            unit=first,
            data=unit_data("T-101-U1", title="Lagi"),
        )
    stored = version_units(db, draft.id)[0]
    assert stored.title == {"id": "Judul baru"}
    assert stored.outcomes == [{"id": "Hasil satu", "en": "One"}, {"id": "Hasil dua", "en": "Two"}]


def test_retiring_a_version_is_audited(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    version = current_version(db, module)
    authoring.retire(db, actor=author, module=module, version=version)
    assert version.status == "retired" and version.retired_at is not None
    assert current_version(db, module) is None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "module.retired")).one()


def test_units_can_be_added_reordered_and_removed_in_a_draft(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    added = draft_units.add_unit(
        db, actor=author, module=module, version=draft, data=unit_data("T-101-U3")
    )
    draft_units.move_unit(db, actor=author, module=module, version=draft, unit=added, offset=-1)
    assert [u.code for u in version_units(db, draft.id)] == ["T-101-U1", "T-101-U3", "T-101-U2"]
    first = version_units(db, draft.id)[0]
    draft_units.remove_unit(db, actor=author, module=module, version=draft, unit=first)
    units = version_units(db, draft.id)
    assert [u.code for u in units] == ["T-101-U3", "T-101-U2"]
    assert prerequisite_codes(db, units) == {}  # U2 required U1, which is gone


def test_unit_fields_are_validated_and_nothing_is_written(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    bad = unit_data(
        "T-101-U1", title="", theory_hours="-1", outcomes={"id": "a\nb", "en": "only one", "zh": ""}
    )
    with pytest.raises(Invalid) as refused:
        draft_units.add_unit(db, actor=author, module=module, version=draft, data=bad)
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"code", "title_id", "theory_hours", "outcomes_en"}
    db.rollback()
    assert len(version_units(db, draft.id)) == 2


def test_prerequisite_cycles_are_refused_with_a_clear_message(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    first, second = version_units(db, draft.id)
    with pytest.raises(Invalid) as refused:
        draft_units.set_prerequisites(
            db, actor=author, module=module, version=draft, unit=first, requires_ids=[second.id]
        )
    assert "T-101-U1 → T-101-U2 → T-101-U1" in str(refused.value)
    with pytest.raises(Invalid):
        draft_units.set_prerequisites(
            db, actor=author, module=module, version=draft, unit=first, requires_ids=[first.id]
        )


def test_prerequisites_must_be_units_of_the_same_version(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    published_unit = version_units(db, current_version(db, module).id)[0]
    draft = authoring.start_draft(db, actor=author, module=module)
    second = version_units(db, draft.id)[1]
    with pytest.raises(Invalid) as refused:
        draft_units.set_prerequisites(
            db,
            actor=author,
            module=module,
            version=draft,
            unit=second,
            requires_ids=[published_unit.id, 999999],
        )
    assert refused.value.errors[0]["field"] == "prerequisites"


def test_publishing_needs_an_indonesian_title_for_every_unit(db, owned, make_user):
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    unit = version_units(db, draft.id)[0]
    unit.title = {"en": "English only"}
    db.add(unit)
    db.commit()
    with pytest.raises(Invalid):
        authoring.publish(db, actor=author, module=module, version=draft)
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"task": {"en": "Measure the pack", "id": "  "}}, "practical task of"),
        ({"task": {}}, "practical task of"),
        ({"criteria": []}, "assessment criterion"),
    ],
)
def test_publishing_needs_a_practical_task_and_a_criterion_for_every_unit(
    db, owned, make_user, change, says
):
    """Students log a unit's task and teachers verify it by its criteria: without them the unit
    could be logged but never judged, so the draft stays a draft and the unit is named."""
    university, module = owned
    author = make_user("author", organization=university)
    draft = authoring.start_draft(db, actor=author, module=module)
    unit = version_units(db, draft.id)[0]
    for name, value in change.items():
        setattr(unit, name, value)
    db.add(unit)
    db.commit()
    with pytest.raises(Invalid) as refused:
        authoring.publish(db, actor=author, module=module, version=draft)
    (message,) = [str(error["message"]) for error in refused.value.errors]
    assert says in message and unit.code in message
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("role", "same_organization", "allowed"),
    [
        ("author", True, True),
        ("author", False, False),
        ("teacher", False, False),
        ("office", False, False),
        ("student", False, False),
        ("admin", False, True),
    ],
)
def test_who_may_edit_and_publish_a_module(db, owned, make_user, role, same_organization, allowed):
    university, module = owned
    user = make_user(role, organization=university) if same_organization else make_user(role)
    assert can_edit(user, module) is allowed
    if allowed:
        draft = authoring.start_draft(db, actor=user, module=module)
        authoring.publish(db, actor=user, module=module, version=draft)
        assert current_version(db, module).number == 2
    else:
        with pytest.raises(Invalid):
            authoring.start_draft(db, actor=user, module=module)


def test_a_teachers_module_belongs_to_the_school_and_only_its_teachers_edit_it(
    db, owned, make_user, make_org
):
    teacher = make_user("teacher")
    program = db.exec(select(Program)).one()
    module, draft = authoring.create_module(
        db,
        actor=teacher,
        program_id=program.id,
        code="t-201",
        level="basic",
        title={"id": "Modul sekolah", "en": "", "zh": ""},
        summary={},
    )
    assert module.code == "T-201" and module.owner_id == teacher.organization_id
    assert module.position == 2 and draft.number == 1
    colleague = make_user("teacher", organization=db.get(type(make_org()), teacher.organization_id))
    assert can_edit(colleague, module)
    assert not can_edit(make_user("teacher", organization=make_org("school")), module)
    assert not can_edit(make_user("author", organization=owned[0]), module)


def test_module_codes_are_unique_and_well_formed(db, owned, make_user):
    author = make_user("author", organization=owned[0])
    program = db.exec(select(Program)).one()
    for code in ("T-101", "bad code"):
        with pytest.raises(Invalid) as refused:
            authoring.create_module(
                db,
                actor=author,
                program_id=program.id,
                code=code,
                level="basic",
                title={"id": "x"},
                summary={},
            )
        assert refused.value.errors[0]["field"] == "code"


def test_discarding_the_only_draft_of_a_new_module_removes_the_module(db, owned, make_user):
    author = make_user("author", organization=owned[0])
    program = db.exec(select(Program)).one()
    module, draft = authoring.create_module(
        db,
        actor=author,
        program_id=program.id,
        code="T-300",
        level="basic",
        title={"id": "x"},
        summary={},
    )
    assert authoring.discard_draft(db, actor=author, module=module, version=draft) is True
    assert db.exec(select(Module).where(Module.code == "T-300")).first() is None
