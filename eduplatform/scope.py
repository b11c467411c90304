"""The scope guard: every id a request carries, wherever it comes from, is checked the same way.

A path id is loaded by its area's loader (people.loaders, exchange, training), which answers 404
for an unknown id and for one outside the user's scope alike. Ids from the query string, a form
field or a JSON body come here:

    cohort = scope.query_id("cohort")            # ?cohort=12: the Cohort, None when absent
    target = scope.form_id("cohort_id", "cohort")  # a posted field
    found = scope.find("cohort", form.cohort_id.data)  # None: re-show the form with one refusal
    rows = scope.form_ids("completion")          # a ticked list: only the ones the user may see
    person = scope.chosen(raw, offered, source="form", name="p-user_id", kind="user")
                                                 # one of the form's own (scoped) choices, or None

`query_id`, `form_id` and `load` abort with 404 when the id is malformed, out of the database's
range, unknown or outside the user's scope: one answer for all of them. `find` returns None for
the same cases, for a form that is shown again with the same message as for an unknown id.
Each kind's rule lives in one finder below (registered with @finder); a new kind gets one here.

Every read is noted in the request's environ ("eduplatform.scoped_reads") as (source, name,
kind): the authorization matrix test (tests/security) compares them with the id parameters each
route declares.
"""

from flask import abort, g, has_request_context, request
from flask_login import current_user

from eduplatform.ids import parse_id

FINDERS = {}


def finder(kind):
    """Register `function(db, user, id) -> object or None` as the rule for ids of `kind`."""

    def register(function):
        FINDERS[kind] = function
        return function

    return register


READS_KEY = "eduplatform.scoped_reads"


def _note(source, name, kind):
    if has_request_context():
        request.environ.setdefault(READS_KEY, []).append((source, name, kind))


def find(kind, raw, *, source="value", name=None, user=None, db=None):
    """The object of `kind` that `raw` names if the user (the signed-in one unless given) may
    see it, else None."""
    if kind not in FINDERS:
        raise LookupError(f"no scope rule for ids of kind {kind!r} (add one in eduplatform.scope)")
    _note(source, name or kind, kind)
    ident = parse_id(raw)
    if ident is None:
        return None
    if db is None:
        from eduplatform.db import get_session

        db = get_session()
    if user is None:  # the API's caller (a bearer token), else the signed-in user
        user = g.get("api_user") or current_user
    return FINDERS[kind](db, user, ident)


def load(kind, raw, *, source="value", name=None):
    """Like find, but 404 when there is nothing the user may see (unknown and "not yours" alike)."""
    found = find(kind, raw, source=source, name=name)
    if found is None:
        abort(404)
    return found


def _given(raw):
    return raw is not None and raw.strip() != ""


def query_id(name, kind=None):
    """The object named by query-string argument `name`: None when absent or empty, else 404."""
    raw = request.args.get(name)
    if not _given(raw):
        _note("query", name, kind or name)
        return None
    return load(kind or name, raw, source="query", name=name)


def form_id(name, kind=None):
    """The object named by form field `name`: None when absent or empty, else 404."""
    raw = request.form.get(name)
    if not _given(raw):
        _note("form", name, kind or name)
        return None
    return load(kind or name, raw, source="form", name=name)


def form_ids(name, kind=None, *, strict=False):
    """The objects named by the repeated form field `name` that the user may see. The others,
    unknown or not theirs alike, are left out (the caller reports how many were skipped), or
    with `strict` answer 404 (a list the page never offered). Each id is named once."""
    kind = kind or name
    _note("form", name, kind)
    found, seen = [], set()
    for raw in request.form.getlist(name):
        item = find(kind, raw, source="form", name=name)
        if item is None and strict:
            abort(404)
        if item is not None and item.id not in seen:
            seen.add(item.id)
            found.append(item)
    return found


def chosen(raw, offered, *, source, name, kind):
    """The object `raw` names among those the page offered (`offered`: {id: object}, built from
    the user's scope, such as a form's choices), else None: one refusal for anything else."""
    _note(source, name, kind)
    ident = parse_id(raw)
    return offered.get(ident) if ident is not None else None


def json_id(body, name, kind=None):
    """The object named by `name` in a parsed JSON body (a dict or a model): None when absent."""
    raw = body.get(name) if isinstance(body, dict) else getattr(body, name, None)
    if raw is None:
        _note("json", name, kind or name)
        return None
    return find(kind or name, raw, source="json", name=name)


# The rules, one per kind of id. Each returns the object, or None when it does not exist or the
# user may not see it. Imports are local: every area imports this module.


@finder("school")
def _school(db, user, ident):
    from eduplatform.auth.access import sees_school
    from eduplatform.people.models import Organization, OrgKind

    school = db.get(Organization, ident)
    if school is None or school.kind != OrgKind.SCHOOL or not sees_school(user, school.id):
        return None
    return school


@finder("organization")
def _organization(db, user, ident):
    """Any organization for the office and admins; one's own (schools, university) otherwise."""
    from eduplatform.auth.access import sees_school
    from eduplatform.people.models import Organization

    organization = db.get(Organization, ident)
    if organization is None or not sees_school(user, organization.id):
        return None
    return organization


@finder("cohort")
def _cohort(db, user, ident):
    from eduplatform.auth.access import sees_school
    from eduplatform.people.models import Cohort

    cohort = db.get(Cohort, ident)
    return cohort if cohort is not None and sees_school(user, cohort.school_id) else None


@finder("student")
def _student(db, user, ident):
    from eduplatform.auth.access import sees_school
    from eduplatform.people.models import Role, User

    student = db.get(User, ident)
    if student is None or student.role != Role.STUDENT or student.organization_id is None:
        return None
    return student if sees_school(user, student.organization_id) else None


@finder("teacher")
def _teacher(db, user, ident):
    from eduplatform.auth.access import school_scope
    from eduplatform.people.memberships import school_ids
    from eduplatform.people.models import Role, User

    teacher = db.get(User, ident)
    if teacher is None or teacher.role != Role.TEACHER:
        return None
    scope = school_scope(user)
    return teacher if scope is None or school_ids(teacher, db) & scope else None


@finder("user")
def _user(db, user, ident):
    """Anyone for the office and admins; otherwise someone of the user's own schools."""
    from eduplatform.auth.access import school_scope
    from eduplatform.people.memberships import school_ids
    from eduplatform.people.models import User

    found = db.get(User, ident)
    if found is None:
        return None
    scope = school_scope(user)
    return found if scope is None or school_ids(found, db) & scope else None


@finder("module")
def _module(db, user, ident):
    """The shared curriculum's modules for everyone signed in; a school's own module for that
    school's people (and the university, the office, admins)."""
    from eduplatform.curriculum.models import Module
    from eduplatform.curriculum.service import can_see

    module = db.get(Module, ident)
    return module if module is not None and can_see(user, module) else None


@finder("program")
def _program(db, user, ident):
    from eduplatform.curriculum.models import Program

    return db.get(Program, ident)


@finder("partnership")
def _partnership(db, user, ident):
    from eduplatform.exchange import access
    from eduplatform.exchange.models import Partnership

    partnership = db.get(Partnership, ident)
    if partnership is None or not access.sees_partnership(user, partnership):
        return None
    return partnership


@finder("activity")
def _activity(db, user, ident):
    from eduplatform.exchange import access, participation
    from eduplatform.exchange.models import ExchangeActivity, Partnership

    activity = db.get(ExchangeActivity, ident)
    if activity is None:
        return None
    partnership = db.get(Partnership, activity.partnership_id)
    joined = participation.participant_user_ids(db, activity.id)
    return activity if access.sees_activity(user, activity, partnership, joined) else None


@finder("completion")
def _completion(db, user, ident):
    from eduplatform.training import service
    from eduplatform.training.models import UnitCompletion

    completion = db.get(UnitCompletion, ident)
    if completion is None or not service.can_see_completion(db, user, completion):
        return None
    return completion


@finder("company")
def _company(db, user, ident):
    """A company (an industry organization): every one for school staff, who choose among all
    companies when they place a student; for a student, only those of their own placements."""
    from sqlmodel import select

    from eduplatform.people.models import Organization, OrgKind, Role
    from eduplatform.placements.models import Placement

    company = db.get(Organization, ident)
    if company is None or company.kind != OrgKind.INDUSTRY:
        return None
    if user.role in (Role.TEACHER, Role.OFFICE, Role.ADMIN):
        return company
    if user.role == Role.STUDENT:
        mine = db.exec(
            select(Placement.id).where(
                Placement.student_id == user.id, Placement.company_id == company.id
            )
        ).first()
        return company if mine is not None else None
    return None
