import json

from sqlmodel import select

from eduplatform.people.models import Organization, User


def test_orgs_create_prints_json_with_the_id(runner, db):
    result = runner.invoke(
        args=[
            "orgs",
            "create",
            "--kind",
            "school",
            "--name",
            "SMK Satu",
            "--npsn",
            "11112222",
            "--city",
            "Surakarta",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["organization"]["npsn"] == "11112222"
    assert db.get(Organization, payload["organization"]["id"]).name == "SMK Satu"


def test_refused_input_exits_1_with_errors_and_writes_nothing(runner, db):
    result = runner.invoke(
        args=["orgs", "create", "--kind", "school", "--name", "SMK Dua", "--npsn", "12", "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"][0]["field"] == "npsn"
    assert db.exec(select(Organization)).all() == []


def test_wrong_usage_exits_2(runner):
    assert runner.invoke(args=["orgs", "create", "--kind", "planet", "--name", "X"]).exit_code == 2


def test_users_create_reads_the_password_from_stdin(runner, make_org, db):
    school = make_org("school", npsn="33334444")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "T@Example.org",
            "--name",
            "Pak Budi",
            "--role",
            "teacher",
            "--org",
            "33334444",
            "--password-stdin",
            "--json",
        ],
        input="a very good passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.email == "t@example.org")).one()
    assert user.organization_id == school.id
    assert user.check_password("a very good passphrase")


def test_users_create_refuses_an_unknown_organization(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "teacher",
            "--org",
            "99999999",
            "--json",
        ]
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"][0]["field"] == "org"


def test_readable_errors_without_json_and_no_traceback(runner):
    result = runner.invoke(args=["orgs", "create", "--kind", "school", "--name", ""])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_demo_is_idempotent_and_lists_one_account_per_role(runner, db):
    first = json.loads(runner.invoke(args=["demo", "--json"]).output)
    people = len(db.exec(select(User)).all())
    second = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert first["accounts"] == second["accounts"]
    assert {a["role"] for a in first["accounts"]} == {
        "admin",
        "office",
        "author",
        "teacher",
        "student",
    }
    assert len(db.exec(select(User)).all()) == people  # nobody twice
    # the five accounts sign in with the demo password; classmates await activation
    assert len([u for u in db.exec(select(User)).all() if u.password_hash]) == 5


def test_demo_if_empty_leaves_a_used_database_alone(runner, make_user, db):
    make_user("teacher")
    runner.invoke(args=["demo", "--if-empty", "--json"])
    assert len(db.exec(select(User)).all()) == 1


def test_db_current_shows_the_revision(runner):
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0
