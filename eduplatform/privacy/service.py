"""A student's data on request: everything held about them as one archive, or anonymised.

Which tables hold a person's data is read from the schema (every foreign key to user.id), so a
table added later is exported and counted without a change here. Anonymising removes what
identifies the student and keeps what the programme's figures are made of (enrolments, logged
units, certificates, exchange hours), so totals on the dashboards do not move.
"""

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, or_
from sqlalchemy import select as select_rows
from sqlmodel import SQLModel, select

from eduplatform import uploads
from eduplatform.audit.models import AuditEvent
from eduplatform.audit.service import record_event
from eduplatform.errors import Conflict, Invalid
from eduplatform.people.models import ActivationCode, Role, User
from eduplatform.people.service import anonymised_at, revoke_sessions
from eduplatform.privacy.readable import readable_record
from eduplatform.sqltypes import utcnow
from eduplatform.training.models import CompletionCriterion, SkillsPassport, UnitCompletion

ARCHIVE_FORMAT = "eduplatform-student-export/1"
# Hashes of secrets: useless to the person, useful to an attacker holding the archive.
WITHHELD_COLUMNS = frozenset({"password_hash", "token_hash", "code_hash", "key"})
ANONYMISED = "[anonymised]"
MAX_REASON = 500


def user_references():
    """{table: [columns]} of every table with a foreign key to user.id, from the schema."""
    user_id = User.__table__.c.id
    found = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if any(fk.column is user_id for fk in c.foreign_keys)]
        if columns:
            found[table] = columns
    return found


def _table_classes():
    """{class name: table} from the registry of models, to read what audit events name."""
    from eduplatform import models

    return {name: getattr(models, name).__table__ for name in models.__all__}


def _row(row):
    return dict(row._mapping)


def _rows_referencing(session, student):
    """{table name: [row dicts]} of every table that references the student, empty included."""
    held = {}
    for table, columns in user_references().items():
        if table.name == AuditEvent.__tablename__:
            continue  # below, with the events about the student's records
        query = select_rows(table).where(or_(*(column == student.id for column in columns)))
        primary = list(table.primary_key.columns)
        held[table.name] = [_row(r) for r in session.exec(query.order_by(*primary))]
    events = [_row(r) for r in _audit_events(session, student, held)]
    for event in events:
        if event["actor_id"] != student.id:
            event["client_address"] = None  # a teacher's or admin's address is theirs, not ours
    held[AuditEvent.__tablename__] = events
    return held


def _audit_events(session, student, held):
    """Events by the student, about the student, or about one of the student's records."""
    events = AuditEvent.__table__
    names = {table.name: name for name, table in _table_classes().items()}
    about = [(events.c.object_type == "User") & (events.c.object_id == str(student.id))]
    for table_name, rows in held.items():
        ids = [str(r["id"]) for r in rows if r.get("id") is not None]
        if ids and table_name in names:
            about.append((events.c.object_type == names[table_name]) & events.c.object_id.in_(ids))
    query = select_rows(events).where(or_(events.c.actor_id == student.id, *about))
    return session.exec(query.order_by(events.c.id)).all()


# Plain names of the tables that can hold a person's data, for the admin's page: every table
# with a foreign key to user.id, and user itself. A test holds this to the schema.
TABLE_LABELS = {  # in the order the page lists them: the person, learning, exchange, the rest
    "user": _l("Account and personal details"),
    "user_session": _l("Sign-in sessions"),
    "activation_code": _l("Activation codes"),
    "api_token": _l("API tokens"),
    "account_token": _l("Invitation and password links sent by email"),
    "form_submission": _l("Forms sent (a random key each, so that a page sent twice acts once)"),
    "enrollment": _l("Class enrolments"),
    "unit_completion": _l("Logged units"),
    "certificate": _l("Certificates"),
    "credential_holder": _l("Identifier in digital badges (random, not the NISN)"),
    "skills_passport": _l("Skills passport and guardian consent"),
    "placement": _l("PKL: industry work practice at companies"),
    "journal_entry": _l("Placement journal entries"),
    "monitoring_visit": _l("Placement monitoring visits recorded"),
    "placement_assessment": _l("Placement grades given"),
    "supervisor_link": _l("Supervisor links issued or revoked"),
    "company": _l("Companies added"),
    "industry_supervisor": _l("Company supervisors added"),
    "activity_participant": _l("Exchange activities taken part in"),
    "activity_reflection": _l("Exchange reflections"),
    "activity_attachment": _l("Exchange attachments uploaded"),
    "exchange_activity": _l("Exchange activities set up or reported"),
    "partnership": _l("Exchange partnerships set up"),
    "cohort_teacher": _l("Classes taught"),
    "school_membership": _l("Schools taught at, and teachers added to a school"),
    "module_version": _l("Module versions written or published"),
    "school_feed_key": _l("School calendar addresses created"),
    "quality_reviewer": _l("Quality reviewer permission, and reviewers named"),
    "sampling_plan": _l("Sampling plans set"),
    "quality_sample": _l("Verification decisions sampled by the university"),
    "quality_review": _l("Reviews of sampled decisions"),
    "quality_action": _l("Actions from quality reviews"),
    "quality_dispute": _l("Teachers' decisions disputed"),
    "notification": _l("Notifications"),
    "notification_setting": _l("Notification settings"),
    "audit_event": _l("Audit log entries"),
}


def table_label(name):
    """The plain name of a table; one without a label shows as words, never as `a_b_c`."""
    label = TABLE_LABELS.get(name)
    if label is not None:
        return label
    return name.replace("_", " ").strip().capitalize() or name


def table_order(name):
    """Where a table comes on the admin's page: as listed above, one without a label last."""
    order = list(TABLE_LABELS)
    return order.index(name) if name in TABLE_LABELS else len(order)


def held_counts(session, student):
    """[(table name, rows)] of what is held about the student, for the admin's page."""
    held = _rows_referencing(session, student)
    return [("user", 1)] + [(name, len(rows)) for name, rows in sorted(held.items())]


def _plain(value):
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def _dump(rows):
    cleaned = [{k: v for k, v in row.items() if k not in WITHHELD_COLUMNS} for row in rows]
    return json.dumps(cleaned, ensure_ascii=False, indent=1, default=_plain)


def _related(session, held):
    """Rows the student's rows point at (class, unit, school, activity), to read ids by."""
    wanted = {}
    for table, _columns in user_references().items():
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.column.table
                if target.name == "user":
                    continue
                ids = {r[column.name] for r in held.get(table.name, []) if r[column.name]}
                wanted.setdefault(target, set()).update(ids)
    related = {}
    for target, ids in wanted.items():
        if ids:
            key = list(target.primary_key.columns)[0]
            query = select_rows(target).where(key.in_(sorted(ids))).order_by(key)
            related[target.name] = [_row(r) for r in session.exec(query)]
    return related


def export_student(session, *, actor, student, readable=None):
    """The zip archive of everything held about the student (JSON per table and the photos).

    `readable(record)` -> (file name, bytes), when given, writes the same information as a
    document for people (see privacy.readable) next to the machine-readable files. Records a
    `student.exported` event and commits; returns the archive's bytes.
    """
    _check_student(student)
    held = _rows_referencing(session, student)
    user_row = _row(session.exec(select_rows(User.__table__).where(User.id == student.id)).one())
    buffer = io.BytesIO()
    photos = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("user.json", _dump([user_row]))
        for name, rows in sorted(held.items()):
            archive.writestr(f"{name}.json", _dump(rows))
        for name, rows in sorted(_related(session, held).items()):
            archive.writestr(f"related/{name}.json", _dump(rows))
        completion_ids = [c["id"] for c in held.get(UnitCompletion.__tablename__, [])]
        ticks = _ticks(session, completion_ids)
        archive.writestr("completion_criterion.json", _dump(ticks))
        photo_files = {}
        for completion in held.get(UnitCompletion.__tablename__, []):
            stored = completion["photo_name"]
            path = uploads.upload_dir() / Path(stored).name if stored else None
            if path is not None and path.is_file():
                archive_name = f"photos/{completion['id']}-{path.name}"
                archive.write(path, archive_name)
                photos.append(archive_name)
                photo_files[completion["id"]] = archive_name
        document = None
        if readable is not None:
            record = readable_record(
                session, student, photo_files, audit_events=len(held[AuditEvent.__tablename__])
            )
            document, content = readable(record)
            archive.writestr(document, content)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "student_id": student.id,
            "exported_at": utcnow().isoformat(),
            "exported_by": actor.id,
            "tables": {
                "user": 1,
                **{name: len(rows) for name, rows in held.items()},
                "completion_criterion": len(ticks),
            },
            "photos": photos,
            "withheld_columns": sorted(WITHHELD_COLUMNS),
            "readable": document,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    record_event(
        session,
        actor=actor,
        action="student.exported",
        target=student,
        details={"tables": len(held) + 1, "photos": len(photos)},
    )
    session.commit()
    return buffer.getvalue()


def _ticks(session, completion_ids):
    """The reviewers' ticks of the assessment criteria of these records."""
    if not completion_ids:
        return []
    table = CompletionCriterion.__table__
    query = select_rows(table).where(table.c.completion_id.in_(completion_ids))
    return [_row(r) for r in session.exec(query.order_by(table.c.completion_id, table.c.number))]


def _check_student(student):
    if student.role != Role.STUDENT:
        raise Invalid.field(None, _l("Only a student's data is exported or anonymised here."))


def anonymised_name(student_id):
    return f"Anonymised student #{student_id}"


def anonymise_student(session, *, actor, student, reason=""):
    """Remove what identifies the student; keep records the programme's figures count.

    Name becomes "Anonymised student #<id>"; email, NISN, gender, birth date and place, the
    school's student number, password, sessions, activation codes, API tokens, notifications,
    evidence photos, notes, feedback, reflections and the guardian's name go; the account is
    deactivated and the passport turned off. Enrolments, logged units, certificates and exchange
    hours stay. Records `student.anonymised` and commits.
    """
    _check_student(student)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid.field("reason", _l("Use at most 500 characters."))
    if anonymised_at(session, student) is not None:
        raise Conflict(_l("This student was already anonymised."))
    identifiers = [v for v in (student.email, student.nisn, student.full_name) if v]
    photos = _clear_training_records(session, student)
    _clear_personal_rows(session, student)
    _scrub_audit_trail(session, student, identifiers)
    student.full_name = anonymised_name(student.id)
    # The table needs an email or a NISN: an address under the reserved .invalid domain
    # identifies no one and can never receive mail or sign in (the password is gone too).
    student.email = f"anonymised-{student.id}@invalid"
    student.nisn = None
    student.gender = None
    student.birth_date = None
    student.birth_place = None
    student.student_number = None
    student.password_hash = None
    student.active = False
    session.add(student)
    revoke_sessions(session, student)
    record_event(
        session,
        actor=actor,
        action="student.anonymised",
        target=student,
        details={"photos_deleted": len(photos), "reason": reason} if reason else {},
    )
    session.commit()
    for name in photos:  # only once the change is committed: a failed commit keeps them
        uploads.remove(name)
    return student


def _clear_training_records(session, student):
    """Clear notes, feedback and photos of the student's logged units; returns the photos."""
    completions = session.exec(
        select(UnitCompletion).where(UnitCompletion.student_id == student.id)
    ).all()
    photos = []
    for completion in completions:
        if completion.photo_name:
            photos.append(completion.photo_name)
        completion.photo_name = completion.photo_mime_type = completion.photo_size = None
        completion.note = ""
        completion.feedback = None
        session.add(completion)
    from eduplatform.placements.models import JournalEntry
    from eduplatform.quality.models import QualityDispute

    for dispute in session.exec(
        select(QualityDispute).where(QualityDispute.student_id == student.id)
    ):
        dispute.reason = ""  # their words, like the notes; the dispute's outcome stays
        session.add(dispute)

    for entry in session.exec(select(JournalEntry).where(JournalEntry.student_id == student.id)):
        if entry.photo_name:
            photos.append(entry.photo_name)
        entry.photo_name = entry.photo_mime_type = entry.photo_size = None
        entry.activities = ""
        session.add(entry)
    passport = session.get(SkillsPassport, student.id)
    if passport is not None:
        passport.enabled = False
        passport.slug = None
        passport.guardian_name = passport.guardian_relationship = None
        session.add(passport)
    return photos


def _clear_personal_rows(session, student):
    from eduplatform.api.models import ApiToken
    from eduplatform.exchange.models import ActivityReflection
    from eduplatform.notifications.models import Notification, NotificationSetting

    for model in (ActivationCode, ApiToken, ActivityReflection, Notification, NotificationSetting):
        session.exec(delete(model).where(model.user_id == student.id))


def _scrub_audit_trail(session, student, identifiers):
    """Replace the student's email, NISN and name in audit details; drop their addresses."""
    events = AuditEvent.__table__
    details_text = cast(events.c.details, String)
    about_them = (events.c.object_type == "User") & (events.c.object_id == str(student.id))
    mentions = [
        details_text.contains(value, autoescape=True) for value in identifiers if value.isascii()
    ]
    candidates = session.exec(
        select(AuditEvent).where(or_(events.c.actor_id == student.id, about_them, *mentions))
    ).all()
    for event in candidates:
        scrubbed = _scrub(event.details, identifiers)
        if scrubbed != event.details:
            event.details = scrubbed
        if event.actor_id == student.id:
            event.client_address = None
        session.add(event)


def _scrub(value, identifiers):
    if isinstance(value, dict):
        return {k: _scrub(v, identifiers) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, identifiers) for v in value]
    if isinstance(value, str) and any(i.casefold() in value.casefold() for i in identifiers):
        return ANONYMISED
    return value
