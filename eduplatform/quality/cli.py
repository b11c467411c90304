"""`eduplatform quality reviewers list | grant | revoke`: naming a university's quality reviewers
from the command line (the operator acts as an admin; every change is audited)."""

import click
from flask.cli import with_appcontext
from sqlmodel import select

from eduplatform.cli import emit, json_option, refuse
from eduplatform.db import new_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import User
from eduplatform.people.service import find_organization, normalize_email
from eduplatform.quality import service


@click.group("quality")
def quality():
    """University quality assurance."""


@quality.group("reviewers")
def reviewers():
    """Quality reviewers: a university's lecturers who sample the schools' decisions."""


def _user(session, email, as_json):
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        refuse([{"field": "email", "message": "No account has this email address."}], as_json)
    return user


def _member_json(member):
    grant = member.grant
    return {
        "id": member.user.id,
        "email": member.user.email,
        "full_name": member.user.full_name,
        "active": member.user.active,
        "reviewer": member.reviewer,
        "granted_at": grant.granted_at.isoformat() if grant else None,
        "granted_by": member.granted_by.email if member.granted_by else None,
        "teaches_at": [{"id": s.id, "name": s.name, "npsn": s.npsn} for s in member.teaches_at],
    }


@reviewers.command("list")
@click.option("--university", "university_ref", help="Only this university (id or exact name).")
@click.option("--reviewers-only", is_flag=True, help="Leave out lecturers who are not reviewers.")
@json_option
@with_appcontext
def list_reviewers(university_ref, reviewers_only, as_json):
    """Every university's lecturers with their reviewer permission."""
    with new_session(write=False) as session:
        found = service.universities(session)
        if university_ref:
            organization = find_organization(session, university_ref)
            if organization is None or service.find_university(session, organization.id) is None:
                message = f"no university matches {university_ref!r}"
                refuse([{"field": "university", "message": message}], as_json)
            found = [organization]
        items, lines = [], []
        for university in found:
            staff = [
                _member_json(member)
                for member in service.staff_of(session, university)
                if member.reviewer or not reviewers_only
            ]
            waiting = service.waiting_samples(session, university.id)
            items.append({"id": university.id, "name": university.name,
                          "samples_waiting": waiting, "staff": staff})  # fmt: skip
            lines.append(f"{university.name} (id {university.id}), {waiting} samples waiting:")
            lines += [_line(m) for m in staff] or ["  no lecturers"]
        emit({"universities": items}, as_json, lines or ["no universities"])


def _line(member):
    line = f"  {'reviewer' if member['reviewer'] else '-':<9}{member['email'] or '-'}"
    line += f"  {member['full_name']}" + ("" if member["active"] else "  (deactivated)")
    if member["teaches_at"]:
        line += "  teaches at " + ", ".join(s["name"] for s in member["teaches_at"])
    return line


def _change(email, as_json, grant):
    with new_session() as session:
        user = _user(session, email, as_json)
        try:
            if grant:
                row = service.grant_reviewer(session, actor=None, user=user)
                university_id, waiting = row.university_id, None
            else:
                revoked = service.revoke_reviewer(session, actor=None, user=user)
                university_id, waiting = revoked.university_id, revoked.samples_waiting
        except Invalid as refused:
            session.rollback()
            refuse(refused, as_json)
        except Conflict as conflict:
            session.rollback()
            refuse([{"field": "email", "message": str(conflict)}], as_json)
        payload = {
            "reviewer": {
                "id": user.id,
                "email": user.email,
                "full_name": user.full_name,
                "university_id": university_id,
                "reviewer": grant,
            }
        }
        if waiting is not None:
            payload["samples_waiting"] = waiting
        line = (
            f"{user.email} is now a quality reviewer (university {university_id})"
            if grant
            else f"{user.email} is no longer a quality reviewer; {waiting} samples wait for "
            "the university's other reviewers"
        )
        emit(payload, as_json, [line])


@reviewers.command("grant")
@click.option("--email", required=True, help="The lecturer's account.")
@json_option
@with_appcontext
def grant(email, as_json):
    """Name a university's lecturer a quality reviewer of their university."""
    _change(email, as_json, grant=True)


@reviewers.command("revoke")
@click.option("--email", required=True, help="The reviewer's account.")
@json_option
@with_appcontext
def revoke(email, as_json):
    """Take the permission away: their queue closes at their next request; the samples waiting
    stay for the university's other reviewers."""
    _change(email, as_json, grant=False)
