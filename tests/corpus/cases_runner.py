"""Corpus cases for what the runner does with a notebook as a student leaves it (issue 13: the fake class's
students, folded into the corpus so that one class run proves them).

Each is an honest base with the student's habit added: an old release and a cell that fails on its third line
(graded as it is, each said with its cell and line), cells edited, deleted and reordered with magics, stderr and
``input()`` (which cost nothing), an ``exit()`` before a task's definition (the tasks defined before it are
checked, the one after it scores 0 saying why), and a new file written into the repository's root (refused, and
said with its path). The early stop by ``os._exit`` and the background process are
``hack_os_exit`` and ``run_background_process`` in cases.py.
"""
from __future__ import annotations

from autograder.core.notebook import cell_source
from tests.corpus import notebooks as nb
from tests.corpus.cases import (ADDED_CELL, BEFORE_STOP, BUGGY, PARTIAL, STOPPED_BEFORE_CROSS_ENTROPY, Case, Places,
                                _ONLY_SANDBOXED, _after_softmax, _exact, _fault, _handin, _hostile, _release, buggy,
                                partial)

__all__ = ["RUNNER_CASES", "CURRENT_RELEASE", "REPO_TARGET"]

REPO_TARGET = nb.REPO / "student-was-here.txt"
"""Where runner_write_repo's cell tries to create a file: the repository's root, which the sandbox shows read-only
(tests/support/corpus_run.py removes the file should it appear)."""

CURRENT_RELEASE: int = _release()["metadata"]["kit"]["release"]
"""The hw3 release students receive now (its notebook's kit.release)."""

_MAGICS = "%matplotlib inline\n!echo shell commands run\n"
"""IPython's magics as students leave them at the top of the setup cell (the cell's imports follow them)."""

_STDERR_AND_INPUT = "import sys\nsys.stderr.write('a warning on stderr\\n')\nname = input('your name? ')"
"""A last cell that writes to stderr and waits for the keyboard."""


def _old_release(places: Places) -> dict:
    """partial saved from the release before the current one, with a cell that fails on its third line."""
    notebook = nb.with_metadata(partial(), kit={**_release()["metadata"]["kit"], "release": CURRENT_RELEASE - 1})
    return _handin(nb.inserted(notebook, "hw3_softmax_impl", "import torch\n\nprint(learning_rate)"))


def _edited(places: Places) -> dict:
    """partial with magics in its first cell, softmax's test cell deleted, cross_entropy's test cell edited,
    cross_entropy's cell moved above softmax's, and a last cell using stderr and input()."""
    notebook = partial()  # a new notebook each call
    first = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    first["source"] = _MAGICS + cell_source(first)
    notebook = nb.removed(notebook, "hw3_softmax")
    notebook = nb.replaced(notebook, "hw3_cross_entropy", "print('I edited this test cell')")
    notebook = nb.moved(notebook, "hw3_cross_entropy_impl", before="hw3_softmax_impl")
    return _handin(nb.appended(notebook, _STDERR_AND_INPUT))


RUNNER_CASES: tuple[Case, ...] = (
    _fault("runner_old_release", _old_release, _exact(PARTIAL),
           f"this notebook is release {CURRENT_RELEASE - 1}; the current one is {CURRENT_RELEASE}.",
           f"cell [{ADDED_CELL}] raised NameError: name 'learning_rate' is not defined (line 3)"),
    _fault("runner_edited_cells", _edited, _exact(PARTIAL), "input() cannot be answered while the notebook is graded"),
    _hostile("runner_exit", _after_softmax(buggy, "exit()"), _exact(BEFORE_STOP),
             f"cell [{ADDED_CELL}] called exit(), so the cells after it did not run: remove the exit() call",
             STOPPED_BEFORE_CROSS_ENTROPY),
    _hostile("runner_write_repo", _after_softmax(buggy, _ONLY_SANDBOXED + (
        f"open('$repo/{REPO_TARGET.name}', 'w').write('x')")),
             _exact(BUGGY), f"tried to change or read {REPO_TARGET}, outside its folder, and was refused",
             needs_root=True),
)
"""Students whose notebooks the runner must grade as they are (an old release, edited cells, an exit()), and one
whose write into the repository it must refuse."""
