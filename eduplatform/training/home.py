"""What the student home shows of each module version, rendered once per process.

Everything a unit's row shows that is the same for every student following the version (its
code, its title in the page's language with the "not yet translated" mark, the safety badge, its
name in lock messages, the address of its log form) is rendered once per frozen version,
language and mount point and kept; the page then only fills in each student's state. A version
is frozen once published (a draft is rendered every time), and a school's adaptation is a
version of its own, so nothing one student or school sees reaches another's page; the key holds
the language, so no page gets another language's text.
"""

from dataclasses import dataclass, field

from flask import current_app, request, url_for
from markupsafe import Markup

from eduplatform.dashboard.cache import RenderCache
from eduplatform.i18n import current_language, translated
from eduplatform.training.progress import UnitState, frozen, version_key

# (version, language) entries per process: a city's versions in three languages.
SHOWN_VERSIONS = 256
# Rows kept per entry: a unit in each state, locked ones per list of missing units (some of its
# prerequisites or of the safety module's units: few combinations occur); the bound caps the rest.
ROWS_PER_VERSION = 2048
MACROS = "training/_macros.html"
# A record's feedback is shown in these states (student-specific: such a row is never kept).
FEEDBACK_STATES = (UnitState.VERIFIED, UnitState.REJECTED, UnitState.LOCKED)


@dataclass(frozen=True, slots=True)
class VersionShown:
    """A version as the student home shows it in one language."""

    title: str  # Markup
    heads: dict  # {unit id: Markup of its code, title and safety badge}
    log_urls: dict  # {unit id: the address of its log form}
    # Filled as pages need them: {(unit id, state, why locked): Markup of the unit's row}.
    rows: dict = field(default_factory=dict)


def _macros():
    """The training macros, callable from here (with the globals they use, which a page
    otherwise gets from the context processors)."""
    return current_app.jinja_env.get_template(MACROS).make_module({"tr": translated})


def _cache():
    return current_app.extensions.setdefault("training.home_versions", RenderCache(SHOWN_VERSIONS))


def modules_shown(modules):
    """{module id: (its version's title, the rows of its units)} for the student home, from
    the student's ModuleProgress entries: what all students of a version see alike comes from
    the cache, each row is assembled from the student's state."""
    cache, lang, found, macros = _cache(), current_language(), {}, None
    for entry in modules:
        version = entry.version
        if version is None:
            continue
        keep = frozen(version)
        key = (version_key(version), lang, request.script_root)
        view = cache.get(key) if keep else None
        if view is None:
            macros = macros or _macros()
            view = _render(macros, version, [progress.unit for progress in entry.units])
            if keep:
                cache.put(key, view)
        rows = []
        for progress in entry.units:
            unit_id, state = progress.unit.id, progress.state
            feedback = None
            if progress.completion is not None and state in FEEDBACK_STATES:
                feedback = progress.completion.feedback
            row_key = (unit_id, state, progress.reason, tuple(u.id for u in progress.missing))
            row = None if feedback else view.rows.get(row_key)
            if row is None:
                macros = macros or _macros()
                row = macros.unit_row(
                    progress, view.heads[unit_id], view.log_urls[unit_id], feedback
                )
                if not feedback and len(view.rows) < ROWS_PER_VERSION:
                    view.rows[row_key] = row
            rows.append(row)
        found[entry.module.id] = (view.title, Markup("").join(rows))
    return found


def _render(macros, version, units):
    return VersionShown(
        title=macros.text(version.title),
        heads={unit.id: macros.unit_head(unit) for unit in units},
        log_urls={unit.id: url_for("training.log_unit", unit_id=unit.id) for unit in units},
    )
