"""Keeping the rollup tables exact in the transaction that changes the records they summarise.

Training and exchange send signals (training.signals, exchange.signals) where a record changes;
enrollments and classes are watched through mapper events, since every change to them goes
through the ORM. Receivers only note what changed in `session.info`; just before the commit
(`before_commit`) the notes become atomic increments (INSERT ... ON CONFLICT DO UPDATE SET
n = n + excluded.n), written table by table in key order. So concurrent verifications on
PostgreSQL never lose a count and never deadlock on rollup rows, and a rollback discards the
notes with the rest of the transaction.

Two changes cannot be counted as a simple increment and are reconciled instead:
- an exchange activity: its share of the rollups is kept in ActivityLedger; the activity row is
  locked, its share recomputed from its participants, and only the difference applied;
- a class whose academic year or program changes: its records' share moves from the old year
  to the new one, computed from the class's raw rows.
Classes are read FOR SHARE, so a verification waits for (or holds off) a concurrent year change.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, object_session

from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit
from eduplatform.dashboard import increments
from eduplatform.dashboard.periods import month_key
from eduplatform.exchange.models import (
    ActivityParticipant,
    ExchangeActivity,
    Partnership,
    PartnershipSchool,
)
from eduplatform.exchange.signals import activity_changed
from eduplatform.people.models import Cohort, Enrollment, Organization, SchoolMembership, User
from eduplatform.placements.models import Company, JournalEntry, Placement
from eduplatform.quality.models import QualityReview
from eduplatform.training.models import CompletionStatus
from eduplatform.training.signals import (
    certificate_issued,
    certificate_revoked,
    completion_logged,
    completion_reviewed,
)

PENDING = "dashboard.rollups"


@dataclass
class Pending:
    """What this transaction changed, noted by the receivers until the commit."""

    # (school or None: the class's, cohort, module, month) -> counts
    training: defaultdict = field(default_factory=lambda: defaultdict(Counter))
    units: Counter = field(default_factory=Counter)  # (cohort, unit) -> verified
    enrollment: defaultdict = field(default_factory=lambda: defaultdict(Counter))
    moved_cohorts: dict = field(default_factory=dict)  # cohort -> academic year before
    activities: set = field(default_factory=set)
    touched: bool = False  # something the dashboard shows changed (names, titles, roles...)
    placement_schools: set = field(default_factory=set)  # schools to recompute whole
    # journal entry -> what it added to the placement rollups before this transaction changed it
    placement_before: dict = field(default_factory=dict)


def pending(session):
    return session.info.setdefault(PENDING, Pending())


# -- receivers ----------------------------------------------------------------------------------


def _module_of_version(session, version_id):
    return session.get(ModuleVersion, version_id).module_id


def _module_of_unit(session, unit_id):
    return _module_of_version(session, session.get(Unit, unit_id).version_id)


@completion_logged.connect
def _completion_logged(completion, *, session, module_id=None, **_):
    """module_id: the module of the record's unit, when the sender has it (the logging service
    has the unit's version at hand: no statement then)."""
    module_id = module_id or _module_of_unit(session, completion.unit_id)
    key = (None, completion.cohort_id, module_id, month_key(completion.created_at))
    pending(session).training[key]["logged"] += 1


@completion_reviewed.connect
def _completion_reviewed(completion, *, session, old_status, new_status, **_):
    # A review only ever moves a record out of "submitted", which the rollups do not count by
    # review month; so the new status's share is all there is to add.
    if old_status != CompletionStatus.SUBMITTED or new_status == CompletionStatus.SUBMITTED:
        return
    notes = pending(session)
    module_id = _module_of_unit(session, completion.unit_id)
    counts = notes.training[
        (None, completion.cohort_id, module_id, month_key(completion.reviewed_at))
    ]
    counts[new_status] += 1
    if new_status == CompletionStatus.VERIFIED:
        counts["verified_hours"] += completion.hours
        notes.units[(completion.cohort_id, completion.unit_id)] += 1


def _certificate_key(session, certificate, moment):
    module_id = _module_of_version(session, certificate.version_id)
    return (certificate.school_id, certificate.cohort_id or 0, module_id, month_key(moment))


@certificate_issued.connect
def _certificate_issued(certificate, *, session, **_):
    key = _certificate_key(session, certificate, certificate.issued_at)
    pending(session).training[key]["certificates_issued"] += 1


@certificate_revoked.connect
def _certificate_revoked(certificate, *, session, **_):
    key = _certificate_key(session, certificate, certificate.revoked_at)
    pending(session).training[key]["certificates_revoked"] += 1


@activity_changed.connect
def _activity_changed(activity, *, session, **_):
    pending(session).activities.add(activity.id)


def _track_previous(*attributes):
    # Load the previous value before it is replaced, so that flush-time history has it.
    for attribute in attributes:
        event.listen(attribute, "set", lambda *args: None, active_history=True)


_track_previous(Enrollment.status, Enrollment.cohort_id, Cohort.academic_year, Cohort.program_id)


def _previous(target, name):
    history = inspect(target).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(target, name)


@event.listens_for(Enrollment, "after_insert")
def _enrollment_added(_mapper, _connection, enrollment):
    pending(object_session(enrollment)).enrollment[enrollment.cohort_id][enrollment.status] += 1


@event.listens_for(Enrollment, "after_update")
def _enrollment_changed(_mapper, _connection, enrollment):
    before = (_previous(enrollment, "cohort_id"), _previous(enrollment, "status"))
    if before == (enrollment.cohort_id, enrollment.status):
        return
    notes = pending(object_session(enrollment)).enrollment
    notes[before[0]][before[1]] -= 1
    notes[enrollment.cohort_id][enrollment.status] += 1


@event.listens_for(Enrollment, "after_delete")
def _enrollment_removed(_mapper, _connection, enrollment):
    pending(object_session(enrollment)).enrollment[enrollment.cohort_id][enrollment.status] -= 1


def _touched(_mapper, _connection, target):
    pending(object_session(target)).touched = True


# Industry placements: the commit adds, for every journal entry this transaction changed, the
# difference between what it adds to the placement rollups now and what it added before
# (dashboard.placements.apply_changes). What an entry added before is read before the change
# reaches the database: before a flush for the ORM's changes, before the statement for the
# UPDATE and DELETE statements the placements code runs. Moving a placement to another school or
# company, or deleting it, recomputes the schools concerned whole.
PLACEMENT_MODELS = (Company, Placement, JournalEntry)
PLACEMENT_TABLES = frozenset(model.__table__.name for model in PLACEMENT_MODELS)
PLACEMENT_KEYS = ("school_id", "company_id")  # a placement's columns the rollups' keys hold


def _note_entries_before(session, where):
    """Note what the entries matching `where` add now, unless noted earlier in the transaction
    (their rows locked until the commit)."""
    from eduplatform.dashboard.placements import entry_contributions

    notes = pending(session)
    with session.no_autoflush:
        found = entry_contributions(session, where, lock=True)
    for entry_id, added in found.items():
        notes.placement_before.setdefault(entry_id, added)


@event.listens_for(Session, "do_orm_execute")
def _bulk_change(state):
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in PLACEMENT_TABLES:
        return
    notes = pending(state.session)
    notes.touched = True
    where = state.statement.whereclause
    if name == JournalEntry.__table__.name:
        _note_entries_before(state.session, where)
        return
    if name != Placement.__table__.name:
        return
    if state.is_update:
        # The SET clause's parameters are named after their columns (the WHERE clause's carry
        # a suffix): a status or date change leaves every entry's share as it was.
        setting = set(state.statement.compile().params)
        if not setting & set(PLACEMENT_KEYS):
            return
    query = select(Placement.school_id)
    if where is not None:
        query = query.where(where)
    notes.placement_schools.update(state.session.execute(query.distinct()).scalars())


@event.listens_for(Session, "before_flush")
def _entries_before_flush(session, _context, _instances):
    changed = [
        entry.id
        for entry in (*session.dirty, *session.deleted)
        if isinstance(entry, JournalEntry)
        and entry.id is not None
        and entry.id not in pending(session).placement_before
        and (entry in session.deleted or session.is_modified(entry))
    ]
    if changed:
        _note_entries_before(session, JournalEntry.id.in_(changed))


@event.listens_for(JournalEntry, "after_insert")
def _entry_added(_mapper, _connection, entry):
    pending(object_session(entry)).placement_before.setdefault(entry.id, [])


@event.listens_for(Placement, "after_update")
def _placement_moved(_mapper, _connection, placement):
    state = inspect(placement)
    if any(state.attrs[name].history.has_changes() for name in PLACEMENT_KEYS):
        notes = pending(object_session(placement))
        notes.placement_schools.update({placement.school_id, _previous(placement, "school_id")})


@event.listens_for(Placement, "after_delete")
def _placement_deleted(_mapper, _connection, placement):
    # Its journal goes with it (ON DELETE CASCADE), unseen by the mapper.
    pending(object_session(placement)).placement_schools.add(placement.school_id)


_track_previous(Placement.school_id, Placement.company_id)


# Names, titles, classes, partnerships and activities appear on the dashboard: a change to any
# of them moves the data version, so no page rendered before it is served again (see cache).
for _model in (
    Organization,
    Cohort,
    Program,
    Module,
    ModuleVersion,
    Unit,
    Partnership,
    PartnershipSchool,
    ExchangeActivity,
    ActivityParticipant,
    SchoolMembership,  # a teacher's schools: "teachers trained" of each school
    *PLACEMENT_MODELS,
    QualityReview,  # the office's agreement rate per school
):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _touched)


@event.listens_for(User, "after_update")
def _user_changed(_mapper, _connection, user):
    # Logins update the account too; only a role or school change alters a figure.
    state = inspect(user)
    if any(state.attrs[name].history.has_changes() for name in ("role", "organization_id")):
        pending(object_session(user)).touched = True


event.listen(User, "after_delete", _touched)


@event.listens_for(User, "after_delete")
def _student_removed(_mapper, _connection, user):
    # Their placements and journal go with them (ON DELETE CASCADE), unseen by the mapper.
    if user.organization_id is not None:
        pending(object_session(user)).placement_schools.add(user.organization_id)


@event.listens_for(Cohort, "after_update")
def _cohort_changed(_mapper, _connection, cohort):
    year, program = _previous(cohort, "academic_year"), _previous(cohort, "program_id")
    if (year, program) != (cohort.academic_year, cohort.program_id):
        pending(object_session(cohort)).moved_cohorts.setdefault(cohort.id, year)


# -- applying the notes at commit ---------------------------------------------------------------


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    session.flush()  # commit would flush next; flushing first notes its enrollment changes too
    notes = session.info.pop(PENDING, None)
    if notes is not None:
        increments.apply(session, notes)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is None:
        session.info.pop(PENDING, None)  # rolled back (or closed): the notes go with it
