"""Does the engine turn every way a student's code can fail into a score and a clear message?"""
from __future__ import annotations

import math
import signal
import sys
import warnings

import pytest
import torch

from tests.support import fake_tasks
from autograder.core.probe import (ProbeOutcome, grade_in_process, judge, missing_target_note, run_probe,
                                   zero_result)
from autograder.core.spec import Check, Verdict

VECTOR, MATRIX = fake_tasks.SQUARE.checks
SLOW_CHECK = fake_tasks.SLOW.checks[0]


def broken_square(x):
    """Fails on line 4, counting the def as line 1."""
    y = x
    return y[10]


def test_does_a_working_probe_return_its_output():
    """The probe's value comes back with no error and a wall time."""
    outcome = run_probe(VECTOR, fake_tasks.square)
    assert outcome.error is None and torch.equal(outcome.output, fake_tasks.X ** 2)
    assert 0 <= outcome.seconds < 5


def test_does_an_exception_name_its_type_message_and_the_students_line():
    """An IndexError says what it was and points at the student's line, not the kit's."""
    outcome = run_probe(VECTOR, broken_square)
    assert outcome.output is None
    assert outcome.error.startswith("raised IndexError: index 10 is out of bounds")
    assert outcome.error.endswith("(line 4 of your broken_square: `return y[10]`)")


def test_is_a_stub_reported_as_not_implemented():
    """The release stub's NotImplementedError reads as work still to do."""
    def stub(x):
        raise NotImplementedError("square: replace this line with your code")

    error = run_probe(VECTOR, stub).error
    assert error.startswith("is not implemented yet: NotImplementedError: square: replace this line")


def test_is_an_endless_loop_stopped_at_the_time_limit():
    """A probe past its timeout is stopped, even if the student catches Exception."""
    def spin():
        while True:
            try:
                pass
            except Exception:
                pass

    outcome = run_probe(SLOW_CHECK, spin)
    assert outcome.error.startswith("ran longer than the 0.3 s time limit, stopped at line")
    assert "of your" in outcome.error and "spin" in outcome.error
    assert 0.3 <= outcome.seconds < 3


def test_is_the_alarm_disarmed_and_its_handler_restored():
    """After a probe no timer is left running and SIGALRM's handler is the one before."""
    before = signal.getsignal(signal.SIGALRM)
    run_probe(SLOW_CHECK, lambda: None)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


@pytest.mark.parametrize(("exc", "says"), [
    (SystemExit(3), "called exit() (SystemExit: 3)"),
    (KeyboardInterrupt(), "raised KeyboardInterrupt"),
])
def test_are_exit_and_interrupt_caught(exc, says):
    """BaseExceptions from student code become errors, not a crashed grader."""
    def leave(x):
        raise exc

    assert run_probe(VECTOR, leave).error.startswith(says)


def test_are_prints_and_warnings_swallowed(capfd):
    """What the student's code prints or warns never reaches stdout or stderr."""
    def noisy(x):
        print("debugging")
        print("oops", file=sys.stderr)
        warnings.warn("deprecated")
        return x * x

    assert run_probe(VECTOR, noisy).error is None
    assert capfd.readouterr() == ("", "")


def test_does_a_probe_error_score_zero_naming_the_target():
    """judge() turns the probe's error into 0 points and "square raised ..."."""
    result = judge(fake_tasks.SQUARE, VECTOR, run_probe(VECTOR, broken_square))
    assert (result.score, result.points, result.passed) == (0.0, 1.0, False)
    assert result.message.startswith("square raised IndexError")


def test_is_a_wrong_answer_explained_with_its_hint():
    """A doubling bug gets the diagnostic and the declared hint."""
    result = judge(fake_tasks.SQUARE, VECTOR, run_probe(VECTOR, lambda x: 2 * x))
    assert result.score == 0.0
    assert result.message.startswith("square(x) for x = [0, 1, 2, 3]: 2 of 4 elements differ")
    assert result.message.endswith("Hint: every value doubled: did you write 2 * x instead of x * x?")


def test_does_a_judge_that_raises_become_a_message():
    """A judge meeting output it did not expect (a dict, say) scores 0 and says what it got."""
    check = Check("reads a tensor", 1.0, probe=lambda f: f, judge=lambda out: Verdict(out.sum() > 0))
    result = judge(fake_tasks.SQUARE, check, ProbeOutcome({"a": 1}, None, 0.0))
    assert result.score == 0.0
    assert result.message.startswith("the grader could not read what square produced (a dict of 1 item): AttributeError")


def test_does_a_judge_returning_no_verdict_become_a_message():
    """A judge bug (returning a bool) is reported, not crashed on."""
    check = Check("returns a bool", 1.0, probe=lambda f: f, judge=lambda out: True)
    assert "returned bool, not a Verdict" in judge(fake_tasks.SQUARE, check, ProbeOutcome(1, None, 0.0)).message


@pytest.mark.parametrize(("fraction", "score"), [(0.5, 1.0), (1.7, 2.0), (-1.0, 0.0), (math.nan, 0.0)])
def test_is_the_fraction_clamped_into_points(fraction, score):
    """Partial credit is fraction × points, with the fraction held in [0, 1] (NaN is 0)."""
    check = Check("partial", 2.0, probe=lambda f: f, judge=lambda out: Verdict(fraction, "partly"))
    assert judge(fake_tasks.HALF, check, ProbeOutcome(0, None, 0.0)).score == score


def test_does_a_silent_partial_verdict_still_explain_itself():
    """A judge giving part marks without a message gets a default one."""
    check = Check("partial", 2.0, probe=lambda f: f, judge=lambda out: Verdict(0.25))
    assert judge(fake_tasks.HALF, check, ProbeOutcome(0, None, 0.0)).message == "earned 25% of the points"


def test_does_grade_in_process_run_visible_checks_or_all():
    """hidden=False runs the visible checks; hidden=True runs every check."""
    visible = grade_in_process(fake_tasks.SQUARE, fake_tasks.square, hidden=False)
    full = grade_in_process(fake_tasks.SQUARE, fake_tasks.square, hidden=True)
    assert [c.name for c in visible.checks] == ["squares a vector"]
    assert [c.name for c in full.checks] == ["squares a vector", "squares a matrix"]
    assert (visible.score, full.score, full.points) == (1.0, 3.0, 3.0)


def test_does_a_forbidden_call_zero_every_check():
    """A correct answer through torch.square scores 0 on all checks, saying why."""
    def square(x):
        return torch.square(x)

    result = grade_in_process(fake_tasks.SQUARE, square, hidden=True)
    assert result.score == 0.0 and len(result.checks) == 2
    (note,) = result.notes
    assert note.startswith("square (fake §0) must be written from scratch, but your square uses torch.square on line 2")
    assert all(c.message == note for c in result.checks)


def test_is_a_function_without_source_graded():
    """A function made by exec has no source to show: the live reading still grades it, without a crash."""
    namespace: dict = {}
    exec("def square(x):\n    return x * x", namespace)
    assert grade_in_process(fake_tasks.SQUARE, namespace["square"], hidden=True).score == 3.0


def test_does_a_missing_target_say_what_to_define():
    """The runner's message when the notebook has no such global."""
    note = missing_target_note(fake_tasks.SQUARE)
    assert note.startswith("define `square`: the grader looks for a global named square")
    result = zero_result(fake_tasks.SQUARE, note, hidden=False)
    assert [(c.score, c.message) for c in result.checks] == [(0.0, note)]
