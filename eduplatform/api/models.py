"""Personal access tokens for the JSON API; only a hash of each token is stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from eduplatform.sqltypes import UTCDateTime, utcnow


class TokenScope(StrEnum):
    READ = "read"
    READ_WRITE = "read-write"


class ApiToken(SQLModel, table=True):
    """A bearer token a user made on their profile (or with `eduplatform tokens create`)."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("scope IN ('read', 'read-write')", name="ck_api_token_scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(max_length=100)
    scope: str = Field(default=TokenScope.READ, max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    # The first characters of the token, so that its owner can tell tokens apart in the list.
    hint: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def is_live(self, now):
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    @property
    def writes(self):
        return self.scope == TokenScope.READ_WRITE
