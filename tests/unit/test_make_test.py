"""What `make test` runs (issue 16, "Done when"): the Dapodik files, the PDF rendering checks and
the whole-site round trip are part of it, and CI fails, never skips, when poppler or Chromium
is missing."""

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests import poppler

ROOT = Path(__file__).resolve().parents[2]
IN_MAKE_TEST = (
    "tests/people/test_dapodik.py",  # the student list as Dapodik exports it
    "tests/people/test_teacher_import.py",  # the teacher list (GTK)
    "tests/e2e/test_roster_import.py",
    "tests/e2e/test_teacher_import.py",
    "tests/training/test_certificate_pdf.py",  # poppler renders the certificates
    "tests/dashboard/test_report.py",  # and the office's report
    "tests/ops/test_site_backup.py",  # the whole-site round trip
)
FILTERS = ("-m", "-k", "--ignore", "--ignore-glob", "--deselect", "--lf")


def _leaves_out(args):
    return [a for a in args if a in FILTERS or a.startswith(tuple(f + "=" for f in FILTERS))]


def test_make_test_runs_pytest_on_the_whole_tree_and_leaves_none_of_these_out():
    recipe = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (command,) = [shlex.split(line) for line in recipe.splitlines() if "bin/pytest" in line]
    assert _leaves_out(command[1:]) == [] and not any(a.startswith("tests") for a in command)
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    config = options["ini_options"]
    assert config["testpaths"] == ["tests"]
    addopts = shlex.split(config["addopts"])
    ignored = [a.split("=", 1)[1] for a in addopts if a.startswith("--ignore=")]
    assert ignored == ["tests/benchmarks"]
    assert [a for a in _leaves_out(addopts) if not a.startswith("--ignore=")] == []
    for path in IN_MAKE_TEST:
        assert (ROOT / path).is_file(), path


def test_ci_runs_make_test_with_ci_true():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^export CI=true$", script, re.M)
    assert re.search(r"^make test$", script, re.M)


def test_a_missing_poppler_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(poppler.shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="poppler-utils"):
        poppler.tool("pdftoppm")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        poppler.tool("pdftoppm")
