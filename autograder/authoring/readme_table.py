"""The README's assignment table, written from the task declarations and the solution notebooks.

Run as ``python -m autograder readme`` (``make regen`` does); ``tests/authoring/test_declared_points.py`` fails
when README.md's table is not what this module writes. Each row's points come from where they are declared: the
auto-graded tasks and their points from ``autograder/tasks`` (in declaration order), the questions graded by hand
and theirs from the solution notebook's nbgrader metadata (in notebook order), the book sections from the
notebook's title (``· Book §4.4``). Only the prose is kept here, as data: each assignment's topics
(:data:`TOPICS`) and a few words on some tasks and questions (:data:`NOTES`). The table sits in README.md
between :data:`START` and :data:`END`; nothing outside them is touched.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.core.i18n import _
from autograder.core.notebook import cell_nbgrader, cell_source, read
from autograder.runner.course import REPO, SOLUTIONS
from autograder.tasks import tasks_for

__all__ = ["README", "START", "END", "TOPICS", "NOTES", "ReadmeError", "Row", "rows", "table", "table_in",
           "with_table", "update", "main"]

README = REPO / "README.md"
"""The kit's README, whose "## Assignments" section holds the table."""
START = ("<!-- assignment table: written by `python -m autograder readme` (make regen) from autograder/tasks and "
         "solutions/; edit those, not the table -->")
"""The line above the table."""
END = "<!-- end of the assignment table -->"
"""The line below the table."""
HEADER = ("| assignment | book | auto-graded tasks (points) | graded by hand (points) | total |\n"
          "|---|---|---|---|---|")

TOPICS = {
    "hw1": "synthetic data, data loaders, linear regression from scratch and concise",
    "hw2": "Fashion-MNIST, show_images, the Classifier base class",
    "hw3": "softmax regression from scratch",
    "hw4": "concise softmax regression, numerical stability, exercises",
    "hw5": "softmax regression on paper and in tensors: one-hot labels, the softmax, the cross-entropy loss and its "
           "gradient, entropy",
}
"""What each assignment covers, after its book sections in the "book" column."""

NOTES = {
    "hw1_iterate_minibatches": "drop_last exercise",
    "hw1_permuted_index": "Feistel shuffle, no permutation table",
    "hw2_batch_speed": "how batch size changes reading speed, measured",
    "hw2_ex_profile": "where the book's per-item loader and d2lmini's spend their time, profiled with cProfile",
    "hw2_ex_datasets": "torchvision's image classification datasets, one more loaded when on disk",
    "hw4_exp_range": "FP64/FP32/BF16/FP16/TF32",
    "hw4_q_lr": "learning rates, with a plot of loss curves",
    "hw5_one_hot": "float32, ValueError for a label out of range",
    "hw5_affine_outputs": "the 2×2-image, three-class example",
    "hw5_softmax": "a vector and a batch",
    "hw5_cross_entropy_loss": "one-hot and soft labels, 0 · log 0 = 0",
    "hw5_softmax_ce_grad": "softmax(O) − Y over n, against autograd",
    "hw5_entropy": "nats and bits",
    "hw5_cross_entropy": "H(P, Q) = H(P) + KL(P‖Q)",
    "hw5_q_regression": "why not regress on one-hot vectors",
}
"""A few words after a task's or question's points, by grade_id: what is special about it."""

_SECTIONS = re.compile(r"· Book (§\S+)\s*$")
"""The book sections at the end of a notebook's title line ("… · Book §3.3–3.5")."""


class ReadmeError(RuntimeError):
    """The table cannot be written: README.md lacks its markers, or a notebook lacks what a row needs."""


@dataclass(frozen=True)
class Row:
    """One assignment's row of the table."""

    assignment: str
    """The assignment's name, its folder in solutions/ ("hw3")."""
    book: str
    """Its book sections and topics ("§4.4 softmax regression from scratch")."""
    auto: tuple[tuple[str, float], ...]
    """The auto-graded tasks (grade_id, points), as autograder/tasks declares them."""
    hand: tuple[tuple[str, float], ...]
    """The questions graded by hand (grade_id, points), as the notebook's metadata gives them."""


def rows(solutions: Path = SOLUTIONS) -> list[Row]:
    """A row for each assignment of ``solutions`` (a folder ``hwN`` holding ``hwN.ipynb``), in name order."""
    found = []
    for path in sorted(solutions.glob("*/*.ipynb")):
        assignment = path.parent.name
        if path.stem != assignment:
            continue
        cells = read(path)["cells"]
        if assignment not in TOPICS:
            raise ReadmeError(_("{notebook} has no topics for README.md's assignment table: add {assignment!r} to "
                                "TOPICS in autograder/authoring/readme_table.py").format(
                                    notebook=_shown(path), assignment=assignment))
        graded = [cell_nbgrader(cell) for cell in cells if cell_nbgrader(cell).get("grade")]
        hand = tuple((meta.get("grade_id", ""), float(meta.get("points", 0))) for meta in graded if meta.get("solution"))
        auto = tuple((task.id, float(task.points)) for task in tasks_for(assignment))
        found.append(Row(assignment, f"{_sections(path, cells)} {TOPICS[assignment]}", auto, hand))
    return found


def _sections(path: Path, cells: list) -> str:
    """The book sections the notebook's title names ("§4.4"); ReadmeError when it names none."""
    title = cell_source(cells[0]).partition("\n")[0] if cells else ""
    match = _SECTIONS.search(title)
    if not match:
        raise ReadmeError(_("{notebook}: its title {title!r} names no book section: end it with '· Book §A–B'").format(
            notebook=_shown(path), title=title))
    return match[1]


def _shown(path: Path) -> str:
    """A path as the course author knows it: from the repository root when it is inside."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _points(entries: tuple[tuple[str, float], ...]) -> str:
    """A points column: "`hw3_softmax` 5, `hw1_iterate_minibatches` 4 (drop_last exercise) — 9"."""
    items = ", ".join(f"`{grade_id}` {points:g}" + (f" ({NOTES[grade_id]})" if grade_id in NOTES else "")
                      for grade_id, points in entries)
    return f"{items or 'none'} — {sum(points for _id, points in entries):g}"


def table(solutions: Path = SOLUTIONS) -> str:
    """The table, header included, without markers; ReadmeError for a note no task or question has."""
    found = rows(solutions)
    named = {grade_id for row in found for grade_id, _worth in row.auto + row.hand}
    if stale := sorted(set(NOTES) - named):
        raise ReadmeError(_("NOTES in autograder/authoring/readme_table.py has a note on {ids}, which no task or "
                            "written question has: remove it or correct its grade_id").format(ids=", ".join(stale)))
    lines = [f"| {row.assignment} | {row.book} | {_points(row.auto)} | {_points(row.hand)} | "
             f"{sum(points for _id, points in row.auto + row.hand):g} |" for row in found]
    return "\n".join([HEADER, *lines])


def _markers(text: str) -> tuple[int, int]:
    """Where the table between START and END begins and ends in ``text``; ReadmeError without both, in order."""
    start, end = text.find(START + "\n"), text.find("\n" + END)
    if start < 0 or end < start:
        raise ReadmeError(_("README.md has no place for the assignment table: put the line {start} above it and the "
                            "line {end} below it").format(start=START, end=END))
    return start + len(START) + 1, end


def table_in(text: str) -> str:
    """The table README.md's ``text`` holds between START and END."""
    start, end = _markers(text)
    return text[start:end]


def with_table(text: str, new: str) -> str:
    """README.md's ``text`` with the table between START and END replaced by ``new``; the rest kept byte for byte."""
    start, end = _markers(text)
    return text[:start] + new + text[end:]


def update(*, readme: Path = README, solutions: Path = SOLUTIONS) -> bool:
    """Write the table into ``readme``; whether it changed (False: the table was up to date)."""
    text = readme.read_text(encoding="utf-8")
    new = with_table(text, table(solutions))
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None, prog: str = "python -m autograder readme") -> int:
    """Write README.md's assignment table; say whether it changed."""
    argparse.ArgumentParser(prog=prog, description=_(
        "Write the assignment table of README.md from the task declarations (autograder/tasks) and the solution "
        "notebooks (solutions/).")).parse_args(argv)
    try:
        changed = update()
    except ReadmeError as error:
        print(error, file=sys.stderr)
        return 1
    print(_("README.md: the assignment table was rewritten") if changed else
          _("README.md: the assignment table is up to date"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
