"""What changed between two versions of a module, or between an adaptation and its original.

Compares two documents of content.version_document, the way a reader would: the module's
title, summary and alignment; units matched by code (added, removed, changed, reordered);
within a unit its title, practical task, learning outcomes, assessment criteria, hours, the
high-voltage mark, prerequisites and alignment. Texts stay translated ({lang: text}) so that
the page shows them in its reader's language (templates/curriculum/_changes.html).
"""

import difflib
from dataclasses import dataclass, field

from eduplatform.curriculum.content import clean_text, hours
from eduplatform.curriculum.schema import LANGUAGES

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class TextChange:
    """One translated text added, removed or rewritten (old/new are {lang: text} or None)."""

    kind: str
    old: dict | None = None
    new: dict | None = None

    @property
    def languages(self):
        """The languages whose wording differs, in the files' order."""
        old, new = self.old or {}, self.new or {}
        return [lang for lang in LANGUAGES if old.get(lang) != new.get(lang)]


@dataclass(frozen=True)
class FieldChange:
    """A changed field: `texts` for translated fields and lists of them; `old`/`new` for
    hours, the high-voltage mark; `added`/`removed` for prerequisites and alignment."""

    name: str
    texts: tuple = ()
    old: object = None
    new: object = None
    added: tuple = ()
    removed: tuple = ()


@dataclass(frozen=True)
class UnitChange:
    """A unit added, removed or changed; `unit` is its document (the old one when removed)."""

    kind: str
    code: str
    unit: dict
    fields: tuple = ()


@dataclass
class Changes:
    module: list = field(default_factory=list)  # FieldChange of title, summary, alignment
    units: list = field(default_factory=list)  # UnitChange, in the newer version's order
    reordered: bool = False  # units both versions have are in another order

    def __bool__(self):
        return bool(self.module or self.units or self.reordered)


def compare(old, new):
    """The Changes from document `old` to document `new`."""
    changes = Changes(module=_fields(old, new, MODULE_FIELDS))
    old_units = {unit["code"]: unit for unit in old["units"]}
    new_units = {unit["code"]: unit for unit in new["units"]}
    for unit in new["units"]:
        before = old_units.get(unit["code"])
        if before is None:
            changes.units.append(UnitChange(ADDED, unit["code"], unit))
            continue
        fields = _fields(before, unit, UNIT_FIELDS)
        if fields:
            changes.units.append(UnitChange(CHANGED, unit["code"], unit, tuple(fields)))
    changes.units += [
        UnitChange(REMOVED, unit["code"], unit)
        for unit in old["units"]
        if unit["code"] not in new_units
    ]
    kept_old = [u["code"] for u in old["units"] if u["code"] in new_units]
    kept_new = [u["code"] for u in new["units"] if u["code"] in old_units]
    changes.reordered = kept_old != kept_new
    return changes


def _text(name, old, new):
    old, new = clean_text(old), clean_text(new)
    if old == new:
        return None
    kind = ADDED if not old else REMOVED if not new else CHANGED
    return FieldChange(name, texts=(TextChange(kind, old or None, new or None),))


def _items(name, old, new):
    """Outcomes or criteria: a list of texts, aligned so that a rewritten item is 'changed'."""
    old = [clean_text(item) for item in old]
    new = [clean_text(item) for item in new]
    keys = [tuple(sorted(item.items())) for item in old], [tuple(sorted(i.items())) for i in new]
    texts = []
    matcher = difflib.SequenceMatcher(a=keys[0], b=keys[1], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        paired = min(len(removed), len(added))
        texts += [
            TextChange(CHANGED, a, b) for a, b in zip(removed[:paired], added[:paired], strict=True)
        ]
        texts += [TextChange(REMOVED, item) for item in removed[paired:]]
        texts += [TextChange(ADDED, None, item) for item in added[paired:]]
    return FieldChange(name, texts=tuple(texts)) if texts else None


def _codes(name, old, new):
    """Prerequisites or alignment references: what was added and what removed."""
    added = tuple(item for item in new if item not in old)
    removed = tuple(item for item in old if item not in new)
    return FieldChange(name, added=added, removed=removed) if added or removed else None


def _value(name, old, new):
    return FieldChange(name, old=old, new=new) if old != new else None


def _hours(name, old, new):
    return _value(name, hours(old), hours(new))


MODULE_FIELDS = (
    ("title", _text, {}),
    ("summary", _text, {}),
    ("alignment", _codes, []),
)
UNIT_FIELDS = (
    ("title", _text, {}),
    ("task", _text, {}),
    ("outcomes", _items, []),
    ("criteria", _items, []),
    ("theory_hours", _hours, 0),
    ("practice_hours", _hours, 0),
    ("safety_critical", _value, False),
    ("prerequisites", _codes, []),
    ("alignment", _codes, []),
)


def _fields(old, new, fields):
    found = []
    for name, compare_field, empty in fields:
        change = compare_field(name, old.get(name, empty), new.get(name, empty))
        if change is not None:
            found.append(change)
    return found
