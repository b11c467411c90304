"""Partnerships and activities within the viewer's scope: lists, a month, a school's feed."""

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlmodel import and_, col, false, func, or_, select

from eduplatform.clock import local_today
from eduplatform.exchange.access import (
    EVERYTHING,
    activity_filter,
    own_orgs,
    partnership_filter,
)
from eduplatform.exchange.models import (
    ActivityAttachment,
    ActivityKind,
    ActivityParticipant,
    ActivityReflection,
    ActivityStatus,
    ExchangeActivity,
    Partnership,
    PartnershipKind,
    PartnershipSchool,
    PartnershipStatus,
)
from eduplatform.people.memberships import member_of_any
from eduplatform.people.models import Organization, OrgKind, User

FEED_DAYS_BACK = 30
FEED_LIMIT = 500


@dataclass(frozen=True)
class ActivityFilters:
    partnership_id: int | None = None
    school_id: int | None = None
    kind: str | None = None
    status: str | None = None
    when: str | None = None  # "upcoming" or "past"
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args):
        """Filters from the request's query string: unknown or malformed words and dates are
        ignored; the partnership and school ids go through the scope guard (404 when unknown
        or not the user's)."""
        from eduplatform import scope

        def number(name, kind):
            found = scope.query_id(name, kind)
            return found.id if found is not None else None

        def day(name):
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        kind = args.get("kind")
        status = args.get("status")
        when = args.get("when")
        return cls(
            partnership_id=number("partnership", "partnership"),
            school_id=number("school", "organization"),
            kind=kind if kind in set(ActivityKind) else None,
            status=status if status in set(ActivityStatus) else None,
            when=when if when in ("upcoming", "past") else None,
            since=day("since"),
            until=day("until"),
        )

    def as_args(self):
        """The filters as query-string arguments (for export links and the calendar)."""
        values = {
            "partnership": self.partnership_id,
            "school": self.school_id,
            "kind": self.kind,
            "status": self.status,
            "when": self.when,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}


def _member_of(school_id):
    return select(PartnershipSchool.partnership_id).where(PartnershipSchool.school_id == school_id)


def school_partnerships(school_id):
    """A WHERE clause on Partnership: the school's own, or a city-wide one it is a member of."""
    return or_(
        Partnership.school_id == school_id,
        Partnership.partner_id == school_id,
        col(Partnership.id).in_(_member_of(school_id)),
    )


def school_activities(school_id):
    """A WHERE clause on ExchangeActivity joined with Partnership: the school's activities, of
    its own partnerships, and a city-wide partnership's for the school or for the whole city."""
    return or_(
        Partnership.school_id == school_id,
        Partnership.partner_id == school_id,
        ExchangeActivity.school_id == school_id,
        and_(
            col(Partnership.id).in_(_member_of(school_id)),
            col(ExchangeActivity.school_id).is_(None),
        ),
    )


def _activities_query(viewer, filters, today):
    query = (
        select(ExchangeActivity, Partnership)
        .join(Partnership, Partnership.id == ExchangeActivity.partnership_id)
        .where(activity_filter(viewer))
    )
    if filters.partnership_id:
        query = query.where(ExchangeActivity.partnership_id == filters.partnership_id)
    if filters.school_id:
        query = query.where(school_activities(filters.school_id))
    if filters.kind:
        query = query.where(ExchangeActivity.kind == filters.kind)
    if filters.status:
        query = query.where(ExchangeActivity.status == filters.status)
    if filters.when == "upcoming":
        query = query.where(ExchangeActivity.ends_on >= today)
    elif filters.when == "past":
        query = query.where(ExchangeActivity.ends_on < today)
    if filters.since:
        query = query.where(ExchangeActivity.ends_on >= filters.since)
    if filters.until:
        query = query.where(ExchangeActivity.starts_on <= filters.until)
    return query


def list_activities(session, *, viewer, filters, page=1, per_page=50, today=None):
    """(activity, partnership) pairs in scope; upcoming soonest first, otherwise newest first.

    per_page=None returns every row (exports)."""
    today = today or local_today()
    query = _activities_query(viewer, filters, today)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    if filters.when == "upcoming":
        order = (col(ExchangeActivity.starts_on), col(ExchangeActivity.id))
    else:
        order = (col(ExchangeActivity.starts_on).desc(), col(ExchangeActivity.id).desc())
    query = query.order_by(*order)
    if per_page:
        query = query.offset((page - 1) * per_page).limit(per_page)
    return session.exec(query).all(), total


def month_grid(year, month):
    """Weeks (Monday first) of day dates, None outside the month."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[d if d.month == month else None for d in week] for week in weeks]


def activities_in_month(session, *, viewer, filters, year, month):
    """Activities overlapping the month, and for each day of it the activities on that day."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    month_filters = replace(filters, when=None, since=first, until=last)
    rows, _ = list_activities(session, viewer=viewer, filters=month_filters, per_page=None)
    rows = sorted(rows, key=lambda row: (row[0].starts_on, row[0].id))
    by_day = {}
    for activity, _partnership in rows:
        day = max(activity.starts_on, first)
        while day <= min(activity.ends_on, last):
            by_day.setdefault(day, []).append(activity)
            day += timedelta(days=1)
    return rows, by_day


def list_partnerships(session, *, viewer, school_id=None, kind=None, status=None):
    query = select(Partnership).where(partnership_filter(viewer))
    if school_id:
        query = query.where(school_partnerships(school_id))
    if kind in set(PartnershipKind):
        query = query.where(Partnership.kind == kind)
    if status in set(PartnershipStatus):
        query = query.where(Partnership.status == status)
    return session.exec(query.order_by(col(Partnership.id).desc())).all()


def organizations_for(session, ids):
    """Organizations by id for the given ids, in one query."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()
    return {org.id: org for org in rows}


def organizations_of_partnerships(session, partnerships, activities=()):
    ids = set()
    for partnership in partnerships:
        ids |= partnership.member_ids
    for activity in activities:
        ids |= {activity.sending_org_id, activity.receiving_org_id, activity.school_id}
    return organizations_for(session, ids)


def participant_counts(session, activity_ids):
    if not activity_ids:
        return {}
    rows = session.exec(
        select(ActivityParticipant.activity_id, func.count())
        .where(col(ActivityParticipant.activity_id).in_(activity_ids))
        .group_by(ActivityParticipant.activity_id)
    ).all()
    return dict(rows)


def activity_details(session, activity):
    """Participants with their users, reflections with their authors, attachments: 3 queries."""
    participants = session.exec(
        select(ActivityParticipant, User)
        .join(User, User.id == ActivityParticipant.user_id, isouter=True)
        .where(ActivityParticipant.activity_id == activity.id)
        .order_by(ActivityParticipant.role, ActivityParticipant.id)
    ).all()
    reflections = session.exec(
        select(ActivityReflection, User)
        .join(User, User.id == ActivityReflection.user_id)
        .where(ActivityReflection.activity_id == activity.id)
        .order_by(ActivityReflection.created_at)
    ).all()
    attachments = session.exec(
        select(ActivityAttachment)
        .where(ActivityAttachment.activity_id == activity.id)
        .order_by(ActivityAttachment.id)
    ).all()
    return participants, reflections, attachments


def choosable_people(partnership, *, viewer, activity=None):
    """The query of the people the viewer may add to an activity of the partnership.

    Active staff (teachers, authors) of the partnership's organizations, and students only of
    the viewer's own school (every member school's for the office); never anyone already taking
    part. The page's list and the check of a posted id both use it, so nothing else gets in.
    """
    members = partnership.member_ids
    staff = (member_of_any(members), col(User.role).in_(["teacher", "author"]))
    if viewer.role in EVERYTHING:
        students = col(User.organization_id).in_(members)
    elif viewer.role == "teacher":
        students = col(User.organization_id).in_(own_orgs(viewer) & members)
    else:
        students = false()
    query = select(User).where(
        User.active == True,  # noqa: E712
        or_(and_(*staff), and_(User.role == "student", students)),
    )
    if activity is not None and activity.id is not None:
        taking_part = select(ActivityParticipant.user_id).where(
            ActivityParticipant.activity_id == activity.id,
            col(ActivityParticipant.user_id).is_not(None),
        )
        query = query.where(col(User.id).not_in(taking_part))
    return query


def candidate_people(session, partnership, *, viewer, activity=None):
    """The people the viewer may add (see choosable_people), by organization, role and name."""
    query = choosable_people(partnership, viewer=viewer, activity=activity)
    return session.exec(query.order_by(User.organization_id, User.role, User.full_name)).all()


def choosable_person(session, partnership, *, viewer, activity, user_id):
    """The person with this id if the viewer may add them to the activity, else None."""
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id < 2**31:
        return None
    query = choosable_people(partnership, viewer=viewer, activity=activity)
    return session.exec(query.where(User.id == user_id)).first()


def schools(session):
    return session.exec(
        select(Organization).where(Organization.kind == OrgKind.SCHOOL).order_by(Organization.name)
    ).all()


def feed_activities(session, school, today=None):
    """The school's activities from a month ago onwards, for its calendar feed: those of its
    own partnerships, and a city-wide partnership's for the school or for the whole city."""
    today = today or local_today()
    return session.exec(
        select(ExchangeActivity)
        .join(Partnership, Partnership.id == ExchangeActivity.partnership_id)
        .where(
            school_activities(school.id),
            ExchangeActivity.ends_on >= today - timedelta(days=FEED_DAYS_BACK),
        )
        .order_by(ExchangeActivity.starts_on, ExchangeActivity.id)
        .limit(FEED_LIMIT)
    ).all()
