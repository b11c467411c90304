"""Issuing credentials: the holder's subject id, the status entry, both signed forms, status.

A certificate's credential is built when someone downloads it, from the certificate as it is
now, and signed with the current keys; so every download after an upgrade is the new form
(migration 0014 gave every existing certificate its status entry and every student a random
subject id). Revoking a certificate sets its bit in the status list at once: the list is built
from the certificates' revocations on every request.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from eduplatform.credentials import clr, documents, integrity, keys, status, vcjwt
from eduplatform.credentials.models import STATUS_LIST_SIZE, CredentialHolder, CredentialStatus
from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.db import new_session
from eduplatform.training import service as training
from eduplatform.training.models import Certificate, CompletionStatus, UnitCompletion
from eduplatform.training.signals import certificate_issued, endorsements_of

LIST_ROOM = 0.5  # a list takes new entries until half full: random positions stay cheap to find


@dataclass
class SignedCredential:
    """One credential in both proof forms: JSON-LD with a Data Integrity proof, and VC-JWT."""

    document: dict
    jwt: str


def _open_list(session, table=CredentialStatus):
    """The newest status list with room, or the next one."""
    newest = session.exec(select(func.max(table.list_id))).one() or 1
    used = session.exec(
        select(func.count()).select_from(table).where(table.list_id == newest)
    ).one()
    return newest + 1 if used >= STATUS_LIST_SIZE * LIST_ROOM else newest


def free_position(session, table=CredentialStatus):
    """A random free position in the open list of `table` (a table of status entries: the
    module certificates', or another area's with its own lists); random: positions say nothing
    of the order."""
    list_id = _open_list(session, table)
    taken = set(session.exec(select(table.list_index).where(table.list_id == list_id)).all())
    index = secrets.randbelow(STATUS_LIST_SIZE)
    while index in taken:
        index = secrets.randbelow(STATUS_LIST_SIZE)
    return list_id, index


def prepare_holder(session, student_id):
    """The student's random subject id, added if they have none (inside the caller's
    transaction); returns it."""
    holder = session.get(CredentialHolder, student_id)
    if holder is None:
        holder = CredentialHolder(student_id=student_id, subject_id=f"urn:uuid:{uuid.uuid4()}")
        session.add(holder)
    return holder.subject_id


def _prepare(session, certificate_id, student_id):
    """Add the certificate's status entry and its holder's subject id, if they have none.

    Inside the caller's transaction, without savepoints: a position is drawn among the free
    ones, so only two certificates issued at the same instant could collide, and the unique
    constraint then refuses the second transaction whole (nothing half-written)."""
    prepare_holder(session, student_id)
    if session.get(CredentialStatus, certificate_id) is None:
        list_id, index = free_position(session)
        session.add(CredentialStatus(certificate_id=certificate_id, list_id=list_id,
                                     list_index=index))  # fmt: skip
    session.flush()


@certificate_issued.connect
def _prepare_credential(certificate, session, **_):
    """A new certificate is ready for its credential within the transaction that issues it."""
    _prepare(session, certificate.id, certificate.student_id)


def credential_rows(session, certificate):
    """(status list, position, subject id) of a certificate's credential.

    Certificates made before migration 0014 ran, or by bulk loads, get their rows now, in a
    transaction of their own (a reading request's snapshot would not see them: read back there).
    """
    return prepared_rows(
        session, CredentialStatus, certificate.id, certificate.student_id, prepare=_prepare
    )


def prepared_rows(session, status_model, key, student_id, *, prepare):
    """(status list, position, subject id) of a credential whose status row is `status_model`
    keyed by `key`; rows missing (made before their migration, or by bulk loads) are made by
    `prepare(session, key, student_id)` in a transaction of their own, read back there."""
    entry = session.get(status_model, key)
    holder = session.get(CredentialHolder, student_id)
    for attempt in range(5):
        if entry is not None and holder is not None:
            break
        with new_session() as writer:
            try:
                prepare(writer, key, student_id)
                writer.commit()
            except IntegrityError:  # another request prepared it (or took the position) first
                writer.rollback()
                if attempt == 4:
                    raise
            entry = writer.get(status_model, key)
            holder = writer.get(CredentialHolder, student_id)
    return entry.list_id, entry.list_index, holder.subject_id


def credential_document(session, view, locale):
    """The unsigned OpenBadgeCredential of a certificate view, texts in `locale`."""
    list_id, index, subject = credential_rows(session, view.certificate)
    document = documents.open_badge(
        view, subject_id=subject, status_entry=status.entry(list_id, index), locale=locale
    )
    # A partner university's endorsement of the school's certificates (quality sampling): OB 3.0
    # EndorsementCredentials, each with its own proof, on the achievement they are about.
    # (Not `endorsementJwt`: OB 3.0's JSON-LD context does not define it.)
    endorsements = endorsements_of(view.certificate, session) if view.certificate.valid else []
    if endorsements:
        achievement = document["credentialSubject"]["achievement"]
        achievement["endorsement"] = [sign_document(item.document(locale)) for item in endorsements]
    return document


def _now():
    return documents.timestamp(datetime.now(UTC))


def verification_method(key):
    """The DID URL of an Ed25519 key in the issuer's DID document."""
    return f"{documents.issuer_did()}#{key.thumbprint}"


def sign_document(document):
    """The document with an eddsa-rdfc-2022 proof by the current Ed25519 key."""
    key = keys.signing_key("ed25519")
    return integrity.add_proof(
        document,
        private_key=key.private,
        verification_method=verification_method(key),
        created=document.get("validFrom") or _now(),
    )


def sign_jwt(document):
    return vcjwt.sign(document, keys.signing_key("rsa"))


def signed_credential(session, view, locale):
    """A certificate's credential in both proof forms, with the same content and status."""
    document = credential_document(session, view, locale)
    return SignedCredential(document=sign_document(document), jwt=sign_jwt(document))


def status_list_document(session, list_id):
    """The unsigned status list credential of `list_id`, or None when no such list exists."""
    rows = session.exec(
        select(CredentialStatus.list_index, Certificate.revoked_at)
        .join(Certificate, col(Certificate.id) == CredentialStatus.certificate_id)
        .where(CredentialStatus.list_id == list_id)
    ).all()
    return status_list_of(list_id, rows)


def status_list_of(list_id, rows, url=None):
    """The unsigned status list credential of `list_id` from its (position, revoked at) rows, or
    None when no such list exists (list 1 always does).

    The list changes only when a credential is revoked: dated by the last revocation, the same
    bits give the same signed document (cacheable, comparable).
    """
    if not rows and list_id != 1:
        return None
    revocations = [revoked for _index, revoked in rows if revoked is not None]
    since = max(revocations) if revocations else datetime(2026, 1, 1, tzinfo=UTC)
    return status.list_credential(
        list_id,
        issuer=documents.issuer_did(),
        valid_from=documents.timestamp(since),
        revoked_indexes=[index for index, revoked in rows if revoked is not None],
        url=url,
    )


def jwks():
    """Every RSA key, newest first, as a JWK Set; `kid` is the URL that serves each JWK."""
    return {"keys": [public_jwk(key) for key in keys.all_keys("rsa")]}


def public_jwk(key):
    return {**keys.public_jwk(key.public), "kid": vcjwt.key_url(key.thumbprint),
            "use": "sig", "alg": vcjwt.ALGORITHM}  # fmt: skip


def find_jwk(thumbprint):
    for key in keys.all_keys("rsa"):
        if key.thumbprint == thumbprint:
            return public_jwk(key)
    return None


def did_document():
    return documents.did_document(keys.all_keys("ed25519"))


# Other areas add their own credentials to the learner record (placements: the certificates of
# graded industry placements) without this module importing them: name -> function(session,
# student, locale) returning the student's valid credentials there, signed (Data Integrity).
LEARNER_RECORD_CREDENTIALS = {}


def has_learner_record(session, student, locale):
    """Whether learner_record() gives the student a record (a valid certificate of a module or
    of another area's), without signing the record: a module certificate is looked up; only
    without one are the other areas' credentials asked for (placements sign theirs to give
    them), as learner_record() itself would."""
    certificate = session.exec(
        select(Certificate.id)
        .where(Certificate.student_id == student.id, col(Certificate.revoked_at).is_(None))
        .limit(1)
    ).first()
    return certificate is not None or any(
        credentials_of(session, student, locale)
        for credentials_of in LEARNER_RECORD_CREDENTIALS.values()
    )


def learner_record(session, student, locale):
    """The student's signed ClrCredential in both forms, or None without a valid credential."""
    certificates = session.exec(
        select(Certificate)
        .where(Certificate.student_id == student.id, col(Certificate.revoked_at).is_(None))
        .order_by(Certificate.issued_at, Certificate.id)
    ).all()
    bundled = [
        sign_document(credential_document(session, training.certificate_view(session, c), locale))
        for c in certificates
    ]
    for credentials_of in LEARNER_RECORD_CREDENTIALS.values():
        bundled += credentials_of(session, student, locale)
    if not bundled:
        return None
    units = session.exec(
        select(Unit, Module, ModuleVersion)
        .join(UnitCompletion, col(UnitCompletion.unit_id) == Unit.id)
        .join(ModuleVersion, col(ModuleVersion.id) == Unit.version_id)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
        .where(
            UnitCompletion.student_id == student.id,
            UnitCompletion.status == CompletionStatus.VERIFIED,
        )
        .order_by(Module.position, Module.code, ModuleVersion.number, Unit.position)
    ).all()
    # Every credential names the holder by the student's one random subject id.
    subject = bundled[0]["credentialSubject"]["id"]
    document = clr.learner_record(
        student=student, subject_id=subject, credentials=bundled, units=units, locale=locale
    )
    return SignedCredential(document=sign_document(document), jwt=sign_jwt(document))
