"""Rules for organizations and users: validation, creation, role changes, deactivation."""

import re

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, or_, select

from eduplatform.audit.models import AuditEvent
from eduplatform.audit.service import record_event
from eduplatform.auth.passwords import password_problem
from eduplatform.errors import Invalid
from eduplatform.people import placement
from eduplatform.people.countries import COUNTRY_MESSAGE, is_country
from eduplatform.people.memberships import add_membership
from eduplatform.people.models import Organization, OrgKind, Role, User, UserSession
from eduplatform.sqltypes import utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
NPSN_RE = re.compile(r"^\d{8}$")
NISN_RE = re.compile(r"^\d{10}$")


def normalize_npsn(npsn):
    """An NPSN as typed, without the spaces people put in ("2030 0001" is "20300001")."""
    return re.sub(r"\s+", "", npsn or "")


def normalize_email(email):
    email = (email or "").strip()
    return email.casefold() or None


def _check_email(session, email, *, field="email", exclude_id=None):
    if not EMAIL_RE.match(email):
        return _l("Enter a valid email address.")
    clash = session.exec(select(User.id).where(User.email == email)).first()
    if clash is not None and clash != exclude_id:
        return _l("This email address is already in use.")
    return None


def _name_translations(names):
    """{lang: name} without blanks; errors for names too long (fields name_<lang>)."""
    cleaned, errors = {}, []
    for lang, value in (names or {}).items():
        value = (value or "").strip()
        if len(value) > 200:
            errors.append({"field": f"name_{lang}", "message": _l("Use at most 200 characters.")})
        elif value:
            cleaned[lang] = value
    return cleaned, errors


def create_organization(
    session: Session,
    *,
    actor,
    kind,
    name,
    npsn=None,
    city="",
    country="ID",
    address="",
    contact="",
    name_translations=None,
):
    """Create an organization after checking kind, name, NPSN and country."""
    name_translations, errors = _name_translations(name_translations)
    name = (name or "").strip()
    npsn = normalize_npsn(npsn) or None
    country = (country or "ID").strip().upper()
    if kind not in set(OrgKind):
        errors.append({"field": "kind", "message": _l("Choose school, university or office.")})
    if not name:
        errors.append({"field": "name", "message": _l("Enter a name.")})
    elif len(name) > 200:
        errors.append({"field": "name", "message": _l("Use at most 200 characters.")})
    if npsn is not None:
        if not NPSN_RE.match(npsn):
            errors.append({"field": "npsn", "message": _l("NPSN is exactly 8 digits.")})
        elif session.exec(select(Organization.id).where(Organization.npsn == npsn)).first():
            errors.append({"field": "npsn", "message": _l("A school with this NPSN exists.")})
    elif kind == OrgKind.SCHOOL and country == "ID":
        errors.append({"field": "npsn", "message": _l("An Indonesian school needs its NPSN.")})
    if not is_country(country):
        errors.append({"field": "country", "message": COUNTRY_MESSAGE})
    if errors:
        raise Invalid(errors)
    org = Organization(
        kind=kind,
        name=name,
        npsn=npsn,
        city=(city or "").strip(),
        country=country,
        address=(address or "").strip(),
        contact=(contact or "").strip(),
        name_translations=name_translations,
    )
    session.add(org)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="organization.created",
        target=org,
        details={"kind": kind, "name": name, "npsn": npsn},
    )
    session.commit()
    return org


def set_organization_names(session: Session, *, actor, organization, names):
    """Set the organization's name in other languages ({lang: name}; a blank one is removed)."""
    cleaned, errors = _name_translations(names)
    if errors:
        raise Invalid(errors)
    if cleaned == (organization.name_translations or {}):
        return organization
    organization.name_translations = cleaned
    session.add(organization)
    record_event(
        session,
        actor=actor,
        action="organization.updated",
        target=organization,
        details={"languages": sorted(cleaned)},
    )
    session.commit()
    return organization


def find_organization(session, ref):
    """An organization by id, NPSN or exact name; None when nothing matches."""
    ref = str(ref).strip()
    if NPSN_RE.match(normalize_npsn(ref)):
        org = session.exec(
            select(Organization).where(Organization.npsn == normalize_npsn(ref))
        ).first()
        if org:
            return org
    if ref.isdigit():
        org = session.get(Organization, int(ref))
        if org:
            return org
    return session.exec(select(Organization).where(Organization.name == ref)).first()


def _user_errors(session, *, email, full_name, role, org, nisn, password, exclude_id=None):
    errors = []
    if email is not None:
        problem = _check_email(session, email, exclude_id=exclude_id)
        if problem:
            errors.append({"field": "email", "message": problem})
    if not full_name:
        errors.append({"field": "full_name", "message": _l("Enter the full name.")})
    elif len(full_name) > 200:
        errors.append({"field": "full_name", "message": _l("Use at most 200 characters.")})
    if role not in set(Role):
        errors.append({"field": "role", "message": _l("Choose a valid role.")})
    elif role in (Role.STUDENT, Role.TEACHER) and (org is None or org.kind != OrgKind.SCHOOL):
        errors.append(
            {"field": "organization", "message": _l("Students and teachers belong to a school.")}
        )
    elif role == Role.OFFICE and (org is None or org.kind != OrgKind.OFFICE):
        errors.append(
            {"field": "organization", "message": _l("Office staff belong to an education office.")}
        )
    elif role == Role.AUTHOR and org is None:
        errors.append({"field": "organization", "message": _l("Choose an organization.")})
    if nisn is not None:
        if role != Role.STUDENT:
            errors.append({"field": "nisn", "message": _l("Only students have a NISN.")})
        elif not NISN_RE.match(nisn):
            errors.append({"field": "nisn", "message": _l("NISN is exactly 10 digits.")})
        else:
            clash = session.exec(select(User.id).where(User.nisn == nisn)).first()
            if clash is not None and clash != exclude_id:
                errors.append({"field": "nisn", "message": _l("A student with this NISN exists.")})
    if email is None and nisn is None:
        errors.append({"field": "email", "message": _l("Enter an email address.")})
    if password is not None:
        problem = password_problem(password)
        if problem:
            errors.append({"field": "password", "message": problem})
    return errors


def check_user(
    session: Session,
    *,
    email,
    full_name,
    role,
    organization=None,
    nisn=None,
    password=None,
    user=None,
):
    """Every problem create_user (or, given `user`, update_user) would refuse; writes nothing.

    Forms call it when their own checks failed, so that all problems show at once.
    """
    if user is None:
        email = normalize_email(email)
        nisn = (nisn or "").strip() or None
    else:
        email = normalize_email(email) if email is not None else user.email
        nisn = user.nisn if role == Role.STUDENT else None
    return _user_errors(
        session,
        email=email,
        full_name=(full_name or "").strip(),
        role=role,
        org=organization,
        nisn=nisn,
        password=password,
        exclude_id=user.id if user is not None else None,
    )


def create_user(
    session: Session,
    *,
    actor,
    email,
    full_name,
    role,
    organization=None,
    nisn=None,
    password=None,
    locale=None,
    commit=True,
):
    """Create a user; students may come without email and activate with their NISN later."""
    errors = check_user(
        session,
        email=email,
        full_name=full_name,
        role=role,
        organization=organization,
        nisn=nisn,
        password=password,
    )
    if errors:
        raise Invalid(errors)
    email = normalize_email(email)
    nisn = (nisn or "").strip() or None
    full_name = (full_name or "").strip()
    user = User(
        email=email,
        full_name=full_name,
        role=role,
        nisn=nisn,
        locale=locale,
        organization_id=organization.id if organization else None,
    )
    if password:
        user.set_password(password)
    session.add(user)
    session.flush()
    if role == Role.TEACHER:
        add_membership(session, teacher=user, school=organization, actor=actor)
    record_event(
        session,
        actor=actor,
        action="user.created",
        target=user,
        details={"role": role, "organization_id": user.organization_id},
    )
    if commit:
        session.commit()
    return user


def update_user(
    session: Session, *, actor, user, full_name, role, organization, email=None, confirmed=None
):
    """Change a user's name, email, role and organization (admin); every change is audited
    (the name and the email, the sign-in, by which of them changed: never their values).

    A change of school (or of a school-bound role) is explicit: unless `confirmed` is the token
    of what it ends (placement.school_change), it raises placement.Unconfirmed and writes
    nothing; confirmed, it ends those things in the same transaction and is audited (a student
    leaves their class through cohorts.leave_school).
    """
    refuse_if_anonymised(session, user)
    errors = check_user(
        session, email=email, full_name=full_name, role=role, organization=organization, user=user
    )
    if errors:
        raise Invalid(errors)
    change = placement.school_change(session, user=user, role=role, organization=organization)
    if change.needs_confirmation and confirmed != change.token:
        raise placement.Unconfirmed(change, stale=confirmed is not None)
    placement.apply_school_change(session, actor=actor, change=change)
    email = normalize_email(email) if email is not None else user.email
    full_name = (full_name or "").strip()
    old_role = user.role
    changed = [
        name
        for name, value in (("full_name", full_name), ("email", email))
        if getattr(user, name) != value
    ]
    new_school_id = organization.id if organization else None
    user.full_name, user.email, user.role = full_name, email, role
    user.organization_id = new_school_id
    session.add(user)
    if changed:
        record_event(
            session,
            actor=actor,
            action="user.details_changed",
            target=user,
            details={"changed": changed},
        )
    if old_role != role:
        record_event(
            session,
            actor=actor,
            action="user.role_changed",
            target=user,
            details={"from": old_role, "to": role},
        )
        revoke_sessions(session, user)
    session.commit()
    return user


def anonymised_at(session: Session, user):
    """When the student's data was anonymised (privacy.service), or None."""
    if user.role != Role.STUDENT:
        return None
    return session.exec(
        select(AuditEvent.created_at).where(
            AuditEvent.action == "student.anonymised",
            AuditEvent.object_type == "User",
            AuditEvent.object_id == str(user.id),
        )
    ).first()


def refuse_if_anonymised(session: Session, user):
    """An anonymised account stays as it is: a name, an email or a reactivation typed into it
    would tie its records to a person again, which anonymising promised never to do."""
    if anonymised_at(session, user) is not None:
        raise Invalid.field(
            None, _l("This student's data was anonymised: the account cannot be changed.")
        )


def set_active(session: Session, *, actor, user, active):
    """Deactivate (ending every session at once) or reactivate a user."""
    if actor is not None and user.id == getattr(actor, "id", None) and not active:
        raise Invalid.field("active", _l("You cannot deactivate your own account."))
    if active:
        refuse_if_anonymised(session, user)
    user.active = active
    session.add(user)
    if not active:
        revoke_sessions(session, user)
    record_event(
        session,
        actor=actor,
        action="user.deactivated" if not active else "user.reactivated",
        target=user,
    )
    session.commit()
    return user


def change_password(session: Session, *, user, current_password, new_password, keep_session=None):
    """Change one's own password; every other session of the user ends."""
    if not user.check_password(current_password):
        raise Invalid.field("current_password", _l("The current password is not correct."))
    problem = password_problem(new_password)
    if problem:
        raise Invalid.field("new_password", problem)
    user.set_password(new_password)
    session.add(user)
    revoke_sessions(session, user, keep_token_hash=keep_session)
    record_event(session, actor=user, action="user.password_changed", target=user)
    session.commit()


def set_locale(session: Session, *, user, locale, languages):
    if locale not in languages:
        raise Invalid.field("locale", _l("Choose one of the offered languages."))
    user.locale = locale
    session.add(user)
    session.commit()


def revoke_sessions(session, user, keep_token_hash=None):
    """End the user's signed-in sessions, except the one given."""
    rows = session.exec(
        select(UserSession).where(
            UserSession.user_id == user.id, col(UserSession.revoked_at).is_(None)
        )
    ).all()
    now = utcnow()
    for row in rows:
        if row.token_hash != keep_token_hash:
            row.revoked_at = now
            session.add(row)


def list_users(session, *, search=None, role=None, organization_id=None, page=1, per_page=50):
    query = select(User)
    if search:
        like = f"%{search.strip().casefold()}%"
        query = query.where(
            or_(
                func.lower(User.full_name).like(like),
                col(User.email).like(like),
                col(User.nisn).like(like),
            )
        )
    if role:
        query = query.where(User.role == role)
    if organization_id:
        query = query.where(User.organization_id == organization_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(User.full_name).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return rows, total


def list_organizations(session, *, kind=None):
    query = select(Organization).order_by(Organization.kind, Organization.name)
    if kind:
        query = query.where(Organization.kind == kind)
    return session.exec(query).all()


def organizations_by_id(session):
    return {org.id: org for org in session.exec(select(Organization)).all()}
