"""One-time activation codes: a student's first sign-in with NISN and a code from the teacher.

Only a hash of each code is stored. The plaintext exists once, in the response that generated it
(and in the signed, short-lived payload behind its printable sheet and CSV download).
"""

import csv
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from eduplatform.audit.service import record_event
from eduplatform.auth.access import sees_school
from eduplatform.auth.passwords import password_problem
from eduplatform.auth.service import sign_out_everywhere
from eduplatform.errors import Invalid
from eduplatform.people.models import ActivationCode, Role, User
from eduplatform.sqltypes import utcnow

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 8
VALID_FOR = timedelta(days=30)
SHEET_MAX_AGE = 3600  # seconds the printable sheet and CSV of fresh codes stay available
# A code is random, single-use, short-lived and rate-limited; a lighter scrypt keeps hashing a
# 2000-student import to seconds instead of minutes.
CODE_HASH_METHOD = "scrypt:4096:8:1"
_DUMMY_HASH = generate_password_hash("unused-code", method=CODE_HASH_METHOD)


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code):
    """Accept what people type: any case, spaces or dashes between the two halves."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def may_issue_codes(actor, student=None):
    """A teacher of the student's school or an admin (or the command line, actor None).

    A code for an account already in use is a password reset: the office, which sees every
    school, must not be able to take over a student's account this way.
    """
    if actor is None or actor.role == Role.ADMIN:
        return True
    if actor.role != Role.TEACHER:
        return False
    return student is None or sees_school(actor, student.organization_id)


def issue_codes(session: Session, *, actor, students, commit=True):
    """New codes for these students; their older unused codes stop working. Returns the codes.

    For a student who already has a password this is a password reset: the password stops
    working, every session and API token ends, the student is told at the next sign-in, and it
    is audited. The result is [(student, plaintext code)], the only place the plaintext exists.
    """
    now = utcnow()
    students = [s for s in students if s.role == Role.STUDENT and s.nisn]
    if not all(may_issue_codes(actor, s) for s in students):
        raise Invalid.field(
            "student", _l("Only the student's teachers and administrators may issue codes.")
        )
    ids = [s.id for s in students]
    if ids:
        older = session.exec(
            select(ActivationCode).where(
                col(ActivationCode.user_id).in_(ids),
                col(ActivationCode.used_at).is_(None),
                ActivationCode.expires_at > now,
            )
        ).all()
        for code in older:
            code.expires_at = now
            session.add(code)
    issued = []
    for student in students:
        if student.password_hash:
            _reset(session, actor=actor, student=student, now=now)
        code = new_code()
        session.add(
            ActivationCode(
                user_id=student.id,
                code_hash=generate_password_hash(code, method=CODE_HASH_METHOD),
                expires_at=now + VALID_FOR,
                created_by_id=getattr(actor, "id", actor),
            )
        )
        issued.append((student, code))
    if issued:
        record_event(
            session,
            actor=actor,
            action="activation.codes_issued",
            details={"count": len(issued), "student_ids": ids[:50]},
        )
    if commit:
        session.commit()
    return issued


def _reset(session, *, actor, student, now):
    student.password_hash = None
    student.reset_notice_at = now
    session.add(student)
    sign_out_everywhere(session, student)
    record_event(session, actor=actor, action="user.password_reset_by_code", target=student)


def awaiting_activation(session, student_ids):
    """The ids among these students who hold an unused, unexpired code."""
    if not student_ids:
        return set()
    return set(
        session.exec(
            select(ActivationCode.user_id).where(
                col(ActivationCode.user_id).in_(list(student_ids)),
                col(ActivationCode.used_at).is_(None),
                ActivationCode.expires_at > utcnow(),
            )
        ).all()
    )


WRONG = _l("The NISN or the activation code is not correct, or the code has expired.")


def find_student_by_nisn(session, nisn):
    return session.exec(select(User).where(User.nisn == (nisn or "").strip())).first()


def activate(session: Session, *, nisn, code, password):
    """Check NISN and code, then set the student's password; the code is used up."""
    problem = password_problem(password)
    if problem:  # checked first: the answer must not reveal whether the code was right
        raise Invalid.field("password", problem)
    code = normalize_code(code)
    student = find_student_by_nisn(session, nisn)
    candidates = []
    if student is not None and student.active and student.role == Role.STUDENT:
        candidates = session.exec(
            select(ActivationCode).where(
                ActivationCode.user_id == student.id,
                col(ActivationCode.used_at).is_(None),
                ActivationCode.expires_at > utcnow(),
            )
        ).all()
    match = next((c for c in candidates if check_password_hash(c.code_hash, code)), None)
    if match is None:
        if not candidates:
            check_password_hash(_DUMMY_HASH, code)  # as slow as a real check
        record_event(
            session,
            actor=None,
            action="auth.activation_failed",
            target=student,
            details={"nisn": (nisn or "")[:20]},
        )
        session.commit()
        raise Invalid.field("code", WRONG)
    match.used_at = utcnow()
    session.add(match)
    student.set_password(password)
    session.add(student)
    record_event(session, actor=student, action="user.activated", target=student)
    session.commit()
    return student


def _sheet_serializer(secret_key):
    return URLSafeTimedSerializer(secret_key, salt="activation-codes")


def sign_sheet(secret_key, *, actor, cohort, issued, expires_on):
    """A signed, compressed payload carrying freshly issued codes to the sheet and the CSV."""
    return _sheet_serializer(secret_key).dumps(
        {
            "by": actor.id,
            "cohort": cohort.id if cohort else None,
            "expires": expires_on.isoformat(),
            "codes": [[s.id, s.full_name, s.nisn, code] for s, code in issued],
        }
    )


def read_sheet(secret_key, token, *, actor):
    """The payload of sign_sheet, or None when forged, expired or signed for someone else."""
    try:
        payload = _sheet_serializer(secret_key).loads(token or "", max_age=SHEET_MAX_AGE)
    except BadSignature:
        return None
    return payload if payload.get("by") == actor.id else None


def write_codes_csv(out, header, rows):
    """Codes as CSV for spreadsheets: UTF-8 BOM, semicolons, no cell read as a formula."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_spreadsheet_safe(str(cell)) for cell in row])


def _spreadsheet_safe(text):
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
