"""Grade a folder of submissions: the run every report is written from (``python -m autograder grade`` writes them
with ``report/class_reports.py``)."""
from __future__ import annotations

from pathlib import Path

from autograder.core.i18n import _, use_language
from autograder.runner.cluster import check_address
from autograder.runner.course import DEMO_SUBMISSIONS, SOLUTIONS, choose_language
from autograder.runner.errors import GradingError
from autograder.runner.limits import Limits
from autograder.runner.pipeline import Options, Run, run_pipeline
from autograder.tasks.registry import DEFAULT_TASKS, assignments_of

__all__ = ["grade_class", "DEFAULT_OUT"]

DEFAULT_OUT = Path("grading")
"""Where reports go unless --out says otherwise: ./grading (git-ignored)."""


def grade_class(*, submissions: Path | None = None, assignment: str | None = None, jobs: int = 1,
         out: Path = DEFAULT_OUT, force: bool = False, limits: Limits = Limits(),
         tasks_module: str = DEFAULT_TASKS, solutions: Path = SOLUTIONS, progress: bool = True,
         cluster: str | None = None, nbgrader: Path | None = None, manual: Path | None = None,
         roster: Path | None = None, language: str | None = None) -> Run:
    """Grade every submission under ``submissions`` and fill in the hand marks; only the cache is written
    (``report.class_reports.grade_and_report`` writes the gradebook, feedback and summary as well).

    Args:
        submissions: nbgrader's submitted folder (``<student_id>/<assignment>/<notebook>.ipynb``);
            None grades the demo class in examples/submissions.
        assignment: grade only this assignment ("hw3"); None grades all of them.
        jobs: how many submissions run at once, each in its own sandbox.
        out: the folder for reports and the cache of earlier results.
        force: grade again even the submissions whose notebook and grading code are unchanged.
        limits: time and memory limits of each submission.
        tasks_module: the module (dotted name or .py path) whose tasks grade the assignments.
        solutions: nbgrader's source folder, whose notebooks are the current releases.
        progress: show progress on stderr.
        cluster: grade on this Dask cluster instead of here: a scheduler's address (``tcp://host:8786``),
            its scheduler file (``scheduler.json``), or ``local:N`` for N local worker processes. Its
            workers run each submission's steps, sandbox included; this process discovers, keeps the
            cache. ``jobs`` is then unused: each worker thread grades one at a time.
        nbgrader: an nbgrader course folder, checked before grading: its students and hand marks are read; the
            reports put the sandboxed results into its ``autograded/`` folder and its gradebook database, for
            formgrader's hand grading and ``nbgrader export``.
        manual: a CSV of hand marks (columns student_id, assignment, grade_id, points, comment).
        roster: a CSV of the course's students (nbgrader's ``db student import`` format); each gets a row,
            those who handed nothing in with 0 and "missing".
        language: the language of every message ("en", "ko"); None chooses as the command line does: the
            environment variable KIT_LANG, else the release notebooks' metadata ``kit.language``, else English.

    Returns:
        The finished run: one record per submission (hand marks filled in), the course's students, the options.

    Raises:
        GradingError: the folder is missing or holds no submission, the assignment is
            unknown, an option is out of range, the language is not one the kit speaks, or the cluster
            cannot be reached or has a worker whose kit, torch or Python differ from this machine's.
    """
    if tasks_module.endswith(".py"):  # the sandbox runs in another folder
        tasks_module = str(Path(tasks_module).resolve())
    chosen = choose_language(lang=language, solutions=solutions,
                             assignments=[assignment] if assignment else assignments_of(tasks_module))
    with use_language(chosen):
        _check_options(jobs=jobs, limits=limits, cluster=cluster, out=out)
        return run_pipeline(Options(
            submissions=DEMO_SUBMISSIONS if submissions is None else submissions, out=out,
            assignment=assignment, jobs=jobs, force=force, limits=limits, tasks_module=tasks_module,
            solutions=solutions, progress=progress, cluster=cluster, nbgrader=nbgrader, manual=manual,
            roster=roster, language=chosen))


def _check_options(*, jobs: int, limits: Limits, cluster: str | None, out: Path) -> None:
    """Raise GradingError for an option out of range, before anything is read."""
    if jobs < 1:
        raise GradingError(_("-j must be at least 1 (got {jobs}): it is how many submissions run at once")
                           .format(jobs=jobs))
    for name, value in (("--cell-timeout", limits.cell_seconds), ("--timeout", limits.submission_seconds),
                        ("--memory", limits.memory_mb), ("--processes", limits.processes)):
        if value <= 0:
            raise GradingError(_("{option} must be positive (got {value:g})").format(option=name, value=value))
    if cluster is not None:
        check_address(cluster)
    if out.exists() and not out.is_dir():
        raise GradingError(_("--out {out} is a file: give a folder for the reports").format(out=out))
