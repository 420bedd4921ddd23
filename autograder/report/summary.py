"""The class summary: per assignment, who handed in, the totals, each task and question, the misconceptions.

One model (:class:`Section` per assignment) is written twice: ``summary.md`` (with its histograms in
``summary/<assignment>_scores.png``) and ``summary.html``, self-contained (``summary_html.py``). Every
sentence counts one unit: students, or points; never checks. Work left as released (the stub still
raising NotImplementedError) is counted as "not attempted", apart from the misconceptions, which are
grouped from the diagnostics of attempted work only (``diagnostics.py``).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from autograder.core.i18n import _, ngettext
from autograder.core import escape
from autograder.core.formatting import points_text
from autograder.report.diagnostics import Cluster, clusters, common_diagnostic, not_attempted, student_count
from autograder.report.figures import histogram_png
from autograder.runner.graded import Graded
from autograder.runner.roster import Student
from autograder.report.summary_html import (FULL, MARKED, MEAN, MEAN_MARK, MISCONCEPTIONS, PENDING, POINTS, QUESTION,
                                            TASK, TITLE, TITLE_COLUMN, TROUBLED, UNTOUCHED, summary_html)
from autograder.report.written import shown_title

__all__ = ["TaskLine", "QuestionLine", "Section", "section", "write_summary", "markdown_section", "common_diagnostic"]

TOP_TASKS = 5
"""Tasks shown with their misconceptions, those most students lost points in first."""


@dataclass(frozen=True)
class TaskLine:
    """One auto-graded task across the class."""

    task: str
    title: str
    points: float
    full: int
    """Students with full marks."""
    untouched: int
    """Students who left it as released."""
    attempted: int
    """Students who attempted it."""
    mean: float
    """Mean points over the students who handed in."""
    misconceptions: tuple[Cluster, ...]
    """The most frequent diagnostics of attempted work."""

    @property
    def lost(self) -> int:
        """Students who attempted it and did not get full marks."""
        return self.attempted - self.full

    def headline(self) -> str:
        """How many of those who attempted it lost points, as a sentence about students."""
        return ngettext("{lost} of the {count} student who attempted it lost points.",
                        "{lost} of the {count} students who attempted it lost points.",
                        self.attempted).format(lost=self.lost, count=self.attempted)


@dataclass(frozen=True)
class QuestionLine:
    """One question graded by hand across the class."""

    grade_id: str
    title: str
    points: float
    marked: int
    """Students whose answer has a mark."""
    mean: float | None
    """Mean mark over those students; None while nobody's is marked."""


@dataclass(frozen=True)
class Section:
    """Everything the summary says about one assignment."""

    assignment: str
    handed_in: int
    """Students who handed it in."""
    missing: tuple[str, ...]
    """Students of the class who handed nothing in."""
    scores: tuple[float, ...]
    """Each hand-in's total (hand marks as given so far)."""
    max_score: float
    auto_max: float
    hand_max: float
    pending: int
    """Students with a question not marked yet."""
    tasks: tuple[TaskLine, ...]
    questions: tuple[QuestionLine, ...]
    troubled: tuple[tuple[str, str], ...]
    """(student, first note) of each hand-in with a problem (old release, time limit, ...)."""
    histogram: bytes
    """The PNG of the totals."""

    def sentences(self) -> list[str]:
        """The opening sentences, one unit each (students, or points), as plain text."""
        said = [ngettext("{count} student handed {assignment} in.", "{count} students handed {assignment} in.",
                         self.handed_in).format(count=self.handed_in, assignment=self.assignment)]
        if self.missing:
            names = ", ".join(self.missing[:10]) + (", …" if len(self.missing) > 10 else "")
            said.append(ngettext("{count} student of the class handed nothing in ({names}).",
                                 "{count} students of the class handed nothing in ({names}).",
                                 len(self.missing)).format(count=len(self.missing), names=names))
        scores = self.scores
        said.append(_("Totals are out of {max_score:g} points ({auto_max:g} auto-graded, {hand_max:g} graded by hand): "
                      "mean {mean:.4g}, median {median:.4g}, lowest {lowest:g}, highest {highest:g} points.").format(
            max_score=self.max_score, auto_max=self.auto_max, hand_max=self.hand_max, mean=statistics.mean(scores),
            median=statistics.median(scores), lowest=min(scores), highest=max(scores)))
        if self.pending:
            said.append(ngettext("Hand marks are pending for {count} student, whose totals count only the marks "
                                 "given so far.",
                                 "Hand marks are pending for {count} students, whose totals count only the marks "
                                 "given so far.", self.pending).format(count=self.pending))
        return said

    def shown(self) -> list[TaskLine]:
        """The tasks whose misconceptions are shown: those most students lost points in, at most TOP_TASKS."""
        return [t for t in sorted(self.tasks, key=lambda t: -t.lost) if t.lost and t.misconceptions][:TOP_TASKS]


def section(assignment: str, records: Sequence[Graded], students: Sequence[str] = ()) -> Section:
    """The summary of one assignment's records; ``students`` is the class (those missing are named)."""
    first = records[0]
    tasks = []
    for index, task in enumerate(first.tasks):
        results = [r.tasks[index] for r in records if len(r.tasks) > index]
        untouched = sum(not_attempted(t) for t in results)
        tasks.append(TaskLine(task.task, _(task.title), task.points, full=sum(t.score >= t.points for t in results),
                              untouched=untouched, attempted=len(results) - untouched,
                              mean=statistics.mean(t.score for t in results),
                              misconceptions=clusters(records, task.task)))
    questions = []
    for index, question in enumerate(first.written):
        marks = [r.written[index].score for r in records if len(r.written) > index]
        given = [mark for mark in marks if mark is not None]
        questions.append(QuestionLine(question.grade_id, shown_title(question.title), question.points, len(given),
                                      statistics.mean(given) if given else None))
    handed = {r.student for r in records}
    scores = tuple(r.score for r in records)
    return Section(assignment, len(records), tuple(sorted(set(students) - handed)), scores, first.max_score,
                   first.auto_max, first.hand_max, sum(bool(r.pending) for r in records), tuple(tasks),
                   tuple(questions), tuple((r.student, r.notes[0]) for r in records if r.notes),
                   histogram_png(list(scores), first.max_score,
                                 title=_("{assignment}: total scores").format(assignment=assignment)))


def write_summary(records: Sequence[Graded], folder: Path, problems: list[str],
                  students: Sequence[Student] = ()) -> tuple[Path, list[Path]]:
    """Write ``summary.md``, ``summary.html`` and one ``summary/<assignment>_scores.png`` per assignment;
    return the Markdown's path and the pictures'.

    An assignment whose section cannot be made gets a sentence in its place and in ``problems``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    everyone = sorted({s.id for s in students} | {r.student for r in records})
    lines, pictures, sections = [f"# {_(TITLE)}", ""], [], []
    for assignment in sorted({r.assignment for r in records}):
        try:
            made = section(assignment, [r for r in records if r.assignment == assignment], everyone)
            picture = folder / "summary" / f"{assignment}_scores.png"
            picture.parent.mkdir(exist_ok=True)
            picture.write_bytes(made.histogram)
            pictures.append(picture)
            lines += markdown_section(made, picture.relative_to(folder).as_posix())
            sections.append(made)
        except Exception as error:  # one assignment's odd records cost only its own section
            problem = _("the summary of {assignment} could not be written ({error_type}: {error}); the gradebook "
                        "and the feedback pages have its scores").format(
                assignment=assignment, error_type=type(error).__name__, error=error)
            problems.append(problem)
            lines += [f"## {escape.markdown(assignment)}", "", escape.markdown(problem), ""]
            sections.append(problem)
    path = folder / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "summary.html").write_text(summary_html(sections), encoding="utf-8")
    return path, pictures


def markdown_section(made: Section, picture: str) -> list[str]:
    """The Markdown of one assignment's section; every text that can come from a hand-in escaped."""
    header = [_(TASK), _(TITLE_COLUMN), _(POINTS), _(FULL), _(UNTOUCHED), _(MEAN)]
    alt = _("{assignment} score histogram").format(assignment=made.assignment)
    lines = [f"## {made.assignment}", "", " ".join(escape.markdown(s) for s in made.sentences()), "",
             f"![{alt}]({picture})", "", "| " + " | ".join(header) + " |", "|---|---|---:|---:|---:|---:|"]
    for t in made.tasks:
        lines.append(f"| {t.task} | {t.title} | {points_text(t.points)} | {t.full}/{made.handed_in} "
                     f"({t.full / made.handed_in:.0%}) | {t.untouched} | {t.mean:.3g} |")
    lines.append("")
    if made.questions:
        lines += ["| " + " | ".join([_(QUESTION), "grade_id", _(POINTS), _(MARKED), _(MEAN_MARK)]) + " |",
                  "|---|---|---:|---:|---:|"]
        lines += [f"| {escape.markdown(q.title)} | {q.grade_id} | {points_text(q.points)} | "
                  f"{q.marked}/{made.handed_in} | {_(PENDING) if q.mean is None else f'{q.mean:.3g}'} |"
                  for q in made.questions]
        lines.append("")
    shown = made.shown()
    if shown:
        lines += [f"{_(MISCONCEPTIONS)}:", ""]
        for t in shown:
            lines.append(f"1. **{t.task}** ({t.title}): {t.headline()}")
            lines += [f"   - {student_count(c.students)}: “{escape.markdown(c.excerpt())}”" for c in t.misconceptions]
        lines.append("")
    if made.troubled:
        lines += [f"{_(TROUBLED)}:", ""]
        lines += [f"- {escape.markdown(student)}: {escape.markdown(note[:200])}" for student, note in made.troubled]
        lines.append("")
    return lines
