"""Does every task of the registry give the solution full points, the stub zero, and name each of its known bugs?

Parametrized over ``autograder.tasks.TASKS`` and the fixture files' ``BUGS`` tables (tests/support/bugs.py), both
read at collection: a new task is tested here as soon as it is registered and its notebook solved, and its bugs as
soon as a fixture file declares them. What only one assignment has (properties, edge cases) is in its test_hwN.py.
"""
from __future__ import annotations

import dataclasses
import io
import random
from typing import Any

import pytest
import torch

from autograder.core.probe import ProbeOutcome, run_probe
from autograder.core.spec import Check, Task
from autograder.tasks import TASKS
from tests.support.bugs import Bug, bugs_of, declared_bugs
from tests.support.grading import grade, messages, notebook_target
from tests.support.korean import assert_explained_in_korean

DEFAULT_TIMEOUT = next(f.default for f in dataclasses.fields(Check) if f.name == "timeout")
"""A check's time limit unless it declares more; a task with a longer one trains a model."""


def trains(task: Task) -> bool:
    """Whether grading the task trains a model (some check is given more than the default time)."""
    return any(check.timeout > DEFAULT_TIMEOUT for check in task.checks)


def _slow_if(slow: bool) -> tuple:
    """The marks of a case that trains a model to the end."""
    return (pytest.mark.slow,) if slow else ()


def plain_probe(check: Check, obj: Any) -> ProbeOutcome:
    """run_probe, asserting that the output survives torch.load(weights_only=True), as the runner sends it."""
    outcome = run_probe(check, obj)
    buffer = io.BytesIO()
    torch.save(outcome.output, buffer)
    buffer.seek(0)
    torch.load(buffer, weights_only=True)
    return outcome


@pytest.mark.parametrize("task_id", [pytest.param(task.id, marks=_slow_if(trains(task))) for task in TASKS.values()])
def test_does_the_solution_earn_every_point(task_id, one_thread):
    """The notebook's own answer passes every check, hidden ones included; every probe returns plain data only and
    gives torch's and Python's random generators back as they were."""
    torch.manual_seed(123)
    random.seed(123)
    before = torch.get_rng_state(), random.getstate()
    result = grade(task_id, notebook_target(task_id, stubbed=False), run=plain_probe)
    assert result.score == result.points, messages(result)
    assert torch.equal(torch.get_rng_state(), before[0]) and random.getstate() == before[1]


@pytest.mark.parametrize("task_id", list(TASKS))
def test_does_the_untouched_stub_earn_zero(task_id):
    """The released stub raises NotImplementedError naming what to write, and every check says so."""
    result = grade(task_id, notebook_target(task_id, stubbed=True))
    assert result.score == 0, messages(result)
    assert all("not implemented yet" in c.message and "replace this line with your code" in c.message
               for c in result.checks), messages(result)


@pytest.mark.parametrize("task_id, bug", [pytest.param(task_id, bug, id=f"{task_id}-{bug.name}",
                                                       marks=_slow_if(bug.slow)) for task_id, bug in declared_bugs()])
def test_is_the_bug_caught_and_named(task_id: str, bug: Bug, one_thread):
    """Does this plausible wrong answer (its docstring says what is wrong) lose points (or earn exactly its declared
    score), with diagnostics that name the cause, and, where declared, the same explanation in Korean?"""
    result = grade(task_id, bug.wrong)
    if bug.score is None:
        assert result.score < result.points, f"{bug.question}: earned {result.score}/{result.points}"
    else:
        assert result.score == bug.score, f"{bug.question}: earned {result.score}, expected {bug.score}"
    text = messages(result)
    for words in bug.says:
        assert words in text, text
    if bug.korean:
        assert_explained_in_korean(task_id, bug, result)


@pytest.mark.parametrize("task_id", list(TASKS))
def test_is_every_task_tried_on_a_known_bug(task_id):
    """Each task's grading is tested against at least one plausible wrong answer declared in a fixture file."""
    assert bugs_of(task_id), f"no fixture file under tests/support/files declares a bug of {task_id} in its BUGS"
