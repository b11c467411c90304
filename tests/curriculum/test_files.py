"""The file format: every kind of bad file is refused with its file, line and field path."""

import pytest

from eduplatform.curriculum.source import find_cycle, read_curricula
from tests.curriculum.conftest import CURRICULA, module, text, unit

GOOD_MODULE = """\
code: T-101
program: TEST
level: basic
title:
  id: Judul
  en: Title
  zh: 标题
summary:
  id: Ringkasan
  en: Summary
  zh: 摘要
units:
  - code: T-101-U1
    title: {id: Satu, en: One, zh: 一}
    outcomes:
      - id: Hasil
        en: Outcome
        zh: 成果
    task: {id: Tugas, en: Task, zh: 任务}
    criteria:
      - {id: Kriteria, en: Criterion, zh: 标准}
    theory_hours: 1
    practice_hours: 2
    safety_critical: false
    prerequisites: []
"""


def only_error(directory):
    programs, errors = read_curricula(directory)
    assert len(errors) == 1, errors
    return errors[0]


def test_the_real_curriculum_is_valid_with_nine_modules_of_four_to_eight_units():
    programs, errors = read_curricula(CURRICULA)
    assert errors == []
    (program,) = programs
    assert program.model.code == "EV-MECH"
    assert len(program.modules) >= 9
    for source in program.modules:
        assert 4 <= len(source.model.units) <= 8, source.model.code


def test_a_hand_written_module_is_valid(write_curriculum):
    folder = write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": GOOD_MODULE})
    programs, errors = read_curricula(folder)
    assert errors == []
    assert programs[0].modules[0].model.units[0].practice_hours == 2


def test_missing_translation_names_file_line_and_field_path(write_curriculum):
    bad = GOOD_MODULE.replace("        zh: 成果\n", "")
    folder = write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": bad})
    error = only_error(folder)
    assert error["file"].endswith("T-101.yaml")
    assert error["field"] == "units[0].outcomes[0].zh"
    assert error["line"] == 16  # the outcome's mapping, where zh belongs
    assert "missing" in error["message"]


def test_empty_translation_is_refused(write_curriculum):
    bad = GOOD_MODULE.replace("zh: 标题", 'zh: ""')
    error = only_error(write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": bad}))
    assert (error["field"], error["line"]) == ("title.zh", 7)
    assert error["message"] == "must not be empty"


def test_unknown_key_is_refused_at_its_line(write_curriculum):
    bad = GOOD_MODULE.replace("    theory_hours: 1\n", "    theory_hours: 1\n    hours: 3\n")
    error = only_error(write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": bad}))
    assert (error["field"], error["line"]) == ("units[0].hours", 23)
    assert "unknown key" in error["message"]


@pytest.mark.parametrize(
    ("replace", "field", "message"),
    [
        ("theory_hours: 1", "units[0].theory_hours", "must be a number"),
        ("safety_critical: false", "units[0].safety_critical", "must be true or false"),
        ("code: T-101-U1", "units[0].code", "must be text"),
        ("level: basic", "level", "must be one of"),
    ],
)
def test_wrong_types_are_refused(write_curriculum, replace, field, message):
    wrong = {
        "theory_hours: 1": 'theory_hours: "one"',
        "safety_critical: false": "safety_critical: maybe",
        "code: T-101-U1": "code: 101",
        "level: basic": "level: expert",
    }[replace]
    bad = GOOD_MODULE.replace(replace, wrong)
    folder = write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": bad})
    programs, errors = read_curricula(folder)
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]


def test_hours_with_two_decimals_are_refused(write_curriculum):
    folder = write_curriculum(modules=[module(units=[unit("T-101-U1", theory_hours=1.25)])])
    error = only_error(folder)
    assert error["field"] == "units[0].theory_hours"
    assert "one decimal" in error["message"]


def test_duplicated_unit_code_is_refused(write_curriculum):
    folder = write_curriculum(modules=[module(units=[unit("T-101-U1"), unit("T-101-U1")])])
    error = only_error(folder)
    assert error["field"] == "units[1].code"
    assert "used twice" in error["message"]


def test_unit_code_must_start_with_the_module_code(write_curriculum):
    error = only_error(write_curriculum(modules=[module(units=[unit("X-1-U1")])]))
    assert error["field"] == "units[0].code"


def test_prerequisite_cycle_is_refused_and_named(write_curriculum):
    units = [
        unit("T-101-U1", ["T-101-U3"]),
        unit("T-101-U2", ["T-101-U1"]),
        unit("T-101-U3", ["T-101-U2"]),
    ]
    error = only_error(write_curriculum(modules=[module(units=units)]))
    assert error["message"].startswith("prerequisite cycle: ")
    assert "T-101-U1 → T-101-U3 → T-101-U2 → T-101-U1" in error["message"]


def test_prerequisite_on_an_unknown_unit_is_refused(write_curriculum):
    units = [unit("T-101-U1"), unit("T-101-U2", ["T-101-U9"])]
    error = only_error(write_curriculum(modules=[module(units=units)]))
    assert error["field"] == "units[1].prerequisites[0]"
    assert error["message"] == "unknown unit T-101-U9"


def test_prerequisite_on_another_modules_unit_is_refused(write_curriculum):
    other = module("T-102", units=[unit("T-102-U1")])
    mine = module(units=[unit("T-101-U1", ["T-102-U1"])])
    error = only_error(write_curriculum(modules=[mine, other]))
    assert error["file"].endswith("T-101.yaml")
    assert "belongs to module T-102" in error["message"]


def test_module_listed_without_a_file_is_refused(write_curriculum):
    error = only_error(write_curriculum(listed=["T-101", "T-999"]))
    assert error["file"].endswith("program.yaml")
    assert error["field"] == "modules[1]"
    assert "no file defines it" in error["message"]


def test_file_whose_module_is_not_listed_is_refused(write_curriculum):
    error = only_error(write_curriculum(modules=[module(), module("T-102")], listed=["T-101"]))
    assert error["file"].endswith("T-102.yaml")
    assert "not listed" in error["message"]


def test_module_of_another_program_is_refused(write_curriculum):
    error = only_error(write_curriculum(modules=[module(program="OTHER")]))
    assert error["field"] == "program"


def test_invalid_yaml_reports_its_line(write_curriculum):
    bad = GOOD_MODULE.replace("  en: Title\n", "  en: [Title\n")
    folder = write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": bad})
    errors = read_curricula(folder)[1]
    assert errors[0]["file"].endswith("T-101.yaml")
    assert "not valid YAML" in errors[0]["message"]
    assert errors[0]["line"] is not None


def test_a_key_written_twice_is_refused(write_curriculum):
    bad = GOOD_MODULE.replace("level: basic\n", "level: basic\nlevel: advanced\n")
    error = only_error(write_curriculum(modules=[], listed=["T-101"], raw={"T-101.yaml": bad}))
    assert (error["field"], error["line"]) == ("level", 4)
    assert "twice" in error["message"]


def test_every_error_of_every_file_is_reported_at_once(write_curriculum):
    broken = module(units=[unit("T-101-U1", title=text("x") | {"zh": ""})])
    other = module("T-102", units=[unit("T-102-U1"), unit("T-102-U1")])
    programs, errors = read_curricula(write_curriculum(modules=[broken, other]))
    assert {e["file"].rsplit("/", 1)[-1] for e in errors} == {"T-101.yaml", "T-102.yaml"}


def test_find_cycle_returns_none_for_a_tree():
    assert find_cycle({"b": ["a"], "c": ["a", "b"]}) is None
    assert find_cycle({"a": ["b"], "b": ["a"]}) in (["a", "b", "a"], ["b", "a", "b"])
