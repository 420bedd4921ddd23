"""What the class got wrong: diagnostics of attempted work grouped into misconceptions, per task.

A task whose function still raises the release stub ("… is not implemented yet: NotImplementedError",
as the engine words it) was not attempted: that says nothing about what students misunderstand, so it
is counted apart. The diagnostics of attempted work are grouped by what they say the misconception
is: their hint ("Hint: each column sums to 1, not each row: did you sum over axis 0?") when they give
one, whatever the probe's input and the numbers it quotes; the error ("raised AttributeError: …")
whatever the input it was raised on; or else the whole message. Numbers and quoted code are masked,
so "got 3, expected 0.25" and "got 4, expected 0.25" are one misconception. Each group counts
students (never checks), and shows the first wording seen.

A message is read in the language it was written in: its hint and count of cases through
:mod:`autograder.core.diagnostic`, the stub and the probe never run in any language the kit speaks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from autograder.core import diagnostic
from autograder.core.probe import is_stub_message
from autograder.core.i18n import _, ngettext
from autograder.runner.graded import Graded, is_not_graded
from autograder.core.spec import TaskResult

__all__ = ["Cluster", "is_stub", "not_attempted", "shape", "gist", "clusters", "common_diagnostic", "student_count"]

_CODE = re.compile(r"`[^`]*`|'[^'\s]*'")
"""Quoted code: `return X.sum(0)`, 'logg'."""
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
_EXCEPTION = re.compile(r"(?<![\w.])[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Iteration|Warning)(?=: )")
"""Where an error's text starts: the exception's name, "AttributeError: …" (Python's, in every language)."""


@dataclass(frozen=True)
class Cluster:
    """One misconception: the diagnostics of one shape and the students whose work shows it."""

    message: str
    """The first wording seen: the hint of a diagnostic that gives one, or the whole message."""
    students: int
    """How many students' work shows it."""

    def excerpt(self, limit: int = 300) -> str:
        """The wording, cut at a word with "…" when longer than ``limit`` characters."""
        if len(self.message) <= limit:
            return self.message
        return self.message[:limit].rsplit(" ", 1)[0] + " …"


def student_count(count: int) -> str:
    """"1 student", "3 students": the unit every count of the summary names."""
    return ngettext("{count} student", "{count} students", count).format(count=count)


def is_stub(message: str) -> bool:
    """Whether a check's message says the function still raises the release stub (in any language)."""
    return is_stub_message(message)


def not_attempted(task: TaskResult) -> bool:
    """A task left as released: no points, and its function still raises the stub."""
    return task.score == 0 and any(is_stub(check.message) for check in task.checks)


def gist(message: str) -> str:
    """What a diagnostic says the misconception is: the hint of its first part that gives one; for an error,
    "raised …" without the input it was called with; or else the whole message; a count of cases left out."""
    parts = [diagnostic.parse(part) for part in diagnostic.split(message)]
    hint = next((part.hint.strip() for part in parts if part.hint and part.hint.strip()), None)
    if hint is not None:
        return hint
    error = _raised(message)
    if error is not None:
        return diagnostic.parse(error).found.strip() or message
    return diagnostic.parse(message).found.strip() or message


def _raised(message: str) -> str | None:
    """The error a message reports, from the words the engine writes before it ("raised ", in the run's language)
    or, where its language writes none before it, from the exception's name; None when it reports none."""
    lead = _("raised {error}{at}").split("{", 1)[0]
    for found in _EXCEPTION.finditer(message):
        if not lead or message[:found.start()].endswith(lead):
            return message[found.start() - len(lead):]
    return None


def shape(message: str) -> str:
    """The message with quoted code as `…` and every number as #, its spaces collapsed."""
    return " ".join(_NUMBER.sub("#", _CODE.sub("`…`", message)).split())


def clusters(records: Sequence[Graded], task: str, *, top: int = 3) -> tuple[Cluster, ...]:
    """The most frequent misconceptions in ``task`` among attempted work, most students first.

    A student counts once per misconception however many checks show it; checks that passed, checks
    never run (the notebook stopped first) and untouched stubs are left out.
    """
    students: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for record in records:
        for result in record.tasks:
            if result.task != task or not_attempted(result):
                continue
            for check in result.checks:
                message = check.message
                if check.passed or not message or is_not_graded(message) or is_stub(message):
                    continue
                key = shape(gist(message))
                students.setdefault(key, set()).add(record.student)
                first.setdefault(key, gist(message))
    ranked = sorted(students, key=lambda key: (-len(students[key]), list(first).index(key)))
    return tuple(Cluster(first[key], len(students[key])) for key in ranked[:top])


def common_diagnostic(messages: Sequence[str]) -> tuple[str, int]:
    """The most frequent diagnostic and how many share it; numbers and quoted code are ignored when comparing."""
    groups = Counter(shape(message) for message in messages)
    common, count = groups.most_common(1)[0]
    return next(m for m in messages if shape(m) == common), count
