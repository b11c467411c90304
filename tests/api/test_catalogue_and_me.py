"""The catalogue, the caller's profile and progress, in the asked language."""

from tests.api.conftest import problem


def test_programs_and_modules_for_every_role(api, world):
    for user in (world.student, world.teacher, world.author, world.office, world.admin):
        assert api("GET", "/programs", user, scope="read").status_code == 200, user.role
        modules = api("GET", "/modules", user, scope="read").get_json()["items"]
        assert [m["code"] for m in modules] == ["EV-101", "EV-102"], user.role


def test_texts_come_in_the_asked_language_with_a_fallback_mark(api, world):
    items = api("GET", "/modules?lang=zh", world.student).get_json()["items"]
    assert items[0]["title"] == {"text": "模块 EV-101", "lang": "zh", "fallback": False}
    assert items[0]["summary"]["fallback"] is True and items[0]["summary"]["lang"] == "id"
    english = api("GET", "/programs?lang=en", world.student).get_json()["items"]
    assert english[0]["title"]["text"] == "EV mechanic"


def test_modules_filter_by_program_code(api, world):
    items = api("GET", "/modules?program=EV-MECH", world.student).get_json()["items"]
    assert len(items) == 2
    unknown = api("GET", "/modules?program=NOPE", world.student)
    assert unknown.status_code == 422
    assert problem(unknown)["errors"][0]["field"] == "program"


def test_a_module_has_its_units_and_prerequisites(api, world):
    response = api("GET", "/modules/EV-102?lang=en", world.student)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"]["number"] == 1 and body["version"]["status"] == "published"
    units = {u["code"]: u for u in body["units"]}
    assert units["EV-102-U2"]["prerequisites"] == ["EV-102-U1"]
    assert units["EV-102-U2"]["safety_critical"] is True
    assert units["EV-102-U2"]["title"]["fallback"] is True
    assert units["EV-102-U1"]["practice_hours"] == 2.0


def test_an_unknown_module_answers_404(api, world):
    assert api("GET", "/modules/EV-999", world.student).status_code == 404


def test_me_describes_the_caller(api, world):
    body = api("GET", "/me", world.student).get_json()
    assert body["id"] == world.student.id and body["role"] == "student"
    assert body["nisn"] == world.student.nisn
    assert body["organization"]["id"] == world.school.id


def test_progress_shows_each_units_state(api, world, verified, logged):
    verified("EV-101-U1")
    logged("EV-101-U2")
    body = api("GET", "/me/progress", world.student).get_json()
    assert body["cohort"]["id"] == world.cohort.id
    states = {u["code"]: u for m in body["modules"] for u in m["units"]}
    assert states["EV-101-U1"]["state"] == "verified"
    assert states["EV-101-U2"]["state"] == "submitted"
    assert states["EV-102-U1"]["state"] == "not_started" and states["EV-102-U1"]["can_log"]
    locked = states["EV-102-U2"]
    # It waits for EV-102-U1 as well, but the high-voltage safety rule is the reason given.
    assert locked["state"] == "locked" and locked["locked_reason"] == "safety"
    assert locked["missing"] == ["EV-101-U2"]
    first = body["modules"][0]
    assert (first["verified"], first["total"], first["percent"]) == (1, 2, 50)


def test_progress_of_someone_outside_a_class_is_empty(api, world):
    body = api("GET", "/me/progress", world.teacher).get_json()
    assert body == {"cohort": None, "modules": []}
