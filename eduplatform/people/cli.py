"""`eduplatform orgs` and `eduplatform users`."""

import sys

import click
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option, refuse
from eduplatform.db import new_session
from eduplatform.errors import Invalid
from eduplatform.people import service
from eduplatform.people.cohorts import enroll_student, find_cohort
from eduplatform.people.models import OrgKind, Role


@click.group("orgs")
def orgs():
    """Organizations: schools, universities, education offices."""


@orgs.command("create")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.option("--name", required=True)
@click.option("--npsn", help="8-digit national school id (Indonesian schools).")
@click.option("--city", default="")
@click.option("--country", default="ID", show_default=True, help="ISO 3166 two-letter code.")
@json_option
@with_appcontext
def create_org(kind, name, npsn, city, country, as_json):
    """Create an organization."""
    with new_session() as session:
        try:
            org = service.create_organization(
                session, actor=None, kind=kind, name=name, npsn=npsn, city=city, country=country
            )
        except Invalid as refused:
            refuse(refused, as_json)
        emit(
            {
                "organization": {
                    "id": org.id,
                    "kind": org.kind,
                    "name": org.name,
                    "npsn": org.npsn,
                    "city": org.city,
                    "country": org.country,
                }
            },
            as_json,
            [f"created organization {org.id}: {org.name}"],
        )


@click.group("users")
def users():
    """User accounts."""


@users.command("create")
@click.option("--email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_ref", help="Organization: NPSN, id or exact name.")
@click.option("--nisn", help="10-digit national student id (students).")
@click.option("--cohort", "cohort_name", help="Class of the student's school to enrol them in.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@json_option
@with_appcontext
def create_user(email, name, role, org_ref, nisn, cohort_name, password_stdin, as_json):
    """Create a user account (a student may be enrolled in a class at once)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with new_session() as session:
        organization = service.find_organization(session, org_ref) if org_ref else None
        if org_ref and organization is None:
            refuse([{"field": "org", "message": f"no organization matches {org_ref!r}"}], as_json)
        cohort = None
        if cohort_name is not None:
            if role != Role.STUDENT or organization is None:
                refuse(
                    [{"field": "cohort", "message": "only a student of a school joins a class"}],
                    as_json,
                )
            cohort = find_cohort(session, school=organization, name=cohort_name)
            if cohort is None:
                message = f"{organization.name} has no class named {cohort_name!r}"
                refuse([{"field": "cohort", "message": message}], as_json)
        try:
            user = service.create_user(
                session,
                actor=None,
                email=email,
                full_name=name,
                role=role,
                organization=organization,
                nisn=nisn,
                password=password,
                commit=False,
            )
            if cohort is not None:
                enroll_student(session, actor=None, cohort=cohort, student=user, commit=False)
            session.commit()
        except Invalid as refused:
            session.rollback()
            refuse(refused, as_json)
        payload = {
            "user": {
                "id": user.id,
                "email": user.email,
                "full_name": user.full_name,
                "role": user.role,
                "organization_id": user.organization_id,
                "nisn": user.nisn,
                "cohort_id": cohort.id if cohort else None,
            }
        }
        emit(payload, as_json, [f"created user {user.id}: {user.login_name} ({user.role})"])
