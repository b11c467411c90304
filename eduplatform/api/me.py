"""The caller: their own profile and, for students, where they stand in every unit."""

from datetime import date

from pydantic import Field

from eduplatform.api.framework import api_route, caller
from eduplatform.api.schemas import ApiOutput, Hours, OrganizationRef, Translated, organization_ref
from eduplatform.db import get_session
from eduplatform.i18n import current_language
from eduplatform.people.models import Organization
from eduplatform.training import service as training

TAG = "Me"


class MeOut(ApiOutput):
    id: int
    email: str | None
    full_name: str
    role: str
    nisn: str | None = Field(description="The national student id (students only).")
    locale: str | None
    organization: OrganizationRef | None


class CohortRef(ApiOutput):
    id: int
    name: str
    academic_year: str


class RecordOut(ApiOutput):
    id: int
    status: str
    performed_on: date
    hours: Hours
    feedback: str | None


class UnitStateOut(ApiOutput):
    code: str
    title: Translated
    safety_critical: bool
    state: str = Field(description="not_started, submitted, verified, rejected or locked.")
    can_log: bool
    locked_reason: str | None = Field(description="prerequisites or safety, when locked.")
    missing: list[str] = Field(description="Codes of the units to be verified first.")
    record: RecordOut | None = Field(description="The verified, pending or latest record.")


class ModuleProgressOut(ApiOutput):
    code: str
    version: int | None
    title: Translated | None
    verified: int
    total: int
    percent: int
    hours_verified: Hours
    hours_pending: Hours
    certificate: str | None = Field(description="The code of the module's certificate.")
    units: list[UnitStateOut]


class ProgressOut(ApiOutput):
    cohort: CohortRef | None = Field(description="The caller's class; null outside a class.")
    modules: list[ModuleProgressOut]


@api_route("/me", summary="Your profile", tag=TAG, response=MeOut)
def me():
    """The account the token belongs to."""
    user = caller()
    organization = (
        get_session().get(Organization, user.organization_id) if user.organization_id else None
    )
    return MeOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        nisn=user.nisn,
        locale=user.locale,
        organization=organization_ref(organization),
    )


def _unit_state(progress, lang):
    record = progress.completion
    return UnitStateOut(
        code=progress.unit.code,
        title=Translated.of(progress.unit.title, lang),
        safety_critical=progress.unit.safety_critical,
        state=progress.state,
        can_log=progress.can_log,
        locked_reason=progress.reason,
        missing=[unit.code for unit in progress.missing],
        record=RecordOut.model_validate(record) if record else None,
    )


@api_route("/me/progress", summary="Your progress", tag=TAG, response=ProgressOut)
def my_progress():
    """Each module of your class, in the version it follows, with each unit's state."""
    db = get_session()
    user = caller()
    _enrollment, cohort = training.student_cohort(db, user)
    modules = training.student_progress(db, student_id=user.id, cohort=cohort) if cohort else []
    lang = current_language()
    return ProgressOut(
        cohort=CohortRef.model_validate(cohort) if cohort else None,
        modules=[
            ModuleProgressOut(
                code=m.module.code,
                version=m.version.number if m.version else None,
                title=Translated.of(m.version.title, lang) if m.version else None,
                verified=m.verified,
                total=m.total,
                percent=m.percent,
                hours_verified=m.hours_verified,
                hours_pending=m.hours_pending,
                certificate=m.certificate.code if m.certificate else None,
                units=[_unit_state(u, lang) for u in m.units],
            )
            for m in modules
        ],
    )
