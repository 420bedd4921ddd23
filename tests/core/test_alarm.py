"""Does one time limit inside another (a check() inside a timed notebook cell) keep both?"""
from __future__ import annotations

import time

import pytest

from autograder.core.alarm import time_limit


class Outer(BaseException):
    pass


class Inner(BaseException):
    pass


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_does_the_inner_limit_fire_and_the_outer_one_still_run_after_it():
    with pytest.raises(Outer):
        with time_limit(0.6, Outer):
            with pytest.raises(Inner):
                with time_limit(0.1, Inner):
                    _spin(2)
            _spin(2)  # the cell goes on after its check(): the cell's limit must still stop it


def test_does_a_shorter_outer_limit_fire_as_itself_inside_a_longer_inner_one():
    start = time.monotonic()
    with pytest.raises(Outer):
        with time_limit(0.2, Outer):
            with time_limit(5, Inner):
                _spin(3)
    assert time.monotonic() - start < 2


def test_does_a_limit_leave_no_timer_behind():
    import signal

    with time_limit(0.5, Inner):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
