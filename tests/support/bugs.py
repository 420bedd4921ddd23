"""Known bugs declared as data: each fixture file's ``BUGS`` table, read for every assignment.

A fixture file (files/<assignment>/<stem>.py) ends with the table of the bugs it holds, by task id::

    BUGS = {
        "hw3_softmax": [
            Bug(softmax_no_exp, "exponentiate"),
            Bug(softmax_library, "from scratch", "F.softmax", score=0),
            Bug(softmax_axis0, "axis 0", korean=("축 0",), english=("for X of shape",)),
        ],
        "hw3_training": [Bug(NeverLearns, "validation accuracy after training is 0.1", score=0, slow=True)],
    }

tests/tasks/test_every_task.py grades every declared bug: it must lose points (or score exactly ``score``) and its
diagnostics must hold every word of ``says``; where ``korean`` is given, graded in Korean they hold those words and
none of ``english``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from autograder.tasks import TASKS, get_task
from tests.support.fixture_modules import fixture_modules


@dataclass(frozen=True, init=False)
class Bug:
    """A plausible wrong answer to a task (its docstring says what is wrong) and what grading it must say."""

    wrong: object
    """The wrong function or class, as a student would define it in the notebook."""
    says: tuple[str, ...]
    """Words the diagnostics (notes and check messages, in English) must all contain."""
    score: float | None = None
    """The exact score it must earn; None: anything below the task's points."""
    korean: tuple[str, ...] = field(default=())
    """Words the first failing check's message must contain when graded in Korean; () to skip the Korean run."""
    english: tuple[str, ...] = field(default=())
    """Words of the English diagnostics that must not remain when graded in Korean (and must be there in English)."""
    slow: bool = False
    """Whether grading it trains a model to the end (marked ``slow``)."""

    def __init__(self, wrong: object, *says: str, score: float | None = None, korean: tuple[str, ...] = (),
                 english: tuple[str, ...] = (), slow: bool = False) -> None:
        for name, value in (("wrong", wrong), ("says", says), ("score", score), ("korean", tuple(korean)),
                            ("english", tuple(english)), ("slow", slow)):
            object.__setattr__(self, name, value)
        if not says or bool(korean) != bool(english):
            raise ValueError(f"Bug({wrong!r}): give the words its diagnostic says, and Korean words with the "
                             f"English ones they replace (or neither)")

    @property
    def name(self) -> str:
        """The wrong answer's name (a test id)."""
        return getattr(self.wrong, "__name__", repr(self.wrong))

    @property
    def question(self) -> str:
        """The first line of its docstring: what is wrong with it."""
        return (self.wrong.__doc__ or self.name).strip().splitlines()[0]


@functools.cache
def declared_bugs() -> tuple[tuple[str, Bug], ...]:
    """(task id, bug) for every ``BUGS`` entry of the fixture files of every assignment of the registry, by
    assignment and file; a key that is not a task id raises UnknownTaskError."""
    found = []
    for assignment in sorted({task.assignment for task in TASKS.values()}):
        for module in fixture_modules(assignment).values():
            for task_id, bugs in getattr(module, "BUGS", {}).items():
                get_task(task_id)
                found.extend((task_id, bug) for bug in bugs)
    return tuple(found)


def bugs_of(task_id: str) -> list[Bug]:
    """The bugs declared for one task."""
    return [bug for task, bug in declared_bugs() if task == task_id]
