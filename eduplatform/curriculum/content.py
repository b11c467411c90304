"""A module version as a document in the file format, its content hash, and writing its units.

The same document comes from a YAML file and from the database, so that export, import and
the version history all compare like with like.
"""

import hashlib
import json
from decimal import Decimal

from sqlmodel import col, select

from eduplatform.curriculum.models import Module, ModuleVersion, Program, Unit, UnitPrerequisite
from eduplatform.curriculum.schema import LANGUAGES

TENTH = Decimal("0.1")


def clean_text(text):
    """A translated text with only its non-empty languages, in the files' order (id, en, zh)."""
    text = text or {}
    return {
        lang: text[lang] for lang in LANGUAGES if isinstance(text.get(lang), str) and text[lang]
    }


def hours(value):
    return Decimal(str(value)).quantize(TENTH)


def file_document(model):
    """The document of a validated ModuleFile."""
    data = model.model_dump()
    document = {key: data[key] for key in ("code", "program", "level", "title", "summary")}
    if data["alignment"]:
        document["alignment"] = data["alignment"]
    document["units"] = [_unit_entry(unit) for unit in data["units"]]
    return document


def _unit_entry(unit):
    entry = {
        "code": unit["code"],
        "title": clean_text(unit["title"]),
        "outcomes": [clean_text(item) for item in unit["outcomes"]],
        "task": clean_text(unit["task"]),
        "criteria": [clean_text(item) for item in unit["criteria"]],
        "theory_hours": hours(unit["theory_hours"]),
        "practice_hours": hours(unit["practice_hours"]),
        "safety_critical": unit["safety_critical"],
        "prerequisites": list(unit["prerequisites"]),
    }
    if unit.get("alignment"):
        entry["alignment"] = list(unit["alignment"])
    return entry


def prerequisite_codes(session, units):
    """{unit id: [codes of the units it requires, in unit order]} for units of one version."""
    by_id = {unit.id: unit for unit in units}
    rows = session.exec(
        select(UnitPrerequisite).where(col(UnitPrerequisite.unit_id).in_(list(by_id)))
    ).all()
    required = {}
    for row in rows:
        required.setdefault(row.unit_id, []).append(by_id[row.requires_id])
    return {
        unit_id: [u.code for u in sorted(needed, key=lambda u: (u.position, u.id))]
        for unit_id, needed in required.items()
    }


def version_units(session, version_id):
    return session.exec(
        select(Unit).where(Unit.version_id == version_id).order_by(Unit.position, Unit.id)
    ).all()


def version_document(session, version, module=None):
    """The document of a version stored in the database."""
    module = module or session.get(Module, version.module_id)
    program = session.get(Program, module.program_id)
    units = version_units(session, version.id)
    required = prerequisite_codes(session, units)
    document = {
        "code": module.code,
        "program": program.code,
        "level": module.level,
        "title": clean_text(version.title),
        "summary": clean_text(version.summary),
    }
    if version.alignment:
        document["alignment"] = list(version.alignment)
    document["units"] = [
        _unit_entry(
            {
                "code": unit.code,
                "title": unit.title,
                "outcomes": unit.outcomes,
                "task": unit.task,
                "criteria": unit.criteria,
                "theory_hours": unit.theory_hours,
                "practice_hours": unit.practice_hours,
                "safety_critical": unit.safety_critical,
                "prerequisites": required.get(unit.id, []),
                "alignment": unit.alignment,
            }
        )
        for unit in units
    ]
    return document


def content_hash(document):
    """sha256 of the canonical JSON of what a version says (not of code, program or level)."""
    order = {unit["code"]: index for index, unit in enumerate(document["units"])}
    canonical = {
        "title": clean_text(document["title"]),
        "summary": clean_text(document["summary"]),
        "alignment": list(document.get("alignment", [])),
        "units": [
            {
                **unit,
                "title": clean_text(unit["title"]),
                "task": clean_text(unit["task"]),
                "outcomes": [clean_text(item) for item in unit["outcomes"]],
                "criteria": [clean_text(item) for item in unit["criteria"]],
                "theory_hours": str(hours(unit["theory_hours"])),
                "practice_hours": str(hours(unit["practice_hours"])),
                "prerequisites": sorted(unit["prerequisites"], key=lambda c: order.get(c, -1)),
                "alignment": list(unit.get("alignment", [])),
            }
            for unit in document["units"]
        ],
    }
    payload = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_units(session, version, units):
    """Add the document's units (and their prerequisites) to a version."""
    rows = []
    for position, entry in enumerate(units, start=1):
        rows.append(
            Unit(
                version_id=version.id,
                code=entry["code"],
                position=position,
                title=dict(entry["title"]),
                outcomes=[dict(item) for item in entry["outcomes"]],
                task=dict(entry["task"]),
                criteria=[dict(item) for item in entry["criteria"]],
                theory_hours=hours(entry["theory_hours"]),
                practice_hours=hours(entry["practice_hours"]),
                safety_critical=entry["safety_critical"],
                alignment=list(entry.get("alignment", [])),
            )
        )
    session.add_all(rows)
    session.flush()
    by_code = {unit.code: unit for unit in rows}
    session.add_all(
        UnitPrerequisite(unit_id=unit.id, requires_id=by_code[code].id)
        for unit, entry in zip(rows, units, strict=True)
        for code in entry["prerequisites"]
    )
    session.flush()
    return rows


def next_version_number(session, module_id):
    numbers = session.exec(
        select(ModuleVersion.number).where(ModuleVersion.module_id == module_id)
    ).all()
    return max(numbers, default=0) + 1
