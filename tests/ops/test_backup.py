import json

from sqlmodel import select

from eduplatform.db import get_engine
from eduplatform.ops.backup import table_checksums
from eduplatform.people.models import User


def _fill(make_user, make_org, login, client):
    school = make_org("school")
    for n in range(5):
        make_user("student", organization=school, full_name=f"Siswa {n} Nur'aini 你好")
    login("admin")  # sessions and audit events too
    client.post("/logout")


def test_backup_and_restore_round_trip_keeps_every_row(
    app, runner, make_user, make_org, login, client, tmp_path, db
):
    _fill(make_user, make_org, login, client)
    with get_engine(app).connect() as connection:
        before = table_checksums(connection)
    result = runner.invoke(args=["backup", str(tmp_path / "copy.bak"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tables"] == before

    for user in db.exec(select(User)).all():
        user.full_name = "changed"
        db.add(user)
    db.commit()
    refused = runner.invoke(args=["restore", str(tmp_path / "copy.bak"), "--json"])
    assert refused.exit_code == 1
    assert json.loads(refused.output)["errors"][0]["field"] == "force"

    restored = runner.invoke(args=["restore", str(tmp_path / "copy.bak"), "--force", "--json"])
    assert restored.exit_code == 0, restored.output
    with get_engine(app).connect() as connection:
        after = table_checksums(connection)
    assert after == before
    assert sum(t["rows"] for t in after.values()) >= 10


def test_restored_database_accepts_new_rows(app, runner, make_user, make_org, tmp_path):
    school = make_org("school")
    make_user("teacher", organization=school)
    runner.invoke(args=["backup", str(tmp_path / "b.bak")])
    runner.invoke(args=["restore", str(tmp_path / "b.bak"), "--force"])
    new = make_user("teacher", organization=school)  # ids continue past the restored rows
    assert new.id is not None


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a backup at all")
    result = runner.invoke(args=["restore", str(junk), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
