"""Who sees and who manages partnerships and activities: one place for the exchange's scope rules.

A partnership's members are its school (or, for a city-wide partnership, the education office),
its partner organization when that is on the platform, and a city-wide partnership's member
schools. Teachers and authors of a member see its partnerships and activities and may record
activities; in a city-wide partnership a member school's teacher manages the activities of their
own school, not those of another school or of the whole city. A student sees the activities they
take part in; the office and admins see and manage everything.
"""

from sqlmodel import col, false, or_, select, true

from eduplatform.exchange.models import (
    ActivityParticipant,
    ExchangeActivity,
    Partnership,
    PartnershipSchool,
)
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Role

EVERYTHING = (Role.OFFICE, Role.ADMIN)
MEMBER_STAFF = (Role.TEACHER, Role.AUTHOR)


def own_orgs(user):
    """The organizations whose staff the user is (a teacher may belong to several schools)."""
    return set(school_ids(user))


def _partnerships_of(orgs):
    """A WHERE clause on Partnership: one of the organizations is a side or a member school."""
    members = select(PartnershipSchool.partnership_id).where(
        col(PartnershipSchool.school_id).in_(orgs)
    )
    return or_(
        col(Partnership.school_id).in_(orgs),
        col(Partnership.partner_id).in_(orgs),
        col(Partnership.id).in_(members),
    )


def partnership_filter(user):
    """A WHERE clause on Partnership limiting it to what the user may see."""
    if user.role in EVERYTHING:
        return true()
    orgs = own_orgs(user)
    if user.role in MEMBER_STAFF and orgs:
        return _partnerships_of(orgs)
    return false()


def activity_filter(user):
    """A WHERE clause on ExchangeActivity (joined with Partnership) for what the user may see."""
    if user.role in EVERYTHING:
        return true()
    orgs = own_orgs(user)
    if user.role in MEMBER_STAFF and orgs:
        return or_(
            _partnerships_of(orgs),
            col(ExchangeActivity.sending_org_id).in_(orgs),
            col(ExchangeActivity.receiving_org_id).in_(orgs),
        )
    if user.role == Role.STUDENT:
        joined = select(ActivityParticipant.activity_id).where(
            ActivityParticipant.user_id == user.id
        )
        return col(ExchangeActivity.id).in_(joined)
    return false()


def sees_partnership(user, partnership):
    if user.role in EVERYTHING:
        return True
    return user.role in MEMBER_STAFF and bool(own_orgs(user) & partnership.member_ids)


def manages_partnerships(user):
    return user.role in EVERYTHING


def planning_schools(user, partnership):
    """The member schools a teacher may plan a city-wide partnership's activities for."""
    if user.role != Role.TEACHER:
        return set()
    return own_orgs(user) & partnership.member_school_ids


def manages_whole(user, partnership):
    """The office, admins and the staff of the partnership's sides manage all its activities."""
    if user.role in EVERYTHING:
        return True
    return user.role in MEMBER_STAFF and bool(
        own_orgs(user) & {partnership.school_id, partnership.partner_id}
    )


def manages_activities_of(user, partnership, activity=None):
    """Whether the user may record activities of this partnership (and change `activity`).

    The partnership's sides manage all its activities; a member school's teacher manages those
    of their own school (and may plan new ones for it).
    """
    if manages_whole(user, partnership):
        return True
    schools = planning_schools(user, partnership)
    if activity is None:
        return bool(schools)
    return activity.school_id in schools


def sees_activity(user, activity, partnership, participant_ids=()):
    if sees_partnership(user, partnership):
        return True
    orgs = own_orgs(user)
    if user.role in MEMBER_STAFF and orgs & {activity.sending_org_id, activity.receiving_org_id}:
        return True
    return user.id in participant_ids


def sees_person(user, person):
    """Whether the user may open another person's exchange record."""
    if user.id == person.id or user.role in EVERYTHING:
        return True
    if user.role == Role.TEACHER:  # people of their schools (a colleague at any of them too)
        return bool(own_orgs(user) & own_orgs(person))
    if user.role == Role.AUTHOR:
        # authors see no student's personal data
        return person.organization_id in own_orgs(user) and person.role != Role.STUDENT
    return False


def shows_name(viewer, person):
    """Staff names show to everyone who sees the activity; a student's only within their school."""
    if person.role != Role.STUDENT or viewer.id == person.id or viewer.role in EVERYTHING:
        return True
    return viewer.role in (Role.TEACHER, Role.STUDENT) and person.organization_id in own_orgs(
        viewer
    )
