"""Import and export: idempotent, versioned, all or nothing, and a faithful round trip."""

import json

import yaml
from sqlmodel import func, select

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.importer import export_module
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.curriculum.service import current_version
from tests.curriculum.conftest import CURRICULA, module, run_import, text, unit


def count(db, model):
    return db.exec(select(func.count()).select_from(model)).one()


def test_importing_the_real_curriculum_creates_every_module_in_three_languages(db, ev_program):
    summary = ev_program["summary"]
    assert summary["programs"][0]["status"] == "created"
    assert len(summary["created"]) >= 9 and not summary["updated"] and not summary["unchanged"]
    program = db.exec(select(Program)).one()
    assert set(program.title) == {"id", "en", "zh"}
    modules = db.exec(select(Module).order_by(Module.position)).all()
    assert [m.code for m in modules][:3] == ["EV-101", "EV-102", "EV-103"]
    assert {m.owner_id for m in modules} == {ev_program["owner"].id}
    for unit_row in db.exec(select(Unit)).all():
        for field in (unit_row.title, unit_row.task, *unit_row.outcomes, *unit_row.criteria):
            assert all(field.get(lang) for lang in ("id", "en", "zh")), unit_row.code
    assert count(db, UnitPrerequisite) > 0


def test_importing_the_same_files_again_changes_nothing(db, ev_program):
    before = (count(db, ModuleVersion), count(db, Unit), count(db, AuditEvent))
    summary = run_import(db, CURRICULA)
    assert summary["created"] == [] and summary["updated"] == []
    assert len(summary["unchanged"]) == len(ev_program["summary"]["created"])
    assert summary["programs"][0]["status"] == "unchanged"
    assert (count(db, ModuleVersion), count(db, Unit), count(db, AuditEvent)) == before


def test_a_changed_module_becomes_a_new_version_and_the_old_one_stays_frozen(db, write_curriculum):
    folder = write_curriculum()
    run_import(db, folder)
    first = db.exec(select(ModuleVersion)).one()
    first_units = {u.code: u.title for u in db.exec(select(Unit)).all()}

    changed = module(units=[unit("T-101-U1", title=text("Renamed")), unit("T-101-U2")])
    folder = write_curriculum(modules=[changed])
    summary = run_import(db, folder)

    assert [(m["code"], m["version"]) for m in summary["updated"]] == [("T-101", 2)]
    versions = db.exec(select(ModuleVersion).order_by(ModuleVersion.number)).all()
    assert [(v.number, v.status) for v in versions] == [(1, "published"), (2, "published")]
    old_units = db.exec(select(Unit).where(Unit.version_id == first.id)).all()
    assert {u.code: u.title for u in old_units} == first_units
    module_row = db.exec(select(Module)).one()
    assert current_version(db, module_row).number == 2
    published = db.exec(select(AuditEvent).where(AuditEvent.action == "module.published")).all()
    assert len(published) == 2


def test_reimporting_an_older_files_content_does_not_revert_a_newer_version(db, write_curriculum):
    original = write_curriculum()
    run_import(db, original)
    run_import(db, write_curriculum(modules=[module(units=[unit("T-101-U1")])]))
    summary = run_import(db, write_curriculum())  # the first content again
    assert summary["unchanged"][0]["version"] == 2
    assert count(db, ModuleVersion) == 2


def test_program_title_and_module_order_are_updated_in_place(db, write_curriculum):
    run_import(db, write_curriculum(modules=[module("T-101"), module("T-102")]))
    folder = write_curriculum(modules=[module("T-101"), module("T-102")], listed=["T-102", "T-101"])
    program_file = folder / "program.yaml"
    data = yaml.safe_load(program_file.read_text())
    data["title"] = text("New name")
    program_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    summary = run_import(db, folder)
    assert summary["programs"][0]["status"] == "updated"
    assert db.exec(select(Program)).one().title["en"] == "New name (en)"
    assert [m.code for m in db.exec(select(Module).order_by(Module.position))] == ["T-102", "T-101"]
    assert count(db, ModuleVersion) == 2


def test_export_then_import_changes_nothing(db, ev_program, tmp_path):
    folder = tmp_path / "ev"
    folder.mkdir()
    for source in CURRICULA.joinpath("ev-mechanic").iterdir():
        folder.joinpath(source.name).write_bytes(source.read_bytes())
    for code in ("EV-101", "EV-105", "EV-109"):
        exported = export_module(db, code)
        assert exported.startswith(f"code: {code}\nprogram: EV-MECH\nlevel: ")
        original = yaml.safe_load((folder / f"{code}.yaml").read_text(encoding="utf-8"))
        assert yaml.safe_load(exported) == original
        (folder / f"{code}.yaml").write_text(exported, encoding="utf-8")
    summary = run_import(db, folder)
    assert summary["created"] == [] and summary["updated"] == []


def test_import_command_reports_and_is_idempotent(runner, db, make_org):
    make_org("university")
    result = runner.invoke(args=["curricula", "import", str(CURRICULA), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) >= {"created", "updated", "unchanged", "errors"}
    assert len(payload["created"]) >= 9 and payload["errors"] == []
    assert db.exec(select(Module)).first().owner_id is not None  # the single university

    again = runner.invoke(args=["curricula", "import", str(CURRICULA)])
    assert again.exit_code == 0
    assert "Nothing changed." in again.output
    assert "created: 0 module(s)" in again.output


def test_import_command_refuses_a_bad_directory_and_writes_nothing(runner, db, write_curriculum):
    good = module("T-102")
    bad = module(units=[unit("T-101-U1", ["T-101-U1"])])
    folder = write_curriculum(modules=[good, bad])
    result = runner.invoke(args=["curricula", "import", str(folder), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["created"] == []
    (error,) = payload["errors"]
    assert set(error) == {"file", "line", "field", "message"}
    assert error["field"] == "units[0].prerequisites[0]"
    assert count(db, Module) == 0 and count(db, Program) == 0

    readable = runner.invoke(args=["curricula", "import", str(folder)])
    assert readable.exit_code == 1
    assert "T-101.yaml:" in readable.output and "nothing was imported" in readable.output
    assert "Traceback" not in readable.output


def test_import_command_refuses_an_unknown_owner(runner, write_curriculum):
    result = runner.invoke(
        args=["curricula", "import", str(write_curriculum()), "--owner", "Nobody", "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"][0]["field"] == "owner"


def test_export_command_writes_yaml_and_refuses_unknown_codes(runner, db, write_curriculum):
    run_import(db, write_curriculum())
    result = runner.invoke(args=["curricula", "export", "T-101"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.output)["units"][1]["prerequisites"] == ["T-101-U1"]
    assert "prerequisites: [T-101-U1]" in result.output
    missing = runner.invoke(args=["curricula", "export", "NOPE"])
    assert missing.exit_code == 1


def test_import_keeps_an_open_draft_as_the_newest_version(db, write_curriculum, make_user):
    from eduplatform.curriculum import authoring

    run_import(db, write_curriculum())
    module_row = db.exec(select(Module)).one()
    admin = make_user("admin")
    draft = authoring.start_draft(db, actor=admin, module=module_row)
    assert draft.number == 2
    run_import(db, write_curriculum(modules=[module(units=[unit("T-101-U1")])]))
    db.refresh(draft)
    assert draft.number == 3 and draft.status == "draft"
    assert current_version(db, module_row).number == 2
