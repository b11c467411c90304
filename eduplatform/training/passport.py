"""The skills passport: a public page of a student's verified work, off until they turn it on.

Students under 18 (or whose birth date is unknown) first record that a parent or guardian agreed.
The page shows name, school, verified units with hours and valid certificates; never the NISN,
the birth date, teachers' feedback or evidence photos. Turning it off makes the link 404; turning
it on again makes a new link.
"""

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlmodel import col, select

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.errors import Invalid
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Organization, Role, User
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import (
    Certificate,
    CompletionStatus,
    SkillsPassport,
    UnitCompletion,
)

ADULT_AGE = 18


def passport_of(session, student_id):
    return session.get(SkillsPassport, student_id) or SkillsPassport(student_id=student_id)


def age_on(birth_date, today):
    years = today.year - birth_date.year
    return years - ((today.month, today.day) < (birth_date.month, birth_date.day))


def needs_consent(student, today):
    """A guardian's consent is needed unless the student is known to be an adult."""
    return student.birth_date is None or age_on(student.birth_date, today) < ADULT_AGE


def has_consent(passport):
    return passport.consent_at is not None


def record_consent(session, *, actor, student, guardian_name, relationship, confirmed):
    """Record that a parent or guardian agreed to the public passport.

    The student's teacher (or an admin) records it, from the consent form the parent or guardian
    signed: a minor's own tick is not a guardian's consent (UU PDP 27/2022, art. 25).
    """
    if actor.id == student.id:
        raise Invalid.field(
            None,
            _l("Your teacher records your parent or guardian's consent, from the form they sign."),
        )
    if actor.role not in (Role.TEACHER, Role.ADMIN):
        raise Invalid.field(None, _l("You cannot record consent for this student."))
    if actor.role == Role.TEACHER and student.organization_id not in school_ids(actor, session):
        raise Invalid.field(None, _l("You cannot record consent for this student."))
    guardian_name = (guardian_name or "").strip()
    relationship = (relationship or "").strip()
    errors = []
    if not guardian_name:
        errors.append({"field": "guardian_name", "message": _l("Enter the guardian's name.")})
    elif len(guardian_name) > 200:
        errors.append({"field": "guardian_name", "message": _l("Use at most 200 characters.")})
    if not relationship:
        errors.append(
            {"field": "relationship", "message": _l("Enter how they are related to the student.")}
        )
    elif len(relationship) > 60:
        errors.append({"field": "relationship", "message": _l("Use at most 60 characters.")})
    if not confirmed:
        errors.append(
            {"field": "confirmed", "message": _l("Confirm that you have their signed consent.")}
        )
    if errors:
        raise Invalid(errors)
    passport = passport_of(session, student.id)
    passport.guardian_name = guardian_name
    passport.guardian_relationship = relationship
    passport.consent_at = utcnow()
    passport.consent_by_id = actor.id
    session.add(passport)
    record_event(
        session,
        actor=actor,
        action="passport.consent_recorded",
        target=student,
        details={"relationship": relationship},
    )
    session.commit()
    return passport


def enable_passport(session, *, actor, today):
    """Turn the public page on, with a new unguessable link."""
    if actor.role != Role.STUDENT:
        raise Invalid.field(None, _l("Only students have a skills passport."))
    passport = passport_of(session, actor.id)
    if needs_consent(actor, today) and not has_consent(passport):
        raise Invalid.field(None, _l("A parent or guardian's consent must be recorded first."))
    passport.enabled = True
    passport.slug = secrets.token_urlsafe(12)
    passport.enabled_at = utcnow()
    session.add(passport)
    record_event(session, actor=actor, action="passport.enabled", target=actor)
    session.commit()
    return passport


def disable_passport(session, *, actor):
    """Turn the public page off: its link answers 404 from now on."""
    passport = passport_of(session, actor.id)
    passport.enabled = False
    passport.slug = None
    session.add(passport)
    record_event(session, actor=actor, action="passport.disabled", target=actor)
    session.commit()
    return passport


# Other areas add what the passport lists (placements: finished industry placements) without
# training importing them: name -> function(session, student) returning a list.
PASSPORT_SECTIONS = {}


@dataclass
class PublicPassport:
    student: User
    school: Organization | None
    units: list  # (completion, unit, module, version)
    certificates: list  # (certificate, module, version)
    sections: dict = field(default_factory=dict)  # from PASSPORT_SECTIONS

    @property
    def total_hours(self):
        return sum((row[0].hours for row in self.units), Decimal("0"))


def public_passport(session, slug):
    """What /passport/<slug> shows, or None when there is no such enabled passport."""
    if not slug:
        return None
    passport = session.exec(
        select(SkillsPassport).where(SkillsPassport.slug == slug, SkillsPassport.enabled)
    ).first()
    if passport is None:
        return None
    student = session.get(User, passport.student_id)
    if student is None or not student.active:
        return None
    units = session.exec(
        select(UnitCompletion, Unit, Module, ModuleVersion)
        .join(Unit, Unit.id == UnitCompletion.unit_id)
        .join(ModuleVersion, ModuleVersion.id == Unit.version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(
            UnitCompletion.student_id == student.id,
            UnitCompletion.status == CompletionStatus.VERIFIED,
        )
        .order_by(Module.position, Module.code, Unit.position)
    ).all()
    certificates = session.exec(
        select(Certificate, Module, ModuleVersion)
        .join(ModuleVersion, ModuleVersion.id == Certificate.version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(Certificate.student_id == student.id, col(Certificate.revoked_at).is_(None))
        .order_by(Certificate.issued_at)
    ).all()
    school = session.get(Organization, student.organization_id) if student.organization_id else None
    sections = {name: find(session, student) for name, find in PASSPORT_SECTIONS.items()}
    return PublicPassport(
        student=student, school=school, units=units, certificates=certificates, sections=sections
    )
