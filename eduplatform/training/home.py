"""What the student home shows of each module version, rendered once per process.

Everything a unit's row shows that is the same for every student following the version (its
code, its title in the page's language with the "not yet translated" mark, the safety badge, its
name in lock messages, the address of its log form) is rendered once per frozen version,
language and mount point and kept; the page then only fills in each student's state. A version
is frozen once published (a draft is rendered every time), and a school's adaptation is a
version of its own, so nothing one student or school sees reaches another's page; the key holds
the language, so no page gets another language's text.

A student's list of cards is kept too (student_cards), keyed by everything it is drawn from: the
class's frozen versions, the student's records (each one's id, unit, status and feedback, in
order) and valid certificates, the language, the mount point and the module asked open. The
records' statement runs on every visit, so a review, a new record or a revoked certificate
changes the key at once: a kept list is what drawing it again would give.
"""

import hashlib
from dataclasses import dataclass, field

from flask import current_app, request, url_for
from markupsafe import Markup

from eduplatform.dashboard.cache import RenderCache
from eduplatform.i18n import current_language, translated
from eduplatform.training.progress import (
    UnitState,
    frozen,
    student_inputs,
    student_progress,
    version_key,
)

# (version, language) entries per process: a city's versions in three languages.
SHOWN_VERSIONS = 256
# Rows kept per entry: a unit in each state, locked ones per list of missing units (some of its
# prerequisites or of the safety module's units: few combinations occur); the bound caps the rest.
ROWS_PER_VERSION = 2048
# Characters of rows and cards kept by all entries together (a worker's memory: a card is about
# 1 KB, and a class's cards differ with each student's states and certificates). Past it, every
# entry forgets its rows and cards and keeps the ones pages ask for from then on.
KEPT_CHARACTERS = 16 * 2**20
MACROS = "training/_macros.html"
# Students whose list of cards a process keeps (the most recent): a list holds references to
# the version entries' shared cards and its own cards with feedback, which are whole cards of
# 2-4 KB each: about 11 KB a student in the load test's database, where every verification has
# feedback (850 students: 9.5 MB more in a worker). 256 of them hold the classes at work in a
# workshop at one time for at most about 3 MB.
STUDENT_HOMES = 256
# A record's feedback is shown in these states (student-specific: such a row is never kept).
FEEDBACK_STATES = (UnitState.VERIFIED, UnitState.REJECTED, UnitState.LOCKED)


@dataclass(frozen=True, slots=True)
class VersionShown:
    """A version as the student home shows it in one language."""

    title: str  # Markup
    heads: dict  # {unit id: Markup of its code, title and safety badge}
    log_urls: dict  # {unit id: the address of its log form}
    # Filled as pages need them: {(unit id, state, why locked): Markup of the unit's row} and
    # {("card", module, ...): Markup of a whole module card} (module_cards); see keep().
    rows: dict = field(default_factory=dict)


class ShownVersions(RenderCache):
    """The VersionShown entries of a process, and the characters their rows and cards hold."""

    def __init__(self, size, budget):
        super().__init__(size)
        self.budget, self.kept = budget, 0

    def keep(self, view, key, markup):
        """Keep a row or card of `view`: not past ROWS_PER_VERSION, and never past the budget
        (all entries forget their rows and cards then: the day's states fill them again)."""
        if len(view.rows) >= ROWS_PER_VERSION:
            return
        with self.lock:
            if self.kept + len(markup) > self.budget:
                # Entries the LRU dropped still count: measure what the kept ones hold.
                self.kept = sum(_characters(entry) for entry in self.entries.values())
                if self.kept + len(markup) > self.budget:
                    for entry in self.entries.values():
                        entry.rows.clear()
                    self.kept = 0
            self.kept += len(markup)
        view.rows[key] = markup


def _characters(view):
    return sum(len(markup) for markup in list(view.rows.values()))


def _macros():
    """The training macros, callable from here (with the globals they use, which a page
    otherwise gets from the context processors)."""
    return current_app.jinja_env.get_template(MACROS).make_module({"tr": translated})


def _cache():
    cache = current_app.extensions.get("training.home_versions")
    if cache is None:
        cache = ShownVersions(SHOWN_VERSIONS, KEPT_CHARACTERS)
        current_app.extensions["training.home_versions"] = cache
    return cache


def module_cards(modules, asked_open=""):
    """The student home's module cards, in order, from the student's ModuleProgress entries.

    Open: the first unfinished module, any module with a unit waiting for review or rejected,
    and the module the page was sent to (`asked_open`: its id or code, e.g. after logging a
    unit; the #module-<id> anchor alone cannot open a <details> without JavaScript).

    What all students of a version see alike comes from the cache (the version's title and
    units' heads, each unit's row per state); a whole card is kept too, keyed by everything it
    shows of the student (the counts, each row's state and lock, the certificate, open or not),
    unless one of its rows shows the teacher's feedback, which is the student's own.
    """
    cache, lang, cards, macros = _cache(), current_language(), [], None
    first_open_done = False
    for entry in modules:
        version, module = entry.version, entry.module
        complete = entry.total and entry.verified == entry.total
        first_unfinished = not complete and not first_open_done and version is not None
        first_open_done = first_open_done or first_unfinished
        asked = bool(asked_open) and asked_open in (str(module.id), module.code)
        open_it = bool(first_unfinished or entry.needs_attention or asked)
        if version is None:
            macros = macros or _macros()
            cards.append(macros.module_card(entry, None, None, open_it))
            continue
        keep = frozen(version)
        key = (version_key(version), lang, request.script_root)
        view = cache.get(key) if keep else None
        if view is None:
            macros = macros or _macros()
            view = _render(macros, version, [progress.unit for progress in entry.units])
            if keep:
                cache.put(key, view)
        row_keys, personal = [], False
        for progress in entry.units:
            state = progress.state
            personal = personal or bool(
                progress.completion is not None
                and state in FEEDBACK_STATES
                and progress.completion.feedback
            )
            row_keys.append(
                (progress.unit.id, state, progress.reason, tuple(u.id for u in progress.missing))
            )
        card_key = None
        if keep and not personal:
            card_key = (
                "card",
                module.id,
                module.code,
                tuple(row_keys),
                open_it,
                entry.certificate.code if entry.certificate else None,
            )
            card = view.rows.get(card_key)
            if card is not None:
                cards.append(card)
                continue
        macros = macros or _macros()
        rows = Markup("").join(
            _row(cache, macros, view, progress, row_key)
            for progress, row_key in zip(entry.units, row_keys, strict=True)
        )
        card = macros.module_card(entry, view.title, rows, open_it)
        if card_key is not None:
            cache.keep(view, card_key, card)
        cards.append(card)
    return cards


def _row(cache, macros, view, progress, row_key):
    """A unit's row: kept per state and lock reason, unless it shows the teacher's feedback."""
    feedback = None
    if progress.completion is not None and progress.state in FEEDBACK_STATES:
        feedback = progress.completion.feedback
    row = None if feedback else view.rows.get(row_key)
    if row is None:
        unit_id = progress.unit.id
        row = macros.unit_row(progress, view.heads[unit_id], view.log_urls[unit_id], feedback)
        if not feedback:
            cache.keep(view, row_key, row)
    return row


def _render(macros, version, units):
    return VersionShown(
        title=macros.text(version.title),
        heads={unit.id: macros.unit_head(unit) for unit in units},
        log_urls={unit.id: url_for("training.log_unit", unit_id=unit.id) for unit in units},
    )


def _homes():
    cache = current_app.extensions.get("training.student_homes")
    if cache is None:
        cache = RenderCache(STUDENT_HOMES)
        current_app.extensions["training.student_homes"] = cache
    return cache


def _home_key(student_id, cohort, inputs, asked_open):
    """What a student's cards are drawn from, or None when a version may still change (a draft:
    drawn every time)."""
    versions = [*inputs.versions, *([inputs.safety] if inputs.safety is not None else [])]
    if not all(frozen(version) for version in versions):
        return None
    records = repr([(r.id, r.unit_id, str(r.status), r.feedback) for r in inputs.records]).encode()
    return (
        student_id,
        cohort.id,
        current_language(),
        request.script_root,
        asked_open,
        tuple(
            (module.id, module.code, version_key(version) if version is not None else None)
            for module, version in inputs.modules
        ),
        version_key(inputs.safety) if inputs.safety is not None else None,
        hashlib.blake2b(records, digest_size=16).digest(),
        tuple(sorted((version_id, c.code) for version_id, c in inputs.certificates.items())),
    )


def student_cards(session, *, student_id, cohort, programme, certificates, asked_open=""):
    """The student home's module cards (module_cards()) of a student of `cohort`: the records'
    statement every time (the class, its programme and the valid `certificates` were read with
    the class), the cards drawn only when what they show has changed since this process last
    drew them."""
    inputs = student_inputs(
        session,
        student_id=student_id,
        cohort=cohort,
        programme=programme,
        certificates=certificates,
    )
    # Only a module of the class can be asked open: any other text draws what "" draws, and
    # is not kept under a key of its own (an address's ?open= is anyone's to write).
    if not any(asked_open in (str(module.id), module.code) for module, _v in inputs.modules):
        asked_open = ""
    key = _home_key(student_id, cohort, inputs, asked_open)
    cards = _homes().get(key) if key is not None else None
    if cards is None:
        modules = student_progress(session, student_id=student_id, cohort=cohort, inputs=inputs)
        cards = tuple(module_cards(modules, asked_open))
        if key is not None:
            _homes().put(key, cards)
    return cards
