"""The assignment tests' shared check that a typical bug is explained in Korean."""
from __future__ import annotations

from typing import Callable

from autograder.core.i18n import use_language
from autograder.core.spec import TaskResult
from autograder.tasks import get_task


def assert_explained_in_korean(grade: Callable[[str, object], TaskResult], task_id: str, obj: object,
                               korean: list[str], english: list[str]) -> None:
    """Graded in Korean, the first failing check says what was found and why in Korean (code, shapes and numbers as
    they are, none of the ``english`` words of it left), title and check name are Korean, scores as in English."""
    task = get_task(task_id)
    with use_language("ko"):
        result = grade(task_id, obj)
    failed = [c.passed for c in result.checks].index(False)
    first = result.checks[failed]
    for word in korean:
        assert word in first.message, first.message
    for word in english:
        assert word not in first.message, first.message
    assert result.title != task.title and first.name != task.checks[failed].name
    assert [c.score for c in result.checks] == [c.score for c in grade(task_id, obj).checks]
