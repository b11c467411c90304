"""`eduplatform partnerships`: record and list partnerships of a school, or of the city (its
education office) with member schools."""

import click
from flask.cli import with_appcontext
from sqlmodel import col, select

from eduplatform.cli import emit, json_option, refuse
from eduplatform.clock import local_today
from eduplatform.db import new_session
from eduplatform.errors import Invalid
from eduplatform.exchange import partnerships as partnership_rules
from eduplatform.exchange.models import Area, Partnership, PartnershipKind, PartnershipStatus
from eduplatform.exchange.queries import school_partnerships
from eduplatform.people.models import Organization, OrgKind


def partnership_json(partnership, orgs):
    school = orgs.get(partnership.school_id)
    partner = orgs.get(partnership.partner_id)
    return {
        "id": partnership.id,
        "school": {"id": school.id, "npsn": school.npsn, "name": school.name, "kind": school.kind},
        "partner": (
            {"id": partner.id, "name": partner.name, "kind": partner.kind}
            if partner
            else {"id": None, "name": partnership.partner_name, "kind": None}
        ),
        "member_schools": [
            {"id": org.id, "npsn": org.npsn, "name": org.name}
            for org in sorted(
                (orgs[i] for i in partnership.member_school_ids if i in orgs),
                key=lambda org: org.name,
            )
        ],
        "kind": partnership.kind,
        "areas": partnership.areas,
        "status": partnership.status,
        "mou_reference": partnership.mou_reference,
        "mou_signed_on": partnership.mou_signed_on,
        "started_on": partnership.started_on,
        "ended_on": partnership.ended_on,
    }


def _orgs(session, partnerships):
    ids = set()
    for partnership in partnerships:
        ids |= partnership.member_ids
    rows = session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()
    return {org.id: org for org in rows}


def _school(session, npsn, as_json):
    school = session.exec(
        select(Organization).where(Organization.npsn == npsn, Organization.kind == OrgKind.SCHOOL)
    ).first()
    if school is None:
        refuse([{"field": "school", "message": f"no school has NPSN {npsn!r}"}], as_json)
    return school


def _office(session, ref, as_json):
    """The education office by id or exact name."""
    ref = ref.strip()
    query = select(Organization).where(Organization.kind == OrgKind.OFFICE)
    if ref.isdigit() and len(ref) < 10:
        office = session.exec(query.where(Organization.id == int(ref))).first()
    else:
        office = session.exec(query.where(Organization.name == ref)).first()
    if office is None:
        refuse([{"field": "city", "message": f"no education office is {ref!r}"}], as_json)
    return office


def _partner(session, ref):
    """An organization by id or exact name; None means the partner is recorded by name."""
    ref = ref.strip()
    if ref.isdigit():
        org = session.get(Organization, int(ref))
        if org is not None:
            return org
    return session.exec(select(Organization).where(Organization.name == ref)).first()


@click.group("partnerships")
def partnerships():
    """Partnerships of schools with universities, sister schools and industry."""


@partnerships.command("create")
@click.option("--school", "npsn", help="The school's NPSN (a school's own partnership).")
@click.option(
    "--city",
    "office_ref",
    help="Or the education office's id or exact name: a city-wide partnership.",
)
@click.option(
    "--member",
    "member_npsns",
    multiple=True,
    help="A member school's NPSN (city-wide partnerships; repeat for each school).",
)
@click.option(
    "--partner",
    "partner_ref",
    required=True,
    help="A platform organization's id or exact name; any other text records a named partner.",
)
@click.option("--kind", type=click.Choice([k.value for k in PartnershipKind]), required=True)
@click.option("--areas", default="", help="Comma-separated: " + ", ".join(a.value for a in Area))
@click.option("--mou", "mou_reference", default="", help="MoU reference.")
@click.option("--mou-date", "mou_signed_on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--start", "started_on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--end", "ended_on", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option(
    "--status",
    type=click.Choice([s.value for s in PartnershipStatus]),
    default=PartnershipStatus.ACTIVE.value,
    show_default=True,
)
@json_option
@with_appcontext
def create_partnership(
    npsn,
    office_ref,
    member_npsns,
    partner_ref,
    kind,
    areas,
    mou_reference,
    mou_signed_on,
    started_on,
    ended_on,
    status,
    as_json,
):
    """Record a partnership of a school (--school), or of the city (--city) with its member
    schools (--member)."""

    def day(value):
        return value.date() if value else None

    if bool(npsn) == bool(office_ref):
        raise click.UsageError("give either --school NPSN or --city OFFICE")
    with new_session() as session:
        school = _school(session, npsn, as_json) if npsn else _office(session, office_ref, as_json)
        members = [_school(session, member.strip(), as_json) for member in member_npsns]
        partner = _partner(session, partner_ref)
        try:
            partnership = partnership_rules.create_partnership(
                session,
                actor=None,
                school=school,
                kind=kind,
                partner=partner,
                partner_name=None if partner else partner_ref,
                areas=[a.strip() for a in areas.split(",") if a.strip()],
                mou_reference=mou_reference,
                mou_signed_on=day(mou_signed_on),
                started_on=day(started_on),
                ended_on=day(ended_on),
                status=status,
                member_schools=members,
            )
        except Invalid as refused:
            session.rollback()
            refuse(refused, as_json)
        payload = partnership_json(partnership, _orgs(session, [partnership]))
        lines = [
            f"created partnership {partnership.id}: {school.name} - "
            f"{payload['partner']['name']} ({kind})"
        ]
        lines += [f"  member school: {m['name']} ({m['npsn']})" for m in payload["member_schools"]]
        emit({"partnership": payload}, as_json, lines)


@partnerships.command("list")
@click.option("--school", "npsn", help="Only this school's (NPSN).")
@json_option
@with_appcontext
def list_partnerships(npsn, as_json):
    """List partnerships."""
    with new_session(write=False) as session:
        query = select(Partnership).order_by(Partnership.id)
        if npsn:
            school = _school(session, npsn, as_json)
            query = query.where(school_partnerships(school.id))
        rows = session.exec(query).all()
        orgs = _orgs(session, rows)
        items = [partnership_json(p, orgs) for p in rows]
        emit(
            {"partnerships": items, "as_of": local_today()},
            as_json,
            [
                f"{p['id']}: {p['school']['name']} - {p['partner']['name']} "
                f"({p['kind']}, {p['status']})"
                for p in items
            ]
            or ["no partnerships"],
        )
