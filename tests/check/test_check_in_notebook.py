"""Does check() print one line per check, return the points as a float and stay off stderr?"""
from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

import autograder.tasks
from tests.support import fake_tasks
from autograder import check, check_all
from autograder.tasks import UnknownTaskError

HERE = Path(__file__).resolve().parents[1] / "support"


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The fake tasks, registered beside the real ones for the duration of a test."""
    for task in fake_tasks.TASKS:
        monkeypatch.setitem(autograder.tasks.TASKS, task.id, task)


def test_does_a_correct_answer_earn_the_visible_points(capfd):
    """Visible checks only, a ✓ line each, the total, and a note on the hidden ones; the cell's value
    is the task's full points (nbgrader's Validate passes it), shown as what it means."""
    score = check("fake_square", fake_tasks.square)
    out, err = capfd.readouterr()
    assert score == 3.0 and isinstance(score, float) and repr(score) == "3.0"
    assert score.summary == ("✓ 1 / 1 points in the checks you can run; the grader also runs 2 more "
                             "points of hidden checks")
    assert score.summary in html.unescape(score._repr_html_())
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
    # the hint first, then the numbers
    assert ("✗ squares a vector (0/1): Hint: every value doubled: did you write 2 * x instead of x * x? — "
            "square(x) for x = [0, 1, 2, 3]: 2 of 4 elements differ") in out
    assert "✗ squares a matrix (0/2): square(M) for M of shape (2, 3)" in out
    assert out.splitlines()[-1] == "Total: 0/3"
    assert err == ""


def test_is_the_visible_value_full_only_when_every_visible_check_passes(capfd):
    """The released cell's value (what Validate reads) is the task's points scaled by the visible share
    earned: below the task's points as soon as a visible check fails; with hidden=True, the points earned."""
    assert check("fake_half", 7) == 1.0  # 1 of 2 visible points: half of the task's 2 points
    wrong = check("fake_square", lambda x: 2 * x)
    assert wrong == 0.0 and wrong.summary.startswith("✗ 0 / 1 points in the checks you can run")
    assert "nbgrader's Validate counts this cell as 0 / 3" in wrong.summary
    assert check("fake_square", fake_tasks.square, hidden=True).summary == "✓ 3 / 3 points"
    capfd.readouterr()


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
        'from autograder import check_all\ncheck_all("fake")',
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
    # Jupyter shows what the number means; nbgrader reads the number from text/plain
    shown = [o.data.get("text/html", "") for o in outputs[4] if o.output_type == "execute_result"]
    assert shown == ['<span class="autograder-points">✓ 3 / 3 points</span>']
    # check_all("fake") shows one HTML table of every task (no value for nbgrader to read)
    tables = [o.data["text/html"] for o in outputs[10] if o.output_type == "display_data"]
    assert len(tables) == 1 and tables[0].startswith("<table>") and "fake_slow" in tables[0] and not value(10)


def test_does_check_all_show_every_task_with_its_first_problem_hint_first(capfd):
    """check_all("fake") on the caller's globals: one row per task of the assignment, visible points only,
    the first problem (hint first) or that all pass, a missing target named."""
    notebook = {"square": lambda x: 2 * x, "value": 7}  # a notebook's globals: a wrong square, no f
    exec('from autograder import check_all\nshown = check_all("fake")', notebook)
    assert notebook["shown"] is None
    out = capfd.readouterr().out.splitlines()
    assert out[0] == "fake: the checks you can run, task by task (1 / 4 points)"
    rows = {line.split()[1]: line for line in out[1:]}
    assert rows["fake_square"].startswith("✗ fake_square") and " 0/1 " in rows["fake_square"]
    assert "Hint: every value doubled" in rows["fake_square"].split(" — ")[0]
    assert " 1/2 " in rows["fake_half"] and "half marks" in rows["fake_half"]
    assert "define `f`" in rows["fake_slow"]


def test_does_check_all_rate_the_solution_full_and_the_stub_zero():
    """The table of a real assignment: every visible check of the solution passes, the stub earns nothing."""
    from autograder.check.overview import overview
    from tests.support.solution_notebooks import notebook_module

    solved = overview("hw5", vars(notebook_module("hw5", stubbed=False)))
    assert [r.problem for r in solved.rows] == [""] * len(solved.rows) and len(solved.rows) == 7
    assert all(r.earned == r.possible > 0 for r in solved.rows)
    blank = overview("hw5", vars(notebook_module("hw5", stubbed=True)))
    assert all(r.earned == 0 and "not implemented yet" in r.problem for r in blank.rows)
    assert "<table>" in blank.html() and "hw5_one_hot" in blank.text()


def test_does_check_all_stay_quiet_while_graded(capfd, monkeypatch):
    """Under nbgrader (validate, autograde) the table is not built: it would rerun every check."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert check_all("hw3") is None
    assert capfd.readouterr().out == "(the table of hw3's checks is shown when you run this cell yourself)\n"


def test_does_check_all_of_a_task_id_say_what_to_call():
    """check_all("hw3_softmax") was given a task, not an assignment: the error says which call checks a task."""
    with pytest.raises(TypeError, match=r"check_all takes an assignment's name \('hw3'\).*check\('hw3_softmax', "):
        check_all("hw3_softmax")
