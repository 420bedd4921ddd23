"""Build the demo class in examples/submissions from the released notebooks and their solutions.

Run as ``python -m autograder demo``; a test checks that the committed class is up to date.
Four students hand in every assignment, in nbgrader's submitted layout
(``examples/submissions/<student>/<assignment>/<assignment>.ipynb`` and ``timestamp.txt``):

- **ada** filled in every solution cell with the reference solution;
- **ben** made the typical bugs (softmax over the wrong axis, a sum for a mean, the SGD step
  with the wrong sign, rows and columns swapped, ...), one edit per bug, declared below;
- **cora** handed in the released notebook untouched;
- **dan**'s code crashes or loops: an error at top level, a typo in a graded function,
  an ``os._exit`` that ends the process early, a graded function that never returns.

Edits are found by grade_id and exact text, so a change to a solution that an edit no longer
fits stops the build with a DemoError naming it.
"""
from __future__ import annotations

import argparse
import copy
from dataclasses import dataclass
from pathlib import Path

from autograder.core.i18n import _, ngettext
from autograder.core.notebook import Document, cell_nbgrader, cell_source, code_cell, read, write
from autograder.runner.course import DEMO_SUBMISSIONS, REPO, SOLUTIONS

__all__ = ["Edit", "AddCell", "Student", "STUDENTS", "DemoError", "build", "main"]

RELEASED = REPO / "assignments"
"""The student notebooks nbgrader generated (``python -m autograder release``)."""
ASSIGNMENTS = ("hw1", "hw2", "hw3", "hw4", "hw5")
_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


class DemoError(RuntimeError):
    """The demo class cannot be built from the current notebooks."""


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` by ``new`` in the student's copy of the solution cell ``grade_id``."""

    grade_id: str
    old: str
    new: str


@dataclass(frozen=True)
class AddCell:
    """A code cell the student added after the cell ``after`` (a grade_id; "" for the first code cell)."""

    after: str
    source: str


@dataclass(frozen=True)
class Student:
    """One demo student: who, when, and what they did to each assignment's notebook."""

    id: str
    timestamp: str
    solved: bool
    """Whether the solution cells hold the reference solution (False: the released stubs)."""
    changes: tuple[Edit | AddCell, ...] = ()
    """Applied in order to every assignment the grade_ids of which they name."""


TYPICAL_BUGS = (
    Edit("hw1_get_dataloader_impl", "for i in range(0, len(indices), self.batch_size):",
         "for i in range(0, len(indices) - self.batch_size + 1, self.batch_size):  # drops the last batch"),
    Edit("hw1_loss_impl", "return l.mean()", "return l.sum()"),
    Edit("hw1_sgd_impl", "param -= self.lr * param.grad", "param += self.lr * param.grad"),
    Edit("hw2_get_dataloader_impl", "shuffle=train,", "shuffle=True,"),
    Edit("hw2_show_images_impl", "plt.subplots(num_rows, num_cols,", "plt.subplots(num_cols, num_rows,"),
    Edit("hw2_accuracy_impl", "return compare.mean() if averaged", "return compare.sum() if averaged"),
    Edit("hw3_softmax_impl", "partition = X_exp.sum(1, keepdims=True)", "partition = X_exp.sum(0, keepdims=True)"),
    Edit("hw3_cross_entropy_impl", "y]).mean()", "y]).sum()"),
    Edit("hw4_stable_softmax_impl", "X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)",
         "X_exp = torch.exp(X)"),
    Edit("hw4_cross_entropy_logits_impl", "return -log_probs[torch.arange(logits.shape[0]), y].mean()",
         "return -log_probs[:, y].mean()"),
    Edit("hw5_one_hot_impl", "Y = torch.zeros((len(y), num_classes))",
         "Y = torch.zeros((len(y), num_classes), dtype=torch.long)"),
    Edit("hw5_cross_entropy_loss_impl", "terms = torch.where(Y > 0, Y * torch.log(Y_hat), 0.0)",
         "terms = Y * torch.log(Y_hat)"),
    Edit("hw5_softmax_ce_grad_impl", "return (softmax(O) - Y) / O.shape[0]", "return softmax(O) - Y"),
    Edit("hw5_entropy_impl", "return -terms.sum(-1) / math.log(base)", "return -terms.sum(-1) / math.log(2)"),
)
"""The bugs the assignments' hints name, one per graded function."""

CRASHES = (
    AddCell("", 'print(f"training with learning rate {learning_rate}")'),
    Edit("hw1_permuted_index_impl", "            return x\n", "            pass  # found it (and forgot to return it)\n"),
    Edit("hw1_same_data_impl", "manual_seed(seed)", "manual_seed(sed)"),
    AddCell("hw2_show_images", "import os\n\nos._exit(1)  # leave the notebook early"),
    Edit("hw3_cross_entropy_impl", "return -torch.log(", "return -torch.logg("),
    Edit("hw4_exp_range_impl", "return math.log(smallest_normal)", "return math.ln(smallest_normal)"),
    Edit("hw5_softmax_impl", "O_exp = torch.exp(O)", "O_exp = torch.expo(O)"),
)
"""A NameError at top level, a loop that never returns, typos inside graded functions, an early exit."""

STUDENTS = (
    Student("ada", "2026-03-09 21:14:02.118806 UTC", solved=True),
    Student("ben", "2026-03-09 23:41:57.502113 UTC", solved=True, changes=TYPICAL_BUGS),
    Student("cora", "2026-03-08 10:02:11.000921 UTC", solved=False),
    Student("dan", "2026-03-10 00:03:45.730440 UTC", solved=True, changes=CRASHES),
)


def build(*, out: Path = DEMO_SUBMISSIONS, released: Path = RELEASED, solutions: Path = SOLUTIONS,
          assignments: tuple[str, ...] = ASSIGNMENTS) -> list[Path]:
    """Write every student's notebook of every assignment under ``out``; return the files written.

    Raises DemoError when a released or solution notebook is missing, or an edit no longer fits.
    """
    written = []
    for assignment in assignments:
        release = _read(released / assignment / f"{assignment}.ipynb")
        solution = _read(solutions / assignment / f"{assignment}.ipynb")
        for student in STUDENTS:
            notebook = _complete(release, solution) if student.solved else copy.deepcopy(release)
            for change in student.changes:
                _apply(notebook, change, assignment, student.id)
            folder = out / student.id / assignment
            folder.mkdir(parents=True, exist_ok=True)
            write(folder / f"{assignment}.ipynb", notebook)
            (folder / "timestamp.txt").write_text(student.timestamp + "\n", encoding="utf-8")
            written += [folder / f"{assignment}.ipynb", folder / "timestamp.txt"]
    return written


def _read(path: Path) -> Document:
    """A notebook's JSON."""
    if not path.is_file():
        raise DemoError(_("{path} is missing: run `python -m autograder release` (make assignments) first").format(
            path=path))
    return read(path)


def _grade_id(cell: dict) -> str:
    """The cell's nbgrader grade_id, or ""."""
    return cell_nbgrader(cell).get("grade_id", "")


def _complete(release: Document, solution: Document) -> Document:
    """The released notebook with each solution cell's stub replaced by the reference code."""
    answers = {_grade_id(c): cell_source(c) for c in solution["cells"] if _grade_id(c)}
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        if cell_nbgrader(cell).get("solution") and _grade_id(cell) in answers:
            lines = answers[_grade_id(cell)].splitlines(keepends=True)
            cell["source"] = "".join(line for line in lines if line.strip() not in _MARKERS)
    return notebook


def _apply(notebook: Document, change: Edit | AddCell, assignment: str, student: str) -> None:
    """Apply one change if it concerns this assignment (its grade_id starts with the assignment's name)."""
    cells = notebook["cells"]
    if isinstance(change, AddCell):
        if change.after and not change.after.startswith(f"{assignment}_"):
            return
        code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
        index = next((i for i in code if _grade_id(cells[i]) == change.after), None) if change.after else code[0]
        if index is None:
            raise DemoError(_("{student}/{assignment}: no cell has grade_id {grade_id} to add a cell after").format(
                student=student, assignment=assignment, grade_id=repr(change.after)))
        cells.insert(index + 1, code_cell(change.source, cell_id=f"{student}-added-{index}"))
        return
    if not change.grade_id.startswith(f"{assignment}_"):
        return
    cell = next((c for c in cells if _grade_id(c) == change.grade_id), None)
    if cell is None or change.old not in cell_source(cell):
        raise DemoError(_("{student}/{assignment}: the cell {grade_id} no longer contains {old}; update the edit in "
                          "autograder/authoring/demo.py").format(student=student, assignment=assignment,
                                                       grade_id=repr(change.grade_id), old=repr(change.old)))
    cell["source"] = cell_source(cell).replace(change.old, change.new, 1)


def main(argv: list[str] | None = None, prog: str = "python -m autograder demo") -> int:
    """Rebuild examples/submissions; print what was written."""
    argparse.ArgumentParser(prog=prog, description=_("Rebuild the demo class in examples/submissions from the "
                                                     "student notebooks in assignments/.")).parse_args(argv)
    written = build()
    print(ngettext("wrote {count} file under {folder}", "wrote {count} files under {folder}", len(written)).format(
        count=len(written), folder=DEMO_SUBMISSIONS.relative_to(REPO)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
