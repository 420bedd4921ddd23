"""The grading pipeline, declared in one place:
discover → course → marks → load → execute → judge → score → hand marks.

``PIPELINE`` lists the steps in order. A step of scope "run" sees the whole run once; the
consecutive steps of scope "submission" run for each submission, N at once with -j N, each
submission in its own sandbox. Every submission step runs even when an earlier one failed
for that student (a notebook that is not JSON still gets a zero row and its message). The finished run is
what the reports are written from (``report/class_reports.py``); the pipeline writes only its cache.
"""
from __future__ import annotations

import difflib
import itertools
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterator, Literal, Sequence

from autograder.core.probe import zero_result
from autograder.core.i18n import _, ngettext, use_language
from autograder.core import escape
from autograder.runner.marks import Expected, Mark, apply_marks, read_manual
from autograder.runner.graded import NOT_GRADED, CellOutput, Graded, Picture, Written
from autograder.runner.questions import questions
from autograder.runner.roster import Student, combined, read_roster, students_from_nbgrader
from autograder.runner.cache import Cache, grading_fingerprint
from autograder.runner.course import current_release, notebook_name, release_notebook
from autograder.runner.discover import LARGE_NOTEBOOK, Submission, discover, names_text, size_text
from autograder.runner.errors import GradingError
from autograder.runner.intrusion import intrusion_note, intrusions
from autograder.runner.judging import accuracies_of, judge_task, pictures_of, tamper_note, violation_note
from autograder.runner.limits import Limits
from autograder.core.notebook import Notebook, NotebookError, cells_named, excerpt, load_notebook
from autograder.runner.progress import Progress
from autograder.runner.references import References
from autograder.tasks.registry import assignments_of, source_file, tasks_of
from autograder.runner.sandbox import Execution, execute
from autograder.core.spec import Task, TaskResult
from autograder.tasks._rng import run_seed

__all__ = ["Options", "Run", "Grading", "Step", "PIPELINE", "run_pipeline"]


@dataclass(frozen=True)
class Options:
    """What the caller asked for (see ``grade.main`` for each option)."""

    submissions: Path
    """nbgrader's submitted folder."""
    out: Path
    """Folder for the reports and the cache."""
    assignment: str | None
    """The one assignment to grade; None for all."""
    jobs: int
    """Submissions graded at once."""
    force: bool
    """Grade again what the cache holds."""
    limits: Limits
    """Each submission's time and memory."""
    tasks_module: str
    """The module (dotted name or .py path) declaring the tasks."""
    solutions: Path
    """nbgrader's source folder: the current releases."""
    progress: bool
    """Show progress on stderr."""
    cluster: str | None = None
    """The Dask scheduler that grades the submissions (``tcp://host:port``, a scheduler file, ``local:N``);
    None grades them here, ``jobs`` at once."""
    nbgrader: Path | None = None
    """An nbgrader course folder (its nbgrader_config.py and gradebook.db) that receives the autograded
    notebooks and scores, and whose hand marks the reports include; None: none."""
    manual: Path | None = None
    """A CSV of hand marks (student_id, assignment, grade_id, points, comment); None: none."""
    roster: Path | None = None
    """A CSV of the course's students in nbgrader's import format (id, first_name, last_name, email);
    None: the students are those who handed something in (or the nbgrader course's)."""
    language: str = "en"
    """The language of every message of the run (``grade.main`` chooses it); part of the grading fingerprint, since
    the records keep their messages as written."""


@dataclass
class Run:
    """One grading run, filled in step by step; the report room writes every report from the finished run."""

    options: Options
    submissions: tuple[Submission, ...] = ()
    """What discover found."""
    ignored: tuple[str, ...] = ()
    """Folders of assignments the kit does not grade."""
    records: list[Graded] = field(default_factory=list)
    """One per submission, in discovery order."""
    students: tuple[Student, ...] = ()
    """The course's students (--roster, the nbgrader course): each gets a gradebook row, "missing" without a hand-in."""
    marks: tuple[Mark, ...] = ()
    """Hand marks from --manual, checked before grading, filled in by the last step."""
    seconds: float = 0.0
    """Wall time of the whole run."""

    def describe(self, after: Callable[[], Sequence[str]] = tuple) -> str:
        """What the run did, for the terminal, in the run's language: counts, scores per assignment, then the lines
        of ``after`` (where the reports are, what could not be written), said in the same language; names from the
        hand-ins as :func:`escape.terminal` shows them."""
        with use_language(self.options.language):
            return "\n".join([*self._lines(), *after()])

    def _lines(self) -> list[str]:
        """The lines of :meth:`describe`."""
        count, cached = len(self.records), sum(r.cached for r in self.records)
        graded = ngettext("graded {count} submission in {seconds:.1f} s",
                          "graded {count} submissions in {seconds:.1f} s", count)
        graded = graded.format(count=count, seconds=self.seconds)
        if cached:
            graded += _(" ({cached} unchanged, reused from the cache)").format(cached=cached)
        lines = [graded]
        everyone = {s.id for s in self.students} | {r.student for r in self.records}
        for assignment in sorted({r.assignment for r in self.records}):
            mine = [r for r in self.records if r.assignment == assignment]
            scores = ", ".join(f"{escape.terminal(r.student)} {r.score:.4g}" + ("*" if r.pending else "")
                               for r in mine)
            missing = sorted(everyone - {r.student for r in mine})
            line = _("  {assignment} (out of {points:g}): {scores}").format(
                assignment=assignment, points=mine[0].max_score, scores=scores)
            if missing:
                names = ", ".join(escape.terminal(m) for m in missing[:10]) + (", …" if len(missing) > 10 else "")
                line += _("; nothing handed in by {students} (0 points)").format(students=names)
            lines.append(line)
        pending = [r for r in self.records if r.pending]
        if pending:
            lines.append(_("  * hand grading pending: {pending} of {count} submissions have questions graded by "
                           "hand not marked yet (give marks with --manual FILE or --nbgrader); their totals count "
                           "the auto-graded points and the marks given so far").format(pending=len(pending),
                                                                                      count=count))
        if self.ignored:
            lines.append(_("skipped {count} folder(s) of unknown assignments or links: {names}").format(
                count=len(self.ignored), names=", ".join(escape.terminal(name) for name in self.ignored[:5])))
        return lines


@dataclass
class Grading:
    """One submission on its way through the submission-scoped steps; each step fills its part."""

    submission: Submission
    tasks: tuple[Task, ...]
    options: Options
    references: References
    notebook: Notebook | None = None
    execution: Execution | None = None
    results: tuple[TaskResult, ...] = ()
    pictures: tuple[Picture, ...] = ()
    accuracy: tuple[tuple[str, float], ...] = ()
    """(task id, validation accuracy) of each training task, for the leaderboard."""
    notes: list[str] = field(default_factory=list)
    zeroed: str = ""
    """Why every task scores 0 whatever its checks say (the notebook reached into the grader); "" if not."""
    record: Graded | None = None


@dataclass(frozen=True)
class Step:
    """One stage of the pipeline."""

    name: str
    scope: Literal["run", "submission"]
    """"run": called once with the Run; "submission": called with each submission's Grading."""
    apply: Callable


def discover_step(run: Run) -> None:
    """Find the submissions; a bad folder or an unknown assignment stops the run here."""
    options = run.options
    known = assignments_of(options.tasks_module)
    if options.assignment is not None and options.assignment not in known:
        close = difflib.get_close_matches(options.assignment, known, n=1)
        hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
        raise GradingError(_("unknown assignment {name!r}{hint}: the kit grades {known}").format(
            name=options.assignment, hint=hint, known=", ".join(known) or _("no assignment yet")))
    wanted = (options.assignment,) if options.assignment else known
    found = discover(options.submissions, assignments=wanted, known=known,
                     notebook_name=lambda a: notebook_name(a, options.solutions))
    run.submissions, run.ignored = found.submissions, found.ignored


def load_step(grading: Grading) -> None:
    """Read and validate the notebook; note what the hand-in holds besides it, its kernel, its release."""
    submission = grading.submission
    if submission.notebook is None:
        grading.notes.append(submission.problem)
        return
    try:
        grading.notebook = load_notebook(submission.notebook)
    except NotebookError as error:
        grading.notes.append(str(error))
    if submission.size > LARGE_NOTEBOOK:
        grading.notes.append(_("your notebook file is {size}; it was graded, but clear its outputs (Edit → Clear "
                               "Outputs of All Cells) before handing in").format(size=size_text(submission.size)))
    if len(submission.notebooks) > 1:
        grading.notes.append(_("you handed in {count} notebooks ({names}); {chosen} was graded").format(
            count=len(submission.notebooks), names=names_text(submission.notebooks), chosen=submission.notebook.name))
    if submission.extra_files:
        grading.notes.append(ngettext(
            "your hand-in also holds {names}, which the assignment does not ask for; your notebook could read it, "
            "but it is not graded",
            "your hand-in also holds {names}, which the assignment does not ask for; your notebook could read "
            "them, but they are not graded", len(submission.extra_files)).format(
            names=names_text(submission.extra_files)))
    if grading.notebook is not None:
        grading.notes.extend(_notebook_notes(grading.notebook, submission, grading.options.solutions))


def _notebook_notes(notebook: Notebook, submission: Submission, solutions: Path) -> list[str]:
    """What the notebook's metadata says that the student should know: its kernel, its assignment, its release."""
    notes = []
    kind = (notebook.language or notebook.kernel).lower()  # the language decides; a bare name ("ir") too
    if not kind:
        notes.append(_("your notebook names no kernel; it was graded with Python 3"))
    elif not kind.startswith("python"):
        name = (notebook.kernel or notebook.language)[:60]
        notes.append(_("your notebook's kernel is {name!r}, not Python 3; it was graded with Python 3").format(
            name=name))
    if notebook.assignment not in (None, submission.assignment):
        notes.append(_("this notebook says it is {said}, but it was handed in as {assignment}; it was graded as "
                       "{assignment}").format(said=notebook.assignment, assignment=submission.assignment))
    current = current_release(submission.assignment, solutions)
    if current is not None and notebook.release != current:
        if notebook.release is not None:
            this = _("this notebook is release {release}; the current one is {current}.").format(
                release=notebook.release, current=current)
        else:
            this = _("this notebook is from no known release; the current one is {current}.").format(current=current)
        notes.append(this + _(" It was graded as it is; if a task fails because the assignment changed, move your "
                              "code into the release {current} notebook").format(current=current))
    return notes


def execute_step(grading: Grading) -> None:
    """Run the notebook's cells and the probes in a sandbox, unless its source reaches into the grader."""
    if grading.notebook is None:
        return
    findings = intrusions(grading.notebook.runnable)
    if findings:
        grading.zeroed = intrusion_note(findings)
        return
    options = grading.options
    tasks_file = source_file(options.tasks_module)
    grading.execution = execute(grading.submission.folder, grading.notebook.runnable, tasks=grading.tasks,
                                assignment=grading.submission.assignment, tasks_module=options.tasks_module,
                                limits=options.limits, data=_data_folder(),
                                read_only=(tasks_file,) if tasks_file else ())
    grading.notes.extend(grading.execution.problems)


@lru_cache(maxsize=1)
def _data_folder() -> Path | None:
    """Fashion-MNIST in torchvision's layout, for the sandbox to read (None: the notebook finds none)."""
    from d2lmini.datasets import DataNotFoundError, locate_fashion_mnist

    try:
        return locate_fashion_mnist(download=False).resolve()
    except DataNotFoundError:
        return None


def judge_step(grading: Grading) -> None:
    """Judge every task's probe outputs in this (the grader's) process, on the inputs of the run's seed."""
    execution = grading.execution
    entries = execution.tasks if execution else {}
    if grading.notebook is None:
        not_run = _(NOT_GRADED) + _("the notebook could not be run (see the top of this page)")
    else:
        not_run = _(NOT_GRADED) + _("your notebook's process stopped before the grader reached this task (see the "
                                    "top of this page)")
    if execution and execution.violation and not grading.zeroed:
        grading.zeroed = violation_note(execution.violation)
    if execution and execution.tampered and not grading.zeroed:
        grading.zeroed = tamper_note(list(execution.tampered))
    if grading.zeroed:
        grading.notes.append(grading.zeroed)
        grading.results = tuple(zero_result(task, grading.zeroed, hidden=True) for task in grading.tasks)
        return
    with run_seed(execution.seed if execution else 0):
        grading.results = tuple(judge_task(task, entries.get(task.id), grading.notebook, not_run,
                                           execution.not_run_from if execution else 0) for task in grading.tasks)
        grading.pictures = tuple(picture for task in grading.tasks for picture
                                 in pictures_of(task, entries.get(task.id), grading.references))
        grading.accuracy = tuple(pair for task in grading.tasks for pair in accuracies_of(task, entries.get(task.id)))


def score_step(grading: Grading) -> None:
    """Assemble the submission's record: results, messages, pictures."""
    execution = grading.execution
    cells = execution.cells if execution else ()
    notes = list(grading.notes)
    submission = grading.submission
    grading.record = Graded(
        student=submission.student, assignment=submission.assignment,
        notebook=submission.notebook.name if submission.notebook else "", timestamp=submission.timestamp,
        tasks=grading.results, notes=tuple(notes), cell_errors=tuple(c.error for c in cells if c.error),
        pictures=grading.pictures, output=execution.output if execution else "",
        seconds=round(execution.seconds, 2) if execution else 0.0, accuracy=grading.accuracy,
        outputs=tuple(CellOutput(c.number, c.output, c.error) for c in cells if c.output or c.error),
        excerpts=_excerpts(grading), written=_questions(submission.assignment, grading.options))


def _questions(assignment: str, options: Options) -> tuple[Written, ...]:
    """The assignment's questions graded by hand, unmarked, from the current release's source notebook."""
    return questions(release_notebook(assignment, options.solutions))


def _excerpts(grading: Grading) -> tuple[tuple[int, str], ...]:
    """(number, first lines) of every cell a message of the submission names, for the feedback page."""
    if grading.notebook is None:
        return ()
    cells = grading.execution.cells if grading.execution else ()
    texts = [*grading.notes, *(c.error for c in cells), *(note for task in grading.results for note in task.notes),
             *(check.message for task in grading.results for check in task.checks)]
    named = {number for text in texts for number in cells_named(text)}
    return tuple((cell.number, excerpt(cell.source)) for cell in grading.notebook.cells if cell.number in named)


def course_step(run: Run) -> None:
    """Check the nbgrader course of --nbgrader (adding an assignment its gradebook lacks from its source folder),
    before any grading time is spent."""
    options = run.options
    if options.nbgrader is None:
        return
    from autograder.runner.nbgrader_course import open_course  # nbgrader is imported only for nbgrader courses

    open_course(options.nbgrader, {a: tasks_of(options.tasks_module, a)
                                   for a in sorted({s.assignment for s in run.submissions})})


def marks_step(run: Run) -> None:
    """Read the roster and the hand marks of --manual and check them against the class, before anything is
    graded: a bad line stops the run here, so no grading time is lost."""
    options = run.options
    run.students = read_roster(options.roster) if options.roster else ()
    if options.nbgrader is not None:
        run.students = combined(run.students, students_from_nbgrader(options.nbgrader))
    if options.manual is None:
        return
    known = assignments_of(options.tasks_module)
    wanted = (options.assignment,) if options.assignment else known
    run.marks = read_manual(options.manual, Expected(
        questions={a: _questions(a, options) for a in known},
        tasks={a: tuple(task.id for task in tasks_of(options.tasks_module, a)) for a in known},
        handed_in={a: frozenset(s.student for s in run.submissions if s.assignment == a) for a in wanted},
        students=frozenset({s.id for s in run.students} | {s.student for s in run.submissions})))


def hand_marks_step(run: Run) -> None:
    """Fill in the hand marks: the nbgrader course's, then --manual's. Marks are never cached: a new one needs no
    re-grading."""
    run.records = apply_marks(run.records, [*_nbgrader_marks(run), *run.marks])


def _nbgrader_marks(run: Run) -> list[Mark]:
    """The hand marks formgrader keeps in the nbgrader course of --nbgrader, for the assignments of the run."""
    if run.options.nbgrader is None:
        return []
    from autograder.runner.nbgrader_marks import marks_from_nbgrader  # nbgrader is imported only for nbgrader courses

    return list(marks_from_nbgrader(run.options.nbgrader, sorted({r.assignment for r in run.records})))


PIPELINE: tuple[Step, ...] = (
    Step("discover", "run", discover_step),
    Step("course", "run", course_step),            # checks the nbgrader course of --nbgrader before grading
    Step("marks", "run", marks_step),              # checks --roster and --manual before any grading time is spent
    Step("load", "submission", load_step),
    Step("execute", "submission", execute_step),   # the only step that runs student code
    Step("judge", "submission", judge_step),       # needs execute's outputs; runs in the grader
    Step("score", "submission", score_step),
    Step("hand marks", "run", hand_marks_step),    # after every submission and its cache: marks are never cached
)


def run_pipeline(options: Options) -> Run:
    """Run every step of PIPELINE in order; returns the finished run. Raises GradingError."""
    run = Run(options)
    start = time.monotonic()
    for scope, steps in itertools.groupby(PIPELINE, key=lambda step: step.scope):
        if scope == "run":
            for step in steps:
                step.apply(run)
        else:
            run.records = _grade_each(run, tuple(steps))
    run.seconds = time.monotonic() - start
    return run


def _grade_each(run: Run, steps: tuple[Step, ...]) -> list[Graded]:
    """Put every submission through ``steps``, reusing cached records unless forced: ``jobs`` at once in this
    process, or on the Dask cluster ``options.cluster`` (``cluster.py``); the cache and the progress stay here."""
    options = run.options
    assignments = sorted({s.assignment for s in run.submissions})
    fingerprints = {a: grading_fingerprint(assignment=a, solutions=options.solutions, limits=options.limits,
                                           tasks_file=source_file(options.tasks_module), language=options.language)
                    for a in assignments}
    tasks = {a: tasks_of(options.tasks_module, a) for a in assignments}
    cache = Cache(options.out / ".cache")
    progress = Progress(len(run.submissions), jobs=options.jobs if options.cluster is None else 1,
                        enabled=options.progress)
    keys: dict[int, str] = {}
    records: dict[int, Graded] = {}

    def keep(index: int, outcome: Graded | str) -> None:
        """Cache and show one submission's record; a traceback (the grader failed on it) becomes a zero row."""
        submission = run.submissions[index]
        if isinstance(outcome, Graded) and not outcome.cached:
            try:
                cache.save(submission, keys[index], outcome, fingerprint=fingerprints[submission.assignment],
                           language=options.language)
            except Exception:
                outcome = traceback.format_exc()
        if isinstance(outcome, str):
            outcome = _grader_failed(submission, tasks[submission.assignment], outcome,
                                     _questions(submission.assignment, options))
        records[index] = outcome
        score = f"{outcome.score:.4g}/{outcome.max_score:g}"
        progress.finished(_name(submission), _("{score} (cached)").format(score=score) if outcome.cached else score)

    pending: list[int] = []
    with progress:  # leaving it, by an error too, ends the progress display before anything else is printed
        for index, submission in enumerate(run.submissions):
            try:  # a fault of the grader on one submission, its cache included, costs only that one
                keys[index] = cache.key(submission, fingerprints[submission.assignment],
                                        file_limit=options.limits.file_mb << 20)
                record = None if options.force else cache.load(submission, keys[index])
            except Exception:
                keep(index, traceback.format_exc())
                continue
            if record is None:
                pending.append(index)
            else:
                keep(index, record)
        todo = [run.submissions[index] for index in pending]
        grade = partial(_through, steps)

        def started(position: int) -> None:
            progress.started(_name(todo[position]))

        if options.cluster is None:
            outcomes = _grade_here(todo, grade, options, References(options.out / ".cache" / "references",
                                                                    fingerprints), started)
        else:
            from autograder.runner.cluster import grade_on_cluster  # dask is imported only when asked for

            outcomes = grade_on_cluster(options.cluster, todo, grade=grade, options=options,
                                        fingerprints=fingerprints, references=options.out / ".cache" / "references",
                                        started=started)
        for position, outcome in outcomes:
            keep(pending[position], outcome)
    graded = [records[index] for index in range(len(run.submissions))]
    cache.remember(graded)
    return graded


def _grade_here(submissions: Sequence[Submission], grade: Callable[..., Graded | str], options: Options,
                references: References, started: Callable[[int], None]) -> Iterator[tuple[int, Graded | str]]:
    """Each submission's position and outcome as it finishes, ``jobs`` at once in this process; ``started`` is
    called with its position when a thread begins grading it."""
    from d2lmini.data import cache_fashion_mnist

    if not submissions:
        return
    cache_fashion_mnist()  # the sandbox reads the data read-only: decode it once, here, for every submission

    def graded(position: int, submission: Submission) -> Graded | str:
        started(position)
        return grade(submission, options, references)

    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        futures = {pool.submit(graded, position, submission): position
                   for position, submission in enumerate(submissions)}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _name(submission: Submission) -> str:
    """How the progress line names a submission: ``student/assignment``."""
    return f"{submission.student}/{submission.assignment}"


def _through(steps: tuple[Step, ...], submission: Submission, options: Options,
             references: References) -> Graded | str:
    """The submission's record after every step, its messages in the run's language; the traceback instead when
    the grader itself failed."""
    try:
        with use_language(options.language):  # a thread of -j N, a Dask worker: the run's language, said again
            grading = Grading(submission, tasks_of(options.tasks_module, submission.assignment), options, references)
            for step in steps:
                step.apply(grading)
            return grading.record
    except Exception:
        return traceback.format_exc()


def _grader_failed(submission: Submission, tasks: tuple[Task, ...], details: str,
                   written: tuple[Written, ...] = ()) -> Graded:
    """A zero record for a submission the grader itself failed on; the traceback goes to stderr, escaped."""
    lines = [_("grader error on {submission}:").format(submission=f"{submission.student}/{submission.assignment}"),
             *details.splitlines()]
    print("\n".join(escape.terminal(line) for line in lines), file=sys.stderr)
    note = _("the grader itself failed on this submission; your instructor has the details")
    return Graded(submission.student, submission.assignment,
                  submission.notebook.name if submission.notebook else "", submission.timestamp,
                  tasks=tuple(zero_result(task, note, hidden=True) for task in tasks), notes=(note,), written=written)
