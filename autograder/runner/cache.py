"""Re-runs skip a submission whose hand-in and grading code are unchanged: every key is a hash of content.

A submission's key hashes its hand-in (each file's path below the hand-in folder and its bytes, a
link's target, a folder's name) and the grading fingerprint (the sources of ``autograder/`` and
``d2lmini/`` and the message catalogues by their paths inside the package, the assignment's solutions
notebook, the task module, the limits, the language of the run, the Python and torch versions): a record
keeps its messages as they were written, so a Korean run never reuses an English record. Never a
modification time or an absolute path: caches graded on several machines merge, and a class copied
elsewhere (``cp -r``, rsync, another checkout) is not graded again. The hand-in is read as ``handin.py``
reads it: walked with ``lstat`` alone, within bounds, every file opened without following a link at its place.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import platform
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from autograder.runner.graded import Graded
from autograder.runner.discover import Submission
from autograder.runner.handin import Entry, walk
from autograder.runner.limits import Limits

__all__ = ["source_fingerprint", "grading_fingerprint", "file_blocks", "Cached", "Cache"]

_AUTOGRADER = Path(__file__).resolve().parents[1]
_SOURCES = (".py", ".po")
"""What grading code is made of: Python, and the message catalogues (``autograder/locale/<lang>/LC_MESSAGES``)
that write its sentences."""
_LAST_RUN = "last-run.json"
"""The cache's list of the submissions its folder's last run graded (what ``merge`` takes from it)."""


def source_fingerprint(tasks_file: Path | None) -> str:
    """A hash of the grading code: the autograder's and d2lmini's sources, the message catalogues and the task
    module's file, each by its path inside its package and its bytes."""
    digest = hashlib.sha256()
    roots = [_AUTOGRADER]
    spec = importlib.util.find_spec("d2lmini")
    if spec is not None and spec.origin:
        roots.append(Path(spec.origin).resolve().parent)
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in _SOURCES and "__pycache__" not in p.parts):
            _add(digest, f"{root.name}/{path.relative_to(root).as_posix()}", path.read_bytes())
    if tasks_file is not None and not any(tasks_file.resolve().is_relative_to(root) for root in roots):
        _add(digest, f"tasks/{tasks_file.name}", tasks_file.read_bytes())
    return digest.hexdigest()


def grading_fingerprint(*, assignment: str, solutions: Path, tasks_file: Path | None, limits: Limits,
                        language: str = "en") -> str:
    """A hash of everything that decides a grade or its messages but the hand-in: :func:`source_fingerprint`,
    the assignment's solutions notebook, the limits, the language of the run and the Python and torch versions."""
    import torch

    digest = hashlib.sha256(source_fingerprint(tasks_file).encode())
    folder = solutions / assignment
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        _add(digest, f"solutions/{assignment}/{path.name}", path.read_bytes())
    _add(digest, "versions", f"{limits!r} {platform.python_version()} {torch.__version__}".encode())
    _add(digest, "language", language.encode())
    return digest.hexdigest()


def file_blocks(path: str | Path, limit: int) -> Iterator[bytes]:
    """The bytes of the regular file at ``path``, in blocks, at most ``limit`` of them; opened without following
    a link at its place and without blocking on a pipe. Raises OSError when it is not a readable regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since it was listed
            raise OSError(f"{os.fsdecode(path)} is not a regular file")
        left = limit
        while left > 0 and (block := os.read(fd, min(left, 1 << 20))):
            left -= len(block)
            yield block
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Cached:
    """One record in the cache, with what it was graded under."""

    key: str
    """The submission's key when it was graded (hand-in and grading fingerprint)."""
    fingerprint: str
    """The grading fingerprint of its assignment then; "" in caches of older versions."""
    record: Graded
    language: str = "en"
    """The language its messages were written in (English in caches of older versions)."""


class Cache:
    """Graded records of earlier runs, under ``<out>/.cache/<assignment>/<student>.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(submission: Submission, fingerprint: str, *, file_limit: int = Limits().file_mb << 20) -> str:
        """The hash that must match for a cached record to be reused: the grading fingerprint, what discovery
        found, and the hand-in's content (files over ``file_limit`` bytes, which the sandbox leaves out, by size)."""
        digest = hashlib.sha256(fingerprint.encode())
        chosen = submission.notebook.name if submission.notebook is not None else ""
        _add(digest, "discovered", f"{chosen}\0{submission.problem}\0{submission.timestamp}".encode(
            "utf-8", "surrogateescape"))
        if not submission.folder.is_symlink():  # a linked folder is never read (discover says why)
            entries, skipped = walk(submission.folder)
            for entry in entries:
                _add_entry(digest, submission.folder, entry, file_limit)
            _add(digest, "skipped", "\0".join(skipped).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _path(self, assignment: str, student: str) -> Path:
        return self.folder / assignment / f"{student}.json"

    def _read(self, path: Path) -> Cached | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Cached(data["key"], data.get("fingerprint", ""), Graded.from_json(data["record"]),
                          data.get("language", "en"))
        except (OSError, ValueError, KeyError, TypeError):  # absent, or written by another version
            return None

    def load(self, submission: Submission, key: str) -> Graded | None:
        """The cached record for this submission if its key matches; None otherwise."""
        cached = self._read(self._path(submission.assignment, submission.student))
        return cached.record if cached is not None and cached.key == key else None

    def save(self, submission: Submission, key: str, record: Graded, *, fingerprint: str = "",
             language: str = "en") -> None:
        """Store the record, graded in ``language``, under its key (atomically)."""
        self.store(Cached(key, fingerprint, record, language))

    def store(self, cached: Cached) -> None:
        """Store one cached record (atomically), as :meth:`save` does."""
        path = self._path(cached.record.assignment, cached.record.student)
        _write(path, {"key": cached.key, "fingerprint": cached.fingerprint, "language": cached.language,
                      "record": cached.record.to_json()})

    def remember(self, records: list[Graded]) -> None:
        """Note which submissions the last run graded (a report folder's records, for ``merge``)."""
        _write(self.folder / _LAST_RUN, [[r.assignment, r.student] for r in records])

    def last_run(self) -> tuple[list[Cached], list[str]]:
        """The records of the last run that graded into this cache, in its order, and the "student/assignment"
        names it graded without keeping a record (the grader failed on them); every record the cache holds
        when no run noted its submissions."""
        try:
            graded = json.loads((self.folder / _LAST_RUN).read_text(encoding="utf-8"))
            names = [(assignment, student) for assignment, student in graded]
        except (OSError, ValueError, TypeError):
            names = [(p.parent.name, p.stem) for p in sorted(self.folder.glob("*/*.json"))
                     if p.parent.name != "references"]
        found, missing = [], []
        for assignment, student in names:
            cached = self._read(self._path(assignment, student))
            if cached is None:
                missing.append(f"{student}/{assignment}")
            else:
                found.append(cached)
        return found, missing

def _add(digest: "hashlib._Hash", name: str, data: bytes) -> None:
    """One named part, length-prefixed so that no two sequences of parts hash alike."""
    label = name.encode("utf-8", "surrogateescape")
    digest.update(f"{len(label)}:".encode() + label + f"{len(data)}:".encode())
    digest.update(data)


def _add_entry(digest: "hashlib._Hash", folder: Path, entry: Entry, file_limit: int) -> None:
    """One thing of a hand-in: its relative path and kind, and a file's bytes or a link's target."""
    mode, path = entry.info.st_mode, os.path.join(folder, entry.relative)
    name = f"{stat.S_IFMT(mode):o} {entry.relative}"
    if stat.S_ISLNK(mode):
        try:
            _add(digest, name, os.fsencode(os.readlink(path)))
        except OSError:
            _add(digest, name, b"unreadable link")
    elif stat.S_ISREG(mode) and entry.info.st_size <= file_limit:
        inner = hashlib.sha256()
        try:
            for block in file_blocks(path, file_limit + 1):
                inner.update(block)
            _add(digest, name, inner.digest())
        except OSError:
            _add(digest, name, b"unreadable")
    elif stat.S_ISREG(mode):
        _add(digest, name, f"{entry.info.st_size} bytes, over the limit".encode())
    else:
        _add(digest, name, b"")


def _write(path: Path, value: object) -> None:
    """``value`` as JSON at ``path``, atomically (a reader sees the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value), encoding="utf-8")
    os.replace(partial, path)
