"""Rules for partnerships: a school, or the city with member schools, and a partner organization
on the platform or a named outside partner.

A city-wide partnership is recorded by the city's education office (an organization of kind
office, on the school's side) with the schools taking part as its members: the seed's
sister-school programme is one such MoU that many schools take part in.

Each function checks everything first and raises Invalid before writing anything; on success it
records the audit event and commits one transaction.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.errors import Invalid
from eduplatform.exchange.models import (
    Area,
    ExchangeActivity,
    Partnership,
    PartnershipKind,
    PartnershipSchool,
    PartnershipStatus,
)
from eduplatform.exchange.validation import (
    Errors,
    check_date_range,
    check_length,
    clean_text,
    years_after,
)
from eduplatform.people.countries import COUNTRY_MESSAGE, is_country
from eduplatform.people.models import Organization, OrgKind
from eduplatform.people.service import EMAIL_RE, create_organization
from eduplatform.sqltypes import utcnow

PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")
MAX_CONTACTS = 10
# The programme twins the city's schools with each other and with the partner university.
SISTER_SCHOOL_PARTNERS = frozenset({OrgKind.SCHOOL, OrgKind.UNIVERSITY})
CITY_KINDS = frozenset({PartnershipKind.SISTER_SCHOOL, PartnershipKind.UNIVERSITY})
MAX_MEMBERS = 500
# How far ahead each date may lie. An MoU is signed before it is recorded; a partnership being
# proposed starts within a few years; an agreed end may be a whole MoU term ahead (five years is
# common, renewals add more). Decades ahead is a typing slip.
START_YEARS_AHEAD = 3
END_YEARS_AHEAD = 10


def parse_contacts(text):
    """Contacts from text, one per line: "name; email; phone" (email and phone optional)."""
    contacts = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")] + ["", ""]
        contacts.append({"name": parts[0], "email": parts[1], "phone": parts[2]})
    return contacts


def contacts_text(contacts):
    return "\n".join(
        "; ".join(v for v in (c.get("name", ""), c.get("email", ""), c.get("phone", "")) if v)
        for c in contacts or []
    )


def _check_contacts(errors, contacts):
    cleaned = []
    if len(contacts) > MAX_CONTACTS:
        errors.add("contacts", _l("List at most %(count)d contacts.", count=MAX_CONTACTS))
        return cleaned
    for number, contact in enumerate(contacts, start=1):
        name = clean_text(contact.get("name"))
        email = clean_text(contact.get("email")).casefold()
        phone = clean_text(contact.get("phone"))
        if not name or len(name) > 200:
            errors.add("contacts", _l("Contact %(number)d needs a name.", number=number))
        if email and not EMAIL_RE.match(email):
            errors.add(
                "contacts", _l("Contact %(number)d: enter a valid email address.", number=number)
            )
        if phone and not PHONE_RE.match(phone):
            errors.add(
                "contacts", _l("Contact %(number)d: enter a valid phone number.", number=number)
            )
        cleaned.append({"name": name, "email": email, "phone": phone})
    return cleaned


def _member_errors(errors, *, school, kind, partner, members):
    """A city-wide partnership's member schools: schools, each once, never its partner."""
    if school is None:
        return
    if school.kind != OrgKind.OFFICE:
        if members:
            errors.add(
                "member_schools",
                _l("Only a city-wide partnership (of the education office) has member schools."),
            )
        return
    if kind in set(PartnershipKind) and kind not in CITY_KINDS:
        errors.add(
            "kind", _l("A city-wide partnership is a sister-school or a university partnership.")
        )
    if len(members) > MAX_MEMBERS:
        errors.add("member_schools", _l("Choose at most %(count)d schools.", count=MAX_MEMBERS))
    for member in members:
        if member is None or member.kind != OrgKind.SCHOOL:
            errors.add("member_schools", _l("Choose member schools from the list."))
            break
        if partner is not None and member.id == partner.id:
            errors.add("member_schools", _l("The partner cannot also be a member school."))
            break


def _date_errors(errors, fields):
    today = local_today()
    limits = {
        "mou_signed_on": today,
        "started_on": years_after(today, START_YEARS_AHEAD),
        "ended_on": years_after(today, END_YEARS_AHEAD),
    }
    for field, latest in limits.items():
        if isinstance(fields[field], date):
            check_date_range(errors, field, fields[field], latest=latest)


def _partnership_errors(*, school, kind, partner, partner_name, fields, members=()):
    errors = Errors()
    if school is None or school.kind not in (OrgKind.SCHOOL, OrgKind.OFFICE):
        errors.add(
            "school", _l("Choose a school, or the education office for a city-wide partnership.")
        )
    if kind not in set(PartnershipKind):
        errors.add("kind", _l("Choose sister school, industry partner or university partner."))
    if partner is not None and partner_name:
        errors.add("partner_name", _l("Choose a partner organization or enter a name, not both."))
    elif partner is None and not partner_name:
        errors.add("partner", _l("Choose a partner organization or enter the partner's name."))
    elif partner is not None:
        if school is not None and partner.id == school.id:
            errors.add("partner", _l("A school cannot be its own partner."))
        elif kind == PartnershipKind.SISTER_SCHOOL and partner.kind not in SISTER_SCHOOL_PARTNERS:
            errors.add("partner", _l("A sister-school partner is a school or a university."))
        elif kind == PartnershipKind.UNIVERSITY and partner.kind != OrgKind.UNIVERSITY:
            errors.add("partner", _l("A university partner is a university."))
        elif kind == PartnershipKind.INDUSTRY and partner.kind != OrgKind.INDUSTRY:
            errors.add(
                "partner", _l("Choose a company, or record an industry partner by its name.")
            )
        elif kind != PartnershipKind.INDUSTRY and partner.kind == OrgKind.INDUSTRY:
            errors.add("partner", _l("A company is an industry partner."))
        elif partner.kind == OrgKind.OFFICE:
            errors.add("partner", _l("The education office cannot be a partner."))
    else:
        check_length(errors, "partner_name", partner_name, 200)
    areas = fields["areas"]
    unknown = [a for a in areas if a not in set(Area)]
    if unknown:
        errors.add("areas", _l("Unknown area: %(area)s.", area=", ".join(unknown)))
    if fields["status"] not in set(PartnershipStatus):
        errors.add("status", _l("Choose proposed, active or ended."))
    _date_errors(errors, fields)
    started, ended = fields["started_on"], fields["ended_on"]
    if started and ended and ended < started:
        errors.add("ended_on", _l("The end date is before the start date."))
    if fields["status"] == PartnershipStatus.ENDED and not ended:
        errors.add("ended_on", _l("An ended partnership needs its end date."))
    check_length(errors, "mou_reference", fields["mou_reference"], 100)
    if fields["mou_signed_on"] and not fields["mou_reference"]:
        errors.add("mou_reference", _l("Enter the MoU reference for its date."))
    check_length(errors, "notes", fields["notes"], 2000)
    fields["contacts"] = _check_contacts(errors, fields["contacts"])
    _member_errors(errors, school=school, kind=kind, partner=partner, members=members)
    return errors


def _unique(members):
    """Member schools once each, in the order given."""
    seen, unique = set(), []
    for member in members or ():
        key = member.id if member is not None else None
        if key not in seen:
            seen.add(key)
            unique.append(member)
    return unique


def _set_members(partnership, members):
    """Make the member rows match `members`, keeping the rows of schools that stay."""
    wanted = {member.id for member in members}
    for row in list(partnership.schools):
        if row.school_id not in wanted:
            partnership.schools.remove(row)
    have = partnership.member_school_ids
    for member in members:
        if member.id not in have:
            partnership.schools.append(PartnershipSchool(school_id=member.id))


def _partnership_fields(
    areas, mou_reference, mou_signed_on, started_on, ended_on, status, contacts, notes
):
    return {
        "areas": list(dict.fromkeys(a.strip() for a in areas or () if a and a.strip())),
        "mou_reference": clean_text(mou_reference),
        "mou_signed_on": mou_signed_on,
        "started_on": started_on,
        "ended_on": ended_on,
        "status": status or PartnershipStatus.PROPOSED,
        "contacts": list(contacts or ()),
        "notes": clean_text(notes),
    }


def create_partnership(
    session: Session,
    *,
    actor,
    school,
    kind,
    partner=None,
    partner_name=None,
    areas=(),
    mou_reference="",
    mou_signed_on=None,
    started_on=None,
    ended_on=None,
    status=PartnershipStatus.PROPOSED,
    contacts=(),
    notes="",
    register_partner_country=None,
    member_schools=(),
):
    """Create a partnership of a school, or of the city (`school` is then the education office)
    with its `member_schools`; with register_partner_country, a named partner joins the
    platform as a university first (people.service.create_organization) and becomes the
    partner."""
    partner_name = clean_text(partner_name) or None
    members = _unique(member_schools)
    fields = _partnership_fields(
        areas, mou_reference, mou_signed_on, started_on, ended_on, status, contacts, notes
    )
    registering = bool(register_partner_country) and partner is None and partner_name
    errors = _partnership_errors(
        school=school,
        kind=kind,
        partner=partner,
        partner_name=partner_name,
        fields=fields,
        members=members,
    )
    if registering and kind != PartnershipKind.UNIVERSITY:
        errors.add(
            "register_partner", _l("Only a university partner can be added to the platform.")
        )
    if registering and not is_country(register_partner_country):
        errors.add("partner_country", COUNTRY_MESSAGE)
    errors.raise_any()
    _refuse_a_second_open_one(session, school=school, partner=partner, kind=kind, fields=fields)
    if registering:
        try:
            partner = create_organization(
                session,
                actor=actor,
                kind=OrgKind.UNIVERSITY,
                name=partner_name,
                country=register_partner_country,
            )
        except Invalid as refused:
            session.rollback()
            names = {"name": "partner_name", "country": "partner_country"}
            raise Invalid(
                [{**e, "field": names.get(e.get("field"), e.get("field"))} for e in refused.errors]
            ) from None
        partner_name = None
    partnership = Partnership(
        school_id=school.id,
        partner_id=partner.id if partner else None,
        partner_name=partner_name,
        kind=kind,
        created_by_id=getattr(actor, "id", None),
        **fields,
    )
    _set_members(partnership, members)
    session.add(partnership)
    session.flush()
    details = {
        "school_id": school.id,
        "partner_id": partnership.partner_id,
        "partner_name": partner_name,
        "kind": kind,
    }
    if members:
        details["member_school_ids"] = sorted(partnership.member_school_ids)
    record_event(
        session, actor=actor, action="partnership.created", target=partnership, details=details
    )
    session.commit()
    return partnership


def _refuse_a_second_open_one(session, *, school, partner, kind, fields):
    """One proposed or active partnership of a kind between the same two organizations: a
    second is a double entry (the dashboard would count it twice). An ended one may be
    recorded beside it (history), and an open one is changed on its own page."""
    if partner is None or fields["status"] == PartnershipStatus.ENDED:
        return
    existing = session.exec(
        select(Partnership.id).where(
            Partnership.school_id == school.id,
            Partnership.partner_id == partner.id,
            Partnership.kind == kind,
            Partnership.status != PartnershipStatus.ENDED,
        )
    ).first()
    if existing is not None:
        raise Invalid.field(
            "partner",
            _l(
                "%(school)s already has a proposed or active partnership of this kind with "
                "%(partner)s: open it from the list of partnerships and change it there.",
                school=school.name,
                partner=partner.name,
            ),
        )


def update_partnership(
    session: Session,
    *,
    actor,
    partnership,
    kind,
    partner=None,
    partner_name=None,
    areas=(),
    mou_reference="",
    mou_signed_on=None,
    started_on=None,
    ended_on=None,
    status=PartnershipStatus.PROPOSED,
    contacts=(),
    notes="",
    member_schools=None,
):
    """Change a partnership (its school or office stays; `member_schools` None keeps the
    members); the audit event lists the changed fields."""
    partner_name = clean_text(partner_name) or None
    fields = _partnership_fields(
        areas, mou_reference, mou_signed_on, started_on, ended_on, status, contacts, notes
    )
    school = session.get(Organization, partnership.school_id)
    if member_schools is None:
        members = [session.get(Organization, i) for i in sorted(partnership.member_school_ids)]
    else:
        members = _unique(member_schools)
    errors = _partnership_errors(
        school=school,
        kind=kind,
        partner=partner,
        partner_name=partner_name,
        fields=fields,
        members=members,
    )
    _check_leaving_members(session, errors, partnership, members)
    errors.raise_any()
    fields.update(kind=kind, partner_id=partner.id if partner else None, partner_name=partner_name)
    changed = sorted(name for name, value in fields.items() if getattr(partnership, name) != value)
    if {m.id for m in members} != partnership.member_school_ids:
        changed.append("member_schools")
    if not changed:
        return partnership
    for name, value in fields.items():
        setattr(partnership, name, value)
    _set_members(partnership, members)
    partnership.updated_at = utcnow()
    session.add(partnership)
    record_event(
        session,
        actor=actor,
        action="partnership.updated",
        target=partnership,
        details={"changed": changed, "status": partnership.status},
    )
    session.commit()
    return partnership


def _check_leaving_members(session, errors, partnership, members):
    """A school with activities in the partnership stays a member (its records need it)."""
    leaving = partnership.member_school_ids - {m.id for m in members if m is not None}
    if not leaving:
        return
    busy = session.exec(
        select(Organization.name)
        .join(ExchangeActivity, ExchangeActivity.school_id == Organization.id)
        .where(
            ExchangeActivity.partnership_id == partnership.id,
            ExchangeActivity.school_id.in_(leaving),
        )
        .distinct()
        .order_by(Organization.name)
    ).all()
    if busy:
        errors.add(
            "member_schools",
            _l(
                "%(schools)s have activities in this partnership and stay members.",
                schools=", ".join(busy),
            ),
        )
