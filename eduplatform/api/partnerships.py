"""Partnerships of schools with partner organizations: staff read them, the office records them."""

from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from pydantic import Field

from eduplatform import scope
from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import page_list, page_of
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import (
    ApiInput,
    ApiOutput,
    Id,
    OrganizationRef,
    PageQuery,
    Text,
    organization_ref,
)
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.exchange import access, queries
from eduplatform.exchange import partnerships as exchange
from eduplatform.exchange.models import Area, Partnership, PartnershipKind, PartnershipStatus
from eduplatform.people.models import Role

TAG = "Exchange"
STAFF = (Role.TEACHER, Role.AUTHOR, Role.OFFICE, Role.ADMIN)


class Contact(ApiOutput):
    name: str
    email: str = ""
    phone: str = ""


class ContactIn(ApiInput):
    name: Text
    email: Text = ""
    phone: Text = ""


class PartnershipOut(ApiOutput):
    id: int
    school: OrganizationRef = Field(
        description="The school, or the education office for a city-wide partnership."
    )
    member_schools: list[OrganizationRef] = Field(
        description="A city-wide partnership's member schools (empty for a school's own)."
    )
    partner: OrganizationRef | None = Field(description="The partner, when it is on the platform.")
    partner_name: str | None = Field(description="The partner's name otherwise.")
    kind: str
    areas: list[str]
    mou_reference: str
    mou_signed_on: date | None
    started_on: date | None
    ended_on: date | None
    status: str
    contacts: list[Contact]
    notes: str
    created_at: datetime


class PartnershipIn(ApiInput):
    school: Id = Field(
        description="The school's organization id, or the education office's for a city-wide "
        "partnership."
    )
    member_schools: list[Id] = Field(
        default=[],
        max_length=500,
        description="A city-wide partnership's member schools (organization ids).",
    )
    kind: PartnershipKind
    partner: Id | None = Field(default=None, description="A partner organization's id.")
    partner_name: Text | None = Field(default=None, description="Or the partner's name.")
    areas: list[Area] = []
    mou_reference: Text = ""
    mou_signed_on: date | None = None
    started_on: date | None = None
    ended_on: date | None = None
    status: PartnershipStatus = PartnershipStatus.PROPOSED
    contacts: list[ContactIn] = []
    notes: Text = ""


class PartnershipQuery(PageQuery):
    school: Id | None = Field(default=None, description="Partnerships this organization is in.")
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None


PartnershipPage = page_of(PartnershipOut)


def partnership_out(partnership, organizations):
    return PartnershipOut(
        id=partnership.id,
        school=organization_ref(organizations[partnership.school_id]),
        member_schools=[
            organization_ref(organizations[i])
            for i in sorted(partnership.member_school_ids)
            if i in organizations
        ],
        partner=organization_ref(organizations.get(partnership.partner_id)),
        partner_name=partnership.partner_name,
        kind=partnership.kind,
        areas=partnership.areas,
        mou_reference=partnership.mou_reference,
        mou_signed_on=partnership.mou_signed_on,
        started_on=partnership.started_on,
        ended_on=partnership.ended_on,
        status=partnership.status,
        contacts=[Contact.model_validate(c) for c in partnership.contacts],
        notes=partnership.notes,
        created_at=partnership.created_at,
    )


def describe(db, partnership):
    return partnership_out(partnership, queries.organizations_of_partnerships(db, [partnership]))


@api_route(
    "/partnerships",
    summary="List partnerships",
    tag=TAG,
    roles=STAFF,
    query=PartnershipQuery,
    not_found=True,
    response=PartnershipPage,
    paginated=True,
)
def list_partnerships(query):
    """Partnerships the caller's organization is in (every one for the office), oldest first."""
    db = get_session()
    school = (  # 404 when unknown or not the caller's
        scope.load("organization", query.school, source="query", name="school")
        if query.school
        else None
    )
    rows = queries.list_partnerships(
        db, viewer=caller(), school_id=school and school.id, kind=query.kind, status=query.status
    )
    rows, next_cursor = page_list(rows, query, key=lambda p: (p.id,), size=1)
    organizations = queries.organizations_of_partnerships(db, rows)
    return PartnershipPage(
        items=[partnership_out(p, organizations) for p in rows], next=next_cursor
    )


@api_route(
    "/partnerships/<int:partnership_id>",
    summary="One partnership",
    tag=TAG,
    roles=STAFF,
    response=PartnershipOut,
)
def get_partnership(partnership_id):
    """A partnership the caller's organization is in (any for the office)."""
    db = get_session()
    partnership = db.get(Partnership, partnership_id)
    if partnership is None or not access.sees_partnership(caller(), partnership):
        raise ApiProblem(404)
    return describe(db, partnership)


@api_route(
    "/partnerships",
    method="POST",
    summary="Record a partnership",
    tag=TAG,
    roles=(Role.OFFICE, Role.ADMIN),
    body=PartnershipIn,
    response=PartnershipOut,
    status=201,
)
def create_partnership(body):
    """Record a school's partnership with an organization on the platform (`partner`) or a
    named outside partner (`partner_name`); or the city's: `school` is then the education
    office and `member_schools` the schools taking part."""
    db = get_session()
    partner = scope.json_id(body, "partner", "organization")
    if body.partner and partner is None:
        raise Invalid.field("partner", _("There is no organization with this id."))
    values = body.model_dump(exclude={"school", "partner", "contacts", "member_schools"})
    partnership = exchange.create_partnership(
        db,
        actor=caller(),
        school=scope.json_id(body, "school", "organization"),
        partner=partner,
        contacts=[c.model_dump() for c in body.contacts],
        member_schools=[
            scope.find("organization", i, source="json", name="member_schools")
            for i in body.member_schools
        ],
        **values,
    )
    location = url_for("api.get_partnership", partnership_id=partnership.id)
    return describe(db, partnership), {"Location": location}
