"""Teachers verify or reject logged units; the verification that completes a module certifies it.

Two reviewers may act on one record at the same moment. The review is a conditional UPDATE
(`WHERE status = 'submitted'`): exactly one wins, the other gets Conflict naming the winner, and
only the winner's audit event is written.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import col, func, select, update

from eduplatform.audit.service import record_event
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import Cohort, Role, User
from eduplatform.sqltypes import utcnow
from eduplatform.training.certificates import issue_certificate
from eduplatform.training.models import Certificate, CompletionStatus, UnitCompletion
from eduplatform.training.signals import completion_reviewed

MAX_FEEDBACK = 1000


@dataclass
class BulkResult:
    approved: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # already reviewed by someone else
    certificates: list = field(default_factory=list)


def can_review(session, actor, completion):
    """Any teacher of the record's school (or an admin) may review it."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.TEACHER:
        return False
    cohort = session.get(Cohort, completion.cohort_id)
    return cohort is not None and cohort.school_id == actor.organization_id


def _clean_feedback(feedback, *, required):
    feedback = (feedback or "").strip()
    if required and not feedback:
        raise Invalid.field("feedback", _l("Tell the student what to improve."))
    if len(feedback) > MAX_FEEDBACK:
        raise Invalid.field("feedback", _l("Use at most 1000 characters."))
    return feedback or None


def _lock_student(session, student_id):
    # Serialises reviews of one student's records (PostgreSQL; SQLite's write lock already
    # does), so that two last-unit verifications cannot both miss the completed module.
    session.exec(
        select(User.id).where(User.id == student_id).with_for_update(key_share=True)
    ).first()


def _already_reviewed(session, completion_id):
    row = session.exec(
        select(UnitCompletion, User.full_name)
        .join(User, User.id == UnitCompletion.reviewer_id, isouter=True)
        .where(UnitCompletion.id == completion_id)
        .execution_options(populate_existing=True)
    ).first()
    name = row[1] if row and row[1] else "?"
    return Conflict(_l("This record was already reviewed by %(name)s.", name=name))


def _review(session, *, actor, completion, status, feedback):
    """Apply one review inside the caller's transaction; False when someone else was first."""
    if not can_review(session, actor, completion):
        raise Invalid.field(None, _l("You cannot review records of another school."))
    _lock_student(session, completion.student_id)
    now = utcnow()
    result = session.exec(
        update(UnitCompletion)
        .where(
            col(UnitCompletion.id) == completion.id,
            col(UnitCompletion.status) == CompletionStatus.SUBMITTED,
        )
        .values(status=status, reviewer_id=actor.id, reviewed_at=now, feedback=feedback)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.refresh(completion)
    completion_reviewed.send(
        completion, session=session, old_status=CompletionStatus.SUBMITTED, new_status=status
    )
    unit = session.get(Unit, completion.unit_id)
    record_event(
        session,
        actor=actor,
        action=f"completion.{status}",
        target=completion,
        details={"unit": unit.code, "student_id": completion.student_id},
    )
    return True


def _certificate_if_complete(session, *, actor, completion):
    """Issue the module version's certificate when this student now has every unit verified."""
    unit = session.get(Unit, completion.unit_id)
    version_units = select(Unit.id).where(Unit.version_id == unit.version_id)
    total = session.exec(select(func.count()).select_from(version_units.subquery())).one()
    verified = session.exec(
        select(func.count(func.distinct(UnitCompletion.unit_id))).where(
            UnitCompletion.student_id == completion.student_id,
            UnitCompletion.status == CompletionStatus.VERIFIED,
            col(UnitCompletion.unit_id).in_(version_units),
        )
    ).one()
    if verified < total:
        return None
    existing = session.exec(
        select(Certificate.id).where(
            Certificate.student_id == completion.student_id,
            Certificate.version_id == unit.version_id,
            col(Certificate.revoked_at).is_(None),
        )
    ).first()
    if existing is not None:
        return None
    cohort = session.get(Cohort, completion.cohort_id)
    return issue_certificate(
        session,
        actor=actor,
        student_id=completion.student_id,
        version_id=unit.version_id,
        cohort=cohort,
    )


def approve_completion(session, *, actor, completion, feedback=None):
    """Verify a record (feedback optional); returns the certificate it completed, if any."""
    feedback = _clean_feedback(feedback, required=False)
    if not _review(
        session,
        actor=actor,
        completion=completion,
        status=CompletionStatus.VERIFIED,
        feedback=feedback,
    ):
        session.rollback()
        raise _already_reviewed(session, completion.id)
    certificate = _certificate_if_complete(session, actor=actor, completion=completion)
    session.commit()
    return certificate


def reject_completion(session, *, actor, completion, feedback):
    """Send a record back with feedback (required); the student may log the unit again."""
    feedback = _clean_feedback(feedback, required=True)
    if not _review(
        session,
        actor=actor,
        completion=completion,
        status=CompletionStatus.REJECTED,
        feedback=feedback,
    ):
        session.rollback()
        raise _already_reviewed(session, completion.id)
    session.commit()


def approve_many(session, *, actor, completions):
    """Verify several records in one transaction, skipping those someone else reviewed first."""
    result = BulkResult()
    for completion in completions:
        if not can_review(session, actor, completion):
            raise Invalid.field(None, _l("You cannot review records of another school."))
    # One lock order (student, record) for every reviewer, so that two bulk approvals of the
    # same students cannot deadlock.
    for completion in sorted(completions, key=lambda c: (c.student_id, c.id)):
        if _review(
            session,
            actor=actor,
            completion=completion,
            status=CompletionStatus.VERIFIED,
            feedback=None,
        ):
            result.approved.append(completion)
            certificate = _certificate_if_complete(session, actor=actor, completion=completion)
            if certificate:
                result.certificates.append(certificate)
        else:
            result.skipped.append(completion)
    session.commit()
    return result


@dataclass
class QueueRow:
    completion: UnitCompletion
    student: User
    unit: Unit
    module: Module
    cohort: Cohort


def review_queue(
    session,
    *,
    school_id=None,
    cohort_id=None,
    module_id=None,
    student_id=None,
    status=None,
    ids=None,
    page=1,
    per_page=50,
):
    """Records awaiting review (or of `status`), oldest first, with what the page shows."""
    query = (
        select(UnitCompletion, User, Unit, Module, Cohort)
        .join(User, User.id == UnitCompletion.student_id)
        .join(Unit, Unit.id == UnitCompletion.unit_id)
        .join(ModuleVersion, ModuleVersion.id == Unit.version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .join(Cohort, Cohort.id == UnitCompletion.cohort_id)
        .where(UnitCompletion.status == (status or CompletionStatus.SUBMITTED))
    )
    if school_id is not None:
        query = query.where(Cohort.school_id == school_id)
    if cohort_id:
        query = query.where(UnitCompletion.cohort_id == cohort_id)
    if module_id:
        query = query.where(Module.id == module_id)
    if student_id:
        query = query.where(UnitCompletion.student_id == student_id)
    if ids is not None:
        query = query.where(col(UnitCompletion.id).in_(ids))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(UnitCompletion.created_at, UnitCompletion.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return [QueueRow(*row) for row in rows], total
