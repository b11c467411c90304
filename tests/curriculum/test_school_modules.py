"""A school's own modules: adapting a shared module, who sees and follows what, adoption."""

import json
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum import adaptation, authoring, draft_units, service
from eduplatform.curriculum.changes import ADDED
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit
from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import Cohort, Organization, SchoolMembership
from eduplatform.training.completions import unit_in_cohort
from eduplatform.training.models import UnitCompletion
from eduplatform.training.progress import cohort_modules


def text(word):
    return {"id": f"{word} (id)", "en": f"{word} (en)", "zh": f"{word}（中文）"}


WORKSHOP_UNIT = {
    "code": "",
    "title": text("Diagnosing the workshop's trainer kit"),
    "task": text("Read the fault codes of the trainer kit"),
    "outcomes": {"id": "Membaca kode kesalahan", "en": "Read fault codes", "zh": "读取故障码"},
    "criteria": {"id": "Kode terbaca benar", "en": "Codes read correctly", "zh": "故障码读取正确"},
    "theory_hours": "1",
    "practice_hours": "3",
}


@pytest.fixture
def world(db, ev_program, make_org, make_user):
    """Two schools with a class each, their teachers, the university's author."""
    school, other = make_org("school", name="SMK Negeri 2"), make_org("school", name="SMK Lain")
    program = db.exec(select(Program)).one()
    cohorts = {}
    for key, org in (("school", school), ("other", other)):
        cohorts[key] = Cohort(
            school_id=org.id, name="XI TKRO 2", academic_year="2026/2027", program_id=program.id
        )
        db.add(cohorts[key])
    db.commit()
    module = db.exec(select(Module).where(Module.code == "EV-103")).one()
    return {
        "school": school,
        "other": other,
        "program": program,
        "cohort": cohorts["school"],
        "other_cohort": cohorts["other"],
        "module": module,
        "teacher": make_user("teacher", organization=school),
        "other_teacher": make_user("teacher", organization=other),
        "author": make_user("author", organization=ev_program["owner"]),
        "student": make_user("student", organization=school),
        "other_student": make_user("student", organization=other),
    }


def adapt_and_publish(db, world, teacher=None):
    """The school's adaptation of EV-201 with one extra unit, published."""
    teacher = teacher or world["teacher"]
    adapted, draft, created = adaptation.adapt_module(
        db, actor=teacher, module=world["module"], school_id=world["school"].id
    )
    assert created
    unit = dict(WORKSHOP_UNIT, code=f"{adapted.code}-U9")
    draft_units.add_unit(db, actor=teacher, module=adapted, version=draft, data=_form(unit))
    authoring.publish(db, actor=teacher, module=adapted, version=draft)
    return adapted, draft


def _form(unit):
    return {
        **unit,
        "outcomes": {lang: value for lang, value in unit["outcomes"].items()},
        "criteria": {lang: value for lang, value in unit["criteria"].items()},
    }


def test_adapting_copies_the_current_version_into_a_school_owned_draft(db, world):
    original = service.current_version(db, world["module"])
    adapted, draft, created = adaptation.adapt_module(
        db, actor=world["teacher"], module=world["module"], school_id=world["school"].id
    )
    assert created
    assert adapted.code == f"EV-103-{world['school'].npsn}"
    assert (adapted.school_id, adapted.owner_id) == (world["school"].id, world["school"].id)
    assert adapted.adapted_from_id == world["module"].id and not adapted.shared
    assert (draft.number, draft.status, draft.based_on_id) == (1, "draft", original.id)
    copied = db.exec(select(Unit.code).where(Unit.version_id == draft.id)).all()
    kept = db.exec(select(Unit.code).where(Unit.version_id == original.id)).all()
    assert sorted(copied) == sorted(kept)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "module.adapted")).one()
    assert event.details["module"] == "EV-103" and event.details["school_id"] == world["school"].id
    # Adapting again (a second teacher, a second click) gives the same adaptation.
    colleague = db.get(type(world["teacher"]), world["teacher"].id)
    again, _draft, created = adaptation.adapt_module(
        db, actor=colleague, module=world["module"], school_id=world["school"].id
    )
    assert (again.id, created) == (adapted.id, False)


def test_a_teacher_adapts_only_for_one_of_their_schools(db, world, make_org):
    with pytest.raises(Invalid) as refused:
        adaptation.adapt_module(
            db, actor=world["teacher"], module=world["module"], school_id=world["other"].id
        )
    assert refused.value.for_field("school_id")
    second = make_org("school", name="SMK Kedua")
    db.add(SchoolMembership(user_id=world["teacher"].id, school_id=second.id, since=date.today()))
    db.commit()
    adapted, _draft, _created = adaptation.adapt_module(
        db, actor=world["teacher"], module=world["module"], school_id=second.id
    )
    assert adapted.school_id == second.id
    schools, done = adaptation.schools_to_adapt_for(db, world["teacher"], world["module"])
    assert [s.id for s in schools] == [world["school"].id]
    assert [m.id for m, _s in done] == [adapted.id]


def test_only_teachers_adapt_and_only_shared_modules(db, world):
    with pytest.raises(Invalid):
        adaptation.adapt_module(
            db, actor=world["author"], module=world["module"], school_id=world["school"].id
        )
    adapted, _draft = adapt_and_publish(db, world)
    with pytest.raises(Invalid):
        adaptation.adapt_module(
            db, actor=world["teacher"], module=adapted, school_id=world["school"].id
        )


def test_the_schools_teachers_edit_it_and_nobody_else(db, world, make_user):
    adapted, draft, _created = adaptation.adapt_module(
        db, actor=world["teacher"], module=world["module"], school_id=world["school"].id
    )
    colleague = make_user("teacher", organization=world["school"])
    assert service.can_edit(colleague, adapted)
    for outsider in (world["other_teacher"], world["author"]):
        assert not service.can_edit(outsider, adapted)
        with pytest.raises(Invalid):
            authoring.publish(db, actor=outsider, module=adapted, version=draft)
    # The copied units keep the original's codes and stay editable.
    unit = db.exec(select(Unit).where(Unit.version_id == draft.id).order_by(Unit.position)).first()
    data = {
        "code": unit.code,
        "title": {"id": "Judul baru"},
        "task": unit.task,
        "outcomes": {"id": "Hasil"},
        "criteria": {"id": "Kriteria"},
        "theory_hours": "1",
        "practice_hours": "1",
    }
    draft_units.update_unit(
        db, actor=colleague, module=adapted, version=draft, unit=unit, data=data
    )


def test_another_schools_people_never_see_it(db, world):
    adapted, _draft = adapt_and_publish(db, world)
    for insider in (world["teacher"], world["student"], world["author"]):
        assert service.can_see(insider, adapted), insider.role
    for outsider in (world["other_teacher"], world["other_student"]):
        assert not service.can_see(outsider, adapted)
        codes = [e.module.code for e in service.catalogue(db, viewer=outsider)]
        assert adapted.code not in codes and "EV-103" in codes
    own = [e.module.code for e in service.catalogue(db, viewer=world["teacher"])]
    assert adapted.code in own and "EV-103" in own
    public = [e.module.code for e in service.catalogue(db)]
    assert adapted.code not in public
    assert adapted.code not in [
        e.module.code for e in service.catalogue(db, viewer=world["author"])
    ]


def test_only_the_schools_classes_follow_the_adaptation(db, world):
    adapted, draft = adapt_and_publish(db, world)
    mine = dict((m.code, v) for m, v in cohort_modules(db, world["cohort"]))
    theirs = dict((m.code, v) for m, v in cohort_modules(db, world["other_cohort"]))
    assert adapted.code in mine and "EV-103" not in mine
    assert mine[adapted.code].id == draft.id
    assert "EV-103" in theirs and adapted.code not in theirs
    added = db.exec(select(Unit).where(Unit.code == f"{adapted.code}-U9")).one()
    assert unit_in_cohort(db, world["cohort"], added)
    assert not unit_in_cohort(db, world["other_cohort"], added)
    original_unit = db.exec(
        select(Unit).where(Unit.version_id == service.current_version(db, world["module"]).id)
    ).first()
    assert not unit_in_cohort(db, world["cohort"], original_unit)
    assert unit_in_cohort(db, world["other_cohort"], original_unit)


def test_a_class_that_started_the_original_keeps_it(db, world):
    """Work logged in the university's version keeps the class on it; pins alone do not."""
    started = service.cohort_version(db, cohort=world["cohort"], module=world["module"])
    unit = db.exec(select(Unit).where(Unit.version_id == started.id)).first()
    enrolled = Cohort(
        school_id=world["school"].id,
        name="XI TKRO 3",
        academic_year="2026/2027",
        program_id=world["program"].id,
    )
    db.add(enrolled)
    db.commit()
    service.cohort_version(db, cohort=enrolled, module=world["module"])  # looked at, no work
    db.add(
        UnitCompletion(
            student_id=world["student"].id,
            unit_id=unit.id,
            cohort_id=world["cohort"].id,
            performed_on=date.today() - timedelta(days=1),
            hours=Decimal("2"),
            note="Did it",
        )
    )
    db.commit()
    adapted, draft = adapt_and_publish(db, world)
    kept = dict((m.code, v) for m, v in cohort_modules(db, world["cohort"]))
    assert kept["EV-103"].id == started.id and adapted.code not in kept
    moved = dict((m.code, v) for m, v in cohort_modules(db, enrolled))
    assert moved[adapted.code].id == draft.id and "EV-103" not in moved


def test_a_class_keeps_the_adapted_version_it_started_on(db, world):
    adapted, first = adapt_and_publish(db, world)
    followed = {m.code: v for m, v in cohort_modules(db, world["cohort"])}
    assert followed[adapted.code].id == first.id
    second = authoring.start_draft(db, actor=world["teacher"], module=adapted)
    assert second.based_on_id == first.based_on_id  # the line still names its origin
    authoring.publish(db, actor=world["teacher"], module=adapted, version=second)
    followed = {m.code: v for m, v in cohort_modules(db, world["cohort"])}
    assert followed[adapted.code].id == first.id


def test_the_difference_from_the_original_is_the_added_unit(db, world):
    adapted, draft = adapt_and_publish(db, world)
    base = db.get(ModuleVersion, draft.based_on_id)
    changes = service.version_changes(db, base, draft)
    assert [(u.kind, u.code) for u in changes.units] == [(ADDED, f"{adapted.code}-U9")]
    assert changes.units[0].unit["title"]["zh"].startswith("Diagnosing")
    listed = adaptation.school_modules(db)
    assert [(e.module.id, e.original.id, e.based_on.id) for e in listed] == [
        (adapted.id, world["module"].id, base.id)
    ]
    assert [m.id for m, _s in adaptation.adaptations_of(db, world["module"])] == [adapted.id]


def test_a_module_a_school_creates_is_its_own_until_adopted(db, world):
    module, version = authoring.create_module(
        db,
        actor=world["teacher"],
        program_id=world["program"].id,
        code="EV-950",
        level="basic",
        title={"id": "Perawatan AC mobil listrik"},
        summary={},
    )
    assert module.school_id == world["school"].id
    draft_units.add_unit(
        db,
        actor=world["teacher"],
        module=module,
        version=version,
        data=_form(dict(WORKSHOP_UNIT, code="EV-950-U1")),
    )
    authoring.publish(db, actor=world["teacher"], module=module, version=version)
    assert "EV-950" not in [m.code for m, _v in cohort_modules(db, world["other_cohort"])]
    assert "EV-950" in [m.code for m, _v in cohort_modules(db, world["cohort"])]
    assert not service.can_see(world["other_teacher"], module)

    with pytest.raises(Invalid):
        adaptation.adopt_module(db, actor=world["teacher"], module=module)
    adaptation.adopt_module(db, actor=world["author"], module=module)
    assert module.shared and module.owner_id == world["author"].organization_id
    assert "EV-950" in [m.code for m, _v in cohort_modules(db, world["other_cohort"])]
    assert service.can_see(world["other_teacher"], module)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "module.adopted")).one()
    assert event.details == {"module": "EV-950", "school_id": world["school"].id}
    with pytest.raises(Conflict):
        adaptation.adopt_module(db, actor=world["author"], module=module)


def test_a_teacher_of_several_schools_creates_a_module_for_the_one_chosen(db, world, make_org):
    second = make_org("school", name="SMK Kedua")
    db.add(SchoolMembership(user_id=world["teacher"].id, school_id=second.id, since=date.today()))
    db.commit()
    fields = dict(program_id=world["program"].id, level="basic", title={"id": "x"}, summary={})
    module, _v = authoring.create_module(
        db, actor=world["teacher"], code="EV-951", school_id=second.id, **fields
    )
    assert module.school_id == second.id
    with pytest.raises(Invalid) as refused:
        authoring.create_module(
            db, actor=world["teacher"], code="EV-952", school_id=world["other"].id, **fields
        )
    assert refused.value.for_field("school_id")


def _race(app, attempt):
    """Run `attempt(session)` in two threads at once; [(result or exception)]."""
    barrier = threading.Barrier(2)
    results = []

    def run():
        with app.app_context(), new_session(app) as session:
            barrier.wait()
            try:
                results.append(attempt(session))
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_teachers_adapting_at_once_make_one_adaptation(app, db, world, make_user):
    colleague = make_user("teacher", organization=world["school"])
    teachers = iter([world["teacher"].id, colleague.id])
    lock = threading.Lock()

    def attempt(session):
        with lock:
            teacher_id = next(teachers)
        actor = session.get(type(world["teacher"]), teacher_id)
        module = session.get(Module, world["module"].id)
        with app.test_request_context():
            adapted, _draft, created = adaptation.adapt_module(
                session, actor=actor, module=module, school_id=world["school"].id
            )
        return adapted.id, created

    results = _race(app, attempt)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({module_id for module_id, _created in results}) == 1
    assert sorted(created for _id, created in results) == [False, True]
    assert (
        len(db.exec(select(Module).where(Module.adapted_from_id == world["module"].id)).all()) == 1
    )


def test_two_adoptions_at_once_exactly_one_wins(app, db, world):
    adapted, _draft = adapt_and_publish(db, world)

    def attempt(session):
        actor = session.get(type(world["author"]), world["author"].id)
        module = session.get(Module, adapted.id)
        with app.test_request_context():
            return adaptation.adopt_module(session, actor=actor, module=module).id

    results = _race(app, attempt)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"], results
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "module.adopted")).all()
    assert len(events) == 1


def test_the_import_command_never_writes_into_a_schools_module(runner, db, write_curriculum):
    """A shared file whose code is a school's own module is refused, naming file and field."""
    from tests.curriculum.conftest import module as module_file
    from tests.curriculum.conftest import run_import

    folder = write_curriculum(modules=[module_file("T-101"), module_file("T-102")])
    run_import(db, folder)
    school_module = db.exec(select(Module).where(Module.code == "T-102")).one()
    school = Organization(kind="school", name="SMK Kode", npsn="90999999", country="ID")
    db.add(school)
    db.commit()
    school_module.school_id = school_module.owner_id = school.id
    db.add(school_module)
    db.commit()
    before = len(db.exec(select(ModuleVersion)).all())
    changed = write_curriculum(
        modules=[module_file("T-101", title=text("new")), module_file("T-102", title=text("new"))]
    )
    result = runner.invoke(args=["curricula", "import", str(changed), "--json"])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    (error,) = payload["errors"]
    assert error["file"].endswith("T-102.yaml") and error["field"] == "code"
    assert "school" in error["message"]
    assert len(db.exec(select(ModuleVersion)).all()) == before  # nothing written


def test_the_api_catalogue_is_scoped_like_the_pages(app, client, db, world):
    from eduplatform.api import service as tokens
    from eduplatform.people.models import User

    adapted, _draft = adapt_and_publish(db, world)

    def call(user, path):
        with app.app_context(), new_session(app) as session:
            _row, raw = tokens.create_token(
                session, actor=user, user=session.get(User, user.id), name="t", scope="read"
            )
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})

    def codes(user):
        body = call(user, "/modules?limit=100").get_json()
        assert body["next"] is None
        return [m["code"] for m in body["items"]]

    assert adapted.code in codes(world["teacher"]) and adapted.code in codes(world["student"])
    for outsider in (world["other_teacher"], world["other_student"]):
        assert adapted.code not in codes(outsider) and "EV-103" in codes(outsider)
        assert call(outsider, f"/modules/{adapted.code}").status_code == 404
    mine = call(world["student"], f"/modules/{adapted.code}?lang=zh")
    assert mine.status_code == 200
    assert f"{adapted.code}-U9" in [u["code"] for u in mine.get_json()["units"]]


def test_logging_another_schools_unit_by_code_answers_like_an_unknown_code(app, client, db, world):
    """POST /api/v1/completions names units by code: an adapted unit of school A is, for a
    student of school B, exactly as unknown as a code that does not exist."""
    from eduplatform.api import service as tokens
    from eduplatform.people.models import Enrollment, User

    adapted, _draft = adapt_and_publish(db, world)
    student = world["other_student"]
    db.add(
        Enrollment(
            cohort_id=world["other_cohort"].id,
            student_id=student.id,
            enrolled_on=date.today() - timedelta(days=30),
        )
    )
    db.commit()
    with app.app_context(), new_session(app) as session:
        _row, raw = tokens.create_token(
            session,
            actor=student,
            user=session.get(User, student.id),
            name="t",
            scope="read-write",
        )

    def log(code):
        body = {"unit": code, "performed_on": str(date.today()), "hours": 1, "note": "Done"}
        response = client.post(
            "/api/v1/completions?lang=en", json=body, headers={"Authorization": f"Bearer {raw}"}
        )
        return response.status_code, response.get_json()["errors"]

    unknown = log("EV-999-U1")
    assert unknown[0] == 422 and unknown[1][0]["field"] == "unit"
    assert log(f"{adapted.code}-U9") == unknown
