"""The static scan for notebooks that reach into the process grading them."""
from __future__ import annotations

import pytest

from autograder.core.i18n import use_language
from autograder.runner.intrusion import REACH_IN, intrusion_note, intrusions
from autograder.core.notebook import Cell


def found(*sources: str) -> list[str]:
    """The findings for cells numbered from 1."""
    return intrusions(tuple(Cell(number, source) for number, source in enumerate(sources, start=1)))


@pytest.mark.parametrize("source, expected", [
    ("import gc\nfor o in gc.get_objects():\n    pass", "cell [1] uses gc.get_objects on line 2"),
    ("import gc as g\ng.get_referrers(1)", "cell [1] uses gc.get_referrers on line 2"),
    ("from gc import get_objects", "cell [1] uses gc.get_objects on line 1"),
    ("import autograder.core.probe", "cell [1] uses autograder.core.probe on line 1"),
    ("from autograder.runner import channel", "cell [1] uses autograder.runner.channel on line 1"),
    ("from autograder import check, core", "cell [1] uses autograder.core on line 1"),
    ("import sys\nsys.setprofile(lambda *a: None)", "cell [1] uses sys.setprofile on line 2"),
    ("import sys\nfd = int(sys.argv[-1])", "cell [1] uses sys.argv on line 2"),
    ("import sys\nsys.modules['torch'].allclose = None", "cell [1] uses sys.modules on line 2"),
    ("import ctypes", "cell [1] uses ctypes on line 1"),
    ("import builtins\nbuiltins.len = None", "cell [1] uses builtins on line 1"),
    ("def f():\n    return f.__globals__", "cell [1] uses .__globals__ on line 2"),
    ("try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "cell [1] uses .tb_frame on line 4"),
    ("__import__('g' + 'c')", "cell [1] uses __import__ on line 1"),
    ("exec('x = 1')", "cell [1] uses exec on line 1"),
    ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", "cell [1] uses os.kill on line 2"),
    ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)", "cell [1] uses signal.signal on line 2"),
    ("import threading\nthreading.settrace(print)", "cell [1] uses threading.settrace on line 2"),
    ("import importlib\nimportlib.import_module('g' + 'c')", "cell [1] uses importlib on line 1"),
])
def test_is_each_way_into_the_grader_found_with_its_cell_and_line(source, expected):
    """Imports, aliases, attribute chains and frame attributes are all named."""
    assert any(finding.startswith(expected) for finding in found(source)), found(source)


def test_does_ordinary_course_code_pass():
    """The kit's own import, magics, shell lines, os.path, sys.stdout and torch are fine."""
    assert found("import torch\nimport d2lmini as d2l\nfrom autograder import check",
                 "%matplotlib inline\n!echo hi\nimport os, sys\nprint(os.path.join('a', 'b'), file=sys.stderr)",
                 "import signal\nprint(signal.SIGINT)", "def softmax(X):\n    X_exp = torch.exp(X)\n"
                 "    return X_exp / X_exp.sum(1, keepdims=True)", "this is not python (") == []


def test_does_the_note_say_what_was_found_and_what_it_costs():
    """Up to three findings, then a count, in either language; every task scores 0."""
    source = "import gc\ngc.get_objects()\nimport ctypes\nimport sys\nsys.settrace(None)\nexec('1')\nimport builtins"
    findings = found(source)
    note = intrusion_note(findings)
    assert note.startswith("your notebook reaches into the process that grades it: " + "; ".join(findings[:3])
                           + f" and {len(findings) - 3} more. ")
    assert "so every task scored 0" in note
    with use_language("ko"):
        korean_findings = found(source)
        korean = intrusion_note(korean_findings)
    assert "; ".join(korean_findings[:3]) + f" 외 {len(korean_findings) - 3}개." in korean


def test_does_every_rule_say_what_it_protects():
    """Each REACH_IN entry is a dotted name with a phrase a student can read."""
    assert all(name.replace(".", "").replace("_", "").isalnum() and what for name, what in REACH_IN.items())


def test_is_the_intrusion_note_written_in_korean_and_unchanged_in_english():
    """Under use_language("ko") the note, its finding and the cell's name are Korean, with the code kept as is;
    in English the same findings give the English note."""
    cells = ("import gc\ngc.get_objects()", "import os\nimport signal\nos.kill(1, signal.SIGKILL)")
    english = intrusion_note(found(*cells))
    assert english.startswith("your notebook reaches into the process that grades it: cell [1] uses gc.get_objects "
                              "on line 2 (the grading process's objects)")
    with use_language("ko"):
        korean = intrusion_note(found(*cells))
    assert "셀 [1]의 2번째 줄에서 gc.get_objects을(를) 사용합니다(채점 프로세스의 객체)" in korean
    assert "os.kill" in korean and "강사도 이 안내를 봅니다" in korean
    assert "grader" not in korean and "cell [" not in korean
