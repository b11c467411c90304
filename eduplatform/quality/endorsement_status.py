"""Revocation of endorsement credentials: their own W3C Bitstring Status Lists.

A downloaded EndorsementCredential must show, later, that the university withdrew it. Each
granting of an endorsement gets a random position in the endorsements' status lists
(`/credentials/endorsements/status/<n>`, signed by the platform's keys like the certificates'
lists); withdrawing the endorsement sets that bit at once, and a re-endorsement gets a new
position (a new credential), while the old one stays set. The lists are the endorsements' own:
they take nothing from the certificates' positions and need nothing of the training area.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from eduplatform.credentials import status
from eduplatform.credentials.service import free_position, status_list_of
from eduplatform.db import new_session
from eduplatform.quality.models import QualityEndorsement, QualityEndorsementStatus
from eduplatform.urls import public_url


def list_url(list_id):
    return public_url("quality.endorsement_status_list", list_id=list_id)


def _open_row(session, endorsement_id):
    return session.exec(
        select(QualityEndorsementStatus).where(
            QualityEndorsementStatus.endorsement_id == endorsement_id,
            col(QualityEndorsementStatus.withdrawn_at).is_(None),
        )
    ).first()


def open_entry(session, endorsement):
    """Give a newly granted endorsement its position (inside the caller's transaction)."""
    list_id, index = free_position(session, QualityEndorsementStatus)
    row = QualityEndorsementStatus(
        endorsement_id=endorsement.id, list_id=list_id, list_index=index,
        endorsed_at=endorsement.endorsed_at,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def close_entry(session, endorsement):
    """Set the bit of the endorsement's credentials: withdrawn as of its withdrawal."""
    row = _open_row(session, endorsement.id)
    if row is not None:
        row.withdrawn_at = endorsement.withdrawn_at
        session.add(row)
        session.flush()
    return row


def entry_row(session, endorsement):
    """The status row of an active endorsement's credentials.

    An endorsement granted before migration 0023 ran, or written by a bulk load, gets its row
    now in a transaction of its own (a reading request's snapshot would not see it: read back).
    """
    row = _open_row(session, endorsement.id)
    for attempt in range(5):
        if row is not None:
            return row
        with new_session() as writer:
            try:
                found = writer.get(QualityEndorsement, endorsement.id)
                if found is not None and found.active and _open_row(writer, found.id) is None:
                    open_entry(writer, found)
                writer.commit()
            except IntegrityError:  # another request gave it a row (or took the position) first
                writer.rollback()
                if attempt == 4:
                    raise
            row = _open_row(writer, endorsement.id)
            if row is not None:
                writer.expunge(row)
    return row


def entry(row):
    """The credentialStatus of the credentials that carry this row's bit."""
    return status.entry(row.list_id, row.list_index, url=list_url(row.list_id))


def status_list_document(session, list_id):
    """The unsigned status list credential of the endorsements' list `list_id`, or None."""
    rows = session.exec(
        select(QualityEndorsementStatus.list_index, QualityEndorsementStatus.withdrawn_at).where(
            QualityEndorsementStatus.list_id == list_id
        )
    ).all()
    return status_list_of(list_id, rows, url=list_url(list_id))
