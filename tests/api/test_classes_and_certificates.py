"""Classes and rosters for teachers and the office; certificates and their credential."""

import jwt

from tests.api.conftest import problem


def test_teacher_sees_their_schools_classes_and_the_office_all(api, world):
    mine = api("GET", "/cohorts", world.teacher).get_json()["items"]
    assert [c["id"] for c in mine] == [world.cohort.id]
    assert mine[0]["students"] == 2 and mine[0]["program"] == "EV-MECH"
    assert [t["id"] for t in mine[0]["teachers"]] == [world.teacher.id]
    everything = api("GET", "/cohorts", world.office).get_json()["items"]
    assert {c["id"] for c in everything} == {world.cohort.id, world.other_cohort.id}
    only = api("GET", f"/cohorts?school={world.other_school.id}", world.office).get_json()
    assert [c["id"] for c in only["items"]] == [world.other_cohort.id]


def test_students_and_authors_see_no_rosters(api, world):
    for user in (world.student, world.author):
        response = api("GET", "/cohorts", user)
        assert response.status_code == 403
        problem(response)
        assert api("GET", f"/cohorts/{world.cohort.id}/students", user).status_code == 403


def test_roster_lists_the_students_by_name(api, world):
    response = api("GET", f"/cohorts/{world.cohort.id}/students", world.teacher)
    names = [s["full_name"] for s in response.get_json()["items"]]
    assert names == ["Agus Pratama", "Siti Rahayu"]
    assert response.get_json()["items"][1]["enrollment"]["status"] == "active"


def test_another_schools_roster_is_not_found(api, world):
    response = api("GET", f"/cohorts/{world.other_cohort.id}/students", world.teacher)
    assert response.status_code == 404
    problem(response)
    assert api("GET", f"/cohorts/{world.other_cohort.id}/students", world.office).status_code == 200
    assert api("GET", "/cohorts/999999/students", world.office).status_code == 404


def test_certificates_by_scope(api, world, verified):
    verified("EV-101-U1", "EV-101-U2")
    verified("EV-101-U1", "EV-101-U2", student=world.other_student)
    own = api("GET", "/certificates", world.student).get_json()["items"]
    assert len(own) == 1 and own[0]["student"]["id"] == world.student.id
    assert api("GET", "/certificates", world.classmate).get_json()["items"] == []
    assert len(api("GET", "/certificates", world.teacher).get_json()["items"]) == 1
    assert len(api("GET", "/certificates", world.office).get_json()["items"]) == 2
    assert api("GET", "/certificates", world.author).status_code == 403


def test_one_certificate_and_its_credential(api, world, verified):
    verified("EV-101-U1", "EV-101-U2")
    code = api("GET", "/certificates", world.student).get_json()["items"][0]["code"]
    body = api("GET", f"/certificates/{code}", world.teacher).get_json()
    assert body["units"] == ["EV-101-U1", "EV-101-U2"] and body["hours"] == 4.0
    assert body["valid"] is True and body["verify_url"].endswith(f"/verify/{code}")
    credential = api("GET", f"/certificates/{code}/credential?lang=zh", world.student)
    assert credential.status_code == 200 and credential.mimetype == "application/json"
    document = credential.get_json()
    assert "OpenBadgeCredential" in document["type"]
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["credentialSubject"]["achievement"]["inLanguage"] == "zh"
    signed = api("GET", f"/certificates/{code}/credential/jwt?lang=zh", world.student)
    assert signed.status_code == 200 and signed.mimetype == "application/json"
    claims = jwt.decode(signed.get_json(), options={"verify_signature": False})
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "sub")} == unsigned


def test_certificates_outside_scope_are_not_found(api, world, verified):
    verified("EV-101-U1", "EV-101-U2")
    code = api("GET", "/certificates", world.student).get_json()["items"][0]["code"]
    for user in (world.classmate, world.other_teacher):
        assert api("GET", f"/certificates/{code}", user).status_code == 404
        assert api("GET", f"/certificates/{code}/credential", user).status_code == 404
        assert api("GET", f"/certificates/{code}/credential/jwt", user).status_code == 404
    assert api("GET", "/certificates/NOSUCHCODE", world.office).status_code == 404
