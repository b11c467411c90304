"""Who sees and who manages partnerships and activities: one place for the exchange's scope rules.

A partnership's members are its school and its partner organization when that is on the platform.
Teachers and authors of a member see its partnerships and activities and may record activities;
a student sees the activities they take part in; the office and admins see and manage everything.
"""

from sqlmodel import false, or_, select, true

from eduplatform.exchange.models import ActivityParticipant, ExchangeActivity, Partnership
from eduplatform.people.models import Role

EVERYTHING = (Role.OFFICE, Role.ADMIN)
MEMBER_STAFF = (Role.TEACHER, Role.AUTHOR)


def partnership_filter(user):
    """A WHERE clause on Partnership limiting it to what the user may see."""
    if user.role in EVERYTHING:
        return true()
    if user.role in MEMBER_STAFF and user.organization_id:
        org = user.organization_id
        return or_(Partnership.school_id == org, Partnership.partner_id == org)
    return false()


def activity_filter(user):
    """A WHERE clause on ExchangeActivity (joined with Partnership) for what the user may see."""
    if user.role in EVERYTHING:
        return true()
    if user.role in MEMBER_STAFF and user.organization_id:
        org = user.organization_id
        return or_(
            Partnership.school_id == org,
            Partnership.partner_id == org,
            ExchangeActivity.sending_org_id == org,
            ExchangeActivity.receiving_org_id == org,
        )
    if user.role == Role.STUDENT:
        joined = select(ActivityParticipant.activity_id).where(
            ActivityParticipant.user_id == user.id
        )
        return ExchangeActivity.id.in_(joined)
    return false()


def sees_partnership(user, partnership):
    if user.role in EVERYTHING:
        return True
    return user.role in MEMBER_STAFF and user.organization_id in partnership.member_ids


def manages_partnerships(user):
    return user.role in EVERYTHING


def manages_activities_of(user, partnership):
    """Whether the user may record and edit activities of this partnership."""
    if user.role in EVERYTHING:
        return True
    return user.role in MEMBER_STAFF and user.organization_id in partnership.member_ids


def sees_activity(user, activity, partnership, participant_ids=()):
    if sees_partnership(user, partnership):
        return True
    org = user.organization_id
    if (
        user.role in MEMBER_STAFF
        and org
        and org
        in (
            activity.sending_org_id,
            activity.receiving_org_id,
        )
    ):
        return True
    return user.id in participant_ids


def sees_person(user, person):
    """Whether the user may open another person's exchange record."""
    if user.id == person.id or user.role in EVERYTHING:
        return True
    if user.role == Role.TEACHER:
        return person.organization_id == user.organization_id
    if user.role == Role.AUTHOR:
        # authors see no student's personal data
        return person.organization_id == user.organization_id and person.role != Role.STUDENT
    return False


def shows_name(viewer, person):
    """Staff names show to everyone who sees the activity; a student's only within their school."""
    if person.role != Role.STUDENT or viewer.id == person.id or viewer.role in EVERYTHING:
        return True
    return (
        viewer.role in (Role.TEACHER, Role.STUDENT)
        and viewer.organization_id == person.organization_id
    )
