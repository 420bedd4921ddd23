"""Does ``grade --cluster`` grade on real Dask workers as -j 2 grades here, lose nothing to a dead worker, and refuse a mismatched one?

One ``dask scheduler`` and two ``dask worker`` processes (no nanny, so that killing one loses it
for real) on 127.0.0.1 serve the slow tests; one local ``-j 2`` grading of two of the demo class's hw3
hand-ins (HAND_INS) is the reference; scores are compared, not diagnostics (each submission's probe inputs come from a
seed the sandbox draws, and scores do not depend on it). Every process started here is stopped by
its PID at the end. A quick test checks that a hand-in reaches a worker as the sandbox would copy it.
"""
from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.cli import run as cli
from autograder.report.class_reports import grade_and_report as grade
from autograder.runner import GradingError
from autograder.runner.cache import Cache
from autograder.runner.cluster import Parcel
from autograder.runner.course import DEMO_SUBMISSIONS
from autograder.runner.discover import Submission
from autograder.runner.handin import stage

pytest.importorskip("distributed")

DASK = str(Path(sys.executable).with_name("dask"))
ASSIGNMENT = "hw3"  # one assignment keeps the suite short
HAND_INS = ("ben", "cora")
"""The demo hand-ins graded here, one for each worker: ben's (typical bugs) trains, so the reference curves sent
to the workers are used; cora's (stubs) is quick. The whole demo class is graded once, by ``demo_run``."""


def scores(run) -> dict[str, tuple[float, ...]]:
    """Each student's total and per-check scores."""
    return {r.student: (r.score, *(c.score for t in r.tasks for c in t.checks)) for r in run.records}


class Cluster:
    """A scheduler and its workers, started as processes of their own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        file = folder / "scheduler.json"
        self._start([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(file)], "scheduler")
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # written whole
        self.address = json.loads(file.read_text())["address"]

    def _start(self, command: list[str], name: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}-{len(self.processes)}.log", "wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def add_worker(self, *extra: str) -> subprocess.Popen:
        """Start one single-threaded worker without a nanny and wait until the scheduler knows it."""
        count = len(self.workers())
        worker = self._start([DASK, "worker", self.address, "--nworkers", "1", "--nthreads", "1", "--no-nanny",
                              "--host", "127.0.0.1", "--no-dashboard", *extra], "worker")
        deadline = time.monotonic() + 120
        while len(self.workers()) <= count:
            assert worker.poll() is None and time.monotonic() < deadline, "the dask worker did not start"
            time.sleep(0.5)
        return worker

    def workers(self) -> dict[str, dict]:
        """The scheduler's workers by address."""
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            return client.scheduler_info()["workers"]

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        started.add_worker()
        started.add_worker()
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def hand_ins(tmp_path_factory) -> Path:
    """A submissions folder holding the HAND_INS of hw3."""
    folder = tmp_path_factory.mktemp("hand_ins")
    for student in HAND_INS:
        shutil.copytree(DEMO_SUBMISSIONS / student / ASSIGNMENT, folder / student / ASSIGNMENT)
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory, hand_ins):
    """The HAND_INS graded here at -j 2; its report folder and run."""
    out = tmp_path_factory.mktemp("local")
    return out, grade(submissions=hand_ins, assignment=ASSIGNMENT, jobs=2, out=out, progress=False)


def cluster_out(tmp_path: Path, reference) -> Path:
    """A fresh report folder holding the local run's reference curves (sent to the workers: none retrains them)."""
    shutil.copytree(reference[0] / ".cache" / "references", tmp_path / "out" / ".cache" / "references")
    return tmp_path / "out"


@pytest.mark.slow
def test_is_the_gradebook_from_the_cluster_the_one_j2_writes_here(cluster, reference, hand_ins, tmp_path):
    """The same rows, scores and columns, byte for byte."""
    out = cluster_out(tmp_path, reference)
    run = grade(submissions=hand_ins, assignment=ASSIGNMENT, cluster=cluster.address, out=out, progress=False)
    assert (out / "gradebook.csv").read_bytes() == (reference[0] / "gradebook.csv").read_bytes()
    assert scores(run) == scores(reference[1])


@pytest.mark.slow
def test_does_killing_a_worker_mid_run_lose_no_row(cluster, reference, hand_ins, tmp_path):
    """A worker killed (SIGKILL) while it grades: its submission is graded by the other, every score as here."""
    from distributed import Client

    out = cluster_out(tmp_path, reference)
    finished: dict = {}
    thread = threading.Thread(target=lambda: finished.update(run=grade(
        submissions=hand_ins, assignment=ASSIGNMENT, cluster=cluster.address, out=out, progress=False)))
    thread.start()
    with Client(cluster.address, timeout=30) as client:
        deadline = time.monotonic() + 120
        while not (busy := [a for a, keys in client.processing().items() if keys]):
            assert time.monotonic() < deadline and thread.is_alive(), "no worker took a submission"
            time.sleep(0.2)
        time.sleep(3)  # inside the sandbox by now
        victim = client.run(os.getpid, workers=busy[:1])[busy[0]]
    worker = next(p for p in cluster.processes if p.pid == victim)
    worker.kill()
    worker.wait()
    thread.join(timeout=600)
    assert scores(finished["run"]) == scores(reference[1])
    assert (out / "gradebook.csv").read_bytes() == (reference[0] / "gradebook.csv").read_bytes()


@pytest.mark.slow
def test_is_a_worker_with_another_torch_refused_in_one_line(cluster, tmp_path, capsys):
    """A worker whose torch differs from this machine's stops the run before grading, naming the worker and both versions."""
    preload = tmp_path / "other_torch.py"
    preload.write_text("import torch\ntorch.__version__ = '0.0-other'\n")
    cluster.add_worker("--preload", str(preload))
    status = cli(["grade", "--assignment", ASSIGNMENT, "--cluster", cluster.address, "--out", str(tmp_path / "out"),
                  "-q"])
    error = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(error) == 1, error
    assert "the Dask worker tcp://127.0.0.1:" in error[0] and "torch 0.0-other" in error[0]
    assert not (tmp_path / "out" / "gradebook.csv").exists()


@pytest.mark.slow
def test_does_an_unreachable_scheduler_stop_the_run_with_what_to_do(tmp_path, monkeypatch):
    """No scheduler at the address: one sentence naming it and the ways to get one."""
    monkeypatch.setattr("autograder.runner.cluster._CONNECT_SECONDS", 2)
    with pytest.raises(GradingError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9 .*local:N"):
        grade(assignment=ASSIGNMENT, cluster="tcp://127.0.0.1:9", out=tmp_path / "out", progress=False)


def test_does_a_hand_in_reach_the_worker_as_the_sandbox_would_copy_it(tmp_path):
    """Names that are not UTF-8, a link, a pipe and a file over the limit: the worker's copy stages as the original
    does, notes included, and has the same cache key (nothing of the client's paths travels)."""
    folder = tmp_path / "class" / "caf\udce9" / "hw3"
    (folder / "data").mkdir(parents=True)
    (folder / "hw3.ipynb").write_bytes(b'{"cells": []}')
    (folder / "data" / "x.bin").write_bytes(bytes(range(256)))
    with open(os.path.join(os.fsencode(folder), b"notes-\xff.txt"), "wb") as file:
        file.write(b"n")
    (folder / "solutions").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pipe")
    with open(folder / "big.bin", "wb") as file:
        file.truncate(3 << 20)
    submission = Submission("caf\udce9", "hw3", folder, folder / "hw3.ipynb", notebooks=("hw3.ipynb",))
    limit = 1 << 20
    (tmp_path / "worker").mkdir()
    there = pickle.loads(pickle.dumps(Parcel.pack(submission, limit))).unpack(tmp_path / "worker")
    assert there.student == submission.student and there.notebook == there.folder / "hw3.ipynb"
    copies = []
    for handed_in in (submission.folder, there.folder):
        into = tmp_path / f"staged-{len(copies)}"
        into.mkdir()
        copies.append((stage(handed_in, into, file_limit=limit), sorted(
            (str(p.relative_to(into)), p.is_symlink(), p.read_bytes() if p.is_file() and not p.is_symlink() else b"")
            for p in into.rglob("*"))))
    assert copies[0] == copies[1] and any("big.bin" in note for note in copies[0][0])
    assert Cache.key(there, "code", file_limit=limit) == Cache.key(submission, "code", file_limit=limit)


@pytest.mark.slow
def test_does_a_worker_grade_in_the_language_of_the_run(tmp_path, monkeypatch):
    """The run's language reaches the worker as an argument (a worker process has neither the client's
    ``use_language`` nor, on another machine, its environment): fay's hand-in (not JSON) graded in Korean on a
    local worker has the pipeline's Korean messages, and none of their English."""
    monkeypatch.delenv("KIT_LANG", raising=False)
    fake = Path(__file__).resolve().parents[1] / "support" / "files" / "fake_class"
    shutil.copytree(fake / "submissions" / "fay", tmp_path / "class" / "fay")
    run = grade(submissions=tmp_path / "class", out=tmp_path / "out", tasks_module=str(fake / "tasks.py"),
                solutions=fake / "solutions", cluster="local:1", progress=False, language="ko")
    messages = [check.message for task in run.records[0].tasks for check in task.checks]
    assert messages and all("노트북을 실행할 수 없었습니다" in message for message in messages), messages
    assert not any("could not be run" in message for message in messages)
