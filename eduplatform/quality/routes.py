"""Every view module of the area, loaded so that their routes are on the blueprint."""

from eduplatform.quality import reviewer_views, views  # noqa: F401 - registers routes
from eduplatform.quality.blueprint import bp
from eduplatform.quality.reviews import register_departure

register_departure()

__all__ = ["bp"]
