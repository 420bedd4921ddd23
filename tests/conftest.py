"""Fixtures for the assignment tests (the solution notebook of the module's ASSIGNMENT, solved and stubbed)
and the demo class graded once for every test that reads its reports."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from autograder.runner.course import REPO
from tests.support.fixture_modules import FILES, import_file
from tests.support.solution_notebooks import notebook_module


@pytest.fixture(scope="module")
def solution(request: pytest.FixtureRequest) -> ModuleType:
    """The solution notebook's definitions, for the test module's ``ASSIGNMENT``."""
    return notebook_module(request.module.ASSIGNMENT, stubbed=False)


@pytest.fixture(scope="module")
def stub(request: pytest.FixtureRequest) -> ModuleType:
    """What students receive: the same definitions with every solution region replaced by the named stub."""
    return notebook_module(request.module.ASSIGNMENT, stubbed=True)


@pytest.fixture(scope="module")
def bugs(request: pytest.FixtureRequest) -> dict[str, ModuleType]:
    """The known-buggy implementations of the test module's ``ASSIGNMENT``: files/<assignment>/<file>.py imported
    as module ``<assignment>_<file>``, by file name."""
    assignment = request.module.ASSIGNMENT
    return {path.stem: import_file(path, f"{assignment}_{path.stem}")
            for path in sorted((FILES / assignment).glob("*.py"))}


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """`python -m autograder grade -j 2 --out OUT`, with no folder: the demo class, through the module entry point.

    Graded once per session (about 4 minutes): the CLI's tests and the Chromium test read the same reports."""
    out = tmp_path_factory.mktemp("demo_out")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "-j", "2", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=3000)
    return done, out


@pytest.fixture(scope="session")
def demo_run_ko(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The demo class's hw3 (softmax regression from scratch: every kind of diagnostic, hints, training curves)
    graded in Korean, `grade --assignment hw3 --lang ko -j 2` (about a minute): read by the Korean page tests and
    the Chromium test."""
    out = tmp_path_factory.mktemp("demo_out_ko")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--assignment", "hw3", "--lang", "ko",
                           "-j", "2", "--out", str(out)], capture_output=True, text=True, cwd=REPO, timeout=3000)
    return done, out
