"""A school with its partner university, people on both sides, and a helper to plan activities."""

import html
from dataclasses import dataclass
from datetime import timedelta

import pytest
from werkzeug.security import generate_password_hash

from eduplatform.clock import local_today
from eduplatform.exchange import partnerships, service
from eduplatform.exchange.models import Partnership
from eduplatform.people.models import Organization, User
from tests.conftest import PASSWORD

TODAY = local_today()  # the schools' date, as the app's


def text(response):
    """The response body as a person reads it (HTML entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


@dataclass
class World:
    school: Organization
    other_school: Organization
    university: Organization
    partnership: Partnership
    teacher: User
    student: User
    author: User
    office: User
    other_teacher: User
    other_author: User


@pytest.fixture
def person(db, make_user):
    """person(role, organization, **fields): a user whose password hash is cheap to check."""

    def make(role, organization=None, **fields):
        user = make_user(role, organization=organization, password=None, **fields)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
        db.add(user)
        db.commit()
        return user

    return make


@pytest.fixture
def world(db, make_org, person):
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    other_school = make_org("school", name="SMK Lain")
    university = make_org("university", name="Xi'an Automotive University")
    elsewhere = make_org("university", name="Another University")
    office = person("office")
    partnership = partnerships.create_partnership(
        db,
        actor=office,
        school=school,
        partner=university,
        kind="university",
        areas=["education", "culture"],
        mou_reference="MOU/2025/017",
        status="active",
    )
    return World(
        school=school,
        other_school=other_school,
        university=university,
        partnership=partnership,
        teacher=person("teacher", organization=school, full_name="Budi Santoso"),
        student=person("student", organization=school, full_name="Siti Rahayu"),
        author=person("author", organization=university, full_name="Chen Jing"),
        office=office,
        other_teacher=person("teacher", organization=other_school),
        other_author=person("author", organization=elsewhere),
    )


@pytest.fixture
def plan(db, world):
    """plan(**fields): an activity planned by the school's teacher (defaults: today, 2 days)."""

    def make(actor=None, partnership=None, **fields):
        values = {
            "kind": "joint_workshop",
            "title": "EV battery workshop",
            "starts_on": TODAY,
            "ends_on": TODAY + timedelta(days=1),
            "place": "Workshop B, SMK Negeri 2",
            "languages": ["id", "zh"],
            "currency": "IDR",
            "cost_travel": "1500000",
        }
        values.update(fields)
        return service.create_activity(
            db,
            actor=actor or world.teacher,
            partnership=partnership or world.partnership,
            **values,
        )

    return make
