"""Run one book section's code cells (files/book/<section>.py) like a notebook, in a fresh Python.

A section comes in two forms: as the book's pages print it (files/book) and as the book's source
writes it, with d2l's framework shorthands (files/book_source). The book's code mutates library
classes with ``add_to_class`` (§3.4 replaces ``Trainer.fit_epoch`` for everyone), so each section
runs in its own interpreter and cannot touch another section or the pytest process. Every run
starts from seed 0 (Python's, NumPy's and torch's), so two runs of the same cells agree bit for
bit. Parent side: :func:`run_section`. Child side:
``python book_cells.py SECTION_FILE EPILOGUE RESULT_JSON`` runs the cells in one namespace,
prints each cell's last-expression value as Jupyter would (``Out[i]: repr``), then runs the
test's ``EPILOGUE`` code, which must set ``RESULT`` to JSON-able data, and writes
``{"outputs": [...], "result": RESULT}`` to ``RESULT_JSON``.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BOOK = Path(__file__).parent / "files" / "book"
BOOK_SOURCE = Path(__file__).parent / "files" / "book_source"
REPO = Path(__file__).resolve().parents[2]
CELL_MARK = "# %%"


@dataclass(frozen=True)
class BookRun:
    """What a section printed, what its cells displayed, and what the epilogue measured."""

    stdout: str
    stderr: str
    outputs: list
    """``repr`` of each cell's last expression that was not None, in order (Jupyter's Out)."""
    result: Any
    """The epilogue's ``RESULT``."""


def split_cells(source: str) -> list[str]:
    """The cells of a percent-format file; text before the first marker is its header."""
    cells, current = [], None
    for line in source.splitlines(keepends=True):
        if line.rstrip() == CELL_MARK:
            if current is not None:
                cells.append("".join(current))
            current = []
        elif current is not None:
            current.append(line)
    if current is not None:
        cells.append("".join(current))
    return cells


def run_cell(source: str, namespace: dict, filename: str) -> Any:
    """Execute a cell; return the value of its last statement if that is an expression."""
    tree = ast.parse(source, filename)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), filename, "eval"), namespace)


def run_section(name: str, epilogue: str, workdir: Path, timeout: float = 300, folder: Path = BOOK) -> BookRun:
    """Run section ``name`` (e.g. "s3_4") of ``folder`` headless in a fresh interpreter with cwd ``workdir``."""
    result_path = workdir / f"{name}.json"
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, __file__, str(folder / f"{name}.py"), epilogue, str(result_path)],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"book section {folder.name}/{name} failed (exit {proc.returncode}):\n"
                             f"{proc.stdout[-2000:]}\n{proc.stderr[-6000:]}")
    data = json.loads(result_path.read_text())
    return BookRun(proc.stdout, proc.stderr, data["outputs"], data["result"])


def main(section: str, epilogue: str, result_path: str) -> None:
    """Child side: run the cells, then the epilogue, and write what they showed."""
    import random

    import numpy
    import torch

    torch.set_num_threads(1)  # the machine is shared; the book's numbers do not depend on it
    random.seed(0)
    numpy.random.seed(0)
    torch.manual_seed(0)
    namespace: dict = {"__name__": "__main__"}
    outputs = []
    for i, cell in enumerate(split_cells(Path(section).read_text())):
        value = run_cell(cell, namespace, f"{Path(section).name}[cell {i}]")
        if value is not None:
            print(f"Out[{i}]: {value!r}", flush=True)
            outputs.append(repr(value))
    exec(compile(epilogue, "<epilogue>", "exec"), namespace)
    Path(result_path).write_text(json.dumps({"outputs": outputs, "result": namespace.get("RESULT")}))


if __name__ == "__main__":
    main(*sys.argv[1:])
