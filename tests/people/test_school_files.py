"""The school files under tests/people/files/ are what make_files.py builds (issue 16.1).

The roster and teacher-list tests read committed files; this keeps them from drifting away from
the script that documents how they are made. XLSX files are compared cell by cell (openpyxl
orders a workbook's parts differently from run to run), CSV files byte for byte.
"""

import importlib.util
from pathlib import Path

import pytest

from eduplatform.workbooks import read_first_sheet

FILES = Path(__file__).parent / "files"


def _make_files():
    spec = importlib.util.spec_from_file_location("make_files", FILES / "make_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE_FILES = _make_files()


def test_every_file_of_the_folder_is_built_by_the_script():
    built = set(MAKE_FILES.FILES)
    committed = {p.name for p in FILES.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert committed == built


@pytest.mark.parametrize("name", sorted(MAKE_FILES.FILES))
def test_the_committed_file_is_what_the_script_builds(name):
    built, committed = MAKE_FILES.FILES[name](), (FILES / name).read_bytes()
    if name.endswith(".csv"):
        assert committed == built
    else:
        limits = {"max_rows": 1000, "max_columns": 100}
        assert read_first_sheet(committed, **limits) == read_first_sheet(built, **limits)
