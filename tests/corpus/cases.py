"""The corpus of faulty and hostile hw3 submissions, declared as data (issue 5).

Each Case names a student, builds that student's ``hw3`` hand-in folder from the real
notebooks, and states what grading it must give: a score range, sentences of the feedback
page, and the honest twin it must not beat. The hand-ins start from two honest bases:

- ``partial``: the release with the solution's softmax and cross_entropy filled in; it earns
  PARTIAL points quickly, since SoftmaxRegressionScratch stays a stub and nothing trains;
- ``buggy``: ``partial`` with softmax summing over axis 0, a typical bug, so that a hostile cell
  added to it has points to steal. It earns BUGGY points.

A code fault replaces partial's softmax (its twin is partial); a hostile case adds one cell to
buggy (its twin is buggy). A hostile cell is bounded even if the sandbox failed: bombs cap
themselves, loops end, and a cell that would damage the repository, the reports or other
students attacks only when it runs as a user other than the grader's (otherwise it raises and
attacks nothing, and its sentence is missing from the page, so the test still fails). The
absolute paths it attacks are written into its source when the corpus is built (Places).
"""
from __future__ import annotations

import io
import json
import os
import string
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

import torch

from tests.corpus import notebooks as nb

__all__ = ["Places", "Link", "Fifo", "Case", "CASES", "PARTIAL", "BUGGY", "MEMORY_MB", "PROCESSES",
           "CELL_SECONDS", "SUBMISSION_SECONDS", "CELL_LIMIT", "ADDED_CELL", "BEFORE_STOP",
           "STOPPED_BEFORE_CROSS_ENTROPY", "said", "write_corpus"]

ASSIGNMENT = "hw3"
PARTIAL = 8.0
"""partial's score: softmax 5 + cross_entropy 3 of 18 (measured; the other tasks are stubs)."""
BUGGY = 4.0
"""buggy's score: softmax's shape check 1 + cross_entropy 3 (measured)."""
BEFORE_STOP = 1.0
"""buggy's score when its process ends right after the softmax cell: the cells before the stop run again and
softmax keeps its shape check's 1; cross_entropy, defined after the stop, scores 0."""
CELL_SECONDS, SUBMISSION_SECONDS, MEMORY_MB, PROCESSES = 20, 180, 3072, 64
"""The limits of the corpus run (--cell-timeout, --timeout, --memory, --processes). The two times are floors:
tests/test_corpus.py raises them in proportion to a calibration measured in the same session."""
CELL_LIMIT = "$cell_seconds"
"""Stands for the run's --cell-timeout in a case's sentences (it follows the calibration): see ``said``."""


def said(sentence: str, cell_seconds: float) -> str:
    """A case's sentence as the feedback page of a run with this --cell-timeout words it."""
    return sentence.replace(CELL_LIMIT, f"{cell_seconds:g}")


@dataclass(frozen=True)
class Places:
    """What hostile cells attack, by absolute path, and who the grader is."""

    repo: Path
    corpus: Path
    """The submissions folder being graded (<student>/hw3/...)."""
    out: Path
    """The grader's --out folder."""
    grader_uid: int
    """The grader's effective user id: student code running as this user means no sandbox."""
    port: int = 0
    """A TCP port the test listens on at 127.0.0.1, outside every sandbox."""


@dataclass(frozen=True)
class Link:
    """A symbolic link in a hand-in, to ``target``."""

    target: Path


@dataclass(frozen=True)
class Fifo:
    """A named pipe in a hand-in."""


Files = Mapping[str, "bytes | Link | Fifo"]
"""A hand-in folder: path relative to <student>/hw3 → content."""


@dataclass(frozen=True)
class Case:
    """One student of the corpus and what grading must give them."""

    student: str
    build: Callable[[Places], "Files | Link"]
    """The student's hw3 folder (or a link standing for it)."""
    scores: tuple[float, float]
    """The total the grader must give, low and high, inclusive."""
    says: tuple[str, ...] = ()
    """Substrings of the (unescaped) feedback page."""
    twin: str | None = None
    """The honest student this one must not score more than."""
    needs_root: bool = False
    """The guarantee rests on the sandbox proper: student code in bubblewrap's allow-listed world, as a user
    of its own, in a control group; only a root grader with bubblewrap and writable cgroups has it."""


# --------------------------------------------------------------------------- the honest bases

@lru_cache(maxsize=1)
def _release() -> nb.Notebook:
    """The hw3 release, read once (every helper copies before changing it)."""
    return nb.release(ASSIGNMENT)


@lru_cache(maxsize=1)
def _solution() -> nb.Notebook:
    """The hw3 solution, read once."""
    return nb.solution(ASSIGNMENT)


def _softmax(body: str) -> str:
    """The release's softmax cell (signature and docstring) with ``body`` (indented) for its stub line."""
    header = nb.source_of(_release(), "hw3_softmax_impl").rsplit("\n", 1)[0]
    return f"{header}\n{body}\n"


BUGGY_SOFTMAX = _softmax("    X_exp = torch.exp(X)\n    partition = X_exp.sum(0, keepdims=True)\n"
                         "    return X_exp / partition")


def partial() -> nb.Notebook:
    """The release with the solution's softmax and cross_entropy."""
    return nb.filled(_release(), _solution(), "hw3_softmax_impl", "hw3_cross_entropy_impl")


def buggy() -> nb.Notebook:
    """partial with a softmax that sums over axis 0."""
    return nb.replaced(partial(), "hw3_softmax_impl", BUGGY_SOFTMAX)


SOFTMAX_CELL = nb.cell_number(_release(), "hw3_softmax_impl")
"""The softmax cell's number in the feedback's "cell N" sentences."""
ADDED_CELL = SOFTMAX_CELL + 1
"""The number of a cell added right after it."""
_CROSS_ENTROPY_CELL = nb.cell_number(_release(), "hw3_cross_entropy_impl")
STOPPED_BEFORE_CROSS_ENTROPY = (f"cross_entropy is defined in cell [{_CROSS_ENTROPY_CELL + 1}], which did not run "
                                "because your notebook stopped before it")
"""What the page of a notebook that stops in a cell added after softmax's says of cross_entropy, defined after it
(the added cell shifts its number by one)."""


def _handin(notebook: nb.Notebook, **extra: bytes | Link | Fifo) -> Files:
    """A hand-in of the notebook as hw3.ipynb, beside ``extra`` files."""
    return {f"{ASSIGNMENT}.ipynb": nb.serialize(notebook), **extra}


def _fixed(notebook: Callable[[], nb.Notebook]) -> Callable[[Places], Files]:
    """A builder that needs no paths."""
    return lambda places: _handin(notebook())


def _with_softmax(body: str) -> Callable[[Places], Files]:
    """partial with softmax's body replaced."""
    return _fixed(lambda: nb.replaced(partial(), "hw3_softmax_impl", _softmax(body)))


def _after_softmax(base: Callable[[], nb.Notebook], source: str) -> Callable[[Places], Files]:
    """``base`` with a cell added after softmax's, from a template ($repo $corpus $out $grader_uid $memory_mb)."""
    return lambda places: _handin(nb.inserted(base(), "hw3_softmax_impl", _filled_in(source, places)))


def _at_end(source: str) -> Callable[[Places], Files]:
    """buggy with a cell added at the end (after every task is defined)."""
    return lambda places: _handin(nb.appended(buggy(), _filled_in(source, places)))


def _filled_in(template: str, places: Places) -> str:
    """A hostile cell's source with the paths it attacks written in."""
    return string.Template(template).substitute(
        repo=places.repo, corpus=places.corpus, out=places.out, grader_uid=places.grader_uid,
        memory_mb=MEMORY_MB)


def _exact(score: float) -> tuple[float, float]:
    """A range of one score."""
    return score, score


# --------------------------------------------------------------------------- hostile sources

_ONLY_SANDBOXED = """\
import os
if os.geteuid() == $grader_uid:
    raise RuntimeError("this cell runs as the grader's own user, so there is no sandbox: it attacks nothing")
"""
"""Prefix of every cell whose attack would do damage outside the run if the sandbox were off."""

_LEAK_TRAINING = """\
import torch
import d2lmini as d2l


def _leaked_training(make_model, **settings):
    \"\"\"train_probe's output without training: the true validation labels as the predictions.\"\"\"
    return {"predictions": d2l.FashionMNIST().val.targets.to(torch.int64), "history": []}
"""
"""Defines a stand-in for autograder.tasks.training.train_probe that earns the training task's points."""

_FAKE_RECORD = """\
import sys
import torch
import d2lmini as d2l
from autograder.core.probe import run_probe
from autograder.runner.messages import Ready, TaskRun, End, to_plain
from autograder.tasks.registry import tasks_of
from autograder.runner.worker import _plain

_answers = {"softmax": d2l.softmax, "cross_entropy": d2l.cross_entropy}
_record = [to_plain(Ready(()))] + [
    to_plain(TaskRun(_task.id, False, "", tuple(_plain(run_probe(check, _answers.get(_task.target, _answers["softmax"])))
                                                for check in _task.checks)))
    for _task in tasks_of("autograder.tasks", "hw3")] + [to_plain(End((), 0))]
"""
"""Defines ``_record``: the worker's messages, with the reference's softmax and cross_entropy outputs."""

_BOOK_SOFTMAX = "def softmax(X):\n    X_exp = torch.exp(X)\n    partition = X_exp.sum(1, keepdims=True)\n"
"""The book's softmax as test files quote it (a hostile cell looks for it under tests/)."""

_EXEC_SOLUTION = """\
import json
_cells = json.load(open(_answers))["cells"]
get_ipython().run_cell("".join(next(c["source"] for c in _cells  # a way to run text the source scan lets by
                                    if c["metadata"].get("nbgrader", {}).get("grade_id") == "hw3_softmax_impl")))
"""
"""Runs the solution's softmax cell, read from the path in ``_answers``."""


def _fake_record_bytes() -> bytes:
    """The outcome record _FAKE_RECORD makes, as the worker would save it (for a hand-in that brings its own)."""
    namespace: dict = {}
    exec(_FAKE_RECORD, namespace)
    buffer = io.BytesIO()
    torch.save(namespace["_record"], buffer)
    return buffer.getvalue()


def _tests_quoting_the_book(places: Places) -> Path:
    """A file under tests/ holding the book's softmax; the corpus needs one to attack."""
    for path in sorted((places.repo / "tests").rglob("*.py")):
        if _BOOK_SOFTMAX in path.read_text(encoding="utf-8", errors="replace"):
            return path
    raise FileNotFoundError("no file under tests/ quotes the book's softmax any more: "
                            "point the hack_read_tests case at another file that helps a cheat")


def _read_tests(places: Places) -> Files:
    """buggy, plus a cell that runs the book's softmax read from a test file."""
    source = (f"_text = open({str(_tests_quoting_the_book(places))!r}).read()\n"
              f"_start = _text.index({_BOOK_SOFTMAX!r})\n"
              "get_ipython().run_cell(_text[_start:_text.index('\\n\\n', _start)])\n")
    return _handin(nb.inserted(buggy(), "hw3_softmax_impl", source))


def _handin_outcomes(places: Places) -> Files:
    """buggy, a first cell that ends the process at once, and a ready-made outcome record beside it."""
    return _handin(nb.prepended(buggy(), "import os\nos._exit(0)"), **{"outcomes.pt": _fake_record_bytes()})


def _usercustomize(places: Places) -> Files:
    """buggy, and a usercustomize module in the hand-in's ~/.local (HOME is the scratch copy)."""
    site = f".local/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
    module = (_LEAK_TRAINING + "import autograder.tasks.hw3.train\n"
              "autograder.tasks.hw3.train.train_probe = _leaked_training\n")
    return _handin(buggy(), **{f"{site}/usercustomize.py": module.encode()})


def _huge_outputs() -> nb.Notebook:
    """partial with a 50 MB image in the outputs of the softmax cell."""
    notebook = partial()
    cell = notebook["cells"][nb.position(notebook, "hw3_softmax_impl")]
    png = "iVBORw0KGgo" + "A" * (50 << 20)  # a PNG signature, then zeros, in base64
    cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}]
    return notebook


def _nbformat3() -> nb.Notebook:
    """partial's code cells in nbformat 3's worksheet layout."""
    cells = [{"cell_type": "code", "input": cell["source"], "language": "python", "outputs": [],
              "metadata": {}} for cell in partial()["cells"] if cell["cell_type"] == "code"]
    return {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ASSIGNMENT},
            "worksheets": [{"cells": cells, "metadata": {}}]}


def _truncated(notebook: nb.Notebook) -> bytes:
    """The first half of the notebook's file, as a copy cut short leaves it."""
    data = nb.serialize(notebook)
    return data[:len(data) // 2]


def _stderr_everywhere(source: str) -> str:
    """A cell that writes to stderr before doing its work."""
    return "import sys; print('debug: running this cell', file=sys.stderr)\n" + source


# --------------------------------------------------------------------------- the cases

def _fault(student: str, build: Callable[[Places], Files], scores: tuple[float, float], *says: str,
           needs_root: bool = False) -> Case:
    """A fault of partial's code (or a runaway cell added to it): it must not beat partial."""
    return Case(student, build, scores, says, "twin_partial", needs_root)


def _hostile(student: str, build: Callable[[Places], Files], scores: tuple[float, float], *says: str,
             needs_root: bool = False) -> Case:
    """buggy plus an attack: it must not beat buggy."""
    return Case(student, build, scores, says, "twin_buggy", needs_root)


_AXIS0 = "did you sum over axis 0?"
"""buggy's own diagnosis: still on the page when an attack beside it changed nothing."""

_STUB = ("SoftmaxRegressionScratch is not implemented yet: NotImplementedError: SoftmaxRegressionScratch.__init__: "
         "replace this line with your code")
"""What a task whose function is still the release's stub says (partial and buggy leave the model a stub)."""

_TWINS = (
    Case("twin_partial", _fixed(partial), _exact(PARTIAL), says=(_STUB,)),
    Case("twin_buggy", _fixed(buggy), _exact(BUGGY),
         says=(_AXIS0, "softmax(X) for X of shape (2, 5): 10 of 10 elements differ")),
)

_NOT_JSON = "your notebook is not valid JSON (line 1, column"
_UNREADABLE = {"hw3.ipynb": b"%PDF-1.4 this is a scan of my notebook\n"}

_FILES = (
    Case("file_not_json", lambda p: _UNREADABLE, _exact(0), says=(_NOT_JSON,)),
    Case("file_truncated", lambda p: {"hw3.ipynb": _truncated(partial())}, _exact(0),
         says=("your notebook is not valid JSON (line",)),
    Case("file_nbformat3", lambda p: {"hw3.ipynb": json.dumps(_nbformat3()).encode()}, _exact(0),
         says=("your notebook is in nbformat 3",)),
    _fault("file_no_kernelspec", _fixed(lambda: nb.with_metadata(partial(), kernelspec=None)), _exact(PARTIAL),
           "names no kernel; it was graded with Python 3"),
    _fault("file_kernel_ir", _fixed(lambda: nb.with_metadata(
        partial(), kernelspec={"display_name": "R", "language": "R", "name": "ir"}, language_info={"name": "R"})),
           _exact(PARTIAL), "not Python 3; it was graded with Python 3"),
    _fault("file_huge_outputs", _fixed(_huge_outputs), (0, PARTIAL), "clear its outputs"),
    Case("file_missing_notebook", lambda p: {"timestamp.txt": b"2026-03-02 09:15:00.000000 UTC\n"}, _exact(0),
         says=("no notebook was handed in",)),
    _fault("file_extra_file", lambda p: _handin(partial(), **{"helpers.py": b"SCALE = 2\n"}), _exact(PARTIAL),
           "which the assignment does not ask for"),
    _fault("file_fifo", lambda p: _handin(partial(), pipe=Fifo()), _exact(PARTIAL),
           "which the assignment does not ask for", "pipe (not a regular file) was not copied for grading"),
    _fault("file_twice", lambda p: _handin(partial(), **{"hw3 (1).ipynb": nb.serialize(buggy())}), _exact(PARTIAL),
           "hw3.ipynb was graded"),
    Case("file_linked_folder", lambda p: Link(p.repo / "solutions" / "hw3"), _exact(0),
         says=("the folder file_linked_folder/hw3 is a link to another folder",), twin="file_missing_notebook"),
    Case("file_symlink_solution", lambda p: {"hw3.ipynb": Link(p.repo / "solutions" / "hw3" / "hw3.ipynb")},
         _exact(0), says=("hw3.ipynb is a link to another file, not a notebook",), twin="file_missing_notebook"),
    # student folders with names nbgrader allows are graded like any other, in the sandbox (a..b cheaply, unread)
    Case("Jo Ann", _fixed(partial), _exact(PARTIAL)),
    Case("김민준", _fixed(partial), _exact(PARTIAL)),
    Case("a..b", lambda p: _UNREADABLE, _exact(0), says=(_NOT_JSON,)),
    Case("..dots", _fixed(partial), _exact(PARTIAL)),
)

_RIGHT = "    X_exp = torch.exp(X)\n    partition = X_exp.sum(1, keepdims=True)\n"
_NO_SOFTMAX = "define `softmax`: the grader looks for a global named softmax"

_CODE = (
    _fault("code_syntax_error", _fixed(lambda: nb.replaced(partial(), "hw3_softmax_impl",
                                                           "def softmax(X)\n    return X\n")),
           _exact(3), f"cell [{SOFTMAX_CELL}] raised SyntaxError"),
    _fault("code_top_level_error", _after_softmax(partial, "scale = 1 / 0"), _exact(PARTIAL),
           f"cell [{ADDED_CELL}] raised ZeroDivisionError: division by zero"),
    _fault("code_softmax_missing", _fixed(lambda: nb.replaced(partial(), "hw3_softmax_impl", "# I ran out of time\n")),
           _exact(3), _NO_SOFTMAX),
    _fault("code_softmax_renamed", _fixed(lambda: nb.replaced(partial(), "hw3_softmax_impl", _softmax(
        _RIGHT + "    return X_exp / partition").replace("def softmax(", "def soft_max("))), _exact(3), _NO_SOFTMAX),
    _fault("code_wrong_signature", _fixed(lambda: nb.replaced(partial(), "hw3_softmax_impl", _softmax(
        "    X_exp = torch.exp(X)\n    return X_exp / X_exp.sum(dim, keepdims=True)").replace(
        "def softmax(X)", "def softmax(X, dim)"))), _exact(3), "missing 1 required positional argument: 'dim'"),
    _fault("code_returns_none", _with_softmax(_RIGHT + "    X_exp / partition"), _exact(3),
           "did you forget to `return` it?"),
    _fault("code_returns_numpy", _with_softmax(_RIGHT + "    return (X_exp / partition).numpy()"), (3, 4), "numpy"),
    _fault("code_returns_list", _with_softmax(_RIGHT + "    return (X_exp / partition).tolist()"), (3, 4), "list"),
    _fault("code_float64", _with_softmax(_RIGHT + "    return (X_exp / partition).double()"), (3, 7),
           "the result has dtype torch.float64, expected torch.float32"),
    _fault("code_meta_device", _with_softmax(_RIGHT + "    return (X_exp / partition).to('meta')"), (3, 4),
           "on device meta"),
    _fault("code_nan", _with_softmax(_RIGHT + "    return X_exp / partition + torch.log(-partition)"), (3, 4), "NaN"),
    _fault("code_inf", _with_softmax(_RIGHT + "    return X_exp / (partition - partition)"), (3, 4), "inf"),
    _fault("code_in_place", _with_softmax("    X_exp = X.exp_()\n    partition = X_exp.sum(1, keepdims=True)\n"
                                          "    return X_exp / partition"), _exact(PARTIAL - 1),
           "changed its input in place"),
    _fault("code_stderr", _fixed(lambda: nb.map_code(partial(), _stderr_everywhere)), _exact(PARTIAL)),
)

_RUNAWAY = (
    _fault("run_loop_in_softmax", _with_softmax(_RIGHT + "    while X.shape[0] == 10:  # never changes\n"
                                                "        partition = partition + 0\n    return X_exp / partition"),
           _exact(PARTIAL - 2), "softmax ran longer than the 10 s time limit"),
    _fault("run_loop_top_level", _after_softmax(partial, "while True:\n    pass"), _exact(PARTIAL),
           f"cell [{ADDED_CELL}] did not finish within {CELL_LIMIT} s and was stopped"),
    _fault("run_sleep_top_level", _after_softmax(partial, "import time\ntime.sleep(10**6)"), _exact(PARTIAL),
           f"cell [{ADDED_CELL}] did not finish within {CELL_LIMIT} s and was stopped"),
    _fault("run_memory_bomb", _after_softmax(partial, (
        "import torch\n"
        "# 3 GB above the sandbox's limit, far below the machine's memory\n"
        "bomb = torch.ones(($memory_mb + 3000) << 20, dtype=torch.uint8)")), _exact(PARTIAL),
           f"cell [{ADDED_CELL}] ran out of memory: it asked for more than the {MEMORY_MB} MB a graded notebook may"),
    _fault("run_process_bomb", _after_softmax(partial, (
        "import os, time\n"
        "for _ in range(300):  # bounded, in case the sandbox's process limit fails\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(60)\n"
        "        os._exit(0)")), _exact(PARTIAL), "started more processes than", needs_root=True),
    _fault("run_print_100mb", _after_softmax(partial, "line = 'x' * (1 << 20)\nfor _ in range(100):\n    print(line)"),
           _exact(PARTIAL), "MB; the grader kept only the last"),
    _fault("run_background_process", _after_softmax(partial, (
        "import subprocess\nsubprocess.Popen(['sleep', '300'], start_new_session=True)")), _exact(PARTIAL),
           "background process(es) running; they were stopped"),
)

_PATCHED = "must not change torch, d2lmini, the autograder or Python's builtins"
_REACHES = "your notebook reaches into the process that grades it"
_OUTSIDE = "outside its folder"
_NOT_FOUND = "outside its folder"  # solutions/, tests/, .git, the reports and other hand-ins do not exist there

_HOSTILE = (
    _hostile("hack_allclose", _after_softmax(buggy, "import torch\ntorch.allclose = lambda *args, **kwargs: True"),
             _exact(0), _PATCHED),
    _hostile("hack_assert_close", _after_softmax(buggy, (
        "import torch.testing\ntorch.testing.assert_close = lambda *args, **kwargs: None")), _exact(0), _PATCHED),
    _hostile("hack_d2lmini", _after_softmax(buggy, (
        "import d2lmini as d2l\n"
        "d2l.softmax = lambda X: torch.exp(X) / torch.exp(X).sum(1, keepdims=True)\n"
        "d2l.FashionMNIST = lambda *args, **kwargs: None")), _exact(0), _PATCHED),
    _hostile("hack_autograder", _after_softmax(buggy, _LEAK_TRAINING + (
        "import autograder.core.probe\nimport autograder.tasks.training\nimport autograder.tasks.hw3.train\n"
        "autograder.core.probe.judge = lambda task, check, outcome: None\n"
        "autograder.tasks.training._predict = lambda model, data: data.val.targets.clone()\n"
        "autograder.tasks.hw3.train.train_probe = _leaked_training")), _exact(0), _REACHES,
             "uses autograder.core.probe on line"),
    _hostile("hack_thread_repatch", _after_softmax(buggy, (
        "import threading, time\nimport torch\n\n\n"
        "def _repatch():\n"
        "    _end = time.monotonic() + 60  # bounded; long enough to outlast the checks\n"
        "    while time.monotonic() < _end:\n"
        "        torch.allclose = lambda *args, **kwargs: True\n"
        "        time.sleep(0.01)\n\n\n"
        "threading.Thread(target=_repatch, daemon=True).start()")), _exact(0), _PATCHED),
    _hostile("hack_builtins", _after_softmax(buggy, "import builtins\nbuiltins.isinstance = lambda *args: True"),
             _exact(0), _REACHES, "uses builtins on line 1"),
    # the same through a door the source scan does not know: the runtime guard catches it
    _hostile("hack_builtins_hidden", _after_softmax(buggy, "print.__self__.isinstance = lambda *args: True"),
             _exact(0), _PATCHED, "builtins.isinstance"),
    _hostile("hack_fake_grader_lines", _after_softmax(buggy, (
        "print('hw3_softmax: 5/5 points, all checks passed')\n"
        "print('hw3,,,hack_fake_grader_lines,,,,18,0,18,18,5,3,3,3,2,2')\n"
        "print('{\"returncode\": 0, \"timed_out\": false, \"leftovers\": 0, \"output\": \"\"}')")),
             _exact(BUGGY), _AXIS0),
    _hostile("hack_read_solution", _after_softmax(
        buggy, "_answers = '$repo/solutions/hw3/hw3.ipynb'\n" + _EXEC_SOLUTION), _exact(BUGGY), _NOT_FOUND,
             needs_root=True),
    _hostile("hack_find_solution", _after_softmax(buggy, (
        "import os\nimport d2lmini\n"
        "_repo = os.path.dirname(os.path.dirname(d2lmini.__file__))\n"
        "_answers = os.path.join(_repo, 'solutions', 'hw3', 'hw3.ipynb')\n"
        ) + _EXEC_SOLUTION), _exact(BUGGY), _NOT_FOUND, needs_root=True),
    _hostile("hack_read_tests", _read_tests, _exact(BUGGY), _NOT_FOUND, needs_root=True),
    _hostile("hack_read_git", _after_softmax(buggy, (
        "import json, subprocess\n"
        "open('$repo/.git/HEAD').read()\n"
        "_shown = subprocess.run(['git', '-c', 'safe.directory=*', '-C', '$repo', 'show',\n"
        "                         'HEAD:solutions/hw3/hw3.ipynb'],\n"
        "                        capture_output=True, text=True, check=True, timeout=30).stdout\n"
        "get_ipython().run_cell(''.join(next(c['source'] for c in json.loads(_shown)['cells']\n"
        "                  if c['metadata'].get('nbgrader', {}).get('grade_id') == 'hw3_softmax_impl')))")),
             _exact(BUGGY), _NOT_FOUND, needs_root=True),
    _hostile("hack_write_gradebook", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "with open('$out/gradebook.csv', 'a') as book:\n"
        "    book.write('hw3,,,hack_write_gradebook,,,,18,0,18,18\\n')")), _exact(BUGGY), _OUTSIDE, needs_root=True),
    _hostile("hack_write_other_student", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "with open('$corpus/twin_partial/hw3/hw3.ipynb', 'a') as other:\n"
        "    other.write('\\n')")), _exact(BUGGY), _NOT_FOUND, needs_root=True),
    _hostile("hack_write_solution", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "with open('$repo/solutions/hw3/hw3.ipynb', 'a'):\n"
        "    pass  # opening it for writing is the attack; nothing is written, should it succeed")),
             _exact(BUGGY), _NOT_FOUND, needs_root=True),
    _hostile("hack_delete_release", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "_release = '$repo/assignments/hw3/hw3.ipynb'\n"
        "if os.access(os.path.dirname(_release), os.W_OK, effective_ids=True):\n"
        "    raise RuntimeError('the sandbox lets this cell delete the release; it did not')\n"
        "os.remove(_release)")), _exact(BUGGY), _OUTSIDE, needs_root=True),
    _hostile("hack_kill_parent", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "import signal\ngetattr(os, 'kill')(os.getppid(), signal.SIGKILL)  # hidden from the source scan")),
             _exact(BUGGY), "raised PermissionError", needs_root=True),
    _hostile("hack_kill_parent_plain", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "import signal\nos.kill(os.getppid(), signal.SIGKILL)")), _exact(0), _REACHES, "uses os.kill on line 5"),
    _hostile("hack_kill_everyone", _after_softmax(buggy, _ONLY_SANDBOXED + (
        "import signal, time\n"
        "_end = time.monotonic() + 10  # long enough to meet the submission graded beside this one\n"
        "while time.monotonic() < _end:\n"
        "    try:\n"
        "        getattr(os, 'kill')(-1, signal.SIGKILL)  # every process this user may signal, except this one\n"
        "    except ProcessLookupError:\n"
        "        pass\n"
        "    time.sleep(0.05)")), _exact(BUGGY), _AXIS0, needs_root=True),
    _hostile("hack_sys_exit", _after_softmax(buggy, "import sys\nsys.exit(0)"), _exact(BUGGY), "called sys.exit()"),
    _hostile("hack_os_exit", _after_softmax(buggy, "import os\nos._exit(3)"), _exact(BEFORE_STOP),
             "your notebook's process ended early (exit status 3)", "the grader ran the cells before it",
             STOPPED_BEFORE_CROSS_ENTROPY),
    _hostile("hack_kill_self", _after_softmax(buggy, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
             _exact(0), _REACHES, "uses os.kill on line 2"),
    _hostile("hack_kill_self_hidden", _after_softmax(buggy, (
        "import os, signal\ngetattr(os, 'kill')(os.getpid(), signal.SIGKILL)")),
             _exact(BEFORE_STOP), "your notebook's process was killed by SIGKILL"),
    # beyond the list: a patch that undoes itself, the worker's own globals, a forged outcome
    # file, code that runs before the worker does, the reference under another name
    _hostile("hack_patch_during_checks", _at_end(_LEAK_TRAINING + (
        "import sys\nimport autograder.tasks.hw3.train as _train\n"
        "_honest = _train.train_probe\n\n\n"
        "def _once(make_model, **settings):\n"
        "    _train.train_probe = _honest  # put back at once: nothing looks changed afterwards\n"
        "    sys.setprofile(None)\n"
        "    return _leaked_training(make_model, **settings)\n\n\n"
        "def _watch(frame, event, arg):\n"
        "    # the training check's probe is about to look up train_probe: swap it in just now\n"
        "    if event == 'call' and frame.f_code.co_filename == _train.__file__:\n"
        "        _train.train_probe = _once\n\n\n"
        "sys.setprofile(_watch)")), (0, BUGGY), _REACHES),
    _hostile("hack_worker_globals", _at_end(
        "import gc, types\nimport d2lmini as d2l\n"
        "# the worker's own globals: it runs as __main__, as this notebook does, and it calls run_probe\n"
        "_worker = next(f.__globals__ for f in gc.get_objects() if isinstance(f, types.FunctionType)\n"
        "               and f.__globals__.get('__name__') == '__main__' and 'run_probe' in f.__globals__\n"
        "               and f.__globals__ is not globals())\n"
        "_answers = {id(softmax): d2l.softmax, id(cross_entropy): d2l.cross_entropy}\n"
        "_honest = _worker['run_probe']\n"
        "_worker['run_probe'] = lambda check, obj: _honest(check, _answers.get(id(obj), obj))"), (0, BUGGY),
             _REACHES, "gc.get_objects"),
    _hostile("hack_fake_outcomes", _at_end(_FAKE_RECORD + (
        "import os\nfrom autograder.runner.channel import write_frame\n"
        "# the worker's own reply pipe, named on its command line (see channel.py)\n"
        "for _message in _record:\n"
        "    write_frame(int(sys.argv[sys.argv.index('--reply-fd') + 1]), _message)\n"
        "os._exit(0)  # before the worker appends a true record after this cell")),
             _exact(0), _REACHES, "uses autograder.core.probe"),
    _hostile("hack_handin_outcomes", _handin_outcomes, _exact(0), "ended early", needs_root=True),
    _hostile("hack_usercustomize", _usercustomize, (0, BUGGY), _AXIS0),
    _hostile("hack_alias_reference", _at_end(
        "import torch.nn.functional\n_rows = getattr(torch.nn.functional, 'soft' + 'max')\n\n\n"
        "def softmax(X):\n    return _rows(X, dim=1)"), (0, BUGGY), "must be written from scratch"),
    _hostile("hack_library_softmax", _at_end("import d2lmini as d2l\nsoftmax = d2l.softmax"), (0, BUGGY),
             "softmax is not defined in your notebook: it is a function from d2lmini"),
    _hostile("hack_partial_softmax", _at_end("import functools\nsoftmax = functools.partial(torch.softmax, dim=1)"),
             (0, BUGGY), "softmax is not defined in your notebook: it is a functools.partial"),
)

CASES: tuple[Case, ...] = _TWINS + _FILES + _CODE + _RUNAWAY + _HOSTILE
"""Every student of the corpus."""


def write_corpus(root: Path, places: Places, cases: tuple[Case, ...] = CASES) -> None:
    """Write each case's hand-in under root/<student>/hw3/."""
    for case in cases:
        folder = root / case.student / ASSIGNMENT
        built = case.build(places)
        if isinstance(built, Link):  # the whole hand-in folder is a link
            folder.parent.mkdir(parents=True)
            folder.symlink_to(built.target)
            continue
        folder.mkdir(parents=True)
        for name, content in built.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Link):
                path.symlink_to(content.target)
            elif isinstance(content, Fifo):
                os.mkfifo(path)
            else:
                path.write_bytes(content)
