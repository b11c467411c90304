"""The new-placement page's lists: each student with their class, sorted by class then name (two
students of one name in different classes were indistinguishable), and the expected units
include the school's adaptation of a module (left out while the class keeps the shared one)."""

import re
from datetime import time, timedelta
from decimal import Decimal

from sqlmodel import select

from eduplatform.curriculum import adaptation, authoring, service
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.db import new_session
from eduplatform.people.models import Cohort, User
from eduplatform.placements import journal
from eduplatform.placements.models import Placement, PlacementUnit
from eduplatform.training.models import UnitCompletion
from eduplatform.training.progress import cohort_modules
from tests.conftest import PASSWORD
from tests.placements.conftest import TODAY, academic_year
from tests.placements.test_monitoring import _countersigned_days
from tests.sql import recorded


def _options(page, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [label for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)][1:]


def _units(page):
    return re.findall(r'name="unit_ids" value="(\d+)"[^>]*> ([^<]*)</label>', page)


def test_students_show_their_class_sorted_by_class_then_name(
    client, login, db, pkl, make_user, enrol
):
    other_class = Cohort(
        school_id=pkl.school.id, name="XI TKRO 2", academic_year=academic_year(),
        program_id=pkl.cohort.program_id,
    )  # fmt: skip
    db.add(other_class)
    db.commit()
    namesake = make_user("student", organization=pkl.school, full_name="Siti Rahma")
    enrol(namesake, other_class, enrolled_on=TODAY - timedelta(days=100))
    make_user("student", organization=pkl.school, full_name="Bayu")  # in no class yet
    login(pkl.teacher)
    page = client.get("/placements/new?lang=en").get_data(as_text=True)
    assert _options(page, "student_id") == [
        "Siti Rahma (XI TKRO 2)",
        "Agus (XII TKRO 1)",
        "Siti Rahma (XII TKRO 1)",
        "Bayu (no class)",
    ]


def test_an_admin_sees_the_school_beside_the_class(client, login, pkl):
    login(pkl.admin)  # every school's students: classes of two schools may share a name
    page = client.get("/placements/new?lang=en").get_data(as_text=True)
    assert "Siti Rahma (XII TKRO 1, SMK Negeri 2 Surakarta)" in _options(page, "student_id")
    assert "Dewi Lain (XII TKRO 9, SMK Lain)" in _options(page, "student_id")


def _adapt_after_the_class_started(db, pkl):
    """The class logged work in the shared EV-201, then the school published its adaptation: the
    class keeps the shared module, and the school teaches its own version too."""
    first = pkl.units["EV-201-U1"]
    shared = db.get(Module, db.get(ModuleVersion, first.version_id).module_id)
    service.cohort_version(db, cohort=pkl.cohort, module=shared)  # the class follows it
    db.add(UnitCompletion(student_id=pkl.student.id, unit_id=first.id, cohort_id=pkl.cohort.id,
                          performed_on=TODAY - timedelta(days=1), hours=Decimal("2"),
                          note="Did it"))  # fmt: skip
    db.commit()
    adapted, draft, _created = adaptation.adapt_module(
        db, actor=pkl.teacher, module=shared, school_id=pkl.school.id
    )
    authoring.publish(db, actor=pkl.teacher, module=adapted, version=draft)
    return adapted, db.exec(select(Unit).where(Unit.version_id == draft.id)).all()


def test_the_schools_adapted_units_are_offered_and_accepted(client, login, db, pkl):
    adapted, adapted_units = _adapt_after_the_class_started(db, pkl)
    login(pkl.teacher)
    page = client.get("/placements/new?lang=en").get_data(as_text=True)
    offered = dict(_units(page))
    for unit in adapted_units:  # beside the shared module's, and told apart from them
        assert offered[str(unit.id)] == (
            f"{unit.code} {unit.title['en']} ({adapted.code}, the school&#39;s adaptation)"
        )
    assert offered[str(pkl.units["EV-201-U1"].id)] == "EV-201-U1 Battery inspection"
    response = client.post(
        "/placements/new?lang=en",
        data={"student_id": pkl.student.id, "company_id": pkl.company.id,
              "supervisor_id": pkl.supervisor.id, "teacher_id": pkl.teacher.id,
              "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=60)).isoformat(),
              "unit_ids": [adapted_units[0].id, pkl.units["EV-201-U2"].id]},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    chosen = db.exec(select(PlacementUnit.unit_id)).all()
    assert sorted(chosen) == sorted([adapted_units[0].id, pkl.units["EV-201-U2"].id])


def test_an_adapted_unit_verified_from_the_journal_leaves_the_class_on_its_module(
    app, client, login, db, pkl, make_placement
):
    adapted, adapted_units = _adapt_after_the_class_started(db, pkl)
    unit = adapted_units[1]
    placement = make_placement(unit_ids=[unit.id])
    _countersigned_days(app, pkl, placement, unit, [1, 2])
    login(pkl.teacher)
    client.post(f"/placements/{placement.id}/units/{unit.id}/verify")
    completion = db.exec(select(UnitCompletion).where(UnitCompletion.unit_id == unit.id)).one()
    assert completion.status == "verified"
    followed = {module.code for module, _version in cohort_modules(db, pkl.cohort)}
    assert "EV-201" in followed and adapted.code not in followed


def test_the_page_reads_units_once_per_class_not_once_per_student(
    app, client, login, pkl, make_user, enrol
):
    """Before: every student in scope read their class, its modules, their adaptations and
    units again (five statements a student: 300 for a school of 60 to place)."""
    login(pkl.teacher)
    client.get("/placements/new?lang=en")  # the first page fills the per-process caches
    with recorded(app) as before:
        first = client.get("/placements/new?lang=en").get_data(as_text=True)
    for number in range(10):
        classmate = make_user("student", organization=pkl.school, full_name=f"Murid {number}")
        enrol(classmate, pkl.cohort, enrolled_on=TODAY - timedelta(days=100))
    with recorded(app) as after:
        page = client.get("/placements/new?lang=en").get_data(as_text=True)
    assert len(_options(page, "student_id")) == len(_options(first, "student_id")) + 10
    assert _units(page) == _units(first) and len(_units(page)) == 3
    assert len(after) == len(before)


def test_every_placement_page_tells_a_shared_unit_from_the_schools_adapted_one(
    app, client, login, db, pkl, make_placement
):
    """A placement may expect both the shared EV-201-U1 and the unit of the same code in the
    school's adaptation: the teacher's placement page, the student's journal and the supervisor's
    journal and assessment pages name the adaptation's module beside it."""
    from tests.placements.test_assessment import _issue

    adapted, adapted_units = _adapt_after_the_class_started(db, pkl)
    twin = next(unit for unit in adapted_units if unit.code == "EV-201-U1")
    shared = pkl.units["EV-201-U1"]
    placement = make_placement(unit_ids=[shared.id, twin.id])
    _countersigned_days(app, pkl, placement, twin, [1])  # a journal day practising the twin
    with app.test_request_context("/?lang=en"), new_session(app) as session:  # one waiting
        journal.write_entry(
            session, actor=session.get(User, pkl.student.id),
            placement=session.get(Placement, placement.id), day=TODAY - timedelta(days=2),
            kind="present", arrived_at=time(8), left_at=time(15), activities="Servis baterai",
            unit_ids=[twin.id],
        )  # fmt: skip
    plain = f"EV-201-U1 {shared.title['en']}"
    marked = f"EV-201-U1 {twin.title['en']} ({adapted.code}, the school&#39;s adaptation)"

    login(pkl.teacher)
    page = client.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert f"<li>{plain}</li>" in page and f"<li>{marked}</li>" in page  # expected units
    assert f"EV-201-U1 ({adapted.code})" in page  # the journal day's units, by code
    student = app.test_client()
    student.post(
        "/login", data={"login": pkl.student.email or pkl.student.nisn, "password": PASSWORD}
    )
    assert marked in student.get("/placements/journal?lang=en").get_data(as_text=True)
    supervisor = app.test_client()
    countersign = _issue(app, pkl, placement, "countersign")
    assert marked in supervisor.get(f"/pkl/{countersign}?lang=en").get_data(as_text=True)
    assessment = _issue(app, pkl, placement, "assessment")
    form = supervisor.get(f"/pkl/{assessment}?lang=en").get_data(as_text=True)
    assert f"<legend>{plain}</legend>" in form and f"<legend>{marked}</legend>" in form
