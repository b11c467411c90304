import json

from sqlmodel import select

from eduplatform.exchange.models import Partnership


def test_cli_creates_a_partnership_with_a_platform_partner(runner, db, world):
    result = runner.invoke(
        args=["partnerships", "create", "--school", world.other_school.npsn,
              "--partner", world.university.name, "--kind", "university",
              "--areas", "education,culture", "--mou", "MOU/2026/9", "--json"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)["partnership"]
    assert payload["partner"]["id"] == world.university.id
    assert payload["areas"] == ["education", "culture"]
    assert payload["mou_reference"] == "MOU/2026/9"


def test_cli_records_an_unknown_partner_by_name(runner, db, world):
    result = runner.invoke(
        args=["partnerships", "create", "--school", world.school.npsn,
              "--partner", "PT Baterai Jaya", "--kind", "industry", "--json"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)["partnership"]
    assert payload["partner"] == {"id": None, "name": "PT Baterai Jaya", "kind": None}


def test_cli_refuses_bad_input_with_exit_1_and_writes_nothing(runner, db, world):
    before = len(db.exec(select(Partnership)).all())
    result = runner.invoke(
        args=["partnerships", "create", "--school", world.school.npsn,
              "--partner", "PT X", "--kind", "industry", "--areas", "space", "--json"]
    )  # fmt: skip
    assert result.exit_code == 1
    errors = json.loads(result.output)["errors"]
    assert errors[0]["field"] == "areas"
    missing = runner.invoke(
        args=["partnerships", "create", "--school", "12345678", "--partner", "PT X",
              "--kind", "industry", "--json"]
    )  # fmt: skip
    assert missing.exit_code == 1 and json.loads(missing.output)["errors"][0]["field"] == "school"
    assert len(db.exec(select(Partnership)).all()) == before


def test_cli_wrong_kind_is_a_usage_error(runner, world):
    result = runner.invoke(
        args=["partnerships", "create", "--school", world.school.npsn, "--partner", "X",
              "--kind", "friends"]
    )  # fmt: skip
    assert result.exit_code == 2


def test_cli_lists_partnerships_as_one_json_object(runner, world):
    result = runner.invoke(args=["partnerships", "list", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.output)["partnerships"]
    assert [p["id"] for p in items] == [world.partnership.id]
