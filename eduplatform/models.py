"""The one registry of tables, imported by the app factory and by Alembic."""

from eduplatform.audit.models import AuditEvent
from eduplatform.people.models import Organization, User, UserSession

__all__ = ["AuditEvent", "Organization", "User", "UserSession"]
