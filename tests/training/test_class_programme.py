"""Each worker keeps the modules a class follows under the curriculum's token
(training.programme): every write of a module, a version or a class's pin draws a new token in
the same transaction (curriculum.generation), so no page shows a programme older than the
database's, and nothing else moves it."""

import re

from sqlalchemy import select

from eduplatform.curriculum.generation import draw_token
from eduplatform.curriculum.models import CurriculumGeneration, Module, ModuleVersion, Program
from eduplatform.people.models import Cohort, CohortModuleVersion
from eduplatform.training import programme, service
from tests.conftest import PASSWORD


def _token(db):
    return db.exec(select(CurriculumGeneration.token)).one()[0]


def _kept(app, session, student):
    with app.test_request_context("/"):
        return service.student_home_class(session, student)[:3]


def test_the_programme_is_read_once_per_token_as_read_only_copies(app, db, session, training):
    _kept(app, session, training.student)  # the first reading pins the class's versions
    cohort, school, first = _kept(app, session, training.student)
    assert cohort.id == training.cohort.id and school.id == training.school.id
    _cohort, _school, again = _kept(app, session, training.student)
    assert again is first  # the same kept answer, not read again
    modules, offered = first
    assert [m.code for m, _v in modules] == ["EV-101", "EV-102"]
    assert all(isinstance(m, programme.FrozenModule) for m, _v in modules)
    assert all(isinstance(v, programme.FrozenVersion) for _m, v in modules)
    assert [m.code for m in offered] == ["EV-101", "EV-102"]
    # A classmate of the same class shares it; nothing of a student is in it.
    assert _kept(app, session, training.classmate)[2] is first


def test_the_copies_hold_every_column_of_the_tables():
    assert set(programme.FrozenModule.__slots__) == set(Module.__table__.columns.keys())
    assert set(programme.FrozenVersion.__slots__) == set(ModuleVersion.__table__.columns.keys())


def test_writes_to_modules_versions_and_pins_move_the_token_and_nothing_else_does(
    app, db, session, training, log
):
    _kept(app, session, training.student)  # pins the class's versions (a write: a new token)
    session.rollback()
    before = _token(db)
    log("EV-101-U1")  # a student's record: the programme is the same
    cohort = db.get(Cohort, training.cohort.id)
    cohort.name = "XI TKRO 1 (pagi)"
    db.add(cohort)
    db.commit()
    assert _token(db) == before

    tokens = [before]
    module = db.get(Module, training.battery.id)
    module.position = 0  # the battery module first
    db.add(module)
    db.commit()
    tokens.append(_token(db))
    version = db.get(ModuleVersion, training.units["EV-102-U1"].version_id)
    version.summary = {"id": "Ringkasan"}
    db.add(version)
    db.commit()
    tokens.append(_token(db))
    pin = db.get(CohortModuleVersion, (training.cohort.id, training.battery.id))
    db.delete(pin)
    db.commit()
    tokens.append(_token(db))
    assert len(set(tokens)) == 4  # each write drew a new one

    module.position = 9
    db.add(module)
    db.rollback()  # a write that is rolled back leaves the token as it was
    assert _token(db) == tokens[-1]


def test_a_reordered_programme_shows_at_once(app, db, training):
    client = app.test_client()
    client.post("/login", data={"login": training.student.email, "password": PASSWORD})

    def order():
        page = client.get("/?lang=en").get_data(as_text=True)
        return re.findall(r'<span class="module-title"><strong>([^<]+)</strong>', page)

    assert order() == ["EV-101", "EV-102"]
    assert order() == ["EV-101", "EV-102"]  # from what the worker keeps
    module = db.get(Module, training.battery.id)
    module.position = -1
    db.add(module)
    db.commit()
    assert order() == ["EV-102", "EV-101"]


def test_a_database_without_the_token_reads_the_programme_every_time(app, db, session, training):
    db.delete(db.get(CurriculumGeneration, 1))
    db.commit()
    _cohort, _school, first = _kept(app, session, training.student)
    _cohort, _school, again = _kept(app, session, training.student)
    assert again is not first
    assert [m.code for m, _v in again[0]] == ["EV-101", "EV-102"]
    session.rollback()
    draw_token(db.connection())  # the next write creates the row again
    db.commit()
    assert _token(db) is not None


def test_the_log_form_follows_the_programme_at_once(app, db, training):
    """The log form finds the unit among the kept programme: a module moved out of the class's
    program takes its units' forms with it on the next request."""
    client = app.test_client()
    client.post("/login", data={"login": training.student.email, "password": PASSWORD})
    form = f"/training/units/{training.units['EV-102-U1'].id}/log?lang=en"
    assert client.get(form).status_code == 200
    assert client.get(form).status_code == 200  # from what the worker keeps
    other = Program(code="EV-OTHER", title={"id": "Lain", "en": "Other"})
    db.add(other)
    db.flush()
    module = db.get(Module, training.battery.id)
    module.program_id = other.id
    db.add(module)
    db.commit()
    assert client.get(form).status_code == 404
    assert client.get(f"/training/units/{training.units['EV-101-U1'].id}/log").status_code == 200
