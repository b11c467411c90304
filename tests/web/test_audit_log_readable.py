"""The admin's audit log speaks plainly: labelled actions, named objects, readable details."""

import ast
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

import eduplatform
from eduplatform.audit.labels import ACTION_LABELS, action_label
from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit
from eduplatform.db import get_engine
from eduplatform.exchange.models import Partnership
from eduplatform.people.models import Cohort
from eduplatform.training.models import Certificate, CompletionStatus, UnitCompletion

SOURCE = Path(eduplatform.__file__).parent
ACTION = re.compile(r"""\baction\s*=\s*(?P<expr>.+)""")
CODE = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")
# Actions built at run time, and every value they can take.
DYNAMIC = {
    "f'completion.{status}'": {
        f"completion.{s}" for s in CompletionStatus if s != CompletionStatus.SUBMITTED
    },
}


def _names_assigned(tree, name):
    """The action codes a variable of that name is ever given in the module."""
    codes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            codes |= set(CODE.findall(ast.unparse(node.value)))
    return codes


def recorded_actions():
    """Every action code the app passes to record_event (or writes as action="…")."""
    codes = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in ACTION.finditer(text):
            codes |= set(CODE.findall(match["expr"]))
        if "record_event(" not in text or path.parent.name == "audit":
            continue
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "record_event"):
                continue
            expr = next(k.value for k in node.keywords if k.arg == "action")
            if isinstance(expr, ast.Constant):
                codes.add(expr.value)
            elif isinstance(expr, ast.IfExp):
                found = set(CODE.findall(ast.unparse(expr)))
                assert len(found) == 2, f"{path}:{node.lineno}"
                codes |= found
            elif isinstance(expr, ast.Name):
                found = _names_assigned(tree, expr.id)
                assert found, f"{path}:{node.lineno}: cannot tell which actions {expr.id} holds"
                codes |= found
            else:
                source = ast.unparse(expr)
                assert source in DYNAMIC, f"{path}:{node.lineno}: add {source} to DYNAMIC"
                codes |= DYNAMIC[source]
    return codes


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"auth.login", "module.published", "roster.imported", "completion.verified"} <= actions
    assert "school.deactivated" in actions and "user.reactivated" in actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_an_unknown_action_shows_its_code():
    assert action_label("something.new") == "something.new"
    assert action_label("roster.imported") != "roster.imported"


@pytest.fixture
def things(db, make_org, make_user):
    school = make_org("school", name="SMK Negeri 3 Surakarta")
    teacher = make_user("teacher", organization=school, full_name="Ibu Sari")
    students = [make_user("student", organization=school, full_name=f"Murid {n}") for n in range(3)]
    cohort = Cohort(school_id=school.id, name="XI TKJ 1", academic_year="2025/2026")
    program = Program(code="EV", title={"en": "EV"})
    db.add_all([cohort, program])
    db.commit()
    module = Module(code="EV-101", program_id=program.id)
    db.add(module)
    db.commit()
    version = ModuleVersion(module_id=module.id, number=3, status="published")
    db.add(version)
    db.commit()
    unit = Unit(version_id=version.id, code="EV-101-U2")
    certificate = Certificate(
        code="ABCD2345",
        student_id=students[0].id,
        version_id=version.id,
        school_id=school.id,
    )
    partnership = Partnership(school_id=school.id, partner_name="PT Surya", kind="industry")
    db.add_all([unit, certificate, partnership])
    db.commit()
    completion = UnitCompletion(
        student_id=students[1].id,
        unit_id=unit.id,
        cohort_id=cohort.id,
        performed_on=date(2025, 9, 1),
        hours=Decimal("2.0"),
        note="done",
    )
    db.add(completion)
    db.commit()
    return {
        "school": school,
        "teacher": teacher,
        "students": students,
        "cohort": cohort,
        "module": module,
        "version": version,
        "certificate": certificate,
        "partnership": partnership,
        "completion": completion,
    }


def _events(db, things, admin, copies=1):
    t = things
    s = t["students"]
    rows = []
    for _ in range(copies):
        rows += [
            AuditEvent(
                actor_id=admin.id,
                action="roster.imported",
                object_type="Cohort",
                object_id=str(t["cohort"].id),
                details={"created": ["EV-101", "EV-102"], "updated": [], "unchanged": 0},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="activation.codes_issued",
                details={"count": 3, "student_ids": [u.id for u in s]},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="user.created",
                object_type="User",
                object_id=str(t["teacher"].id),
                details={"role": "teacher", "organization_id": None},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="module.published",
                object_type="ModuleVersion",
                object_id=str(t["version"].id),
                details={"module": "EV-101", "version": 3},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="certificate.issued",
                object_type="Certificate",
                object_id=str(t["certificate"].id),
                details={"code": "ABCD2345", "student_id": s[0].id, "version_id": t["version"].id},
            ),
            AuditEvent(
                actor_id=t["teacher"].id,
                action="completion.verified",
                object_type="UnitCompletion",
                object_id=str(t["completion"].id),
                details={"unit": "EV-101-U2", "student_id": s[1].id},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="partnership.created",
                object_type="Partnership",
                object_id=str(t["partnership"].id),
                details={"school_id": t["school"].id, "kind": "industry", "partner_id": None},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="activity.participants_changed",
                object_type="Widget",
                object_id="77",
                details={"added": {"user_id": s[2].id, "guest": False, "role": "facilitator"}},
            ),
            AuditEvent(
                actor_id=None,
                action="auth.login_failed",
                details={"login": "<script>alert(1)</script>"},
            ),
            AuditEvent(
                actor_id=admin.id,
                action="something.new",
                object_type="Organization",
                object_id=str(t["school"].id),
            ),
        ]
    db.add_all(rows)
    db.commit()
    return rows


def test_the_page_names_actions_objects_and_details(client, login, db, things):
    admin = login("admin")
    _events(db, things, admin)
    page = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    # Labels (the code stays in the markup for searching, out of sight); an unknown action
    # shows its code.
    assert "Roster imported" in table and 'data-action="roster.imported"' in table
    assert ">roster.imported<" not in table
    assert "Module version published" in table and "Certificate issued" in table
    assert "Unit verified" in table and "something.new" in table
    assert '<option value="auth.login_failed" >Sign-in failed</option>' in page
    # Objects by name, linked.
    t = things
    assert f'<a href="/classes/{t["cohort"].id}">Class XI TKJ 1, 2025/2026</a>' in table
    assert f'<a href="/admin/users/{t["teacher"].id}">Ibu Sari</a>' in table
    assert "/curriculum/modules/EV-101?version=3" in table and "EV-101, version 3" in table
    assert '<a href="/certificates/ABCD2345">' in table
    assert "Unit EV-101-U2 by Murid 1" in table
    assert "SMK Negeri 3 Surakarta with PT Surya" in table
    assert f'<a href="/schools/{t["school"].id}">SMK Negeri 3 Surakarta</a>' in table
    assert "Widget 77" in table
    # Details: translated keys, plain values, names for ids, never a Python repr.
    assert "EV-101, EV-102" in table and "Murid 0, Murid 1, Murid 2" in table
    assert "Students" in table and "Organization" in table and "—" in table
    # PostgreSQL's JSONB keeps keys in its own order: each part, in whatever order.
    parts = {"Person: Murid 2", "Guest: no", "Role: Facilitator"}
    lines = [
        set(m.split("; "))
        for m in re.findall(r"(?:[A-Z][a-z]+: [^;<]+; ){2}[A-Z][a-z]+: [^;<]+", table)
    ]
    assert parts in lines, lines
    assert "Industry partner" in table and "Teacher" in table
    for raw in ("['", "[]", "None", "True", "False", "student_ids", "{'"):
        assert raw not in table, raw
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in table


def test_the_page_translates_its_labels(client, login, db, things):
    admin = login("admin")
    _events(db, things, admin)
    for lang in ("id", "zh"):
        response = client.get(f"/admin/audit/?lang={lang}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'data-action="roster.imported"' in page and ">roster.imported<" not in page
        assert "Roster imported" not in page


class Statements:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1

    def during(self, action):
        self.count = 0
        action()
        return self.count


def test_a_full_page_runs_a_fixed_number_of_queries(app, client, login, db, things):
    admin = login("admin")
    statements = Statements(get_engine(app))
    _events(db, things, admin, copies=1)
    few = statements.during(lambda: client.get("/admin/audit/?lang=en"))
    _events(db, things, admin, copies=5)  # 60 events: a full page of 50
    many = statements.during(lambda: client.get("/admin/audit/?lang=en"))
    assert many == few and many < 30, (few, many)
