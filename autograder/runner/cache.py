"""Re-runs skip a submission whose notebook and grading code are unchanged (content hashes)."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path

from autograder.runner.discover import Submission
from autograder.runner.limits import Limits
from autograder.report.record import Graded

__all__ = ["grading_fingerprint", "Cache"]

_AUTOGRADER = Path(__file__).resolve().parents[1]


def grading_fingerprint(*, assignment: str, solutions: Path, tasks_file: Path | None, limits: Limits) -> str:
    """A hash of everything that decides a grade but the notebook: the autograder's and d2lmini's
    sources, the assignment's solutions notebook, the task module, the limits and the versions."""
    import torch

    files = sorted(p for p in _AUTOGRADER.rglob("*.py") if "__pycache__" not in p.parts)
    spec = importlib.util.find_spec("d2lmini")
    if spec is not None and spec.origin:
        files += sorted(p for p in Path(spec.origin).parent.rglob("*.py") if "__pycache__" not in p.parts)
    folder = solutions / assignment
    files += sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    files += [tasks_file] if tasks_file is not None else []
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"{limits!r} {sys.version} {torch.__version__}".encode())
    return digest.hexdigest()


class Cache:
    """Graded records of earlier runs, under ``<out>/.cache/<assignment>/<student>.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(submission: Submission, fingerprint: str) -> str:
        """The hash that must match for a cached record to be reused."""
        digest = hashlib.sha256(fingerprint.encode())
        if submission.notebook is not None:
            digest.update(submission.notebook.read_bytes())
        digest.update(f"\0{submission.problem}\0{submission.timestamp}".encode())
        walk = [] if submission.folder.is_symlink() else os.walk(submission.folder)
        for root, folders, files in sorted(walk):  # what the notebook may read; links not followed
            for name in sorted(folders + files):
                path = Path(root, name)
                if path != submission.notebook:
                    info = path.lstat()
                    digest.update(f"\0{path.relative_to(submission.folder)}\0{info.st_mode}\0{info.st_size}"
                                  f"\0{info.st_mtime_ns}".encode())
        return digest.hexdigest()

    def _path(self, submission: Submission) -> Path:
        return self.folder / submission.assignment / f"{submission.student}.json"

    def load(self, submission: Submission, key: str) -> Graded | None:
        """The cached record for this submission if its key matches; None otherwise."""
        try:
            data = json.loads(self._path(submission).read_text(encoding="utf-8"))
            return Graded.from_json(data["record"]) if data.get("key") == key else None
        except (OSError, ValueError, KeyError, TypeError):  # absent, or written by another version
            return None

    def save(self, submission: Submission, key: str, record: Graded) -> None:
        """Store the record under its key (atomically)."""
        path = self._path(submission)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps({"key": key, "record": record.to_json()}), encoding="utf-8")
        os.replace(partial, path)
