"""Fixtures for the assignment tests (the solution notebook of the module's ASSIGNMENT, solved and stubbed); the
two classes graded once per session come from tests/support/: the demo class (classes.py, for the reports) and the
corpus (corpus_run.py, for robustness)."""
from __future__ import annotations

from types import ModuleType

import pytest
import torch

from tests.support.classes import calibration, demo_run, demo_run_ko  # noqa: F401 (session fixtures)
from tests.support.corpus_run import corpus_run  # noqa: F401 (a session fixture)
from tests.support.fixture_modules import fixture_modules
from tests.support.grading import notebook


@pytest.fixture(scope="module")
def solution(request: pytest.FixtureRequest) -> ModuleType:
    """The solution notebook's definitions, for the test module's ``ASSIGNMENT`` (built once per session)."""
    return notebook(request.module.ASSIGNMENT, stubbed=False)


@pytest.fixture(scope="module")
def stub(request: pytest.FixtureRequest) -> ModuleType:
    """What students receive: the same definitions with every solution region replaced by the named stub."""
    return notebook(request.module.ASSIGNMENT, stubbed=True)


@pytest.fixture(scope="module")
def bugs(request: pytest.FixtureRequest) -> dict[str, ModuleType]:
    """The known-buggy implementations of the test module's ``ASSIGNMENT``: files/<assignment>/<file>.py imported
    once as module ``<assignment>_<file>``, by file name (each file's ``BUGS`` table: tests/support/bugs.py)."""
    return fixture_modules(request.module.ASSIGNMENT)


@pytest.fixture
def one_thread():
    """Train on one thread: on a shared machine two threads contend and run several times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

