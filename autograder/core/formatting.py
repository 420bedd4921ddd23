"""How points, shapes and long lists read in messages and pages: one function per notion.

Shared core: ``check()`` in a student's notebook, the grader's runner and the reports all write these
the same way, so this module imports nothing but the language module.
"""
from __future__ import annotations

from typing import Callable, Sequence

from autograder.core.i18n import _

__all__ = ["points_text", "out_of", "shape_text", "first_few", "readable_name"]


def points_text(value: float, *, decimals: int = 2) -> str:
    """Points without trailing zeros: 1, 0.5, 2.25 (rounded to ``decimals``; the gradebook keeps 4: 0.3333)."""
    return f"{round(value, decimals):g}"


def out_of(earned: float, possible: float, *, compact: bool = False) -> str:
    """Points earned out of possible: "1.5 / 2" on pages, "1.5/2" in ``check()``'s lines and text tables."""
    return f"{points_text(earned)}{'/' if compact else ' / '}{points_text(possible)}"


def shape_text(shape: Sequence[int]) -> str:
    """A shape written as a tuple: (2, 5), (5,), ()."""
    return str(tuple(int(n) for n in shape))


def _and_more(shown: str, count: int) -> str:
    """The items shown, then how many are not: "a, b and 2 more"."""
    return _("{shown} and {count} more").format(shown=shown, count=count)


def first_few(items: Sequence[str], limit: int, *, separator: str = ", ",
              more: Callable[[str, int], str] = _and_more) -> str:
    """The first ``limit`` items joined by ``separator``, then how many more: "a, b, c and 2 more".

    ``more(shown, count)`` writes that last part where the count has a noun of its own ("… and 62 more forms").
    """
    shown = separator.join(items[:limit])
    return shown if len(items) <= limit else more(shown, len(items) - limit)


def readable_name(qualname: str) -> str:
    """A qualified name without the enclosing function's "<locals>" part: what a student wrote, not where."""
    return qualname.rsplit("<locals>.", 1)[-1]
