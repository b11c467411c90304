"""Every view module of the area, loaded so that their routes are on the blueprints."""

from eduplatform.placements import (  # noqa: F401 - registers routes
    assessment_views,
    credential_views,
    journal_views,
    views,
)
from eduplatform.placements.blueprint import bp
from eduplatform.placements.link_views import bp as supervisor_bp
from eduplatform.placements.service import register_passport_section

register_passport_section()

__all__ = ["bp", "supervisor_bp"]
