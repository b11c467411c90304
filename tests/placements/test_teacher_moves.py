"""A teacher who moves to another school leaves the industry placements he accompanies there:
the confirmation names them, and once confirmed they have no accompanying teacher (the school's
other teachers take them over), in the same transaction as the move, audited."""

import re

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.placements.models import Placement
from tests.conftest import PASSWORD


def _client(app, user):
    client = app.test_client()
    signed_in = client.post("/login", data={"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    return client


def _edit(pkl, role, organization):
    """The admin's form for Pak Budi, with this role and organization."""
    return {
        "full_name": pkl.teacher.full_name,
        "email": pkl.teacher.email,
        "role": role,
        "organization_id": str(organization.id),
    }


def test_moving_a_teacher_names_and_ends_the_placements_he_accompanies(
    app, db, pkl, make_placement
):
    running = make_placement()
    planned = make_placement(student=pkl.classmate, start=False)
    admin = _client(app, pkl.admin)
    values = _edit(pkl, "teacher", pkl.other_school)
    asked = admin.post(f"/admin/users/{pkl.teacher.id}?lang=en", data=values)
    page = asked.get_data(as_text=True)
    assert "Change the school of Pak Budi?" in page
    assert "2 industry placements lose their accompanying teacher" in page
    assert "Siti Rahma · Bengkel EV Sejahtera (Running" in page
    assert "Agus · Bengkel EV Sejahtera (Planned" in page
    db.expire_all()
    assert db.get(Placement, running.id).teacher_id == pkl.teacher.id  # nothing changed yet

    token = re.search(r'name="confirm_change" value="([^"]+)"', page)[1]
    moved = admin.post(f"/admin/users/{pkl.teacher.id}", data={**values, "confirm_change": token})
    assert moved.status_code == 302
    db.expire_all()
    assert db.get(Placement, running.id).teacher_id is None
    assert db.get(Placement, planned.id).teacher_id is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.school_changed")).one()
    assert sorted(event.details["placements_ids"]) == sorted([running.id, planned.id])

    teacher = _client(app, pkl.teacher)
    assert teacher.get(f"/placements/{running.id}").status_code == 404


def test_a_placement_started_after_the_page_was_shown_asks_again(app, db, pkl, make_placement):
    """The confirmation holds for what it named: a placement he took on meanwhile makes the
    change ask again instead of ending something nobody saw."""
    make_placement()
    admin = _client(app, pkl.admin)
    values = _edit(pkl, "teacher", pkl.other_school)
    page = admin.post(f"/admin/users/{pkl.teacher.id}?lang=en", data=values).get_data(as_text=True)
    token = re.search(r'name="confirm_change" value="([^"]+)"', page)[1]
    later = make_placement(student=pkl.classmate, start=False)
    again = admin.post(f"/admin/users/{pkl.teacher.id}", data={**values, "confirm_change": token})
    assert again.status_code != 302
    db.expire_all()
    assert db.get(Placement, later.id).teacher_id == pkl.teacher.id


def test_changing_only_the_role_asks_about_the_role(app, db, pkl):
    admin = _client(app, pkl.admin)
    values = _edit(pkl, "author", pkl.school)
    page = admin.post(f"/admin/users/{pkl.teacher.id}?lang=en", data=values).get_data(as_text=True)
    assert "Change the role of Pak Budi?" in page and "Change the school of" not in page


def test_another_teacher_of_the_school_takes_the_placement_over(app, db, pkl, make_placement):
    """Left without an accompanying teacher, a placement offers its school's teachers to take
    it over (once: a second teacher is told someone did); other schools' teachers get 404."""
    from eduplatform.people.models import User

    placement = make_placement()
    stored = db.get(Placement, placement.id)
    stored.teacher_id = None
    db.add(stored)
    db.commit()
    colleague = User(
        email="colleague@example.org", full_name="Bu Rekan", role="teacher",
        organization_id=pkl.school.id, password_hash=pkl.teacher.password_hash,
    )  # fmt: skip
    db.add(colleague)
    db.commit()
    from eduplatform.people.memberships import add_membership

    with app.test_request_context():
        add_membership(db, teacher=colleague, school=pkl.school, actor=None)
    db.commit()

    foreign = _client(app, pkl.other_teacher)
    assert foreign.post(f"/placements/{placement.id}/accompany").status_code == 404

    teacher = _client(app, colleague)
    page = teacher.get(f"/placements/{placement.id}?lang=en").get_data(as_text=True)
    assert "Accompany this placement" in page
    taken = teacher.post(f"/placements/{placement.id}/accompany?lang=en", follow_redirects=True)
    assert "You accompany this placement now." in taken.get_data(as_text=True)
    db.expire_all()
    assert db.get(Placement, placement.id).teacher_id == colleague.id
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "placement.accompanied")).one()
    assert event.actor_id == colleague.id

    again = _client(app, pkl.teacher)
    answer = again.post(f"/placements/{placement.id}/accompany?lang=en", follow_redirects=True)
    assert "Another teacher accompanies this placement already" in answer.get_data(as_text=True)
    assert db.get(Placement, placement.id).teacher_id == colleague.id
