"""The one registry of tables, imported by the app factory and by Alembic."""

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.exchange.models import (
    ActivityAttachment,
    ActivityParticipant,
    ActivityReflection,
    ExchangeActivity,
    Partnership,
    SchoolFeedKey,
)
from eduplatform.people.models import (
    ActivationCode,
    Cohort,
    CohortModuleVersion,
    CohortTeacher,
    Enrollment,
    Organization,
    User,
    UserSession,
)
from eduplatform.training.models import Certificate, SkillsPassport, UnitCompletion

__all__ = [
    "ActivationCode",
    "ActivityAttachment",
    "ActivityParticipant",
    "ActivityReflection",
    "AuditEvent",
    "Certificate",
    "Cohort",
    "CohortModuleVersion",
    "CohortTeacher",
    "Enrollment",
    "ExchangeActivity",
    "Module",
    "ModuleVersion",
    "Organization",
    "Partnership",
    "Program",
    "SchoolFeedKey",
    "SkillsPassport",
    "Unit",
    "UnitCompletion",
    "UnitPrerequisite",
    "User",
    "UserSession",
]
