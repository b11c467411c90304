"""Curriculum fixtures: the real curricula/ directory, and small files written in tmp_path."""

from pathlib import Path

import pytest
import yaml

from eduplatform.curriculum.importer import import_curricula
from eduplatform.curriculum.source import read_curricula

CURRICULA = Path(__file__).resolve().parents[2] / "curricula"


def text(word):
    return {"id": f"{word} (id)", "en": f"{word} (en)", "zh": f"{word}（中文）"}


def unit(code, prerequisites=(), **fields):
    return {
        "code": code,
        "title": text(f"Title {code}"),
        "outcomes": [text(f"Outcome {code}")],
        "task": text(f"Task {code}"),
        "criteria": [text(f"Criterion {code}")],
        "theory_hours": 1,
        "practice_hours": 1.5,
        "safety_critical": False,
        "prerequisites": list(prerequisites),
        **fields,
    }


def module(code="T-101", units=None, **fields):
    return {
        "code": code,
        "program": "TEST",
        "level": "basic",
        "title": text(f"Module {code}"),
        "summary": text(f"Summary {code}"),
        "units": units
        if units is not None
        else [unit(f"{code}-U1"), unit(f"{code}-U2", [f"{code}-U1"])],
        **fields,
    }


@pytest.fixture
def write_curriculum(tmp_path):
    """write_curriculum(modules=[...], listed=None, raw={}) -> a program directory in tmp_path.

    `modules` are dicts dumped as YAML; `raw` maps file names to literal YAML text.
    """

    def write(modules=None, listed=None, raw=None, directory="program"):
        folder = tmp_path / directory
        folder.mkdir(exist_ok=True)
        modules = [module()] if modules is None else modules
        program = {
            "code": "TEST",
            "title": text("Program"),
            "summary": text("Program summary"),
            "modules": listed if listed is not None else [m["code"] for m in modules],
        }
        (folder / "program.yaml").write_text(
            yaml.safe_dump(program, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        for data in modules:
            (folder / f"{data['code']}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        for name, content in (raw or {}).items():
            (folder / name).write_text(content, encoding="utf-8")
        return folder

    return write


def run_import(db, directory, owner=None, actor=None):
    """Read and import a directory; fails the test if the files are refused."""
    programs, errors = read_curricula(directory)
    assert not errors, errors
    return import_curricula(db, actor=actor, programs=programs, owner=owner)


@pytest.fixture
def ev_program(db, make_org):
    """The real EV mechanic curriculum imported, owned by the partner university."""
    university = make_org("university", name="Partner University")
    summary = run_import(db, CURRICULA, owner=university)
    return {"summary": summary, "owner": university}
