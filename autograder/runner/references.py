"""Reference pictures for the feedback page, from each check's probe run on d2lmini's own object: the training
curves of d2lmini's model trained the way the task trains the student's (once per run, and kept in the output
folder's cache for later runs: the training does not depend on the run's seed), and the picture d2lmini draws
for the very inputs the student's code drew (once per submission: the inputs come from its seed)."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import d2lmini
from autograder.core.spec import Check, Task
from autograder.runner.graded import Pixels
from autograder.runner.outputs import history_of, image_of, pixels_of

__all__ = ["References"]


class References:
    """The reference history of each training check, computed at most once (threads wait for it), and the
    reference picture of a drawing check, for the calling thread's run seed."""

    def __init__(self, folder: Path, fingerprints: dict[str, str]) -> None:
        self.folder = folder
        self.fingerprints = fingerprints
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], list[dict[str, float | None]] | None] = {}

    def history(self, task: Task, check: Check) -> list[dict[str, float | None]] | None:
        """d2lmini's per-epoch metrics for ``check``'s probe run on ``d2lmini.<task.target>``; None if there is none."""
        key = (task.id, check.name)
        with self._lock:
            if key not in self._known:
                self._known[key] = self._load_or_train(task, check)
            return self._known[key]

    def image(self, task: Task, check: Check) -> Pixels | None:
        """The picture ``check``'s probe draws with ``d2lmini.<task.target>`` on this thread's run seed (the
        student's inputs); None if there is none."""
        with self._lock:  # the probe draws with pyplot, which is not thread-safe: one at a time
            image = image_of(_probe(task, check))
        return None if image is None else pixels_of(image)

    def _load_or_train(self, task: Task, check: Check) -> list[dict[str, float | None]] | None:
        """Read the history from the cache folder, or train the reference and store it."""
        fingerprint = self.fingerprints.get(task.assignment, "")[:16]
        path = self.folder / f"{task.id}-{task.checks.index(check)}-{fingerprint}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        history = history_of(_probe(task, check))
        if history is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(history), encoding="utf-8")
        return history


def _probe(task: Task, check: Check) -> object:
    """The check's probe output for ``d2lmini.<task.target>``; None when d2lmini has none or the probe failed."""
    reference = getattr(d2lmini, task.target, None)
    if reference is None:
        return None
    try:
        return check.probe(reference)
    except Exception:  # the reference picture is a courtesy: never fail grading for it
        return None
