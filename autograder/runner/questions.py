"""The questions graded by hand: found in the release's source notebook (the feedback page shows them,
``report/written.py``; hand marks name them, ``marks.py``).

nbgrader marks a cell for hand grading with ``grade: true`` and ``solution: true`` (a written answer in
a markdown cell, or code the grader reads), or ``task: true``; its ``points`` and ``grade_id`` say what it
is worth and how marks name it. Its title is the question above it: the last heading of the nearest
markdown cell that is not itself an answer, or else that cell's question ("**Question 3 …** What …").
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from autograder.runner.graded import Written

__all__ = ["questions", "questions_in", "is_hand_graded", "TITLE_CHARS"]

TITLE_CHARS = 90
"""A title longer than this is cut at a word, with "…"."""
_POINTS = re.compile(r"\s*\([^()]*\bpoints?\b[^()]*\)|\s*[—–-]\s*\d+(?:\.\d+)? points?\s*$|,?\s*\b\d+ points?\b",
                     re.IGNORECASE)
"""'(2 points)', '(written, 2 points)', '— 2 points': the points are shown beside the title already."""
_LABEL = re.compile(r"^(?:Written|Exercise \(written\))\s*:\s*", re.IGNORECASE)
"""'Written: ' before a heading marks its kind, which every place that shows the title says already."""
_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*\s*(.*)$", re.DOTALL)
_MARKUP = re.compile(r"[*_`$]")


def is_hand_graded(metadata: dict[str, Any]) -> bool:
    """Whether a cell's nbgrader metadata makes it a hand-graded answer or task."""
    return bool(metadata.get("task")) or bool(metadata.get("grade")) and bool(metadata.get("solution"))


def questions_in(cells: list[dict[str, Any]]) -> tuple[Written, ...]:
    """The hand-graded questions among a notebook's cells (nbformat 4 dicts), in notebook order, unmarked."""
    found = []
    for index, cell in enumerate(cells):
        metadata = cell.get("metadata", {}).get("nbgrader", {})
        if is_hand_graded(metadata):
            grade_id = str(metadata.get("grade_id", f"cell-{index}"))
            found.append(Written(grade_id=grade_id, title=_title(cells[:index]) or grade_id,
                                 points=float(metadata.get("points", 0))))
    return tuple(found)


@lru_cache(maxsize=None)
def questions(source: Path | None) -> tuple[Written, ...]:
    """The hand-graded questions of a release's source notebook; none when there is no notebook or it
    holds no cells (the Gradescope bundle keeps only its metadata: Gradescope grades them by its rubric)."""
    if source is None:
        return ()
    return questions_in(json.loads(source.read_text(encoding="utf-8")).get("cells", []))


def _title(above: list[dict[str, Any]]) -> str:
    """The question a hand-graded cell answers, from the nearest markdown cell above that is no answer."""
    for cell in reversed(above):
        metadata = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "markdown" or metadata.get("solution") or metadata.get("grade"):
            continue
        text = "".join(cell.get("source", ""))
        headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
        if headings:
            return _short(headings[-1])
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        asked = [p for p in paragraphs if p.startswith("**")] or paragraphs
        return _short(_question(asked[-1])) if asked else ""
    return ""


def _question(paragraph: str) -> str:
    """"**Question 3 (written answer).** What happens …? Run …" → "Question 3: What happens …?"."""
    lead = _BOLD_LEAD.match(paragraph)
    if lead is None:
        return _first_sentence(paragraph)
    name = re.sub(r"\s*\([^()]*\)", "", lead.group(1)).rstrip(".:")
    rest = _first_sentence(lead.group(2))
    return f"{name}: {rest}" if rest else name


def _first_sentence(text: str) -> str:
    """The text up to its first full stop, question or exclamation mark."""
    return re.split(r"(?<=[.?!])\s", " ".join(text.split()), maxsplit=1)[0]


def _short(text: str) -> str:
    """One line without markup or points, at most TITLE_CHARS characters."""
    line = _LABEL.sub("", " ".join(_MARKUP.sub("", _POINTS.sub("", text)).split()).replace(" :", ":"))
    if len(line) <= TITLE_CHARS:
        return line
    return line[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"
