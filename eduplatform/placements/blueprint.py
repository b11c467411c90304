"""The placements blueprint; each view module of the area registers its routes on it."""

from flask import Blueprint

bp = Blueprint("placements", __name__, url_prefix="/placements")


def placement_labels():
    """The area's display labels for its templates."""
    from eduplatform.placements import forms

    return {
        "pl_labels": {
            "sector": forms.SECTOR_LABELS,
            "status": forms.STATUS_LABELS,
            "day_kind": forms.DAY_KIND_LABELS,
            "entry_status": forms.ENTRY_STATUS_LABELS,
            "language": forms.LANGUAGE_LABELS,
        }
    }


bp.context_processor(placement_labels)
