"""Companies (DUDI: dunia usaha dan dunia industri) and their supervisors.

A company is an Organization of kind industry, shared by every school of the city (a workshop
takes students from several schools); the office or a teacher adds it. Its supervisors
(pembimbing industri) have no account.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from eduplatform.audit.service import record_event
from eduplatform.errors import Invalid
from eduplatform.exchange.partnerships import PHONE_RE
from eduplatform.exchange.validation import Errors, check_length, clean_text
from eduplatform.people.countries import COUNTRY_MESSAGE, is_country
from eduplatform.people.models import Organization, OrgKind
from eduplatform.people.service import EMAIL_RE
from eduplatform.placements.models import Company, Sector, Supervisor

SUPERVISOR_LANGUAGES = ("id", "en", "zh")


def _digits(value):
    return re.sub(r"[\s.\-]", "", value or "")


def _company_errors(*, name, sector, country, npwp, nib):
    errors = Errors()
    check_length(errors, "name", name, 200, required=True)
    if sector not in set(Sector):
        errors.add("sector", _l("Choose the company's sector."))
    if not is_country(country):
        errors.add("country", COUNTRY_MESSAGE)
    if npwp and not (npwp.isdigit() and len(npwp) in (15, 16)):
        errors.add("npwp", _l("An NPWP has 15 or 16 digits."))
    if nib and not (nib.isdigit() and len(nib) == 13):
        errors.add("nib", _l("An NIB has 13 digits."))
    return errors


def create_company(
    session: Session,
    *,
    actor,
    name,
    sector,
    city="",
    address="",
    contact="",
    country="ID",
    npwp="",
    nib="",
    name_zh="",
):
    """Add a company (an organization of kind industry) with its sector; one transaction."""
    name, city = clean_text(name), clean_text(city)
    address, contact, name_zh = clean_text(address), clean_text(contact), clean_text(name_zh)
    country = clean_text(country).upper() or "ID"
    npwp, nib = _digits(npwp) or None, _digits(nib) or None
    errors = _company_errors(name=name, sector=sector, country=country, npwp=npwp, nib=nib)
    check_length(errors, "city", city, 100)
    check_length(errors, "address", address, 300)
    check_length(errors, "contact", contact, 200)
    check_length(errors, "name_zh", name_zh, 200)
    if errors:
        raise Invalid(errors)
    organization = Organization(
        kind=OrgKind.INDUSTRY,
        name=name,
        city=city,
        country=country,
        address=address,
        contact=contact,
        name_translations={"zh": name_zh} if name_zh else {},
    )
    session.add(organization)
    session.flush()
    company = Company(
        organization_id=organization.id,
        sector=sector,
        npwp=npwp,
        nib=nib,
        created_by_id=actor.id,
    )
    session.add(company)
    record_event(
        session,
        actor=actor,
        action="company.created",
        target=organization,
        details={"name": name},
    )
    session.commit()
    return organization


def add_supervisor(
    session: Session, *, actor, company, full_name, position="", phone="", email="", locale="id"
):
    """Add a supervisor to a company: a name, and a phone number or an email address."""
    full_name, position = clean_text(full_name), clean_text(position)
    phone, email = clean_text(phone), clean_text(email).casefold()
    errors = Errors()
    check_length(errors, "full_name", full_name, 200, required=True)
    check_length(errors, "position", position, 100)
    if email and not EMAIL_RE.match(email):
        errors.add("email", _l("Enter a valid email address."))
    if phone and not PHONE_RE.match(phone):
        errors.add("phone", _l("Enter a valid phone number."))
    if not phone and not email:
        errors.add("phone", _l("Enter a phone number or an email address."))
    if locale not in SUPERVISOR_LANGUAGES:
        errors.add("locale", _l("Choose a language."))
    if errors:
        raise Invalid(errors)
    supervisor = Supervisor(
        company_id=company.id,
        full_name=full_name,
        position=position,
        phone=phone,
        email=email,
        locale=locale,
        created_by_id=actor.id,
    )
    session.add(supervisor)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="supervisor.added",
        target=supervisor,
        details={"company_id": company.id},
    )
    session.commit()
    return supervisor


def set_supervisor_language(session: Session, *, actor, supervisor, locale):
    """The language of the supervisor's link pages and emails, chosen for them by the school."""
    if locale not in SUPERVISOR_LANGUAGES:
        raise Invalid.field("locale", _l("Choose a language."))
    supervisor.locale = locale
    session.add(supervisor)
    record_event(
        session,
        actor=actor,
        action="supervisor.language_changed",
        target=supervisor,
        details={"locale": locale},
    )
    session.commit()


def list_companies(session):
    """[(organization, company or None)] of every company, by name."""
    return session.exec(
        select(Organization, Company)
        .join(Company, Company.organization_id == Organization.id, isouter=True)
        .where(Organization.kind == OrgKind.INDUSTRY)
        .order_by(Organization.name, Organization.id)
    ).all()


def company_of(session, organization_id):
    """(organization, company or None) of an industry organization, or (None, None)."""
    organization = session.get(Organization, organization_id)
    if organization is None or organization.kind != OrgKind.INDUSTRY:
        return None, None
    return organization, session.get(Company, organization.id)


def supervisors_of(session, company_ids):
    """The supervisors of these companies, by name."""
    if not company_ids:
        return []
    return session.exec(
        select(Supervisor)
        .where(Supervisor.company_id.in_(sorted(company_ids)))
        .order_by(Supervisor.full_name, Supervisor.id)
    ).all()
