"""A teacher of two schools reads either school's dashboard (choosing it), never a third's."""

import re

from eduplatform.people.models import SchoolMembership
from tests.dashboard.conftest import TODAY, text


def _options(page):
    select = re.search(r'<select[^>]*name="school".*?</select>', page, re.S)
    return re.findall(r">([^<]+)</option>", select[0]) if select else []


def test_the_teacher_chooses_between_their_two_schools(client, login, db, make_org, scenario):
    db.add(SchoolMembership(user_id=scenario.teacher.id, school_id=scenario.other_school.id,
                            since=TODAY))  # fmt: skip
    db.commit()
    third = make_org("school", name="SMK Ketiga")
    login(scenario.teacher)
    home = text(client.get("/dashboard/?lang=en"))
    assert "<h1>SMK Negeri 2 Surakarta</h1>" in home
    assert _options(home) == ["SMK Negeri 2 Surakarta", scenario.other_school.name]
    second = client.get(f"/dashboard/?school={scenario.other_school.id}&lang=en")
    assert second.status_code == 200
    assert f"<h1>{scenario.other_school.name}</h1>" in text(second)
    assert client.get(f"/dashboard/schools/{scenario.other_school.id}").status_code == 200
    assert client.get(f"/dashboard/?school={third.id}").status_code == 404
    assert client.get(f"/dashboard/schools/{third.id}").status_code == 404
    export = f"/dashboard/export/cohorts.csv?school={scenario.other_school.id}"
    assert client.get(export).status_code == 200
    assert client.get(f"/dashboard/export/cohorts.csv?school={third.id}").status_code == 404


def test_a_teacher_of_one_school_has_no_school_choice(client, login, scenario):
    login(scenario.teacher)
    assert _options(text(client.get("/dashboard/?lang=en"))) == []
