"""Achievements: what a certificate certifies (a module version), as its credential names it.

Every credential's `achievement.id` is the public address of its module version; anyone who
follows it (an employer, a verifier) gets the achievement it names. Only versions that were
published have certificates: a draft is nobody's achievement yet, and a retired version keeps
answering for the certificates issued against it.
"""

from dataclasses import dataclass

from sqlmodel import select

from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, VersionStatus
from eduplatform.people.models import Organization
from eduplatform.training.certificates import partner_university
from eduplatform.training.progress import frozen


@dataclass
class AchievementView:
    """A module version as its achievement shows it (the attributes the credential's
    achievement reads from a CertificateView, without a certificate)."""

    module: Module
    version: ModuleVersion
    program: Program
    partner: Organization | None
    units: list

    @property
    def retired(self):
        return self.version.status == VersionStatus.RETIRED


def find_achievement(session, code, number):
    """The achievement of module `code` version `number`, or None (unknown, or a draft)."""
    module = session.exec(select(Module).where(Module.code == code)).first()
    if module is None:
        return None
    version = session.exec(
        select(ModuleVersion).where(
            ModuleVersion.module_id == module.id, ModuleVersion.number == number
        )
    ).first()
    if version is None or not frozen(version):
        return None
    units = session.exec(
        select(Unit).where(Unit.version_id == version.id).order_by(Unit.position, Unit.id)
    ).all()
    return AchievementView(
        module=module,
        version=version,
        program=session.get(Program, module.program_id),
        partner=partner_university(session, module),
        units=units,
    )
