"""Industry placements (PKL) and their daily journals, with the web's rules.

Students read their own placements and write their journal (one entry a day, with an
`Idempotency-Key` like logged units); the school's teachers and admins read their schools'
placements and start, finish or end them early; the office reads every school's. A company's
supervisor has no account and never uses the API: they countersign and assess through their
personal links only.
"""

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated

from flask import request, url_for
from flask_babel import gettext as _
from pydantic import Field, StringConstraints
from sqlmodel import col, select

from eduplatform import scope, uploads
from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import Keyset, fetch_page, page_of, parse_date
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import ApiInput, ApiOutput, Code, Id, PageQuery, PersonRef, Text
from eduplatform.auth.access import in_scope
from eduplatform.curriculum.models import Unit
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.people.models import Organization, Role, User
from eduplatform.placements import journal, service
from eduplatform.placements.models import (
    Company,
    DayKind,
    JournalEntry,
    Placement,
    PlacementAssessment,
    PlacementUnit,
    Supervisor,
)
from eduplatform.training.completions import parse_idempotency_key
from eduplatform.urls import public_url

TAG = "Placements"
SEERS = (Role.STUDENT, Role.TEACHER, Role.OFFICE, Role.ADMIN)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
# The workplace's clock time, HH:MM (OpenAPI's `time` format would ask for an offset, which a
# day's entry cannot keep).
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class CompanyRef(ApiOutput):
    id: int
    name: str
    sector: str | None = Field(description="dealer_workshop, fleet_operator, battery, ...")
    city: str


class SupervisorRef(ApiOutput):
    full_name: str
    position: str


class CertificateRef(ApiOutput):
    code: str = Field(description="The placement certificate's public verification code.")
    revoked: bool
    verify_url: str = Field(description="The public check (what the certificate's QR opens).")
    credential_url: str = Field(
        description="The Open Badges 3.0 credential naming the company (JSON-LD with a Data "
        "Integrity proof, or VC-JWT with `Accept: application/vc+jwt`)."
    )


class PlacementOut(ApiOutput):
    id: int
    student: PersonRef
    school: int = Field(description="The student's school's id.")
    company: CompanyRef
    supervisor: SupervisorRef
    teacher: PersonRef | None = Field(description="The school's accompanying teacher.")
    starts_on: date
    ends_on: date
    status: str = Field(description="planned, running, finished or ended_early.")
    ended_on: date | None
    end_reason: str | None
    dates_note: str
    units: list[str] = Field(description="The codes of the units the placement should cover.")
    certificate: CertificateRef | None = Field(
        description="Once the school graded the supervisor-assessed placement."
    )
    journal: str = Field(description="Where to read the placement's journal entries.")
    created_at: datetime


class EntryOut(ApiOutput):
    id: int
    placement: int = Field(description="The placement's id.")
    day: date
    kind: str = Field(description="present, sick, permitted or absent.")
    arrived_at: ClockTime | None = Field(description="Local time, HH:MM (null: a missed day).")
    left_at: ClockTime | None = Field(description="Local time, HH:MM.")
    activities: str
    units: list[str] = Field(description="The codes of the units practised that day.")
    photo: str | None = Field(description="Where to fetch the photo, if any.")
    status: str = Field(description="pending, approved (countersigned) or returned.")
    supervisor_comment: str | None
    countersigned_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PlacementStatusFilter(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    ENDED_EARLY = "ended_early"


class PlacementQuery(PageQuery):
    status: PlacementStatusFilter | None = Field(default=None, description="Only this status.")
    company: Id | None = Field(default=None, description="Only placements at this company.")
    student: Id | None = Field(default=None, description="Only this student's placements.")


class EntryStatusFilter(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


class EntryQuery(PageQuery):
    status: EntryStatusFilter | None = Field(default=None, description="Only this status.")


def _clock(value):
    return value.strftime("%H:%M") if value is not None else None


def _time(value):
    return time.fromisoformat(value) if value else None


class EntryChange(ApiInput):
    kind: DayKind = Field(description="present, or a missed day: sick, permitted, absent.")
    arrived_at: ClockTime | None = Field(
        default=None, description="Local time, such as 07:30; needed when present."
    )
    left_at: ClockTime | None = Field(
        default=None, description="Local time, such as 15:00; needed when present, after arrival."
    )
    activities: Text = Field(
        default="", description="What you did (needed when present; at most 2000 characters)."
    )
    units: list[Code] = Field(
        default_factory=list,
        max_length=60,
        description="Codes of the placement's units practised that day (present days only).",
    )


class EntryIn(EntryChange):
    day: date = Field(description="The day; not in the future, inside the placement.")


class StatusAction(StrEnum):
    START = "start"
    FINISH = "finish"
    END_EARLY = "end_early"


class StatusIn(ApiInput):
    action: StatusAction
    reason: Text = Field(default="", description="Needed to end early (at most 500 characters).")


PlacementPage = page_of(PlacementOut)
EntryPage = page_of(EntryOut)


def _certificate(assessment):
    if assessment is None or not assessment.certificate_code:
        return None
    code = assessment.certificate_code
    return CertificateRef(
        code=code,
        revoked=assessment.revoked_at is not None,
        verify_url=public_url("placements.verify", code=code),
        credential_url=public_url("placements.public_credential", code=code),
    )


def describe_placements(db, placements):
    """The output models of placements, read in a few statements."""
    if not placements:
        return []
    ids = sorted({p.id for p in placements})
    people = {p.student_id for p in placements} | {p.teacher_id for p in placements if p.teacher_id}
    users = {u.id: u for u in db.exec(select(User).where(col(User.id).in_(sorted(people))))}
    company_ids = sorted({p.company_id for p in placements})
    orgs = {
        o.id: o for o in db.exec(select(Organization).where(col(Organization.id).in_(company_ids)))
    }
    details = {
        c.organization_id: c
        for c in db.exec(select(Company).where(col(Company.organization_id).in_(company_ids)))
    }
    supervisor_ids = sorted({p.supervisor_id for p in placements})
    supervisors = {
        s.id: s for s in db.exec(select(Supervisor).where(col(Supervisor.id).in_(supervisor_ids)))
    }
    assessments = {
        a.placement_id: a
        for a in db.exec(
            select(PlacementAssessment).where(col(PlacementAssessment.placement_id).in_(ids))
        )
    }
    units = {i: [] for i in ids}
    for placement_id, code in db.exec(
        select(PlacementUnit.placement_id, Unit.code)
        .join(Unit, col(Unit.id) == PlacementUnit.unit_id)
        .where(col(PlacementUnit.placement_id).in_(ids))
        .order_by(Unit.version_id, Unit.position, Unit.id)
    ):
        units[placement_id].append(code)
    found = []
    for p in placements:
        company = orgs[p.company_id]
        detail = details.get(company.id)
        supervisor = supervisors[p.supervisor_id]
        teacher = users.get(p.teacher_id)
        found.append(
            PlacementOut(
                id=p.id,
                student=PersonRef.model_validate(users[p.student_id]),
                school=p.school_id,
                company=CompanyRef(
                    id=company.id,
                    name=company.name,
                    city=company.city,
                    sector=detail.sector if detail else None,
                ),  # fmt: skip
                supervisor=SupervisorRef(
                    full_name=supervisor.full_name, position=supervisor.position
                ),  # fmt: skip
                teacher=PersonRef.model_validate(teacher) if teacher else None,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                status=p.status,
                ended_on=p.ended_on,
                end_reason=p.end_reason,
                dates_note=p.dates_note,
                units=units[p.id],
                certificate=_certificate(assessments.get(p.id)),
                journal=url_for("api.list_journal", placement_id=p.id),
                created_at=p.created_at,
            )
        )
    return found


def describe_entries(db, entries):
    if not entries:
        return []
    practised = journal.entry_units(db, [e.id for e in entries])
    unit_ids = sorted({u for ids in practised.values() for u in ids})
    codes = (
        dict(db.exec(select(Unit.id, Unit.code).where(col(Unit.id).in_(unit_ids))).all())
        if unit_ids
        else {}
    )
    return [
        EntryOut(
            id=e.id,
            placement=e.placement_id,
            day=e.day,
            kind=e.kind,
            arrived_at=_clock(e.arrived_at),
            left_at=_clock(e.left_at),
            activities=e.activities,
            units=sorted(codes[u] for u in practised[e.id]),
            photo=url_for("api.get_journal_photo", entry_id=e.id) if e.photo_name else None,
            status=e.status,
            supervisor_comment=e.supervisor_comment,
            countersigned_at=e.countersigned_at,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )
        for e in entries
    ]


def load_placement(db, placement_id):
    """The placement, or 404 when unknown or outside the caller's scope alike."""
    placement = db.get(Placement, placement_id)
    if placement is None or not service.can_see(caller(), placement):
        raise ApiProblem(404)
    return placement


def load_entry(db, entry_id):
    entry = db.get(JournalEntry, entry_id)
    placement = db.get(Placement, entry.placement_id) if entry is not None else None
    if placement is None or not service.can_see(caller(), placement):
        raise ApiProblem(404)
    return entry, placement


@api_route(
    "/placements",
    summary="List placements",
    tag=TAG,
    roles=SEERS,
    query=PlacementQuery,
    not_found=True,
    response=PlacementPage,
    paginated=True,
)
def list_placements(query):
    """A student's own placements; a teacher's schools' (a teacher of several schools: all of
    them); every school's for the office and admins. Newest first day first."""
    db = get_session()
    user = caller()
    rows = select(Placement)
    if user.role == Role.STUDENT:
        rows = rows.where(Placement.student_id == user.id)
    else:
        rows = rows.where(in_scope(user, Placement.school_id))
    if query.status:
        rows = rows.where(Placement.status == query.status)
    if query.company:  # 404 when unknown or not one the caller may name
        company = scope.load("company", query.company, source="query", name="company")
        rows = rows.where(Placement.company_id == company.id)
    if query.student:
        student = scope.load("student", query.student, source="query", name="student")
        rows = rows.where(Placement.student_id == student.id)
    keyset = Keyset(col(Placement.starts_on), col(Placement.id), descending=True, parse=parse_date)
    found, next_cursor = fetch_page(db, rows, keyset, query, key=lambda p: (p.starts_on, p.id))
    return PlacementPage(items=describe_placements(db, found), next=next_cursor)


@api_route(
    "/placements/<int:placement_id>",
    summary="One placement",
    tag=TAG,
    roles=SEERS,
    response=PlacementOut,
)
def get_placement(placement_id):
    """A placement the caller may see: their own, or one of their schools'."""
    db = get_session()
    return describe_placements(db, [load_placement(db, placement_id)])[0]


@api_route(
    "/placements/<int:placement_id>/status",
    method="POST",
    summary="Start, finish or end a placement early",
    tag=TAG,
    roles=service.MANAGERS,
    body=StatusIn,
    response=PlacementOut,
    conflict=True,
)
def change_placement_status(placement_id, body):
    """For the teachers of the placement's school and admins: `start` a planned placement,
    `finish` a running one, or `end_early` (with a reason). 409 when the status changed
    meanwhile or the student already has a running placement."""
    db = get_session()
    placement = load_placement(db, placement_id)
    if not service.can_manage(caller(), placement):
        raise ApiProblem(404)
    service.change_status(
        db, actor=caller(), placement=placement, action=str(body.action), reason=body.reason
    )
    return describe_placements(db, [placement])[0]


@api_route(
    "/placements/<int:placement_id>/journal",
    summary="A placement's journal entries",
    tag=TAG,
    roles=SEERS,
    query=EntryQuery,
    response=EntryPage,
    paginated=True,
)
def list_journal(placement_id, query):
    """The placement's daily entries, newest day first: the student's own, or those of a
    placement of the caller's schools."""
    db = get_session()
    placement = load_placement(db, placement_id)
    rows = select(JournalEntry).where(JournalEntry.placement_id == placement.id)
    if query.status:
        rows = rows.where(JournalEntry.status == query.status)
    keyset = Keyset(col(JournalEntry.day), col(JournalEntry.id), descending=True, parse=parse_date)
    found, next_cursor = fetch_page(db, rows, keyset, query, key=lambda e: (e.day, e.id))
    return EntryPage(items=describe_entries(db, found), next=next_cursor)


def _unit_ids(db, placement, codes):
    """The placement's units named by these codes; a code outside it refuses the entry."""
    if not codes:
        return []
    expected = {unit.code: unit.id for unit in service.expected_units(db, placement.id)}
    if any(code not in expected for code in codes):
        raise Invalid.field("units", _("Choose units of this placement."))
    return [expected[code] for code in codes]


def _entry_by_key(db, student, key):
    return db.exec(
        select(JournalEntry).where(
            JournalEntry.student_id == student.id, JournalEntry.idempotency_key == key
        )
    ).first()


@api_route(
    "/placements/<int:placement_id>/journal",
    method="POST",
    summary="Write a journal entry",
    tag=TAG,
    roles=(Role.STUDENT,),
    body=EntryIn,
    response=EntryOut,
    status=201,
    request_headers={
        "Idempotency-Key": "Your own key for this entry (8 to 64 letters, digits, - or _, e.g. a "
        "UUID). Sending the entry again with the same key, after a lost answer, makes no second "
        "entry: the answer is the entry the first send made, with `Idempotent-Replayed: true`. "
        "Keys are yours alone."
    },
)
def create_journal_entry(placement_id, body):
    """Write your entry for a day of your running placement: at the workplace (arrival and
    leaving times, what you did, the units practised) or a missed day. 422 names the field: a
    day in the future or outside the placement, a day you already wrote, leaving before
    arriving, units of another placement. Your supervisor countersigns it from their link."""
    db = get_session()
    user = caller()
    placement = load_placement(db, placement_id)
    key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    earlier = _entry_by_key(db, user, key) if key else None
    created = earlier is None
    if earlier is not None and (earlier.placement_id != placement.id or earlier.day != body.day):
        raise Invalid.field(
            "idempotency_key", _("This entry's key was already used for another day.")
        )
    if earlier is None:
        try:
            earlier = journal.write_entry(
                db,
                actor=user,
                placement=placement,
                day=body.day,
                kind=str(body.kind),
                arrived_at=_time(body.arrived_at),
                left_at=_time(body.left_at),
                activities=body.activities,
                unit_ids=_unit_ids(db, placement, body.units),
                idempotency_key=key,
            )
        except Invalid:
            # Two sends of the same entry racing: the loser answers with the winner's entry.
            found = _entry_by_key(db, user, key) if key else None
            if found is None or found.day != body.day:
                raise
            earlier, created = found, False
    headers = {"Location": url_for("api.get_journal_entry", entry_id=earlier.id)}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return describe_entries(db, [earlier])[0], headers


@api_route(
    "/journal-entries/<int:entry_id>",
    summary="One journal entry",
    tag=TAG,
    roles=SEERS,
    response=EntryOut,
)
def get_journal_entry(entry_id):
    """An entry of a placement the caller may see."""
    db = get_session()
    entry, _placement = load_entry(db, entry_id)
    return describe_entries(db, [entry])[0]


@api_route(
    "/journal-entries/<int:entry_id>",
    method="PUT",
    summary="Change a journal entry",
    tag=TAG,
    roles=(Role.STUDENT,),
    body=EntryChange,
    response=EntryOut,
    conflict=True,
)
def change_journal_entry(entry_id, body):
    """Replace what your entry says (the day stays) while it is not countersigned; a returned
    entry goes back to your supervisor. 409 once it is countersigned."""
    db = get_session()
    user = caller()
    entry, placement = load_entry(db, entry_id)
    if entry.student_id != user.id:
        raise ApiProblem(404)
    journal.change_entry(
        db,
        actor=user,
        entry=entry,
        kind=str(body.kind),
        arrived_at=_time(body.arrived_at),
        left_at=_time(body.left_at),
        activities=body.activities,
        unit_ids=_unit_ids(db, placement, body.units),
    )
    return describe_entries(db, [entry])[0]


@api_route(
    "/journal-entries/<int:entry_id>/photo",
    summary="Fetch a journal entry's photo",
    tag=TAG,
    roles=SEERS,
    media_type=PHOTO_TYPES,
)
def get_journal_photo(entry_id):
    """The entry's photo as it was stored (404 when it has none)."""
    entry, _placement = load_entry(get_session(), entry_id)
    if not entry.photo_name:
        raise ApiProblem(404)
    return uploads.send_stored(entry.photo_name, entry.photo_mime_type, f"journal-{entry.id}")
