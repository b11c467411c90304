"""The final assessment: the supervisor rates technical competence in each expected unit and
work attitude (discipline, safety, teamwork, initiative, communication) on a four-level scale,
through an assessment link; the school's teacher then adds the school's grade, which closes
the placement.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from eduplatform.audit.service import record_event
from eduplatform.clock import local_today
from eduplatform.errors import Conflict, Invalid
from eduplatform.exchange.validation import Errors, check_length, clean_text
from eduplatform.people.models import Role
from eduplatform.placements import credential
from eduplatform.placements.models import (
    ATTITUDES,
    LEVELS,
    AssessmentUnit,
    LinkPurpose,
    Placement,
    PlacementAssessment,
    PlacementStatus,
    SupervisorLink,
)
from eduplatform.placements.service import can_manage, expected_units
from eduplatform.sqltypes import utcnow
from eduplatform.training.certificates import new_code


def _level(value):
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    return level if level in LEVELS else None


def submit_assessment(session: Session, *, link, unit_levels, attitudes, comment=""):
    """Record the supervisor's assessment once; every expected unit and attitude needs a level."""
    if link.purpose != LinkPurpose.ASSESSMENT:
        raise Invalid.field(None, _l("This link is not for the final assessment."))
    errors = Errors()
    units = expected_units(session, link.placement_id)
    levels = {}
    for unit in units:
        levels[unit.id] = _level(unit_levels.get(str(unit.id)))
        if levels[unit.id] is None:
            errors.add(f"unit_{unit.id}", _l("Choose a level for %(unit)s.", unit=unit.code))
    scores = {}
    for name in ATTITUDES:
        scores[name] = _level(attitudes.get(name))
        if scores[name] is None:
            errors.add(name, _l("Choose a level for each part of work attitude."))
    comment = clean_text(comment)
    check_length(errors, "comment", comment, 2000)
    errors.raise_any()
    session.add(
        PlacementAssessment(
            placement_id=link.placement_id,
            supervisor_id=link.supervisor_id,
            link_id=link.id,
            comment=comment,
            **scores,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(_l("The final assessment was already sent.")) from None
    session.add_all(
        AssessmentUnit(placement_id=link.placement_id, unit_id=u, level=level)
        for u, level in levels.items()
    )
    session.exec(
        update(SupervisorLink)
        .where(col(SupervisorLink.id) == link.id)
        .values(last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    record_event(
        session,
        actor=None,
        action="placement.assessed",
        target=session.get(Placement, link.placement_id),
        details={"supervisor_id": link.supervisor_id, "link_id": link.id},
    )
    session.commit()


def assessment_of(session, placement_id):
    """(assessment or None, {unit id: level})."""
    found = session.get(PlacementAssessment, placement_id)
    levels = {}
    if found is not None:
        for row in session.exec(
            select(AssessmentUnit).where(AssessmentUnit.placement_id == placement_id)
        ):
            levels[row.unit_id] = row.level
    return found, levels


def grade_placement(session: Session, *, actor, placement, grade, comment="", today=None):
    """The school's grade (0 to 100) after the supervisor's assessment; it finishes the
    placement if it was still running. Given once (a conditional update)."""
    if not can_manage(actor, placement):
        raise Invalid.field(None, _l("You cannot change placements of another school."))
    assessment = session.get(PlacementAssessment, placement.id)
    if assessment is None:
        raise Invalid.field(None, _l("The supervisor's final assessment comes first."))
    try:
        grade = int(str(grade).strip())
    except (TypeError, ValueError):
        grade = None
    if grade is None or not 0 <= grade <= 100:
        raise Invalid.field("grade", _l("Enter the grade as a whole number from 0 to 100."))
    comment = clean_text(comment)
    if len(comment) > 1000:
        raise Invalid.field("comment", _l("Use at most %(count)d characters.", count=1000))
    result = session.exec(
        update(PlacementAssessment)
        .where(
            col(PlacementAssessment.placement_id) == placement.id,
            col(PlacementAssessment.school_grade).is_(None),
        )
        .values(
            school_grade=grade,
            school_comment=comment,
            graded_by_id=actor.id,
            graded_at=utcnow(),
            certificate_code=new_code(),  # the placement certificate's verification code
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("The school's grade was already given."))
    session.exec(
        update(Placement)
        .where(col(Placement.id) == placement.id, col(Placement.status) == PlacementStatus.RUNNING)
        .values(status=PlacementStatus.FINISHED, ended_on=today or local_today())
        .execution_options(synchronize_session=False)
    )
    # The certificate's OB 3.0 credential: its status entry and the holder's subject id, issued
    # with the certificate (a colliding status position refuses the grade whole: try again).
    credential.prepare(session, placement.id, placement.student_id)
    record_event(session, actor=actor, action="placement.graded", target=placement)
    session.commit()
    session.refresh(placement)


REVOKERS = (Role.OFFICE, Role.ADMIN)


def revoke_certificate(session: Session, *, actor, placement, reason):
    """Withdraw a placement certificate (office or admin, with a reason): the public check says
    so and its credential's status bit is set. Once (a conditional update)."""
    if actor.role not in REVOKERS:
        raise Invalid.field(None, _l("Only the education office or an admin can revoke."))
    reason = clean_text(reason)
    if not reason:
        raise Invalid.field("reason", _l("Give the reason for revoking."))
    if len(reason) > 500:
        raise Invalid.field("reason", _l("Use at most 500 characters."))
    result = session.exec(
        update(PlacementAssessment)
        .where(
            col(PlacementAssessment.placement_id) == placement.id,
            col(PlacementAssessment.certificate_code).is_not(None),
            col(PlacementAssessment.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow(), revoked_by_id=actor.id, revoke_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_l("This certificate is already revoked."))
    record_event(
        session,
        actor=actor,
        action="placement.certificate_revoked",
        target=placement,
        details={"reason": reason},
    )
    session.commit()
