"""The grammar of a diagnostic, in every language: what was found, a known-bug hint, a count of failing cases.

A check's message is stored as "<found>. Hint: <hint> (<k> of <n> cases fail)", several such parts joined by
" Also: ". ``check()`` turns each part hint-first for a student, the feedback page highlights the hint and the
class summary groups students by it, so the markers are written and read here only, in the language of the
run (a message is always read in the language it was written in: one grading run, one language).
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass

from autograder.core.i18n import _

__all__ = ["Parts", "hinted", "also", "tallied", "split", "parse", "hint_first"]


def _hinted_template() -> str:
    return _("{found}. Hint: {hint}")


def _also_marker() -> str:
    return _(" Also: ")


def _tally_template() -> str:
    return _(" ({failed} of {total} cases fail)")


def hinted(found: str, hint: str) -> str:
    """A diagnostic with its known-bug hint after it."""
    return _hinted_template().format(found=found, hint=hint)


def also(messages: list[str]) -> str:
    """Several diagnostics as one message."""
    return _also_marker().join(messages)


def tallied(message: str, failed: int, total: int) -> str:
    """A message about one case followed by how many of ``total`` cases fail."""
    return message + _tally_template().format(failed=failed, total=total)


def split(message: str) -> list[str]:
    """The diagnostics a message joins with :func:`also`."""
    return message.split(_also_marker())


@dataclass(frozen=True)
class Parts:
    """One diagnostic taken apart."""

    found: str
    hint: str | None
    tally: str | None
    """The count of failing cases as written, with its leading space ("" parts are None)."""


def _pattern(template: str, groups: dict[str, str]) -> str:
    """A regular expression for ``template`` with each ``{field}`` replaced by its group."""
    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if field is not None:
            out.append(groups[field])
    return "".join(out)


def parse(part: str) -> Parts:
    """One diagnostic (not joined by :func:`also`) as found / hint / tally."""
    tally = _pattern(_tally_template(), {"failed": r"\d+", "total": r"\d+"})
    hinted_re = _pattern(_hinted_template(), {"found": r"(?P<found>.+?)", "hint": r"(?P<hint>.+?)"})
    match = re.fullmatch(f"{hinted_re}(?P<tally>{tally})?", part, re.DOTALL)
    if match:
        return Parts(match["found"], match["hint"], match["tally"])
    match = re.fullmatch(f"(?P<found>.+?)(?P<tally>{tally})?", part, re.DOTALL)
    return Parts(match["found"] if match else part, None, match["tally"] if match else None)


def hint_first(message: str) -> str:
    """The message as a student reads it: each hint before the numbers it explains ("Hint: why — what was
    found"); a part without a hint is left as it is."""
    turned = []
    for part in split(message):
        parts = parse(part)
        turned.append(part if parts.hint is None else
                      _("Hint: {hint} — {found}").format(hint=parts.hint, found=parts.found) + (parts.tally or ""))
    return also(turned)
