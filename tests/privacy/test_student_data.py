"""An admin exports everything held about one student, or anonymises them; figures stay."""

import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select
from sqlmodel import SQLModel

from eduplatform.audit.models import AuditEvent
from eduplatform.db import get_engine
from eduplatform.ops.backup import table_checksums
from eduplatform.people.models import ActivationCode, User, UserSession
from eduplatform.privacy.service import TABLE_LABELS, held_counts, table_label
from eduplatform.training.models import Certificate, SkillsPassport, UnitCompletion
from tests.conftest import PASSWORD


def sign_in(client, user):
    response = client.post("/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def referencing_tables():
    """Read from the schema, independently of the code under test: every FK to user.id."""
    user_id = SQLModel.metadata.tables["user"].c.id
    return {
        table.name: [c for c in table.columns if any(fk.column is user_id for fk in c.foreign_keys)]
        for table in SQLModel.metadata.sorted_tables
        if any(fk.column is user_id for c in table.columns for fk in c.foreign_keys)
    }


def export(client, student):
    response = client.post(f"/admin/students/{student.id}/privacy/export")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_export_covers_every_table_that_references_a_user(app, client, world, db):
    student = world.a.student
    sign_in(client, student)  # a session row, and a login audit event
    client.post("/logout")
    sign_in(client, world.admin)
    archive = export(client, student)
    names = set(archive.namelist())
    tables = referencing_tables()
    assert len(tables) >= 10  # the schema really was read
    with get_engine(app).connect() as connection:
        for name, columns in tables.items():
            assert f"{name}.json" in names, f"the export misses table {name}"
            rows = json.loads(archive.read(f"{name}.json"))
            table = SQLModel.metadata.tables[name]
            held = connection.execute(
                select(func.count())
                .select_from(table)
                .where(or_(*(column == student.id for column in columns)))
            ).scalar()
            if name == "audit_event":
                assert len(rows) >= held  # plus the events about the student's records
            else:
                assert len(rows) == held, name
    for name in ("unit_completion", "certificate", "enrollment", "user_session",
                 "activation_code", "skills_passport", "activity_participant",
                 "activity_reflection", "api_token"):  # fmt: skip
        assert json.loads(archive.read(f"{name}.json")), f"the world has {name} rows"


def test_export_has_the_person_their_photos_and_no_secret_hashes(client, world):
    student = world.a.student
    sign_in(client, world.admin)
    archive = export(client, student)
    person = json.loads(archive.read("user.json"))[0]
    assert person["full_name"] == student.full_name and person["nisn"] == student.nisn
    assert "password_hash" not in person
    assert all("token_hash" not in row for row in json.loads(archive.read("api_token.json")))
    assert all("code_hash" not in row for row in json.loads(archive.read("activation_code.json")))
    photos = [n for n in archive.namelist() if n.startswith("photos/")]
    assert photos == [f"photos/{world.a.submitted.id}-{world.a.submitted.photo_name}"]
    assert archive.read(photos[0])[:2] == b"\xff\xd8"  # a JPEG
    units = json.loads(archive.read("related/unit.json"))
    assert {u["code"] for u in units} >= {"EV-101-U1", "EV-201-U1"}
    manifest = json.loads(archive.read("manifest.json"))
    # two units verified, one waiting for review, and an earlier attempt sent back
    assert manifest["student_id"] == student.id and manifest["tables"]["unit_completion"] == 4
    assert "Nur'aini 李" in archive.read("user.json").decode()


def test_export_keeps_the_students_addresses_but_not_other_peoples(app, client, world):
    student = world.a.student
    student_client = app.test_client()
    student_client.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    sign_in(student_client, student)
    teacher = app.test_client()
    teacher.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    sign_in(teacher, world.a.teacher)
    approved = teacher.post(f"/training/completions/{world.a.submitted.id}", data={"criteria": "1"})
    assert approved.status_code == 302
    sign_in(client, world.admin)
    events = json.loads(export(client, student).read("audit_event.json"))
    by_action = {e["action"]: e for e in events}
    assert by_action["auth.login"]["client_address"] == "203.0.113.5"
    assert by_action["completion.verified"]["actor_id"] == world.a.teacher.id
    assert by_action["completion.verified"]["client_address"] is None


def test_export_is_audited(client, world, db):
    sign_in(client, world.admin)
    export(client, world.a.student)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "student.exported")).scalar_one()
    assert event.actor_id == world.admin.id and event.object_id == str(world.a.student.id)


def _figures(connection):
    """What dashboards count: nothing here may move when a student is anonymised."""
    completions = connection.execute(
        select(UnitCompletion.status, func.count(), func.sum(UnitCompletion.hours))
        .group_by(UnitCompletion.status)
        .order_by(UnitCompletion.status)
    ).all()
    certificates = connection.execute(
        select(Certificate.student_id, Certificate.version_id, Certificate.code)
        .order_by(Certificate.id)
    ).all()  # fmt: skip
    checks = table_checksums(connection)
    kept = ("enrollment", "activity_participant", "cohort", "organization", "module_version")
    return completions, certificates, {name: checks[name] for name in kept}


def dashboard_figures(app, world):
    """The office's headline figures, as the dashboard and the API give them."""
    token = world.tokens[world.office.id]["api"]
    summary = app.test_client().get(
        "/api/v1/stats/summary", headers={"Authorization": f"Bearer {token}"}
    )
    assert summary.status_code == 200
    return {name: figure["value"] for name, figure in summary.get_json()["figures"].items()}


def test_anonymising_removes_personal_details_and_keeps_the_figures(app, client, runner, world, db):
    student = world.a.student
    nisn = student.nisn
    student.birth_place, student.student_number = "Surakarta", "2526001"  # from Dapodik
    db.add(student)
    db.commit()
    photo = Path(app.config["UPLOAD_DIR"]) / world.a.submitted.photo_name
    assert photo.exists()
    student_client = app.test_client()
    sign_in(student_client, student)
    assert student_client.get("/").status_code == 200
    with get_engine(app).connect() as connection:
        before = _figures(connection)
    dashboard = dashboard_figures(app, world)
    # A's and B's students, and school C's (whose decisions the universities sample).
    assert dashboard["certificates"] == 2 and dashboard["active_students"] == 3

    sign_in(client, world.admin)
    page = client.get(f"/admin/students/{student.id}/privacy/anonymise")
    assert page.status_code == 200
    done = client.post(
        f"/admin/students/{student.id}/privacy/anonymise",
        data={"confirmed": "y", "reason": "The parent asked on 3 March."},
    )
    assert done.status_code == 302

    with get_engine(app).connect() as connection:
        assert _figures(connection) == before
    assert dashboard_figures(app, world) == dashboard
    if "rollups" in app.cli.commands:
        checked = runner.invoke(args=["rollups", "check", "--json"])
        assert checked.exit_code == 0, checked.output
    person = db.get(User, student.id, populate_existing=True)
    assert person.full_name == f"Anonymised student #{student.id}"
    assert person.nisn is None and person.gender is None and person.birth_date is None
    assert person.birth_place is None and person.student_number is None
    assert person.email == f"anonymised-{student.id}@invalid"
    assert person.password_hash is None and not person.active
    sessions = db.exec(select(UserSession).where(UserSession.user_id == student.id)).scalars()
    assert all(s.revoked_at is not None for s in sessions)
    assert student_client.get("/").status_code == 200  # the welcome page: signed out
    assert student_client.get("/certificates").status_code == 302
    codes = db.exec(select(ActivationCode).where(ActivationCode.user_id == student.id))
    assert codes.first() is None
    completions = db.exec(
        select(UnitCompletion).where(UnitCompletion.student_id == student.id)
    ).scalars()
    for completion in completions:
        assert completion.note == "" and completion.feedback is None
        assert completion.photo_name is None and completion.photo_size is None
    assert not photo.exists()
    passport = db.get(SkillsPassport, student.id, populate_existing=True)
    assert not passport.enabled and passport.guardian_name is None
    assert client.get(f"/passport/{world.a.slug}").status_code == 404
    client.post("/logout")
    assert client.post("/login", data={"login": nisn, "password": PASSWORD}).status_code == 200
    event = db.exec(
        select(AuditEvent).where(AuditEvent.action == "student.anonymised")
    ).scalar_one()
    assert event.object_id == str(student.id) and event.actor_id == world.admin.id


def test_certificates_of_an_anonymised_student_show_an_anonymised_holder(client, world):
    student, code = world.a.student, world.a.certificate.code
    assert student.full_name in html.unescape(client.get(f"/verify/{code}").get_data(as_text=True))
    sign_in(client, world.admin)
    client.post(f"/admin/students/{student.id}/privacy/anonymise", data={"confirmed": "y"})
    client.post("/logout")
    page = client.get(f"/verify/{code}?lang=en").get_data(as_text=True)
    assert "Valid certificate" in page
    assert f"Anonymised student {student.id}" in page  # in the reader's language
    assert "Siswa A" not in page and "Nur" not in page


def test_the_audit_trail_keeps_no_email_nisn_or_name_of_an_anonymised_student(
    app, client, world, db
):
    student = world.a.student
    email, nisn, name = student.email, student.nisn, student.full_name
    client.post("/login", data={"login": student.nisn, "password": "wrong password!"})
    client.post("/login", data={"login": student.email, "password": "wrong password!"})
    sign_in(client, world.admin)
    client.post(f"/admin/students/{student.id}/privacy/anonymise", data={"confirmed": "y"})
    with get_engine(app).connect() as connection:
        events = connection.execute(select(AuditEvent.__table__)).all()
    text = json.dumps([dict(e._mapping) for e in events], default=str, ensure_ascii=False)
    assert email not in text and nisn not in text and name not in text


def test_anonymising_needs_the_confirmation_and_changes_nothing_without_it(app, client, world):
    sign_in(client, world.admin)
    with get_engine(app).connect() as connection:
        before = table_checksums(connection)
    refused = client.post(
        f"/admin/students/{world.a.student.id}/privacy/anonymise", data={"reason": "x" * 501}
    )
    assert refused.status_code == 422
    with get_engine(app).connect() as connection:
        after = table_checksums(connection)
    assert after == before


def test_a_student_is_anonymised_only_once(client, world, db):
    sign_in(client, world.admin)
    url = f"/admin/students/{world.a.student.id}/privacy/anonymise"
    client.post(url, data={"confirmed": "y"})
    again = client.post(url, data={"confirmed": "y"})
    assert again.status_code == 302
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "student.anonymised"))
    assert len(events.all()) == 1
    page = client.get(f"/admin/students/{world.a.student.id}/privacy?lang=en")
    assert "was anonymised on" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["teacher", "office", "author", "student"])
def test_privacy_pages_are_for_admins_only(client, world, role):
    sign_in(client, world.actor(role))
    student = world.a.student.id
    assert client.get(f"/admin/students/{student}/privacy").status_code == 403
    assert client.post(f"/admin/students/{student}/privacy/export").status_code == 403
    assert (
        client.post(f"/admin/students/{student}/privacy/anonymise", data={"confirmed": "y"})
    ).status_code == 403


def test_privacy_pages_answer_404_for_accounts_that_are_not_students(client, world):
    sign_in(client, world.admin)
    assert client.get(f"/admin/students/{world.a.teacher.id}/privacy").status_code == 404
    assert client.get("/admin/students/999999/privacy").status_code == 404


def main_of(body):
    return body.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def held_table_cells(body):
    """The first cell of each row of the "What is held" table, as text."""
    table = main_of(body).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    return [html.unescape(re.findall(r"<td>(.*?)</td>", row, flags=re.S)[0]) for row in rows]


def test_the_privacy_page_lists_what_is_held(client, world):
    sign_in(client, world.admin)
    page = client.get(f"/admin/students/{world.a.student.id}/privacy?lang=en")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    labels = held_table_cells(body)
    assert labels[0] == "Account and personal details" and labels[-1] == "Audit log entries"
    assert "Logged units" in labels and "School calendar addresses created" in labels
    assert "Download everything held (zip)" in body


@pytest.mark.parametrize("lang", ["en", "id", "zh"])
def test_the_privacy_page_names_no_database_table(client, world, lang):
    """An admin answering a guardian reads plain words: no table names, no "Table" column."""
    sign_in(client, world.admin)
    body = client.get(f"/admin/students/{world.a.student.id}/privacy?lang={lang}")
    body = body.get_data(as_text=True)
    names = set(referencing_tables()) | {"user"}
    labels = held_table_cells(body)
    assert len(labels) == len(names)  # a row for each table, empty ones included
    for label in labels:
        assert label.strip() and label not in names and "_" not in label, label
    main = main_of(body)
    assert "<code>" not in main
    # Words that are also English ("user", "partnership" in "Exchange partnerships") aside:
    for name in names - {"user", "certificate", "enrollment", "partnership"}:
        assert name not in main, name  # e.g. unit_completion, school_feed_key


def test_every_table_held_about_a_student_has_a_plain_label(world, db):
    """A table added to the schema with a foreign key to user must be given a label here."""
    expected = set(referencing_tables()) | {"user", AuditEvent.__tablename__}
    returned = {name for name, _rows in held_counts(db, world.a.student)}
    assert returned == expected  # what the page can show is exactly what the schema holds
    missing = sorted(expected - set(TABLE_LABELS))
    assert not missing, f"add a label to privacy.service.TABLE_LABELS for {missing}"
    for name in expected:
        assert table_label(name) is TABLE_LABELS[name]
        assert str(TABLE_LABELS[name]) != name


def test_a_table_without_a_label_shows_as_words():
    assert table_label("school_feed_key") is TABLE_LABELS["school_feed_key"]
    assert str(table_label("evidence_review_note")) == "Evidence review note"
    assert str(table_label("grade")) == "Grade"


def test_the_account_page_of_a_student_links_to_the_privacy_page(client, world):
    sign_in(client, world.admin)
    link = f'href="/admin/students/{world.a.student.id}/privacy"'
    assert link in client.get(f"/admin/users/{world.a.student.id}").get_data(as_text=True)
    teacher_page = client.get(f"/admin/users/{world.a.teacher.id}").get_data(as_text=True)
    assert "/privacy" not in teacher_page.split("<footer")[0]


def test_an_anonymised_account_cannot_be_named_or_reactivated_again(client, world, db):
    """A name, an email or a reactivation typed into an anonymised account would tie its records
    to a person again: the admin's page says so and offers no form, and the server refuses."""
    student = world.a.student
    sign_in(client, world.admin)
    client.post(f"/admin/students/{student.id}/privacy/anonymise", data={"confirmed": "y"})
    page = client.get(f"/admin/users/{student.id}?lang=en").get_data(as_text=True)
    assert "data was anonymised on" in page
    assert 'name="full_name"' not in page and "Reactivate account" not in page
    client.post(
        f"/admin/users/{student.id}",
        data={"full_name": "Nur Aini", "email": "nur@example.org", "role": "student"},
    )
    client.post(f"/admin/users/{student.id}/active", data={"active": "1"})
    stored = db.get(User, student.id, populate_existing=True)
    assert stored.full_name == f"Anonymised student #{student.id}"
    assert stored.email == f"anonymised-{student.id}@invalid" and stored.active is False


def test_an_anonymised_students_marker_reads_in_the_pages_language_inside_sentences(client, world):
    """Names given to a translated sentence ("Placement of %(name)s", "Select %(name)s") pass
    through the same translation as a name printed on its own."""
    student = world.a.student
    sign_in(client, world.admin)
    client.post(f"/admin/students/{student.id}/privacy/anonymise", data={"confirmed": "y"})
    client.post("/logout")
    sign_in(client, world.a.teacher)
    for url in (f"/placements/{world.a.placement.id}", f"/classes/{world.a.cohort.id}"):
        page = client.get(f"{url}?lang=id").get_data(as_text=True)
        assert "Anonymised student #" not in page, url
        assert f"Siswa anonim {student.id}" in page, url
