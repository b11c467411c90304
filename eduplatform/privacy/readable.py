"""What is held about a student, gathered for the readable document of the data export.

The archive's JSON files keep every field for machines; this is the same information for a
parent to read: the person, their classes, logged units with the teachers' decisions and
ticked criteria, certificates, the passport and its consent, exchange activities, industry
placements (PKL) with their journal and assessment, and notifications. The template
(privacy/readable.html) writes it in the parent's language.
"""

from dataclasses import dataclass, field

from sqlmodel import col, func, select

from eduplatform.api.models import ApiToken
from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.exchange.models import ActivityParticipant, ActivityReflection, ExchangeActivity
from eduplatform.notifications.models import Notification
from eduplatform.people.models import Cohort, Enrollment, Organization, User, UserSession
from eduplatform.placements.models import JournalEntry, Placement, PlacementAssessment
from eduplatform.training.models import (
    Certificate,
    CompletionCriterion,
    SkillsPassport,
    UnitCompletion,
)


@dataclass
class LoggedUnit:
    completion: UnitCompletion
    unit: Unit
    module: Module
    reviewer: User | None
    criteria_met: int = 0
    criteria_total: int = 0
    photo_file: str | None = None  # its name in the archive


@dataclass
class PlacementShown:
    placement: Placement
    company: str
    entries: list = field(default_factory=list)  # JournalEntry, by day
    assessment: PlacementAssessment | None = None


@dataclass
class ReadableRecord:
    student: User
    school: Organization | None
    enrollments: list = field(default_factory=list)  # (Enrollment, Cohort, school name)
    units: list = field(default_factory=list)  # LoggedUnit, newest first
    certificates: list = field(default_factory=list)  # (Certificate, ModuleVersion, Module)
    passport: SkillsPassport | None = None
    activities: list = field(default_factory=list)  # (ExchangeActivity, participant, reflection)
    placements: list = field(default_factory=list)  # PlacementShown, by start date
    notifications: list = field(default_factory=list)  # Notification, newest first
    sessions: int = 0
    tokens: int = 0
    audit_events: int = 0


def readable_record(session, student, photo_files=None, audit_events=None):
    """Everything the document shows about `student`; `photo_files` maps a completion id to
    the photo's name in the archive, `audit_events` is how many the archive holds (by the
    student or about their records; counted here by the student alone when not given)."""
    photo_files = photo_files or {}
    record = ReadableRecord(
        student=student,
        school=session.get(Organization, student.organization_id)
        if student.organization_id
        else None,
        passport=session.get(SkillsPassport, student.id),
    )
    for enrollment, cohort, school in session.exec(
        select(Enrollment, Cohort, Organization.name)
        .join(Cohort, col(Cohort.id) == Enrollment.cohort_id)
        .join(Organization, col(Organization.id) == Cohort.school_id)
        .where(Enrollment.student_id == student.id)
        .order_by(Enrollment.enrolled_on, Enrollment.id)
    ).all():
        record.enrollments.append((enrollment, cohort, school))
    rows = session.exec(
        select(UnitCompletion, Unit, Module)
        .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
        .join(ModuleVersion, col(ModuleVersion.id) == Unit.version_id)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .where(UnitCompletion.student_id == student.id)
        .order_by(col(UnitCompletion.created_at).desc(), col(UnitCompletion.id).desc())
    ).all()
    reviewer_ids = {c.reviewer_id for c, _u, _m in rows if c.reviewer_id}
    reviewers = (
        {u.id: u for u in session.exec(select(User).where(col(User.id).in_(reviewer_ids)))}
        if reviewer_ids
        else {}
    )
    met = dict(
        session.exec(
            select(CompletionCriterion.completion_id, func.count())
            .where(
                col(CompletionCriterion.completion_id).in_([c.id for c, _u, _m in rows]),
                col(CompletionCriterion.met).is_(True),
            )
            .group_by(CompletionCriterion.completion_id)
        ).all()
    )
    for completion, unit, module in rows:
        record.units.append(
            LoggedUnit(
                completion,
                unit,
                module,
                reviewers.get(completion.reviewer_id),
                met.get(completion.id, 0),
                len(unit.criteria or []),
                photo_files.get(completion.id),
            )
        )
    record.certificates = session.exec(
        select(Certificate, ModuleVersion, Module)
        .join(ModuleVersion, col(ModuleVersion.id) == Certificate.version_id)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .where(Certificate.student_id == student.id)
        .order_by(Certificate.issued_at)
    ).all()
    reflections = {
        r.activity_id: r
        for r in session.exec(
            select(ActivityReflection).where(ActivityReflection.user_id == student.id)
        ).all()
    }
    for activity, participant in session.exec(
        select(ExchangeActivity, ActivityParticipant)
        .join(ActivityParticipant, col(ActivityParticipant.activity_id) == ExchangeActivity.id)
        .where(ActivityParticipant.user_id == student.id)
        .order_by(ExchangeActivity.starts_on)
    ).all():
        record.activities.append((activity, participant, reflections.get(activity.id)))
    record.placements = _placements(session, student)
    record.notifications = session.exec(
        select(Notification)
        .where(Notification.user_id == student.id)
        .order_by(col(Notification.created_at).desc())
    ).all()
    record.sessions = _count(session, UserSession, UserSession.user_id == student.id)
    record.tokens = _count(session, ApiToken, ApiToken.user_id == student.id)
    record.audit_events = (
        audit_events
        if audit_events is not None
        else _count(session, AuditEvent, AuditEvent.actor_id == student.id)
    )
    return record


def _placements(session, student):
    shown = [
        PlacementShown(placement, company)
        for placement, company in session.exec(
            select(Placement, Organization.name)
            .join(Organization, col(Organization.id) == Placement.company_id)
            .where(Placement.student_id == student.id)
            .order_by(Placement.starts_on, Placement.id)
        ).all()
    ]
    by_id = {item.placement.id: item for item in shown}
    if by_id:
        for entry in session.exec(
            select(JournalEntry)
            .where(col(JournalEntry.placement_id).in_(by_id))
            .order_by(JournalEntry.day, JournalEntry.id)
        ).all():
            by_id[entry.placement_id].entries.append(entry)
        for assessment in session.exec(
            select(PlacementAssessment).where(col(PlacementAssessment.placement_id).in_(by_id))
        ).all():
            by_id[assessment.placement_id].assessment = assessment
    return shown


def _count(session, model, condition):
    return session.exec(select(func.count()).select_from(model).where(condition)).one()
