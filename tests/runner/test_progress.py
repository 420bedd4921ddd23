"""Does the progress display say, every second, what is running, for how long, and when the run will end?

On a terminal (a StringIO that says it is one) the display is redrawn in place; elsewhere each finished
submission writes one plain line. Times come from a fake clock where the content is checked, and from the
real one only where the redrawing itself is (at least two redraws in 2.5 s). Names come from hand-ins and
are hostile here. The last tests grade fay's fake hand-in (not JSON, so no sandbox is started) through the
pipeline, here and on a local Dask worker, to see that both report when a submission starts.
"""
from __future__ import annotations

import io
import math
import re
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from autograder.core import escape
from autograder.report.class_reports import grade_and_report as main
from autograder.runner.progress import Progress

FAKE = Path(__file__).resolve().parents[1] / "support" / "files" / "fake_class"
HOSTILE = "ev\x1b[2Jil\nname[bold]/hw3"
"""A name that clears the screen, breaks the line and holds rich markup."""


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def xterm(monkeypatch):
    """A terminal that can move the cursor, whatever TERM the test runs under (``dumb`` gets plain lines)."""
    monkeypatch.setenv("TERM", "xterm")


def frames(output: str) -> list[str]:
    """Each redraw of the display, as plain text (rich's colours and cursor moves removed)."""
    return ["grading " + frame for frame in escape.plain(output).split("grading ")[1:]]


def progress_threads() -> list[threading.Thread]:
    """The display's redrawing threads still alive."""
    return [thread for thread in threading.enumerate() if thread.name == "autograder-progress"]


def test_is_the_display_redrawn_every_second_while_a_submission_runs():
    """A submission that takes 2.5 s: at least two redraws meanwhile, its elapsed seconds growing; no thread after."""
    terminal = Terminal()
    with Progress(1, stream=terminal) as progress:
        progress.started("ada/hw3")
        time.sleep(2.5)
        progress.finished("ada/hw3", "18/24")
    running = [f for f in frames(terminal.getvalue()) if "running (1): ada/hw3" in f]
    seconds = [int(re.search(r"ada/hw3 (\d+) s", frame)[1]) for frame in running]
    assert len(running) >= 2 and seconds == sorted(seconds) and seconds[-1] >= 1, terminal.getvalue()
    assert "1/1" in frames(terminal.getvalue())[-1] and "last: ada/hw3: 18/24" in frames(terminal.getvalue())[-1]
    assert not progress_threads() and terminal.getvalue().endswith("\x1b[?25h")  # the cursor is back


def test_does_the_display_show_the_running_ones_their_seconds_and_an_eta():
    """ETA — until one finishes; then ada took 10 s, ben has run 10 s, two are queued, two lanes: ETA 0:10."""
    clock, terminal = Clock(), Terminal()
    with Progress(5, jobs=2, stream=terminal, clock=clock) as progress:
        progress.finished("zed/hw3", "20/24 (cached)")  # from the cache: counts, but says nothing of the time
        progress.started("ada/hw3")
        progress.started("ben/hw3")
        clock.now = 4.0
        progress.finished("cy/hw3", "0/24 (cached)")
        before = frames(terminal.getvalue())[-1]
        clock.now = 10.0
        progress.finished("ada/hw3", "18/24")
        after = frames(terminal.getvalue())[-1]
    assert "2/5  0:04  ETA —" in before and "running (2): ada/hw3 4 s, ben/hw3 4 s" in before, before
    assert "3/5  0:10  ETA 0:10" in after and "running (1): ben/hw3 10 s" in after, after
    assert "last: ada/hw3: 18/24" in after


@settings(max_examples=20, deadline=None)
@given(queued=st.integers(0, 30), jobs=st.integers(1, 8), mean=st.integers(1, 300))
def test_is_the_eta_the_queued_ones_in_rounds_of_jobs(queued, jobs, mean):
    """With nothing running, ``queued`` submissions of ``mean`` seconds ``jobs`` at a time end in
    ceil(queued / jobs) rounds (the reference: the arithmetic, not the lane simulation)."""
    clock, terminal = Clock(), Terminal()
    with Progress(1 + queued, jobs=jobs, stream=terminal, clock=clock) as progress:
        progress.started("ada/hw3")
        clock.now = float(mean)
        progress.finished("ada/hw3", "1/1")
        last = frames(terminal.getvalue())[-1]
    minutes, seconds = divmod(math.ceil(queued / jobs) * mean, 60)
    shown = f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}" if minutes >= 60 else f"{minutes}:{seconds:02d}"
    assert f"ETA {shown}" in last, last


def test_is_it_one_plain_line_per_finished_submission_off_a_terminal():
    """A pipe or a log: one line each, nothing while they run, no escape sequence, no redrawing thread."""
    clock, log = Clock(), io.StringIO()
    with Progress(2, stream=log, clock=clock) as progress:
        progress.started("ada/hw3")
        assert not progress_threads() and log.getvalue() == ""
        clock.now = 12.0
        progress.finished("ada/hw3", "18/24")
        progress.finished("bob/hw3", "0/24 (cached)")
    assert log.getvalue() == "graded 1/2 (12 s): ada/hw3: 18/24\ngraded 2/2 (12 s): bob/hw3: 0/24 (cached)\n"


def test_is_a_hostile_name_shown_escaped_on_both():
    """The screen-clearing sequence is gone, the newline is a space, rich's markup is shown as text."""
    shown = escape.terminal(HOSTILE)
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        with Progress(2, stream=stream, clock=Clock()) as progress:
            progress.started(HOSTILE)
            progress.finished("ada/hw3", "1/1")  # redraws with the hostile one running
            progress.finished(HOSTILE, "0/24")
    assert "\x1b[2J" not in terminal.getvalue() and "\x1b" not in log.getvalue()
    assert f"running (1): {shown} 0 s" in escape.plain(terminal.getvalue())
    assert f"last: {shown}: 0/24" in frames(terminal.getvalue())[-1]
    assert log.getvalue().splitlines()[-1] == f"graded 2/2 (0 s): {shown}: 0/24" and shown == "evil name[bold]/hw3"


def test_does_an_error_end_the_display_and_its_thread():
    """An exception inside: the thread is joined, stderr and stdout are given back, the cursor is shown."""
    terminal, streams = Terminal(), (sys.stdout, sys.stderr)
    with pytest.raises(RuntimeError, match="lost the scheduler"):
        with Progress(3, stream=terminal) as progress:
            progress.started("ada/hw3")
            raise RuntimeError("lost the scheduler")
    assert not progress_threads() and (sys.stdout, sys.stderr) == streams
    assert terminal.getvalue().endswith("\x1b[?25h")


@pytest.fixture(scope="module")
def one_handin(tmp_path_factory) -> Path:
    """A class of one: fay's notebook, which is not JSON (graded at once, to a zero)."""
    folder = tmp_path_factory.mktemp("one") / "submissions"
    shutil.copytree(FAKE / "submissions" / "fay", folder / "fay")
    return folder


def graded_on_a_terminal(submissions: Path, out: Path, monkeypatch, **options) -> str:
    """What a grading run writes on a stderr that is a terminal."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(submissions=submissions, out=out, tasks_module=str(FAKE / "tasks.py"), solutions=FAKE / "solutions",
         progress=True, force=True, **options)
    return terminal.getvalue()


def test_does_the_pipeline_say_when_a_submission_starts(one_handin, tmp_path, monkeypatch):
    """Graded here: the frame after fay's finishes has an ETA, which only a reported start makes possible."""
    output = graded_on_a_terminal(one_handin, tmp_path, monkeypatch, jobs=2)
    assert "0/1" in frames(output)[0] and "ETA —" in frames(output)[0]
    assert re.search(r"1/1 +\d+:\d\d +ETA 0:00", frames(output)[-1]), output
    assert "last: fay/fake1: 0/" in frames(output)[-1] and not progress_threads()


@pytest.mark.slow
def test_does_a_dask_worker_say_when_a_submission_starts(one_handin, tmp_path, monkeypatch):
    """Graded on one local Dask worker: its start reaches the client's display (an ETA once fay's is done)."""
    pytest.importorskip("distributed")
    output = graded_on_a_terminal(one_handin, tmp_path, monkeypatch, cluster="local:1")
    assert re.search(r"1/1 +\d+:\d\d +ETA 0:00", frames(output)[-1]), output
