"""Fixtures for the assignment tests: the solution notebook of the module's ASSIGNMENT, solved and stubbed."""
from __future__ import annotations

from types import ModuleType

import pytest

from tests.autograder.solution_notebooks import notebook_module


@pytest.fixture(scope="module")
def solution(request: pytest.FixtureRequest) -> ModuleType:
    """The solution notebook's definitions, for the test module's ``ASSIGNMENT``."""
    return notebook_module(request.module.ASSIGNMENT, stubbed=False)


@pytest.fixture(scope="module")
def stub(request: pytest.FixtureRequest) -> ModuleType:
    """What students receive: the same definitions with every solution region replaced by the named stub."""
    return notebook_module(request.module.ASSIGNMENT, stubbed=True)
