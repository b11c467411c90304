"""Who a credential is about (a random id per student) and where its revocation bit lives."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import UTCDateTime, utcnow

# Bits per status list: 131,072 (16 KiB), the Bitstring Status List's minimum for herd privacy.
STATUS_LIST_SIZE = 131072


class CredentialHolder(SQLModel, table=True):
    """A student's subject id in credentials: a random urn:uuid, derived from nothing they are."""

    __tablename__ = "credential_holder"

    student_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    subject_id: str = Field(max_length=45, unique=True)  # urn:uuid:<36 characters>
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CredentialStatus(SQLModel, table=True):
    """A certificate's entry in a Bitstring Status List (list number and bit position)."""

    __tablename__ = "credential_status"
    __table_args__ = (
        UniqueConstraint("list_id", "list_index", name="uq_credential_status_position"),
        CheckConstraint(
            f"list_index >= 0 AND list_index < {STATUS_LIST_SIZE}",
            name="ck_credential_status_index",
        ),
        CheckConstraint("list_id >= 1", name="ck_credential_status_list"),
    )

    certificate_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True
        )
    )
    list_id: int = Field(default=1)
    list_index: int
