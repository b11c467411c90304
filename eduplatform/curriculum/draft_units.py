"""Editing the units of a draft: add, change, reorder, remove, and set prerequisites.

Every function refuses anything but a draft (published versions are frozen), validates,
writes and commits once; on a refusal nothing is written.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlmodel import col, delete, func, select

from eduplatform.curriculum.authoring import (
    CODE_RE,
    require_draft,
    require_editor,
    translated_text,
)
from eduplatform.curriculum.models import Module, Unit, UnitPrerequisite
from eduplatform.curriculum.schema import LANGUAGES
from eduplatform.curriculum.source import find_cycle
from eduplatform.errors import Invalid

MAX_HOURS = Decimal("999")


def _lines(values):
    return {
        lang: [x.strip() for x in (values.get(lang) or "").splitlines() if x.strip()]
        for lang in LANGUAGES
    }


def _items(values, *, field, errors):
    """Outcomes or criteria from one textarea per language, one item per line."""
    lines = _lines(values)
    count = max(len(items) for items in lines.values())
    if not lines["id"]:
        errors.append({"field": f"{field}_id", "message": _l("Write at least one line.")})
    for lang, items in lines.items():
        if items and len(items) != count:
            errors.append(
                {
                    "field": f"{field}_{lang}",
                    "message": _l(
                        "Write one line per item: %(count)d lines, as in the other "
                        "languages, or leave it empty.",
                        count=count,
                    ),
                }
            )
    return [
        {lang: items[n] for lang, items in lines.items() if n < len(items)} for n in range(count)
    ]


def _hours(value, field, errors):
    try:
        hours = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        hours = Decimal(-1)
    if not (Decimal(0) <= hours <= MAX_HOURS) or hours != hours.quantize(Decimal("0.1")):
        errors.append({"field": field, "message": _l("Enter hours from 0 to 999, like 1.5.")})
    return hours


def _unit_values(session, version, unit, data):
    errors = []
    code = (data.get("code") or "").strip().upper()
    module = session.get(Module, version.module_id)
    # An adaptation keeps its original's unit codes (so that the two compare unit by unit).
    original = session.get(Module, module.adapted_from_id) if module.adapted_from_id else None
    prefixes = tuple(f"{m.code}-" for m in (module, original) if m is not None)
    if not CODE_RE.match(code) or len(code) > 40 or not code.startswith(prefixes):
        errors.append(
            {
                "field": "code",
                "message": _l(
                    "Start the code with the module's code, like %(example)s.",
                    example=f"{module.code}-U1",
                ),
            }
        )
    else:
        clash = session.exec(
            select(Unit.id).where(Unit.version_id == version.id, Unit.code == code)
        ).first()
        if clash is not None and (unit is None or clash != unit.id):
            errors.append(
                {"field": "code", "message": _l("This version has a unit with this code.")}
            )
    values = {
        "code": code,
        "title": translated_text(data.get("title", {}), field="title", errors=errors),
        "task": translated_text(data.get("task", {}), field="task", required=False, errors=errors),
        "outcomes": _items(data.get("outcomes", {}), field="outcomes", errors=errors),
        "criteria": _items(data.get("criteria", {}), field="criteria", errors=errors),
        "theory_hours": _hours(data.get("theory_hours"), "theory_hours", errors),
        "practice_hours": _hours(data.get("practice_hours"), "practice_hours", errors),
        "safety_critical": bool(data.get("safety_critical")),
    }
    if errors:
        raise Invalid(errors)
    return values


def add_unit(session, *, actor, module, version, data):
    """Append a unit to a draft. `data` holds code, hours, safety_critical and
    {lang: text} for title and task, {lang: lines} for outcomes and criteria."""
    require_editor(actor, module)
    require_draft(version)
    values = _unit_values(session, version, None, data)
    last = session.exec(select(func.max(Unit.position)).where(Unit.version_id == version.id)).one()
    unit = Unit(version_id=version.id, position=(last or 0) + 1, **values)
    session.add(unit)
    session.commit()
    return unit


def update_unit(session, *, actor, module, version, unit, data):
    """Change a unit of a draft (every field; see add_unit)."""
    require_editor(actor, module)
    require_draft(version)
    for name, value in _unit_values(session, version, unit, data).items():
        setattr(unit, name, value)
    session.add(unit)
    session.commit()
    return unit


def move_unit(session, *, actor, module, version, unit, offset):
    """Swap a unit of a draft with its neighbour above (offset -1) or below (+1)."""
    require_editor(actor, module)
    require_draft(version)
    units = list(
        session.exec(
            select(Unit).where(Unit.version_id == version.id).order_by(Unit.position, Unit.id)
        ).all()
    )
    index = next(i for i, u in enumerate(units) if u.id == unit.id)
    target = index + offset
    if 0 <= target < len(units):
        units[index], units[target] = units[target], units[index]
        for position, item in enumerate(units, start=1):
            item.position = position
        session.add_all(units)
        session.commit()


def remove_unit(session, *, actor, module, version, unit):
    """Delete a unit from a draft (its prerequisite links go with it)."""
    require_editor(actor, module)
    require_draft(version)
    session.exec(
        delete(UnitPrerequisite).where(
            (UnitPrerequisite.unit_id == unit.id) | (UnitPrerequisite.requires_id == unit.id)
        )
    )
    session.delete(unit)
    session.commit()


def set_prerequisites(session, *, actor, module, version, unit, requires_ids):
    """Replace a unit's prerequisites with other units of the same draft; refuse cycles."""
    require_editor(actor, module)
    require_draft(version)
    units = {u.id: u for u in session.exec(select(Unit).where(Unit.version_id == version.id)).all()}
    requires_ids = {int(i) for i in requires_ids}
    if unit.id in requires_ids:
        raise Invalid.field("prerequisites", _l("A unit cannot require itself."))
    unknown = requires_ids - set(units)
    if unknown:
        raise Invalid.field("prerequisites", _l("Choose units of this module version only."))
    rows = session.exec(
        select(UnitPrerequisite).where(col(UnitPrerequisite.unit_id).in_(list(units)))
    ).all()
    # The edited unit first, so that a cycle is named starting from it.
    graph = {unit.code: [units[i].code for i in sorted(requires_ids)]}
    for row in rows:
        if row.unit_id != unit.id:
            graph.setdefault(units[row.unit_id].code, []).append(units[row.requires_id].code)
    cycle = find_cycle(graph)
    if cycle:
        raise Invalid.field(
            "prerequisites",
            _l("These prerequisites would make a cycle: %(cycle)s.", cycle=" → ".join(cycle)),
        )
    session.exec(delete(UnitPrerequisite).where(UnitPrerequisite.unit_id == unit.id))
    session.add_all(UnitPrerequisite(unit_id=unit.id, requires_id=i) for i in requires_ids)
    session.commit()
