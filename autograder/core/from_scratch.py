"""Why a from-scratch task scores 0: one note, whichever reader found the forbidden call.

A task that forbids library functions (``Task.forbidden``, declared by family in ``families.py``) is read two
ways. The notebook's source text, in the grader's process (``forbidden.py``: :func:`forbidden_calls`), where
nothing the student's code does at run time can hide a call, but only spellings are seen. The live function or
class, in the process that defined it (``resolver.py``: :func:`forbidden_uses`), which also sees an alias held in
a default argument or a name looked up by a string. The grader's judging reads the text; ``check()`` (through
``probe.grade_in_process``) and the sandboxed worker read the live object; all of them write the note here.
"""
from __future__ import annotations

from typing import Any, Iterable

from autograder.core.families import in_words
from autograder.core.forbidden import forbidden_calls
from autograder.core.i18n import _
from autograder.core.resolver import forbidden_uses
from autograder.core.spec import Task

__all__ = ["forbidden_note"]

_NOT_GIVEN: Any = object()
"""``live`` when there is no live object to read (the grader's process has only the notebook's text)."""


def forbidden_note(task: Task, *, sources: Iterable[tuple[str, str]] = (), live: Any = _NOT_GIVEN) -> str | None:
    """Why every check of ``task`` scores 0 when its code uses a library function the task forbids; None when
    it uses none, or the task forbids nothing.

    Args:
        task: the task; its ``forbidden`` dotted names are what is looked for.
        sources: ``(where, source)`` pieces of the notebook's text, ``where`` naming the piece for the
            student ("cell [5]"); each is scanned as text.
        live: the student's function or class, read in the process that defined it (calls none of its code).

    Returns:
        "<title> must be written from scratch, but cell [5] uses F.softmax on line 3; your softmax uses … .
        Every check of this task scores 0 until …", naming each piece and each use found; or None.
    """
    if not task.forbidden:
        return None
    found = _in_sources(task, sources) + ([] if live is _NOT_GIVEN else _in_object(task, live))
    if not found:
        return None
    return _("{title} must be written from scratch, but {found}. Every check of this task scores 0 until it is "
             "rewritten with elementary tensor operations (arithmetic, torch.exp, sum, matmul, indexing) instead of "
             "{forbidden}").format(title=_(task.title), found="; ".join(found), forbidden=in_words(task.forbidden))


def _in_sources(task: Task, sources: Iterable[tuple[str, str]]) -> list[str]:
    """"cell [5] uses F.softmax on line 3" for each piece of text that uses a forbidden name."""
    return [_("{where} uses {uses}").format(where=where, uses=", ".join(hits))
            for where, source in sources if (hits := forbidden_calls(source, task.forbidden))]


def _in_object(task: Task, obj: Any) -> list[str]:
    """"your softmax uses F.softmax on line 3" for each of the student's functions that reaches a forbidden
    object (the target itself, a method of it, a helper it calls)."""
    found: dict[str, list[str]] = {}
    for use in forbidden_uses(obj, task.forbidden, name=task.target):
        found.setdefault(use.where, []).append(str(use))
    return [_("your {where} uses {uses}").format(where=where, uses=", ".join(uses)) for where, uses in found.items()]
