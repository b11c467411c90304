# ruff: noqa: F811 - the fixtures imported below are used by name
"""The audit log names every kind of object the app records, and shows its coded values
(statuses, sources, scopes, languages) in the page's language."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import eduplatform
import eduplatform.models  # noqa: F401 - every table in the metadata
from eduplatform.api.models import ApiToken
from eduplatform.audit.labels import NAMED_TARGETS
from eduplatform.audit.models import AuditEvent
from eduplatform.placements.models import JournalEntry, Placement, Supervisor
from eduplatform.quality.models import (
    QualityAction,
    QualityDispute,
    QualityEndorsement,
    QualityReview,
    QualitySample,
    SamplingPlan,
)
from eduplatform.sqltypes import utcnow
from tests.web.test_audit_log_readable import things  # noqa: F401 - fixture

SOURCE = Path(eduplatform.__file__).parent
MODELS = {mapper.class_.__name__ for mapper in SQLModel._sa_registry.mappers}
# What a target variable holds when its function does not build or load it in sight.
TARGET_NAMES = {
    "user": "User",
    "account": "User",
    "actor": "User",
    "student": "User",
    "teacher": "User",
    "school": "Organization",
    "org": "Organization",
    "organization": "Organization",
    "cohort": "Cohort",
    "module": "Module",
    "version": "ModuleVersion",
    "activity": "ExchangeActivity",
    "partnership": "Partnership",
    "completion": "UnitCompletion",
    "placement": "Placement",
    "entry": "JournalEntry",
    "supervisor": "Supervisor",
    "certificate": "Certificate",
    "token": "ApiToken",
    "plan": "SamplingPlan",
    "action": "QualityAction",
}


def _model_of(expr):
    """The model class name `expr` builds (`Model(...)`) or loads (`session.get(Model, …)`)."""
    if not isinstance(expr, ast.Call):
        return None
    name = ast.unparse(expr.func)
    if name in MODELS:
        return name
    if name.endswith(".get") and expr.args and ast.unparse(expr.args[0]) in MODELS:
        return ast.unparse(expr.args[0])
    return None


def _assigned_model(function, name):
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found = _model_of(node.value)
            if found:
                return found
    return None


def recorded_targets():
    """Every model class the app passes to record_event as its target, and the targets whose
    class the test cannot tell."""
    kinds, unknown = set(), []
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "record_event(" not in text or path.parent.name == "audit":
            continue
        tree = ast.parse(text)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "record_event"):
                    continue
                expr = next((k.value for k in node.keywords if k.arg == "target"), None)
                if expr is None or (isinstance(expr, ast.Constant) and expr.value is None):
                    continue
                kind = _model_of(expr)
                if kind is None and isinstance(expr, ast.Name):
                    kind = _assigned_model(function, expr.id) or TARGET_NAMES.get(expr.id)
                if kind in MODELS:
                    kinds.add(kind)
                else:
                    unknown.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {ast.unparse(expr)}")
    return kinds, unknown


def test_every_recorded_target_kind_has_a_name():
    kinds, unknown = recorded_targets()
    assert not unknown, "add what these hold to TARGET_NAMES: " + ", ".join(unknown)
    assert {"User", "Placement", "JournalEntry", "QualitySample", "SamplingPlan"} <= kinds
    assert sorted(kinds - NAMED_TARGETS) == []


@pytest.fixture
def more_things(db, make_org, things):
    t = things
    student = t["students"][0]
    university = make_org("university", name="Universitas Mitra")
    company = make_org("industry", name="Bengkel EV Sejahtera")
    supervisor = Supervisor(company_id=company.id, full_name="Pak Joko", phone="+62 812 1")
    plan = SamplingPlan(
        university_id=university.id,
        program_id=t["module"].program_id,
        academic_year="2025/2026",
        term=1,
        seed="s" * 64,
    )
    db.add_all([supervisor, plan])
    db.commit()
    placement = Placement(
        student_id=student.id,
        school_id=t["school"].id,
        company_id=company.id,
        supervisor_id=supervisor.id,
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 12, 1),
    )
    sample = QualitySample(
        plan_id=plan.id,
        completion_id=t["completion"].id,
        school_id=t["school"].id,
        module_id=t["module"].id,
        verified_at=utcnow(),
        rule="minimum",
        rate=10,
        draw=5,
        status="ready",
        pseudonym="K7Q2",
    )
    endorsement = QualityEndorsement(
        university_id=university.id,
        school_id=t["school"].id,
        module_id=t["module"].id,
        reviewed=3,
        agreed=3,
    )
    token = ApiToken(user_id=t["teacher"].id, name="Dapodik sync", token_hash="h" * 64, hint="abc")
    db.add_all([placement, sample, endorsement, token])
    db.commit()
    entry = JournalEntry(
        placement_id=placement.id, student_id=student.id, day=date(2025, 9, 3), kind="sick"
    )
    review = QualityReview(sample_id=sample.id, agrees=False, rating=2, feedback="Kurang bukti")
    dispute = QualityDispute(
        completion_id=t["completion"].id, sample_id=sample.id, student_id=student.id, reason="x"
    )
    db.add_all([entry, review, dispute])
    db.commit()
    action = QualityAction(
        review_id=review.id, owner_id=t["teacher"].id, due_on=date(2025, 9, 1) + timedelta(14)
    )
    db.add(action)
    db.commit()
    return {
        "Placement": placement,
        "JournalEntry": entry,
        "Supervisor": supervisor,
        "SamplingPlan": plan,
        "QualitySample": sample,
        "QualityReview": review,
        "QualityAction": action,
        "QualityDispute": dispute,
        "QualityEndorsement": endorsement,
        "ApiToken": token,
    }


def _target_events(db, admin, objects):
    rows = [
        AuditEvent(
            actor_id=admin.id, action="company.created", object_type=kind, object_id=str(row.id)
        )  # fmt: skip
        for kind, row in objects.items()
    ]
    coded = [
        ("placement.status_changed", {"status": "running"}),
        ("module.published", {"module": "EV-101", "version": 3, "source": "import"}),
        ("token.created", {"name": "Dapodik sync", "scope": "read-write"}),
        ("supervisor.language_changed", {"locale": "zh"}),
    ]
    rows += [AuditEvent(actor_id=admin.id, action=a, details=d) for a, d in coded]
    db.add_all(rows)
    db.commit()


def test_placement_and_quality_objects_are_named(client, login, db, more_things):
    admin = login("admin")
    _target_events(db, admin, more_things)
    page = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    for kind, row in more_things.items():
        assert f"{kind} {row.id}" not in table, kind
    placement = more_things["Placement"].id
    assert "Murid 0 at Bengkel EV Sejahtera" in table
    assert f'<a href="/placements/{placement}">' in table
    assert f'<a href="/placements/{placement}#journal">Murid 0, Sep 3, 2025</a>' in table
    assert "Pak Joko at Bengkel EV Sejahtera" in table
    assert "Sampling plan EV, 2025/2026 term 1" in table
    assert "Sample K7Q2" in table and "Review of sample K7Q2" in table
    assert "Action on sample K7Q2" in table and "Dispute of sample K7Q2" in table
    assert "SMK Negeri 3 Surakarta, module EV-101, by Universitas Mitra" in table
    assert "API token Dapodik sync of Ibu Sari" in table
    # Coded values through the areas' own labels.
    assert "Running" in table and "Curriculum import" in table
    assert "Read and write" in table and "中文" in table
    for raw in (">running<", ">import<", "read-write", ">zh<"):
        assert raw not in table, raw


@pytest.mark.parametrize(
    "lang, words",
    [
        ("zh", ["进行中", "样本 K7Q2", "读写", "Murid 0，"]),
        ("id", ["Berjalan", "Sampel K7Q2", "Baca dan tulis", "Murid 0, "]),
    ],
)
def test_the_names_and_values_follow_the_language(client, login, db, more_things, lang, words):
    admin = login("admin")
    _target_events(db, admin, more_things)
    page = client.get(f"/admin/audit/?lang={lang}").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    for word in words:
        assert word in table, word
    for kind, row in more_things.items():
        assert f"{kind} {row.id}" not in table, kind
    assert ">running<" not in table and ">import<" not in table and "read-write" not in table
