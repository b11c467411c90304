"""Certificates: issued when a module version's last unit is verified; anyone can check them."""

import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import col, func, or_, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.memberships import school_filter, school_ids
from eduplatform.people.models import Organization, OrgKind, Role, User
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import Certificate, CompletionStatus, UnitCompletion
from eduplatform.training.signals import certificate_issued, certificate_revoked

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_REASON = 500


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw):
    """A typed code in canonical form (case, spaces and dashes forgiven), or None."""
    code = re.sub(r"[\s-]", "", raw or "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def issue_certificate(session, *, actor, student_id, version_id, cohort):
    """Add a certificate inside the caller's transaction (the verification that earned it)."""
    certificate = Certificate(
        code=new_code(),
        student_id=student_id,
        version_id=version_id,
        school_id=cohort.school_id,
        cohort_id=cohort.id,
    )
    session.add(certificate)
    session.flush()
    certificate_issued.send(certificate, session=session)
    record_event(
        session,
        actor=actor,
        action="certificate.issued",
        target=certificate,
        details={"code": certificate.code, "student_id": student_id, "version_id": version_id},
    )
    return certificate


def revoke_certificate(session, *, actor, certificate, reason):
    """Withdraw a certificate (office or admin) with a reason; the public page then says so."""
    if actor.role not in (Role.OFFICE, Role.ADMIN):
        raise Invalid.field(None, _l("Only the education office or an admin can revoke."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", _l("Give the reason for revoking."))
    if len(reason) > MAX_REASON:
        raise Invalid.field("reason", _l("Use at most 500 characters."))
    if certificate.revoked_at is not None:
        raise Conflict(_l("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revoke_reason = reason
    session.add(certificate)
    certificate_revoked.send(certificate, session=session)
    record_event(
        session,
        actor=actor,
        action="certificate.revoked",
        target=certificate,
        details={"code": certificate.code, "reason": reason},
    )
    session.commit()
    return certificate


@dataclass
class CertificateView:
    """A certificate with everything its pages, PDF and credential show."""

    certificate: Certificate
    student: User
    version: ModuleVersion
    module: Module
    school: Organization
    partner: Organization | None
    units: list
    hours: object

    @property
    def code(self):
        return self.certificate.code


def partner_university(session, module):
    """The partner university behind a module: its owner, when the owner is a university."""
    if module.owner_id is None:
        return None
    owner = session.get(Organization, module.owner_id)
    return owner if owner and owner.kind == OrgKind.UNIVERSITY else None


def certificate_view(session, certificate):
    version = session.get(ModuleVersion, certificate.version_id)
    module = session.get(Module, version.module_id)
    units = session.exec(
        select(Unit).where(Unit.version_id == version.id).order_by(Unit.position, Unit.id)
    ).all()
    hours = session.exec(
        select(func.coalesce(func.sum(UnitCompletion.hours), 0)).where(
            UnitCompletion.student_id == certificate.student_id,
            UnitCompletion.status == CompletionStatus.VERIFIED,
            col(UnitCompletion.unit_id).in_([u.id for u in units]),
        )
    ).one()
    return CertificateView(
        certificate=certificate,
        student=session.get(User, certificate.student_id),
        version=version,
        module=module,
        school=session.get(Organization, certificate.school_id),
        partner=partner_university(session, module),
        units=units,
        hours=hours,
    )


def find_certificate(session, code):
    code = normalize_code(code)
    if code is None:
        return None
    return session.exec(select(Certificate).where(Certificate.code == code)).first()


def can_see_certificate(actor, certificate):
    """The holder, teachers of the issuing school, the office and admins."""
    if actor.role in (Role.OFFICE, Role.ADMIN):
        return True
    if actor.role == Role.STUDENT:
        return certificate.student_id == actor.id
    if actor.role == Role.TEACHER:
        return certificate.school_id in school_ids(actor)
    return False


def list_certificates(session, *, actor, search=None, page=1, per_page=50):
    """Certificates the actor may see, newest first, with holder, module and version."""
    query = (
        select(Certificate, User, Module, ModuleVersion)
        .join(User, User.id == Certificate.student_id)
        .join(ModuleVersion, ModuleVersion.id == Certificate.version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
    )
    if actor.role == Role.STUDENT:
        query = query.where(Certificate.student_id == actor.id)
    elif actor.role == Role.TEACHER:
        query = query.where(school_filter(Certificate.school_id, school_ids(actor, session)))
    elif actor.role not in (Role.OFFICE, Role.ADMIN):
        return [], 0
    if search:
        like = f"%{search.strip().casefold()}%"
        query = query.where(
            or_(
                func.lower(User.full_name).like(like),
                func.lower(Certificate.code).like(like),
                func.lower(Module.code).like(like),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Certificate.issued_at).desc(), col(Certificate.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return rows, total
