"""Words for the quality area's codes, shared by its pages, the audit log and exports."""

from flask_babel import lazy_gettext as _l

RULE_LABELS = {
    "disputed": _l("After a dispute or a disagreement"),
    "safety_critical": _l("Safety-critical unit"),
    "new_teacher": _l("New teacher"),
    "first_of_module": _l("First of the module"),
    "minimum": _l("Minimum rate"),
    "none": _l("No rule"),
}
