"""The one registry of tables, imported by the app factory and by Alembic."""

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
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

__all__ = [
    "ActivationCode",
    "AuditEvent",
    "Cohort",
    "CohortModuleVersion",
    "CohortTeacher",
    "Enrollment",
    "Module",
    "ModuleVersion",
    "Organization",
    "Program",
    "Unit",
    "UnitPrerequisite",
    "User",
    "UserSession",
]
