"""The assignment tests' shared check that a bug is explained in Korean, and how they recognise Korean."""
from __future__ import annotations

import re

from autograder.core.i18n import use_language
from autograder.core.spec import TaskResult
from autograder.tasks import get_task
from tests.support.bugs import Bug
from tests.support.grading import grade, messages

HANGUL = re.compile("[\uac00-\ud7a3]")
"""A Hangul syllable: a text that has one was written in Korean."""
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*(?:[!:][^{}]*)?\}")
"""A ``{name}`` or ``{name:spec}`` placeholder left unfilled in a message (not a set such as ``{1, 2, 3}``)."""


def assert_explained_in_korean(task_id: str, bug: Bug, in_english: TaskResult) -> None:
    """Graded in Korean, the bug's diagnostics hold every word of ``bug.korean`` (code, shapes and numbers as they
    are) and none of ``bug.english``, which its English result ``in_english`` holds; no placeholder is left; the first
    failing check's message, the title and every check name are Korean; scores are as in English."""
    task = get_task(task_id)
    with use_language("ko"):
        result = grade(task_id, bug.wrong)
    text = messages(result)
    for word in bug.korean:
        assert word in text, text
    for word in bug.english:
        assert word not in text, text
        assert word in messages(in_english), messages(in_english)
    assert not PLACEHOLDER.search(text), text
    first = next(check for check in result.checks if not check.passed)
    assert HANGUL.search(first.message), first.message
    assert result.title != task.title and "(책 §" in result.title, result.title
    assert all(HANGUL.search(check.name) for check in result.checks), [check.name for check in result.checks]
    assert [c.score for c in result.checks] == [c.score for c in in_english.checks]
