"""A participant is someone the actor may choose: the list on the page and the check of a posted
id are one query, and everything else gets one and the same refusal (no account enumeration).

Security issue #13, item 2: a teacher of school B (and the university's author) added a school-A
student by posting an id the list did not offer, and the messages told "no such account",
"not in the partnership" and "already takes part" apart.
"""

import re

import pytest
from sqlmodel import select

from eduplatform.errors import Invalid
from eduplatform.exchange import participation, partnerships, queries, service
from eduplatform.exchange.models import ActivityParticipant
from tests.exchange.conftest import TODAY, text

REFUSAL = "Choose a person from the list."


@pytest.fixture
def sisters(db, world, person):
    """School A (the world's school) twinned with school B, each with a teacher and a student."""
    school_b = world.other_school
    partnership = partnerships.create_partnership(
        db, actor=world.office, school=world.school, partner=school_b, kind="sister_school",
        status="active",
    )  # fmt: skip
    teacher_b = world.other_teacher
    student_b = person("student", organization=school_b, full_name="Dewi Lestari")
    activity = service.create_activity(
        db, actor=teacher_b, partnership=partnership, kind="student_exchange",
        title="Exchange week", starts_on=TODAY, ends_on=TODAY, place="SMK Lain",
    )  # fmt: skip
    return partnership, activity, teacher_b, student_b


def _post(client, activity, user_id):
    return client.post(
        f"/exchange/activities/{activity.id}/participants?lang=en",
        data={"p-user_id": str(user_id), "p-role": "participant", "p-hours": ""},
    )


def _offered(client, activity):
    page = text(client.get(f"/exchange/activities/{activity.id}"))
    select_html = re.search(r'<select[^>]*id="p-user_id".*?</select>', page, re.S).group(0)
    return {int(v) for v in re.findall(r'value="(\d+)"', select_html)}


def test_teacher_of_school_b_cannot_add_a_school_a_student_by_posting_the_id(
    client, login, db, world, sisters
):
    _partnership, activity, teacher_b, student_b = sisters
    login(teacher_b)
    assert world.student.id not in _offered(client, activity)
    assert student_b.id in _offered(client, activity)
    refused = _post(client, activity, world.student.id)
    assert refused.status_code == 422
    assert REFUSAL in text(refused)
    assert db.exec(select(ActivityParticipant)).all() == []


def test_the_university_author_cannot_add_a_student_by_posting_the_id(
    client, login, db, world, plan
):
    activity = plan()
    login(world.author)
    assert world.student.id not in _offered(client, activity)
    refused = _post(client, activity, world.student.id)
    assert refused.status_code == 422 and REFUSAL in text(refused)
    assert db.exec(select(ActivityParticipant)).all() == []


def test_unknown_foreign_and_repeated_people_get_one_and_the_same_refusal(
    client, login, db, world, sisters, person, make_org
):
    """No account, an account outside the partnership, a participant already, someone else's
    student: the page answers each with the same words, so it tells nothing about accounts."""
    _partnership, activity, teacher_b, student_b = sisters
    outsider = person("teacher", organization=make_org("school", name="SMK Ketiga"))
    login(teacher_b)
    assert _post(client, activity, student_b.id).status_code == 302
    answers = {}
    for case, user_id in {
        "no such account": 987654321,
        "not in the partnership": outsider.id,
        "already takes part": student_b.id,
        "a school-A student": world.student.id,
        "the office": world.office.id,
    }.items():
        response = _post(client, activity, user_id)
        assert response.status_code == 422, case
        page = text(response)
        errors = re.findall(r'<p class="error" id="p-user_id-error">(.*?)</p>', page)
        answers[case] = errors
    assert set(map(tuple, answers.values())) == {(REFUSAL,)}, answers
    assert len(db.exec(select(ActivityParticipant)).all()) == 1


@pytest.mark.parametrize("role", ["teacher_b", "teacher_a", "author", "office"])
def test_the_list_offered_is_exactly_what_the_service_accepts(db, world, sisters, person, role):
    partnership, activity, teacher_b, student_b = sisters
    actor = {
        "teacher_b": teacher_b,
        "teacher_a": world.teacher,
        "author": world.author,
        "office": world.office,
    }[role]
    everyone = [world.teacher, world.student, world.author, world.other_author, teacher_b,
                student_b, world.office]  # fmt: skip
    offered = {u.id for u in queries.candidate_people(db, partnership, viewer=actor)}
    for user in everyone:
        try:
            participation.add_participant(
                db, actor=actor, activity=activity, partnership=partnership, user_id=user.id
            )
        except Invalid as refused:
            assert refused.for_field("user_id") == [REFUSAL]
            assert user.id not in offered, (role, user.full_name)
        else:
            assert user.id in offered, (role, user.full_name)
    students = {world.student.id, student_b.id} & offered
    assert (
        students
        == {
            "teacher_b": {student_b.id},
            "teacher_a": {world.student.id},
            "author": set(),
            "office": {world.student.id, student_b.id},
        }[role]
    )
