"""``python -m autograder bench`` (``make bench-grade``): grading throughput, and where a submission's time goes.

Three measurements on one class (the demo class's hand-ins of one assignment, copied ``copies``
times under new student ids), all on this machine:

1. **Throughput**: the whole class graded (``force``; no report written) at ``-j 1``, ``-j 2`` and on a
   local Dask cluster of two single-threaded workers (its start included), in submissions per minute.
2. **Split, and the data cut side by side**: each submission put through the submission steps
   one at a time, each step timed, twice in a row: once with the data folder as it was (IDX
   files only, decoded in each sandbox) and once with d2lmini's tensor files beside them
   (``d2lmini/datasets.py``), alternating which goes first; the bench points ``$D2LMINI_DATA``
   at each in turn. The execute step is split with the times the sandbox reports into start-up
   (staging, sandbox, interpreter, imports, teardown: what remains), the notebook's cells, the
   probes, and the training check (a probe whose output holds a training history).
3. **Parts alone**: in fresh interpreters, started as the sandbox starts Python, the time of
   each import the worker makes and of one Fashion-MNIST load from IDX files and from the
   tensor files (median of five, alternating).
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.core.i18n import N_, _, use_language
from autograder.runner import pipeline
from autograder.runner.cache import grading_fingerprint
from autograder.runner.course import DEMO_SUBMISSIONS, SOLUTIONS
from autograder.runner.errors import GradingError
from autograder.runner.grade import DEFAULT_OUT, grade_class as grade
from autograder.runner.limits import Limits
from autograder.runner.outputs import history_of
from autograder.runner.references import References
from autograder.tasks.registry import DEFAULT_TASKS, source_file, tasks_of

__all__ = ["main", "Bench", "Split", "Throughput", "MODES"]

MODES: tuple[tuple[str, int, str | None], ...] = (("-j 1", 1, None), ("-j 2", 2, None),
                                                  ("Dask local:2", 1, "local:2"))
"""How the class is graded for throughput: label, jobs, cluster."""
_LOAD = "d = d2lmini.FashionMNIST(batch_size=256); d.tensors(True); d.tensors(False)"
_PARTS = (  # label, what is imported first (not timed), what is timed, which data folder
    (N_("starting Python"), "", "pass", None),
    ("import torch", "", "import torch", None),
    (N_("import torchvision (the worker imports it: autograder/tasks/hw2/labels.py)"), "import torch",
     "import torchvision", None),
    (N_("import IPython, d2lmini and the worker's modules"), "import torch, torchvision",
     "import IPython, d2lmini, autograder.runner.worker", None),
    (N_("one Fashion-MNIST load from the IDX files (torchvision imported)"),  # nothing kept, as in the sandbox
     "import torchvision, d2lmini.data\nd2lmini.data.save_split = lambda *args: False", _LOAD, "before"),
    (N_("one Fashion-MNIST load from the tensor files (torchvision imported)"), "import torchvision, d2lmini",
     _LOAD, "after"),
    (N_("one Fashion-MNIST load from the tensor files (torchvision not imported)"), "import torch, d2lmini", _LOAD,
     "after"))
_SPLIT_ROWS = ((N_("start-up: staging, sandbox, Python, imports, teardown"), "startup"),
               (N_("the notebook's cells"), "cells"), (N_("probes (but training)"), "probes"),
               (N_("the training check"), "training"), (N_("grader: load, judge, score"), "grader"),
               (N_("**total**"), "total"))
"""The rows of the split table: label, :class:`Split` field."""


@dataclass(frozen=True)
class Throughput:
    """One grading of the whole class."""

    mode: str
    submissions: int
    seconds: float

    @property
    def per_minute(self) -> float:
        """Submissions graded per minute."""
        return 60 * self.submissions / self.seconds


@dataclass(frozen=True)
class Split:
    """Where one submission's wall time went, in seconds."""

    startup: float
    """The execute step less the cells and the probes: staging, sandbox, interpreter, imports, teardown."""
    cells: float
    """The notebook's own cells."""
    probes: float
    """The probes but the training check."""
    training: float
    """The training check's probe."""
    grader: float
    """Load, judge and score, in the grader's process."""

    @property
    def total(self) -> float:
        """All of it."""
        return self.startup + self.cells + self.probes + self.training + self.grader

    @staticmethod
    def mean(splits: list["Split"]) -> "Split":
        """The part-wise mean."""
        return Split(*(statistics.fmean(getattr(s, name) for s in splits)
                       for name in ("startup", "cells", "probes", "training", "grader")))


@dataclass(frozen=True)
class Bench:
    """Everything measured, and the Markdown that reports it."""

    assignment: str
    submissions: int
    load: float
    """The machine's 1-minute load average when the bench started."""
    throughput: tuple[Throughput, ...]
    before: Split
    """Mean split with the data as IDX files only."""
    after: Split
    """Mean split with d2lmini's tensor files beside them."""
    parts: tuple[tuple[str, float], ...]
    """Parts measured alone (median seconds)."""

    def markdown(self) -> str:
        """The README's tables."""
        lines = [_("{assignment}, {submissions} submissions (the demo class's, copied), {cores} cores, load average "
                   "{load:.1f} at the start:").format(assignment=self.assignment, submissions=self.submissions,
                                                       cores=os.cpu_count(), load=self.load), "",
                 _("| graded with | seconds | submissions per minute |"), "|---|---:|---:|"]
        lines += [f"| `{t.mode}` | {t.seconds:.0f} | {t.per_minute:.1f} |" for t in self.throughput]
        lines += ["", _("Mean seconds per submission at `-j 1`, each graded twice in a row (which first alternating), "
                        "without and with the tensor files:"), "", _("| part | IDX files only | tensor files |"),
                  "|---|---:|---:|"]
        for label, name in _SPLIT_ROWS:
            lines.append(f"| {_(label)} | {getattr(self.before, name):.2f} | {getattr(self.after, name):.2f} |")
        gain = self.before.total - self.after.total
        lines += ["", _("Difference: {gain:.2f} s per submission ({percent:.0f} %).").format(
                      gain=gain, percent=100 * gain / self.before.total), "",
                  _("Parts alone, each in a fresh interpreter (median of 5, seconds):"), "", _("| part | seconds |"),
                  "|---|---:|"]
        lines += [f"| {_(label)} | {seconds:.2f} |" for label, seconds in self.parts]
        return "\n".join(lines)


def main(*, assignment: str = "hw3", copies: int = 2, submissions: Path = DEMO_SUBMISSIONS,
         out: Path = DEFAULT_OUT / "bench", language: str = "en") -> Bench:
    """Measure grading throughput and the per-submission split on this machine (several minutes).

    Args:
        assignment: the assignment whose hand-ins are graded.
        copies: how many times each hand-in of ``submissions`` is copied into the class.
        submissions: the class to copy (nbgrader's submitted layout).
        out: a scratch folder for the class, the reports and the results (emptied first).
        language: the language of the gradings and of the report ("en", "ko").

    Returns:
        The measurements; ``markdown()`` gives the README's tables (also written to ``out/bench.md``).

    Raises:
        GradingError: the class holds no hand-in of ``assignment``, ``copies`` is below 1, or this machine
            has no Fashion-MNIST.
    """
    with use_language(language):
        return _measured(assignment=assignment, copies=copies, submissions=submissions, out=out, language=language)


def _measured(*, assignment: str, copies: int, submissions: Path, out: Path, language: str) -> Bench:
    """:func:`main`'s measurements, in the language already chosen."""
    from d2lmini.data import cache_fashion_mnist

    if copies < 1:
        raise GradingError(_("--copies must be at least 1 (got {copies})").format(copies=copies))
    root = cache_fashion_mnist()
    if root is None:
        raise GradingError(_("the bench needs Fashion-MNIST: python -m d2lmini gets it"))
    load = os.getloadavg()[0]
    shutil.rmtree(out, ignore_errors=True)
    students = sorted(p.parent.name for p in submissions.glob(f"*/{assignment}") if p.is_dir())
    if not students:
        raise GradingError(_("no hand-ins of {assignment} in {submissions}").format(assignment=assignment,
                                                                                   submissions=submissions))
    school = out / "class"
    for copy in range(copies):
        for student in students:
            shutil.copytree(submissions / student / assignment, school / f"{student}-{copy}" / assignment)
    first = out / "first" / f"{students[0]}-0"  # one submission first: trains the reference curves once
    shutil.copytree(school / first.name, first)
    grade(submissions=first.parent, assignment=assignment, out=out / "warm", force=True, progress=False,
          language=language)
    references = out / "warm" / ".cache" / "references"  # shared by every measurement
    throughput = []
    for label, jobs, cluster in MODES:
        folder = out / label.replace(" ", "").replace(":", "").replace("-", "")
        shutil.copytree(references, folder / ".cache" / "references")
        start = time.monotonic()
        run = grade(submissions=school, assignment=assignment, out=folder, jobs=jobs, cluster=cluster, force=True,
                    progress=False, language=language)
        throughput.append(Throughput(label, len(run.records), time.monotonic() - start))
    folders = {"before": out / "idx-only", "after": Path(root)}
    shutil.copytree(Path(root) / "FashionMNIST" / "raw", folders["before"] / "FashionMNIST" / "raw")
    before, after = _side_by_side(school, assignment, out, references, folders, language)
    bench = Bench(assignment, throughput[0].submissions, load, tuple(throughput), before, after, _parts(folders))
    (out / "bench.md").write_text(bench.markdown() + "\n", encoding="utf-8")
    return bench


def _side_by_side(school: Path, assignment: str, out: Path, references: Path,
                  folders: dict[str, Path], language: str) -> tuple[Split, Split]:
    """Mean splits without and with the tensor files, alternating which goes first per submission."""
    from d2lmini.datasets import ENV_VAR, TENSOR_FOLDER

    options = pipeline.Options(submissions=school, out=out / "split", assignment=assignment, jobs=1, force=True,
                               limits=Limits(), tasks_module=DEFAULT_TASKS, solutions=SOLUTIONS, progress=False,
                               language=language)
    fingerprint = grading_fingerprint(assignment=assignment, solutions=SOLUTIONS, limits=options.limits,
                                      tasks_file=source_file(DEFAULT_TASKS), language=language)
    curves = References(references, {assignment: fingerprint})
    run = pipeline.Run(options)
    pipeline.discover_step(run)
    steps = [step for step in pipeline.PIPELINE if step.scope == "submission"]
    tasks = tasks_of(DEFAULT_TASKS, assignment)
    splits: dict[str, list[Split]] = {"before": [], "after": []}
    previous = os.environ.get(ENV_VAR)
    try:
        _timed(steps, pipeline.Grading(run.submissions[0], tasks, options, curves))  # what happens once per run
        for index, submission in enumerate(run.submissions):
            order = list(folders.items())
            for variant, folder in order if index % 2 == 0 else order[::-1]:
                os.environ[ENV_VAR] = str(folder)
                pipeline._data_folder.cache_clear()  # the execute step looks the data folder up once per process
                splits[variant].append(_timed(steps, pipeline.Grading(submission, tasks, options, curves)))
                shutil.rmtree(folders["before"] / "FashionMNIST" / TENSOR_FOLDER, ignore_errors=True)  # no sandbox
    finally:
        if previous is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous
        pipeline._data_folder.cache_clear()
    return Split.mean(splits["before"]), Split.mean(splits["after"])


def _timed(steps: list[pipeline.Step], grading: pipeline.Grading) -> Split:
    """Put one submission through ``steps``, timing each; its split."""
    seconds = {}
    for step in steps:
        start = time.perf_counter()
        step.apply(grading)
        seconds[step.name] = time.perf_counter() - start
    execution = grading.execution
    cells = sum(cell.seconds for cell in execution.cells) if execution else 0.0
    probes = [probe for run in (execution.tasks.values() if execution else ()) for probe in run.probes]
    training = sum(p.seconds for p in probes if p.error is None and history_of(p.output) is not None)
    probing = sum(p.seconds for p in probes) - training
    return Split(startup=seconds["execute"] - cells - probing - training, cells=cells, probes=probing,
                 training=training, grader=sum(seconds.values()) - seconds["execute"])


def _parts(folders: dict[str, Path]) -> tuple[tuple[str, float], ...]:
    """Median seconds of each of ``_PARTS`` in a fresh interpreter started as the sandbox starts it."""
    from d2lmini.datasets import ENV_VAR

    measured: dict[str, list[float]] = {label: [] for label, *_rest in _PARTS}
    for _round in range(5):
        for label, first, timed, data in _PARTS:
            env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
            if data is not None:
                env[ENV_VAR] = str(folders[data])
            if timed == "pass":  # the interpreter itself: the whole process, from outside
                start = time.perf_counter()
                subprocess.run([sys.executable, "-P", "-s", "-c", "pass"], check=True, env=env)
                measured[label].append(time.perf_counter() - start)
                continue
            code = f"{first}\nimport time\nstart = time.perf_counter()\n{timed}\nprint(time.perf_counter() - start)"
            done = subprocess.run([sys.executable, "-P", "-s", "-c", code], check=True, env=env,
                                  capture_output=True, text=True)
            measured[label].append(float(done.stdout.split()[-1]))
    return tuple((label, statistics.median(values)) for label, values in measured.items())
