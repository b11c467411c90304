"""The office imports a school's teacher list (Dapodik's GTK export) as invitations.

The files under tests/people/files/ are built by make_files.py: a title block above one header
row of 31 columns, NUPTK as text (two with a leading zero, one teacher without one yet), emails
for five of the eight, administrative staff on the list; the same as CSV, and after Excel
turned the NUPTKs into numbers. Issue 16 section 1 (teachers).
"""

import contextlib
import io
import json
import re
import threading
from pathlib import Path

import pytest
from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.errors import Invalid
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import AccountToken, User
from eduplatform.people.sheets import SheetError
from eduplatform.people.teacher_import import import_teachers, plan_teacher_import
from eduplatform.people.teacher_list import parse_teacher_list

FILES = Path(__file__).parent / "files"
GTK = "dapodik_gtk.xlsx"
GTK_CSV = "dapodik_gtk.csv"
NUMERIC = "dapodik_gtk_nuptk_angka.xlsx"
# Rows of the export (five title rows, a blank one, the header on row 7).
SRI, BUDI, AHMAD, RETNO, SUPARMAN, IKA, DWI, YULIANA = range(8, 16)
INVITED = {
    "sri.wahyuni@smkn99.contoh.sch.id",
    "budi.santoso@smkn99.contoh.sch.id",
    "retno.k@smkn99.contoh.sch.id",
    "ika.purnamasari@smkn99.contoh.sch.id",
    "dwi.hartono@smkn99.contoh.sch.id",
}


def _file(name):
    return (FILES / name).read_bytes()


def _teachers(db):
    return db.exec(select(User).where(User.role == "teacher")).all()


def _by_email(db, email):
    return db.exec(select(User).where(User.email == email)).one()


# The parser ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [GTK, GTK_CSV])
def test_the_gtk_export_is_read_below_its_title_block_in_xlsx_and_csv(app, name):
    with app.test_request_context():
        listed = parse_teacher_list(_file(name))
    assert [r.row for r in listed.rows] == list(range(SRI, YULIANA + 1))
    assert listed.errors == []
    ahmad = listed.rows[AHMAD - SRI]
    assert (ahmad.full_name, ahmad.nuptk, ahmad.email, ahmad.gender, ahmad.kind) == (
        "AHMAD FAUZI, S.T.",
        "0999000355000003",  # text keeps its leading zero
        None,
        "L",
        "Guru Mapel",
    )
    assert listed.rows[DWI - SRI].nuptk is None  # a new honorary teacher has none yet
    # The other 25 columns of the export are listed once, "No" only numbers the rows.
    assert len(listed.ignored) == 25 and "NIK" in listed.ignored and "No" not in listed.ignored


def test_numeric_nuptks_rounded_by_excel_are_refused_with_their_rows_and_short_ones_padded(app):
    with app.test_request_context():
        listed = parse_teacher_list(_file(NUMERIC))
        refused = {e["row"]: (e["column"], str(e["message"])) for e in listed.errors}
    # Excel keeps 15 digits: a 16-digit NUPTK typed as a number lost its last digit.
    assert sorted(refused) == [SRI, BUDI, RETNO, SUPARMAN, YULIANA]
    assert refused[BUDI][0] == "NUPTK" and "Excel keeps only 15 digits" in refused[BUDI][1]
    padded = [r for r in listed.rows if r.nuptk_from_number]
    assert [(r.row, r.nuptk) for r in padded] == [
        (AHMAD, "0999000355000003"),
        (IKA, "0999000655000006"),
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("99990001550000", "A NUPTK has 16 digits; this one has 14."),
        ("9,99900E+15", "The NUPTK was saved as a rounded number"),
        ("NUPTK-ABC", "A NUPTK is 16 digits."),
    ],
)
def test_a_wrong_text_nuptk_is_refused_on_its_spreadsheet_row(app, cell, message):
    text = _file(GTK_CSV).decode("utf-8-sig").replace("9999000455000004", cell)
    with app.test_request_context():
        listed = parse_teacher_list(text.encode())
        errors = [(e["row"], e["column"], str(e["message"])) for e in listed.errors]
    assert len(errors) == 1 and errors[0][:2] == (RETNO, "NUPTK")
    assert errors[0][2].startswith(message)


def test_the_same_nuptk_twice_refuses_both_rows(app):
    text = _file(GTK_CSV).decode("utf-8-sig").replace("9999000855000008", "9999000255000002")
    with app.test_request_context():
        listed = parse_teacher_list(text.encode())
        errors = {e["row"]: str(e["message"]) for e in listed.errors}
    assert errors == {
        BUDI: f"The same NUPTK is also on row {YULIANA}.",
        YULIANA: f"The same NUPTK is also on row {BUDI}.",
    }


def test_a_list_without_a_nuptk_column_names_it_on_the_header_row(app):
    text = _file(GTK_CSV).decode("utf-8-sig").replace(";NUPTK;", ";Nomor;")
    with app.test_request_context(), pytest.raises(SheetError) as refused:
        parse_teacher_list(text.encode())
    assert refused.value.errors[0]["row"] == 7 and refused.value.errors[0]["column"] == "NUPTK"


# The rules -------------------------------------------------------------------------------


def test_the_plan_invites_lists_those_without_email_and_skips_staff(app, db, world):
    with app.test_request_context():
        result = plan_teacher_import(
            db, school=world.other_school, teachers=parse_teacher_list(_file(GTK))
        )
    actions = {p.row.row: p.action for p in result.planned}
    assert actions == {
        SRI: "invite",
        BUDI: "invite",
        AHMAD: "needs_email",
        RETNO: "invite",
        SUPARMAN: "not_teacher",
        IKA: "invite",
        DWI: "invite",
        YULIANA: "needs_email",
    }
    assert len(_teachers(db)) == 2  # a plan writes nothing


def test_a_teacher_on_the_platform_gets_the_school_added_never_moved(app, db, world, make_user):
    # Budi teaches at the first school already; the second school's list names him by NUPTK,
    # Ahmad (no email in the file) by NUPTK too.
    budi = world.teacher
    budi.nuptk = "9999000255000002"
    ahmad = make_user("teacher", organization=world.school, nuptk="0999000355000003")
    db.add(budi)
    db.commit()
    with app.test_request_context():
        result = import_teachers(
            db,
            actor=world.office,
            school=world.other_school,
            teachers=parse_teacher_list(_file(GTK)),
        )
    actions = {p.row.row: p.action for p in result.planned}
    assert actions[BUDI] == actions[AHMAD] == "add_school" and actions[YULIANA] == "needs_email"
    for teacher in (budi, ahmad):
        db.refresh(teacher)
        assert school_ids(teacher, db) == {world.school.id, world.other_school.id}
        assert teacher.organization_id == world.school.id  # home school unchanged
    assert (
        db.exec(select(User).where(User.email == "budi.santoso@smkn99.contoh.sch.id")).first()
        is None
    )


def test_a_teacher_matched_by_email_gets_the_school_and_their_nuptk_recorded(
    app, db, world, make_user
):
    retno = make_user("teacher", organization=world.school, email="retno.k@smkn99.contoh.sch.id")
    with app.test_request_context():
        import_teachers(
            db,
            actor=world.office,
            school=world.other_school,
            teachers=parse_teacher_list(_file(GTK)),
        )
    db.refresh(retno)
    assert retno.nuptk == "9999000455000004"
    assert school_ids(retno, db) == {world.school.id, world.other_school.id}
    assert db.exec(select(AccountToken).where(AccountToken.user_id == retno.id)).all() == []


@pytest.mark.parametrize("clash", ["student_email", "two_accounts", "other_nuptk"])
def test_a_row_naming_someone_else_refuses_the_whole_list(app, db, world, make_user, clash):
    if clash == "student_email":
        make_user(
            "student", organization=world.school, email="ika.purnamasari@smkn99.contoh.sch.id"
        )
    elif clash == "two_accounts":
        make_user("teacher", organization=world.school, nuptk="0999000655000006")
        make_user(
            "teacher", organization=world.school, email="ika.purnamasari@smkn99.contoh.sch.id"
        )
    else:
        make_user(
            "teacher",
            organization=world.school,
            email="ika.purnamasari@smkn99.contoh.sch.id",
            nuptk="9999999999999999",
        )
    before = len(_teachers(db))
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        import_teachers(
            db,
            actor=world.office,
            school=world.other_school,
            teachers=parse_teacher_list(_file(GTK)),
        )
    assert [e["row"] for e in refused.value.errors] == [IKA]
    assert len(_teachers(db)) == before  # nothing written: no invitation for the other rows
    assert db.exec(select(AccountToken)).all() == []


# The web upload --------------------------------------------------------------------------


def _upload(client, school_id, data, name, lang="en"):
    return client.post(
        f"/schools/{school_id}/teachers/import?lang={lang}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _confirm(client, school_id, page):
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', page).group(1)
    return client.post(
        f"/schools/{school_id}/teachers/import/confirm?lang=en", data={"payload": payload}
    )


def test_ibu_rina_imports_the_gtk_export_and_the_invitations_arrive(
    client, login, db, world, mailbox
):
    login(world.office)
    preview = _upload(client, world.other_school.id, _file(GTK), GTK)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert page.count("Columns not imported (25):") == 1
    assert f"Row {AHMAD}: AHMAD FAUZI, S.T." in page and f"Row {YULIANA}: YULIANA, S.Pd." in page
    assert "cannot be invited" in page  # what the office does about the rows without email
    assert f"Row {SUPARMAN}: SUPARMAN" in page and "Tenaga Administrasi Sekolah" in page
    assert "Confirm: invite 5 and add 0 to this school" in page
    assert len(_teachers(db)) == 2 and mailbox.messages == []  # nothing before confirming

    done = _confirm(client, world.other_school.id, page)
    assert done.status_code == 200 and "Teacher list imported" in done.get_data(as_text=True)
    assert {m.rcpt_tos[0] for m in mailbox.messages} == INVITED
    sri = _by_email(db, "sri.wahyuni@smkn99.contoh.sch.id")
    assert (sri.full_name, sri.nuptk, sri.gender, sri.password_hash) == (
        "Dra. SRI WAHYUNI",
        "9999000155000001",
        "P",
        None,
    )
    assert school_ids(sri, db) == {world.other_school.id}
    letter = mailbox.last("sri.wahyuni@smkn99.contoh.sch.id")
    assert "SMK Lain" in letter.text and any(
        "/account/password?token=" in link for link in letter.links
    )
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "school.teachers_imported")).one()
    assert event.details["invited"] == 5 and event.details["needs_email"] == 2

    # The same file again: nothing more to do, no second invitation.
    mailbox.clear()
    again = _upload(client, world.other_school.id, _file(GTK), GTK).get_data(as_text=True)
    assert "There is nothing to import" in again and "Confirm:" not in again
    assert mailbox.messages == []


def test_the_preview_speaks_indonesian_by_default(client, login, world):
    login(world.office)
    page = _upload(client, world.other_school.id, _file(GTK_CSV), GTK_CSV, lang="id")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="id"' in text
    assert "Row 10" not in text and "Baris 10" in text


def test_an_admin_may_import_and_a_teacher_may_not(client, login, world):
    login("admin")
    assert _upload(client, world.school.id, _file(GTK), GTK).status_code == 200
    client.post("/logout")
    login(world.teacher)
    response = _upload(client, world.school.id, _file(GTK), GTK)
    assert response.status_code in (302, 403)


def test_a_tampered_preview_is_refused_and_another_schools_preview_too(client, login, db, world):
    login(world.office)
    page = _upload(client, world.other_school.id, _file(GTK), GTK).get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', page).group(1)
    url = "/schools/{}/teachers/import/confirm"
    assert (
        client.post(url.format(world.other_school.id), data={"payload": payload + "x"}).status_code
        == 400
    )
    assert client.post(url.format(world.school.id), data={"payload": payload}).status_code == 400
    assert len(_teachers(db)) == 2


def test_the_numeric_export_is_refused_in_the_preview_with_its_rows(client, login, db, world):
    login(world.office)
    page = _upload(client, world.other_school.id, _file(NUMERIC), NUMERIC).get_data(as_text=True)
    assert "Nothing was imported: fix the rejected rows" in page and "Confirm:" not in page
    assert "leading zeros added: check" in page
    assert f"Check rows {AHMAD}, {IKA}." in page


def test_something_changed_since_the_preview_imports_nothing(
    client, login, db, world, make_user, mailbox
):
    login(world.office)
    page = _upload(client, world.other_school.id, _file(GTK), GTK).get_data(as_text=True)
    make_user("student", organization=world.school, email="dwi.hartono@smkn99.contoh.sch.id")
    response = _confirm(client, world.other_school.id, page)
    assert response.status_code == 409
    assert "Something changed since the preview" in response.get_data(as_text=True)
    assert len(_teachers(db)) == 2 and mailbox.messages == []


# The command line ------------------------------------------------------------------------


def _import(runner, name, *args):
    result = runner.invoke(
        args=["teachers", "import", "--school", "2030 0002", str(FILES / name), *args, "--json"]
    )
    return result, json.loads(result.output)


def test_the_command_imports_the_gtk_csv_and_sends_the_invitations(runner, db, world, mailbox):
    result, payload = _import(runner, GTK_CSV)
    assert result.exit_code == 0, result.output
    assert (payload["invited"], payload["added_to_school"], payload["unchanged"]) == (5, 0, 0)
    assert [e["row"] for e in payload["needs_email"]] == [AHMAD, YULIANA]
    assert payload["not_teachers"] == [
        {"row": SUPARMAN, "name": "SUPARMAN", "nuptk": "9999000555000005",
         "kind": "Tenaga Administrasi Sekolah"}
    ]  # fmt: skip
    assert payload["errors"] == [] and len(payload["ignored_columns"]) == 25
    assert {m.rcpt_tos[0] for m in mailbox.messages} == INVITED
    assert (
        "The education office invites you" in mailbox.last("dwi.hartono@smkn99.contoh.sch.id").text
    )


def test_the_command_dry_run_writes_and_sends_nothing(runner, db, world, mailbox):
    result, payload = _import(runner, GTK, "--dry-run")
    assert result.exit_code == 0 and payload["dry_run"] is True and payload["invited"] == 5
    assert len(_teachers(db)) == 2 and mailbox.messages == []


def test_the_command_refuses_the_numeric_export_with_its_rows(runner, db, world, mailbox):
    result, payload = _import(runner, NUMERIC)
    assert result.exit_code == 1
    assert [(e["row"], e["column"]) for e in payload["errors"]] == [
        (SRI, "NUPTK"),
        (BUDI, "NUPTK"),
        (RETNO, "NUPTK"),
        (YULIANA, "NUPTK"),
    ]
    assert len(_teachers(db)) == 2 and mailbox.messages == []


def test_the_command_without_json_prints_readable_lines(runner, world):
    result = runner.invoke(args=["teachers", "import", "--school", "20300002", str(FILES / GTK)])
    assert result.exit_code == 0, result.output
    assert "invited 5, added 0" in result.output
    assert f"row {AHMAD}: AHMAD FAUZI, S.T. has no email" in result.output
    unknown = runner.invoke(args=["teachers", "import", "--school", "11111111", str(FILES / GTK)])
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output


def test_two_offices_importing_the_same_list_at_once_invite_each_teacher_once(
    app, db, world, make_user, mailbox, monkeypatch
):
    """Both plan before either writes (on PostgreSQL; SQLite takes the write lock first): the
    email's unique constraint lets exactly one import invite, the other imports nothing."""
    from eduplatform.db import new_session
    from eduplatform.people import teacher_import

    barrier = threading.Barrier(2)
    planned = teacher_import.plan_teacher_import

    def plan_then_wait(session, **kwargs):
        result = planned(session, **kwargs)
        # On SQLite the other import waits for the write lock: the barrier breaks, it goes on.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return result

    monkeypatch.setattr(teacher_import, "plan_teacher_import", plan_then_wait)
    offices = [world.office.id, make_user("office").id]
    outcomes = []

    def run(office_id):
        try:
            with app.test_request_context("/?lang=en"), new_session(app) as own:
                school = own.get(type(world.other_school), world.other_school.id)
                result = import_teachers(
                    own,
                    actor=own.get(User, office_id),
                    school=school,
                    teachers=parse_teacher_list(_file(GTK)),
                )
                outcomes.append(("done", result.count("invite")))
        except Invalid as refused:
            outcomes.append(("refused", str(refused.errors[0]["message"])))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(("error", repr(error)))

    threads = [threading.Thread(target=run, args=(office_id,)) for office_id in offices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) in (
        [("done", 0), ("done", 5)],  # one after the other
        [
            ("done", 5),
            ("refused", "Someone changed these teachers at the same time. Nothing was imported."),
        ],
    )
    teachers = [t for t in _teachers(db) if t.email in INVITED]
    assert len(teachers) == 5
    assert sorted(m.rcpt_tos[0] for m in mailbox.messages) == sorted(INVITED)


# Teachers on the platform whose accounts are not active --------------------------------------


def _inactive_budi_and_retno(app, db, world, make_user):
    """Budi (named by NUPTK) was deactivated by an admin; Retno (named by email) was invited and
    the invitation withdrawn before she signed in."""
    from eduplatform.auth.recovery import withdraw_invitation
    from eduplatform.people.service import set_active

    admin = make_user("admin")
    budi = world.teacher
    budi.nuptk = "9999000255000002"
    db.add(budi)
    db.commit()
    retno = make_user(
        "teacher", organization=world.school, email="retno.k@smkn99.contoh.sch.id", password=None
    )
    with app.test_request_context():
        set_active(db, actor=admin, user=budi, active=False)
        withdraw_invitation(session=db, actor=admin, user=retno)
    return budi, retno


def test_an_inactive_teacher_gets_the_school_but_is_not_reactivated_and_the_rows_say_so(
    app, db, world, make_user
):
    budi, retno = _inactive_budi_and_retno(app, db, world, make_user)
    with app.test_request_context():
        result = import_teachers(
            db, actor=world.office, school=world.other_school,
            teachers=parse_teacher_list(_file(GTK)),
        )  # fmt: skip
    states = {p.row.row: p.inactive for p in result.planned if p.inactive}
    assert states == {BUDI: "deactivated", RETNO: "invitation_withdrawn"}
    summary = result.summary()
    assert [(e["row"], e["state"], e["teacher_id"]) for e in summary["inactive"]] == [
        (BUDI, "deactivated", budi.id),
        (RETNO, "invitation_withdrawn", retno.id),
    ]
    for teacher in (budi, retno):
        db.refresh(teacher)
        assert not teacher.active  # the import never reactivates
        assert world.other_school.id in school_ids(teacher, db)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "school.teachers_imported")).one()
    assert event.details["inactive"] == 2


def test_the_office_sees_the_inactive_rows_and_reactivates_from_the_teacher_list(
    client, login, db, world, make_user, mailbox
):
    budi, retno = _inactive_budi_and_retno(client.application, db, world, make_user)
    login(world.office)
    page = _upload(client, world.other_school.id, _file(GTK), GTK).get_data(as_text=True)
    assert "Deactivated on the platform, not reactivated" in page
    assert page.count("already on the platform but deactivated: reactivate them") == 2  # list, row
    assert page.count("their invitation was withdrawn: invite them again") == 2
    done = _confirm(client, world.other_school.id, page).get_data(as_text=True)
    assert "Not reactivated" in done
    reactivate = f"/schools/{world.other_school.id}/teachers/{budi.id}/reactivate"
    invite = f"/schools/{world.other_school.id}/teachers/{retno.id}/reactivate"
    assert reactivate in done and invite in done
    mailbox.clear()

    asked = client.get(reactivate + "?lang=en").get_data(as_text=True)
    assert "Reactivate Budi Santoso?" in asked and "Deactivated on" in asked
    assert not db.get(User, budi.id).active  # asking writes nothing
    assert client.post(reactivate + "?lang=en").status_code == 302
    db.refresh(budi)
    assert budi.active and mailbox.messages == []
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.reactivated")).one()
    assert event.actor_id == world.office.id and event.details == {
        "school_id": world.other_school.id
    }

    asked = client.get(invite + "?lang=en").get_data(as_text=True)
    assert (
        f"Invite {retno.full_name} again?" in asked and "Their invitation was withdrawn on" in asked
    )
    assert client.post(invite + "?lang=en").status_code == 302
    db.refresh(retno)
    assert retno.active and retno.password_hash is None
    letter = mailbox.last("retno.k@smkn99.contoh.sch.id")
    assert any("/account/password?token=" in link for link in letter.links)
    # Active now: the page says so and a second confirmation changes nothing.
    assert "is already active" in client.get(reactivate + "?lang=en").get_data(as_text=True)


def test_an_active_teacher_or_another_schools_is_not_reactivated_here(client, login, world):
    login(world.office)
    url = f"/schools/{world.school.id}/teachers/{world.other_teacher.id}/reactivate"
    assert client.get(url).status_code == 404  # not a teacher of this school
    own = f"/schools/{world.school.id}/teachers/{world.teacher.id}/reactivate?lang=en"
    assert client.post(own).status_code == 200
    assert "is already active" in client.get(own).get_data(as_text=True)


def test_the_command_names_the_inactive_rows(runner, app, db, world, make_user):
    _inactive_budi_and_retno(app, db, world, make_user)
    result = runner.invoke(args=["teachers", "import", "--school", "20300002", str(FILES / GTK)])
    assert result.exit_code == 0, result.output
    assert (
        f"row {BUDI}: BUDI SANTOSO, S.Pd. is already on the platform but deactivated: "
        "reactivate them"
    ) in result.output
    assert f"row {RETNO}:" in result.output and "invitation was withdrawn" in result.output
