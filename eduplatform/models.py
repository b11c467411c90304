"""The one registry of tables, imported by the app factory and by Alembic."""

from eduplatform.api.models import ApiToken
from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.dashboard.models import (
    ActivityLedger,
    ActivityMonth,
    CohortEnrollment,
    CohortModule,
    RollupState,
    TeacherTraining,
    TrainingMonth,
    UnitReached,
)
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
    "ApiToken",
    "ActivationCode",
    "ActivityLedger",
    "ActivityMonth",
    "ActivityAttachment",
    "ActivityParticipant",
    "ActivityReflection",
    "AuditEvent",
    "Certificate",
    "Cohort",
    "CohortEnrollment",
    "CohortModule",
    "CohortModuleVersion",
    "CohortTeacher",
    "Enrollment",
    "ExchangeActivity",
    "Module",
    "ModuleVersion",
    "Organization",
    "Partnership",
    "Program",
    "RollupState",
    "SchoolFeedKey",
    "SkillsPassport",
    "TeacherTraining",
    "TrainingMonth",
    "Unit",
    "UnitCompletion",
    "UnitPrerequisite",
    "UnitReached",
    "User",
    "UserSession",
]
