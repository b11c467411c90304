"""`eduplatform quality reviewers list | grant | revoke`: one JSON object with --json, exit 0 on
success, 1 when refused (nothing written, a message naming why), 2 on wrong usage; audited."""

import json

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.quality.models import QualityReviewer


def _run(runner, *args):
    return runner.invoke(args=["quality", "reviewers", *args])


def test_list_shows_each_universitys_lecturers_with_their_permission(runner, training, quality):
    result = _run(runner, "list", "--json")
    assert result.exit_code == 0, result.output
    (university,) = json.loads(result.output)["universities"]
    assert university["id"] == training.university.id
    assert university["samples_waiting"] == 0
    staff = {member["email"]: member for member in university["staff"]}
    assert staff[quality.reviewer.email]["reviewer"] is True
    assert staff[quality.reviewer.email]["granted_at"]
    assert staff[quality.plain_author.email]["reviewer"] is False
    assert training.teacher.email not in staff
    only = json.loads(_run(runner, "list", "--reviewers-only", "--json").output)
    assert [m["email"] for m in only["universities"][0]["staff"]] == [quality.reviewer.email]
    readable = _run(runner, "list", "--university", str(training.university.id))
    assert readable.exit_code == 0
    assert f"reviewer {quality.reviewer.email}" in readable.output


def test_list_refuses_an_unknown_university(runner, training, quality):
    result = _run(runner, "list", "--university", training.school.name, "--json")
    assert result.exit_code == 1
    (error,) = json.loads(result.output)["errors"]
    assert error["field"] == "university" and "no university matches" in error["message"]


def test_grant_and_revoke_are_audited(runner, db, training, quality, verified):
    verified("EV-101-U1")
    email = quality.plain_author.email
    granted = _run(runner, "grant", "--email", email.upper(), "--json")
    assert granted.exit_code == 0, granted.output
    payload = json.loads(granted.output)["reviewer"]
    assert payload == {"id": quality.plain_author.id, "email": email,
                       "full_name": quality.plain_author.full_name,
                       "university_id": training.university.id, "reviewer": True}  # fmt: skip
    assert db.get(QualityReviewer, quality.plain_author.id).granted_by_id is None
    revoked = _run(runner, "revoke", "--email", email, "--json")
    assert revoked.exit_code == 0, revoked.output
    assert json.loads(revoked.output)["samples_waiting"] == 1
    assert db.get(QualityReviewer, quality.plain_author.id) is None
    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.action.like("quality.reviewer_%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("quality.reviewer_granted", None),
        ("quality.reviewer_revoked", None),
    ]
    readable = _run(runner, "revoke", "--email", quality.reviewer.email)
    assert readable.exit_code == 0
    assert "no longer a quality reviewer; 1 samples wait" in readable.output


def test_refusals_exit_1_with_a_clear_message_and_write_nothing(runner, db, training, quality):
    def refused(*args):
        result = _run(runner, *args, "--json")
        assert result.exit_code == 1, result.output
        (error,) = json.loads(result.output)["errors"]
        return error["message"]

    # in the platform's default language, Indonesian, naming the person
    teacher = refused("grant", "--email", training.teacher.email)
    assert f"{training.teacher.full_name} bukan staf universitas mitra" in teacher
    assert "sudah menjadi peninjau mutu" in refused("grant", "--email", quality.reviewer.email)
    assert "bukan peninjau mutu" in refused("revoke", "--email", quality.plain_author.email)
    assert "No account" in refused("grant", "--email", "nobody@example.org")
    assert {g.user_id for g in db.exec(select(QualityReviewer)).all()} == {quality.reviewer.id}
    readable = _run(runner, "grant", "--email", training.office.email)
    assert readable.exit_code == 1
    assert "error: field user:" in readable.output and "Traceback" not in readable.output


def test_wrong_usage_exits_2(runner, quality):
    assert _run(runner, "grant").exit_code == 2
    assert _run(runner, "promote", "--email", quality.plain_author.email).exit_code == 2
