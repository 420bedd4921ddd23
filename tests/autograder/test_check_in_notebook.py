"""Does check() print one line per check, return the points as a float and stay off stderr?"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

import autograder.tasks
import fake_tasks
from autograder import check
from autograder.tasks import UnknownTaskError

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The fake tasks, registered beside the real ones for the duration of a test."""
    for task in fake_tasks.TASKS:
        monkeypatch.setitem(autograder.tasks.TASKS, task.id, task)


def test_does_a_correct_answer_earn_the_visible_points(capfd):
    """Visible checks only, a ✓ line each, the total, and a note on the hidden ones."""
    score = check("fake_square", fake_tasks.square)
    out, err = capfd.readouterr()
    assert score == 1.0 and type(score) is float
    assert out.splitlines() == [
        "square (fake §0) [fake_square]",
        "✓ squares a vector (1/1)",
        "Total: 1/1",
        "(the grader also runs 1 hidden check worth 2 more points)",
    ]
    assert err == ""


def test_does_hidden_run_every_check(capfd):
    """hidden=True (the autograder's call) runs all checks and returns their total."""
    assert check("fake_square", fake_tasks.square, hidden=True) == 3.0
    assert "✓ squares a matrix (2/2)" in capfd.readouterr().out


def test_is_a_wrong_answer_a_zero_with_a_diagnostic_not_an_error(capfd):
    """A buggy function costs points, prints why, and raises nothing."""
    assert check("fake_square", lambda x: 2 * x, hidden=True) == 0.0
    out, err = capfd.readouterr()
    assert "✗ squares a vector (0/1): square(x) for x = [0, 1, 2, 3]: 2 of 4 elements differ" in out
    assert "Hint: every value doubled" in out
    assert "✗ squares a matrix (0/2): square(M) for M of shape (2, 3)" in out
    assert out.splitlines()[-1] == "Total: 0/3"
    assert err == ""


def test_is_partial_credit_returned(capfd):
    """A judge's fraction becomes points: half of 2 is 1.0, for nbgrader to read."""
    assert check("fake_half", 7) == 1.0
    assert "✗ is judged half right (1/2): got 7, half marks" in capfd.readouterr().out


def test_does_a_crash_or_noise_stay_off_stderr(capfd):
    """Exceptions, prints to stderr and warnings in student code never reach stderr."""
    def noisy(x):
        import warnings
        warnings.warn("careful")
        print("debug", file=sys.stderr)
        raise ValueError("bad input")

    assert check("fake_square", noisy, hidden=True) == 0.0
    out, err = capfd.readouterr()
    assert err == ""
    assert "square raised ValueError: bad input (line 5 of your noisy: `raise ValueError(\"bad input\")`)" in out


def test_is_a_forbidden_call_reported_once_on_top(capfd):
    """The forbidden-call note is printed once, not repeated on every check line."""
    def square(x):
        return torch.square(x)

    assert check("fake_square", square, hidden=True) == 0.0
    lines = capfd.readouterr().out.splitlines()
    assert lines[1].startswith("! square (fake §0) must be written from scratch, but your square uses torch.square")
    assert lines[2:] == ["✗ squares a vector (0/1)", "✗ squares a matrix (0/2)", "Total: 0/3"]


def test_does_an_unknown_id_suggest_the_closest():
    """A typo in a task id names the id it probably meant."""
    with pytest.raises(UnknownTaskError, match="Did you mean 'fake_square'"):
        check("fake_sqare", fake_tasks.square)


def test_is_importing_autograder_light():
    """`from autograder import check` must not pull in torch or matplotlib (notebooks start fast)."""
    code = "import sys, autograder; print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_does_check_work_inside_a_jupyter_kernel():
    """In a real kernel: source found via IPython's linecache, timeout in the main thread,
    the cell's value a float (nbgrader's partial credit), no stderr output, and probes
    shared by the two check() calls of one cell but not across cells."""
    from nbclient import NotebookClient

    cells = [
        f"import sys; sys.path.insert(0, {str(HERE)!r})\n"
        "import autograder.tasks, fake_tasks, torch\n"
        "autograder.tasks.TASKS.update({t.id: t for t in fake_tasks.TASKS})\n"
        "from autograder import check",
        "def square(x):\n    return torch.square(x)",
        'check("fake_square", square, hidden=True)',
        "def square(x):\n    return x * x",
        'check("fake_square", square, hidden=True)',
        "def f():\n    while True:\n        pass",
        'check("fake_slow", f)',
        "calls = []\ndef square(x):\n    calls.append(x)\n    return x * x",
        'check("fake_square", square)\ncheck("fake_square", square, hidden=True)',
        'check("fake_square", square)\nlen(calls)',
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    outputs = [cell.outputs for cell in nb.cells]
    assert not [o for cell in outputs for o in cell if o.output_type == "error" or o.get("name") == "stderr"]

    def value(i):
        return [o.data["text/plain"] for o in outputs[i] if o.output_type == "execute_result"]

    def printed(i):
        return "".join(o.text for o in outputs[i] if o.output_type == "stream")

    assert value(2) == ["0.0"] and "but your square uses torch.square on line 2" in printed(2)
    assert value(4) == ["3.0"]
    assert value(6) == ["0.0"]
    assert "f ran longer than the 0.3 s time limit, stopped at line" in printed(6)
    # within one cell the visible probe runs once, though both calls use it; a new cell probes afresh
    assert value(8) == ["3.0"] and value(9) == ["3"]
