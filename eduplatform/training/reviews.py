"""Teachers verify or reject logged units; the verification that completes a module certifies it.

Two reviewers may act on one record at the same moment. The review is a conditional UPDATE
(`WHERE status = 'submitted'`): exactly one wins, the other gets Conflict naming the winner, and
only the winner's audit event is written.
"""

import functools
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select, update

from eduplatform.audit.service import record_event
from eduplatform.auth.access import school_scope
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import Cohort, Role, User
from eduplatform.sqltypes import utcnow
from eduplatform.training.certificates import issue_certificate
from eduplatform.training.models import (
    Certificate,
    CompletionCriterion,
    CompletionStatus,
    UnitCompletion,
)
from eduplatform.training.progress import units_with_modules
from eduplatform.training.signals import completion_reviewed

MAX_FEEDBACK = 1000
MAX_OVERRIDE = 500


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
    return cohort is not None and cohort.school_id in school_scope(actor, session)


def _clean_feedback(feedback, *, required):
    feedback = (feedback or "").strip()
    if required and not feedback:
        raise Invalid.field("feedback", _l("Tell the student what to improve."))
    if len(feedback) > MAX_FEEDBACK:
        raise Invalid.field("feedback", _l("Use at most 1000 characters."))
    return feedback or None


def all_criteria(unit):
    """The numbers of every assessment criterion of a unit (1 = the first)."""
    return list(range(1, len(unit.criteria or []) + 1))


def _clean_ticks(unit, criteria_met):
    """The set of criterion numbers ticked, each one a criterion the unit has."""
    total = len(unit.criteria or [])
    ticked = set()
    for raw in criteria_met or ():
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= total:
            raise Invalid.field(
                "criteria",
                _l("Unit %(unit)s has no criterion number %(number)s.", unit=unit.code, number=raw),
            )
        ticked.add(number)
    return ticked


def _clean_override(reason, *, missing):
    """The reason to verify although criteria are not ticked: required then, dropped otherwise."""
    reason = (reason or "").strip()
    if not missing:
        return None
    if not reason:
        raise Invalid.field(
            "criteria",
            _l(
                "Tick every criterion the work meets, or give a reason to approve anyway "
                "(%(count)d not ticked).",
                count=missing,
            ),
        )
    if len(reason) > MAX_OVERRIDE:
        raise Invalid.field("override_reason", _l("Use at most 500 characters."))
    return reason


def _store_ticks(session, completion, unit, ticked):
    for number in all_criteria(unit):
        session.add(
            CompletionCriterion(completion_id=completion.id, number=number, met=number in ticked)
        )


def criteria_ticks(session, completion_ids):
    """{completion id: {criterion number: met}} as the reviewers ticked them."""
    found = {}
    if completion_ids:
        # Columns, not objects: a page of fifty records has a few hundred ticks.
        rows = session.exec(
            select(
                CompletionCriterion.completion_id,
                CompletionCriterion.number,
                CompletionCriterion.met,
            ).where(col(CompletionCriterion.completion_id).in_(list(completion_ids)))
        ).all()
        for completion_id, number, met in rows:
            found.setdefault(completion_id, {})[number] = met
    return found


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


def _review(session, *, actor, completion, status, feedback, ticked=(), override=None):
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
        .values(
            status=status,
            reviewer_id=actor.id,
            reviewed_at=now,
            feedback=feedback,
            criteria_override=override,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.refresh(completion)
    unit = session.get(Unit, completion.unit_id)
    _store_ticks(session, completion, unit, ticked)
    completion_reviewed.send(
        completion, session=session, old_status=CompletionStatus.SUBMITTED, new_status=status
    )
    details = {"unit": unit.code, "student_id": completion.student_id}
    if unit.criteria:
        details["criteria"] = f"{len(ticked)}/{len(unit.criteria)}"
    if override:
        details["reason"] = override
    record_event(
        session, actor=actor, action=f"completion.{status}", target=completion, details=details
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


def approve_completion(
    session, *, actor, completion, feedback=None, criteria_met=(), override_reason=None
):
    """Verify a record; returns the certificate it completed, if any.

    Every assessment criterion of the unit must be ticked (`criteria_met`: their numbers), or
    `override_reason` say why the work is verified anyway. Feedback is optional.
    """
    unit = session.get(Unit, completion.unit_id)
    ticked = _clean_ticks(unit, criteria_met)
    override = _clean_override(override_reason, missing=len(unit.criteria or []) - len(ticked))
    feedback = _clean_feedback(feedback, required=False)
    if not _review(
        session,
        actor=actor,
        completion=completion,
        status=CompletionStatus.VERIFIED,
        feedback=feedback,
        ticked=ticked,
        override=override,
    ):
        session.rollback()
        raise _already_reviewed(session, completion.id)
    certificate = _certificate_if_complete(session, actor=actor, completion=completion)
    session.commit()
    return certificate


def reject_completion(session, *, actor, completion, feedback, criteria_met=()):
    """Send a record back with feedback (required); the student may log the unit again.

    The criteria the work already meets may be ticked: the student sees which are missing.
    """
    unit = session.get(Unit, completion.unit_id)
    ticked = _clean_ticks(unit, criteria_met)
    feedback = _clean_feedback(feedback, required=True)
    if not _review(
        session,
        actor=actor,
        completion=completion,
        status=CompletionStatus.REJECTED,
        feedback=feedback,
        ticked=ticked,
    ):
        session.rollback()
        raise _already_reviewed(session, completion.id)
    session.commit()


def approve_many(session, *, actor, completions, criteria_checked=False):
    """Verify several records in one transaction, skipping those someone else reviewed first.

    The reviewer states (`criteria_checked`) that each record meets every assessment criterion
    of its unit; the ticks are stored so, record by record.
    """
    result = BulkResult()
    units = {}
    for completion in completions:
        if not can_review(session, actor, completion):
            raise Invalid.field(None, _l("You cannot review records of another school."))
        units[completion.id] = session.get(Unit, completion.unit_id)
    if not criteria_checked and any(unit.criteria for unit in units.values()):
        raise Invalid.field(
            "criteria_checked",
            _l("Confirm that each record meets every assessment criterion of its unit."),
        )
    # One lock order (student, record) for every reviewer, so that two bulk approvals of the
    # same students cannot deadlock.
    for completion in sorted(completions, key=lambda c: (c.student_id, c.id)):
        if _review(
            session,
            actor=actor,
            completion=completion,
            status=CompletionStatus.VERIFIED,
            feedback=None,
            ticked=set(all_criteria(units[completion.id])),
        ):
            result.approved.append(completion)
            certificate = _certificate_if_complete(session, actor=actor, completion=completion)
            if certificate:
                result.certificates.append(certificate)
        else:
            result.skipped.append(completion)
    session.commit()
    return result


def still_at_the_school():
    """A WHERE clause on records joined with their student (User) and class (Cohort): records
    stay with the class they were logged in, but a student who moved to another school is in
    no queue of the old one."""
    return User.organization_id == Cohort.school_id


def waiting_for_review(*columns):
    """select(*columns) over the records that wait in a teacher's queue: submitted, of a
    student still at the class's school (the queue's, the reminders' and the gauge's count)."""
    return (
        select(*columns)
        .select_from(UnitCompletion)
        .join(User, col(User.id) == UnitCompletion.student_id)
        .join(Cohort, col(Cohort.id) == UnitCompletion.cohort_id)
        .where(UnitCompletion.status == CompletionStatus.SUBMITTED, still_at_the_school())
    )


@dataclass
class QueueRow:
    completion: UnitCompletion
    student: User
    unit: Unit
    module: Module
    cohort: Cohort


@functools.cache
def _queue_statements(scoped, by_cohort, by_module, by_student, by_ids):
    """(count, page) statements of the queue with these filters, built once per process for
    each combination (building a statement costs about as much as running it); the filters'
    values, the state and the page are bound parameters."""
    # The units and modules are read for the page afterwards (units_with_modules): joined
    # here, PostgreSQL spent ten times longer planning the statement than running it.
    query = (
        select(UnitCompletion, User, Cohort)
        .join(User, User.id == UnitCompletion.student_id)
        .join(Cohort, Cohort.id == UnitCompletion.cohort_id)
        # The state written into the statement (always one of CompletionStatus, never a
        # request's text): as a parameter, PostgreSQL's generic plan guessed a third of the
        # records for it and planned both statements anew on every opening (1-3 ms each, to
        # run 0.1 ms); with it, the prepared statements keep one plan.
        .where(UnitCompletion.status == bindparam("status", literal_execute=True))
        .where(still_at_the_school())
    )
    if scoped:
        schools = bindparam("school_ids", expanding=True)
        # Said of the records too, so that the database starts from the schools' classes (the
        # index on class and state) rather than from every record of the city in that state.
        classes = aliased(Cohort)
        query = query.where(
            col(Cohort.school_id).in_(schools),
            col(UnitCompletion.cohort_id).in_(
                select(classes.id).where(col(classes.school_id).in_(schools))
            ),
        )
    if by_cohort:
        query = query.where(UnitCompletion.cohort_id == bindparam("cohort_id"))
    if by_module:
        query = query.where(
            col(UnitCompletion.unit_id).in_(
                select(Unit.id)
                .join(ModuleVersion, col(ModuleVersion.id) == Unit.version_id)
                .where(ModuleVersion.module_id == bindparam("module_id"))
            )
        )
    if by_student:
        query = query.where(UnitCompletion.student_id == bindparam("student_id"))
    if by_ids:
        query = query.where(col(UnitCompletion.id).in_(bindparam("ids", expanding=True)))
    count = select(func.count()).select_from(query.subquery())
    page = (
        query.order_by(UnitCompletion.created_at, UnitCompletion.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return count, page


def oldest_waiting(session, *, school_ids=None, cohort_id=None, module_id=None, student_id=None):
    """The id of the oldest record awaiting review in these schools (None: all) within the
    filters, or None: where a teacher goes after a decision. One statement (the queue's page
    of one, without its count or its units)."""
    _count, listing = _queue_statements(
        school_ids is not None, bool(cohort_id), bool(module_id), bool(student_id), False
    )
    params = {
        "status": CompletionStatus.SUBMITTED,
        "school_ids": sorted(school_ids or ()),
        "cohort_id": cohort_id,
        "module_id": module_id,
        "student_id": student_id,
        "offset": 0,
        "limit": 1,
    }
    row = session.exec(listing, params=params).first()
    return row[0].id if row is not None else None


def review_queue(
    session,
    *,
    school_ids=None,
    cohort_id=None,
    module_id=None,
    student_id=None,
    status=None,
    ids=None,
    page=1,
    per_page=50,
):
    """(QueueRows of a page, the number of records in all) awaiting review (or of `status`) in
    these schools (None: all), oldest first."""
    count, listing = _queue_statements(
        school_ids is not None, bool(cohort_id), bool(module_id), bool(student_id), ids is not None
    )
    params = {
        "status": status or CompletionStatus.SUBMITTED,
        "school_ids": sorted(school_ids or ()),
        "cohort_id": cohort_id,
        "module_id": module_id,
        "student_id": student_id,
        "ids": list(ids or ()),
    }
    total = session.exec(count, params=params).one()
    if per_page == 0:  # the number only
        return [], total
    rows = session.exec(
        listing, params={**params, "offset": (page - 1) * per_page, "limit": per_page}
    ).all()
    units = units_with_modules(session, {completion.unit_id for completion, _s, _c in rows})
    return [
        QueueRow(completion, student, *units[completion.unit_id], cohort)
        for completion, student, cohort in rows
    ], total
