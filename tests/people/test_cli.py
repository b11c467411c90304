import csv
import json
import os

import openpyxl
import pytest
from sqlmodel import func, select

from eduplatform.curriculum.models import Program
from eduplatform.people.models import ActivationCode, Cohort, CohortTeacher, Enrollment, User
from tests.people.conftest import roster_csv, roster_xlsx, students
from tests.xlsx_bombs import reported_bomb, wide_row_bomb


def _run(runner, *args, input=None):
    result = runner.invoke(args=list(args), input=input)
    return result, (json.loads(result.output) if result.output.strip().startswith("{") else None)


def test_cohorts_create_prints_the_class_as_json(runner, world, db):
    db.add(Program(code="EV", title={"en": "EV mechanic"}))
    db.commit()
    result, payload = _run(
        runner,
        "cohorts",
        "create",
        "--school",
        "20300001",
        "--name",
        "XI TKRO 2",
        "--year",
        "2025/2026",
        "--program",
        "EV",
        "--teacher",
        world.teacher.email,
        "--json",
    )
    assert result.exit_code == 0, result.output
    cohort = db.get(Cohort, payload["cohort"]["id"])
    assert (cohort.name, cohort.academic_year, cohort.school_id) == (
        "XI TKRO 2",
        "2025/2026",
        world.school.id,
    )
    assert payload["cohort"]["teacher_ids"] == [world.teacher.id]
    assert db.exec(select(CohortTeacher).where(CohortTeacher.cohort_id == cohort.id)).one()


def test_cohorts_create_refuses_a_bad_year_and_another_schools_teacher(runner, world, db):
    result, payload = _run(
        runner,
        "cohorts",
        "create",
        "--school",
        "20300001",
        "--name",
        "X",
        "--year",
        "2025/2027",
        "--teacher",
        world.other_teacher.email,
        "--json",
    )
    assert result.exit_code == 1
    assert {e["field"] for e in payload["errors"]} == {"academic_year", "teachers"}
    assert db.exec(select(func.count()).select_from(Cohort)).one() == 2


def test_cohorts_create_without_json_prints_a_line_and_no_traceback(runner, world):
    result = runner.invoke(
        args=["cohorts", "create", "--school", "99999999", "--name", "X", "--year", "2025/2026"]
    )
    assert result.exit_code == 1
    assert "no school has NPSN" in result.output and "Traceback" not in result.output


def test_users_create_with_cohort_enrols_the_student(runner, world, db):
    newer = Cohort(school_id=world.school.id, name="XI TKRO 1", academic_year="2026/2027")
    db.add(newer)
    db.commit()
    result, payload = _run(
        runner,
        "users",
        "create",
        "--name",
        "Siti",
        "--role",
        "student",
        "--org",
        "20300001",
        "--nisn",
        "0012345678",
        "--cohort",
        "XI TKRO 1",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert payload["user"]["cohort_id"] == newer.id  # the most recent year of that name
    enrollment = db.exec(select(Enrollment)).one()
    assert (enrollment.student_id, enrollment.cohort_id) == (payload["user"]["id"], newer.id)


def test_users_create_with_a_cohort_of_another_school_writes_nothing(runner, world, db):
    db.add(Cohort(school_id=world.other_school.id, name="XII TKRO 9", academic_year="2025/2026"))
    db.commit()
    result, payload = _run(
        runner,
        "users",
        "create",
        "--name",
        "Siti",
        "--role",
        "student",
        "--org",
        "20300001",
        "--nisn",
        "0012345678",
        "--cohort",
        "XII TKRO 9",
        "--json",
    )
    assert result.exit_code == 1 and payload["errors"][0]["field"] == "cohort"
    assert db.exec(select(User).where(User.nisn == "0012345678")).first() is None


def test_users_create_is_one_transaction(runner, world, db):
    result, _ = _run(
        runner,
        "users",
        "create",
        "--name",
        "Siti",
        "--role",
        "student",
        "--org",
        "20300001",
        "--nisn",
        "12",
        "--cohort",
        "XI TKRO 1",
        "--json",
    )
    assert result.exit_code == 1
    assert db.exec(select(func.count()).select_from(Enrollment)).one() == 0


def test_roster_import_of_a_40_student_csv_prints_counts(runner, world, db, tmp_path):
    path = tmp_path / "kelas-xi-tkro-1.csv"
    path.write_bytes(roster_csv(students(40)))
    codes = tmp_path / "codes.csv"
    result, payload = _run(
        runner,
        "roster",
        "import",
        "--school",
        "20300001",
        "--cohort",
        "XI TKRO 1",
        str(path),
        "--codes-csv",
        str(codes),
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert payload == {
        "created": 40,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "activation_codes": 40,
    }
    with codes.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["name", "nisn", "code", "valid_until"] and len(rows) == 41
    assert rows[1][1] == "0008000000" and len(rows[1][2]) == 8
    assert os.stat(codes).st_mode & 0o777 == 0o600
    assert rows[1][2] not in result.output


def test_roster_import_writes_the_codes_as_a_workbook_that_keeps_nisn_as_text(
    runner, world, tmp_path
):
    path = tmp_path / "kelas.csv"
    path.write_bytes(roster_csv(students(3)))
    codes = tmp_path / "codes.xlsx"
    result, _ = _run(
        runner, "roster", "import", "--school", "20300001", "--cohort", "XI TKRO 1",
        str(path), "--codes-xlsx", str(codes),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"3 activation codes written to {codes}" in result.output
    assert os.stat(codes).st_mode & 0o777 == 0o600
    rows = list(openpyxl.load_workbook(codes).active.iter_rows(min_row=2))
    assert [row[1].value for row in rows] == ["0008000000", "0008000001", "0008000002"]
    assert all(row[1].data_type == row[2].data_type == "s" for row in rows)
    assert all(row[1].number_format == row[2].number_format == "@" for row in rows)
    assert all(len(row[2].value) == 8 and row[2].value not in result.output for row in rows)


def test_roster_import_of_a_40_student_xlsx_then_again_changes_nothing(runner, world, db, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster_xlsx(students(40)))
    args = ["roster", "import", "--school", "20300001", "--cohort", "XI TKRO 1", str(path)]
    args.append("--json")
    first, payload = _run(runner, *args)
    assert first.exit_code == 0 and payload["created"] == 40
    again, payload = _run(runner, *args)
    assert payload == {"created": 0, "updated": 0, "unchanged": 40, "errors": []}
    assert db.exec(select(func.count()).select_from(ActivationCode)).one() == 40


def test_roster_import_refuses_with_row_numbered_errors_and_exit_1(runner, world, db, tmp_path):
    rows = students(20)
    rows[15] = ("123456789", *rows[15][1:])
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv(rows))
    result, payload = _run(
        runner,
        "roster",
        "import",
        "--school",
        "20300001",
        "--cohort",
        "XI TKRO 1",
        str(path),
        "--json",
    )
    assert result.exit_code == 1
    assert payload["created"] == 0 and payload["errors"][0]["row"] == 17
    assert payload["errors"][0]["column"] == "NISN"
    assert db.exec(select(func.count()).select_from(User).where(User.role == "student")).one() == 0


def test_roster_import_dry_run_writes_nothing(runner, world, db, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv(students(3)))
    result, payload = _run(
        runner,
        "roster",
        "import",
        "--school",
        "20300001",
        "--cohort",
        "XI TKRO 1",
        str(path),
        "--dry-run",
        "--json",
    )
    assert result.exit_code == 0 and payload["created"] == 3 and payload["dry_run"] is True
    assert db.exec(select(func.count()).select_from(User).where(User.role == "student")).one() == 0


def test_roster_import_cannot_reach_another_schools_class_or_students(
    runner, world, make_user, tmp_path, db
):
    path = tmp_path / "roster.csv"
    make_user("student", organization=world.other_school, nisn="0008000000")
    path.write_bytes(roster_csv(students(2)))
    result, payload = _run(
        runner,
        "roster",
        "import",
        "--school",
        "20300001",
        "--cohort",
        "XII Unknown",
        str(path),
        "--json",
    )
    assert result.exit_code == 1 and "no class named" in payload["errors"][0]["message"]
    result, payload = _run(
        runner,
        "roster",
        "import",
        "--school",
        "20300001",
        "--cohort",
        "XI TKRO 1",
        str(path),
        "--json",
    )
    assert result.exit_code == 1
    assert payload["errors"][0]["message"].startswith("This NISN cannot be used for this school.")
    other = db.exec(select(User).where(User.nisn == "0008000000")).one()
    assert other.organization_id == world.other_school.id


def test_roster_import_of_a_non_spreadsheet_file_is_refused_readably(runner, world, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = runner.invoke(
        args=["roster", "import", "--school", "20300001", "--cohort", "XI TKRO 1", str(path)]
    )
    assert result.exit_code == 1
    assert "neither a CSV nor an XLSX" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("bomb", "message"),
    [(reported_bomb, "compressed"), (wide_row_bomb, "more than 256 columns")],
)
def test_roster_import_refuses_a_workbook_bomb_before_opening_it(
    runner, world, db, tmp_path, monkeypatch, bomb, message
):
    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    path = tmp_path / "kelas.xlsx"
    path.write_bytes(bomb())
    result, payload = _run(
        runner,
        "roster",
        "import",
        "--school",
        "20300001",
        "--cohort",
        "XI TKRO 1",
        str(path),
        "--json",
    )
    assert result.exit_code == 1
    assert payload["created"] == 0 and payload["errors"][0]["row"] is None
    assert message in payload["errors"][0]["message"]
    assert db.exec(select(func.count()).select_from(User).where(User.role == "student")).one() == 0
