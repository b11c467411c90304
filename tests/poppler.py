"""Poppler's command-line tools (Debian's poppler-utils): how PDF viewers on Linux read a file."""

import os
import shutil
import subprocess

import pytest


def tool(name):
    """The path of a poppler tool; CI installs poppler-utils, elsewhere the test skips."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {name} is missing (install Debian's poppler-utils)")
        pytest.skip(f"{name} not found: install Debian's poppler-utils")
    return path


def run(name, *args):
    """Run a poppler tool; its standard output as text."""
    done = subprocess.run([tool(name), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout
