"""The class summary: per assignment, a score histogram, per-task pass rates, the tasks most often failed."""
from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Sequence

from autograder.report import escape
from autograder.report.figures import histogram_png
from autograder.report.record import NOT_GRADED, Graded

__all__ = ["write_summary", "common_diagnostic"]

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def common_diagnostic(messages: Sequence[str]) -> tuple[str, int]:
    """The most frequent diagnostic and how many share it; numbers are ignored when comparing."""
    groups = Counter(_NUMBER.sub("#", message) for message in messages)
    shape, count = groups.most_common(1)[0]
    return next(m for m in messages if _NUMBER.sub("#", m) == shape), count


def write_summary(records: Sequence[Graded], folder: Path, problems: list[str]) -> tuple[Path, list[Path]]:
    """Write ``summary.md`` and one ``summary/<assignment>_scores.png`` per assignment; return their paths.

    An assignment whose section cannot be made gets a sentence in its place and in ``problems``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# Class summary", ""]
    pictures = []
    for assignment in sorted({r.assignment for r in records}):
        mine = [r for r in records if r.assignment == assignment]
        try:
            picture = folder / "summary" / f"{assignment}_scores.png"
            picture.parent.mkdir(exist_ok=True)
            picture.write_bytes(histogram_png([r.score for r in mine], mine[0].max_score,
                                              title=f"{assignment}: total scores"))
            pictures.append(picture)
            lines += _assignment(assignment, mine, picture.relative_to(folder).as_posix())
        except Exception as error:  # one assignment's odd records cost only its own section
            problem = (f"the summary of {assignment} could not be written ({type(error).__name__}: {error}); "
                       f"the gradebook and the feedback pages have its scores")
            problems.append(problem)
            lines += [f"## {escape.markdown(assignment)}", "", escape.markdown(problem), ""]
    path = folder / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, pictures


def _assignment(assignment: str, records: list[Graded], picture: str) -> list[str]:
    """The summary's section for one assignment."""
    scores = [r.score for r in records]
    top = records[0].max_score
    lines = [f"## {assignment}", "",
             f"{len(records)} submission{'s' if len(records) != 1 else ''}; mean "
             f"{statistics.mean(scores):.4g} / {top:g}, median {statistics.median(scores):.4g}, "
             f"lowest {min(scores):g}, highest {max(scores):g}.", "",
             f"![{assignment} score histogram]({picture})", "",
             "| task | title | points | full marks | mean score |", "|---|---|---:|---:|---:|"]
    failed: list[tuple[int, str, str, list[str]]] = []
    for index, first in enumerate(records[0].tasks):
        results = [r.tasks[index] for r in records if len(r.tasks) > index]
        passed = sum(t.score >= t.points for t in results)
        mean = statistics.mean(t.score for t in results)
        lines.append(f"| {first.task} | {first.title} | {first.points:g} | "
                     f"{passed}/{len(results)} ({passed / len(results):.0%}) | {mean:.3g} |")
        messages = [c.message for t in results if t.score < t.points for c in t.checks
                    if c.message and not c.message.startswith(NOT_GRADED)]
        if len(results) > passed:
            failed.append((len(results) - passed, first.task, first.title, messages))
    lines.append("")
    if failed:
        lines += ["Tasks most often failed, with their most common diagnostic:", ""]
        for count, task, title, messages in sorted(failed, key=lambda f: -f[0])[:5]:
            line = f"1. **{task}** ({title}): not full marks for {count} of {len(records)}"
            if messages:
                message, times = common_diagnostic(messages)
                line += f"; {times}× “{escape.markdown(message[:300])}”"
            lines.append(line)
        lines.append("")
    troubled = [r for r in records if r.notes]
    if troubled:
        lines += ["Submissions with problems:", ""]
        lines += [f"- {escape.markdown(r.student)}: {escape.markdown(r.notes[0][:200])}" for r in troubled]
        lines.append("")
    return lines

