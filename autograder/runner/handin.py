"""A hand-in's folder, read as hostile input: walked without following links, within bounds, copied for the sandbox.

Everything under a hand-in is the student's: names need not be UTF-8, links may point
anywhere, a named pipe would block whoever opens it, a folder chain may be thousands deep.
:func:`walk` lists it with ``lstat`` alone, iteratively and within :data:`MAX_DEPTH` and
:data:`MAX_ENTRIES`; :func:`stage` copies what may be copied into a folder of the grader's,
opening every file with ``O_NOFOLLOW``, and says what it left out and why.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from autograder.core.i18n import _

__all__ = ["Entry", "walk", "stage", "MAX_DEPTH", "MAX_ENTRIES"]

MAX_DEPTH = 16
"""Folder levels below the hand-in that are looked at."""
MAX_ENTRIES = 2000
"""Files, folders and links looked at, in all."""


@dataclass(frozen=True)
class Entry:
    """One thing under a hand-in folder."""

    relative: str
    """Its path below the hand-in folder, as the file system gives it (may hold undecodable bytes)."""
    info: os.stat_result
    """Its ``lstat``: a link is a link."""


def walk(folder: Path) -> tuple[list[Entry], list[str]]:
    """Every entry under ``folder`` (sorted, parents first) and why some were not looked at."""
    entries: list[Entry] = []
    skipped: list[str] = []
    stack = [("", 0)]
    while stack:
        relative, depth = stack.pop()
        try:
            names = sorted(os.listdir(os.path.join(folder, relative) if relative else folder))
        except OSError:
            skipped.append(_("{path} (not readable)").format(path=_shown(relative)))
            continue
        for name in names:
            path = os.path.join(relative, name) if relative else name
            if len(entries) >= MAX_ENTRIES:
                skipped.append(_("everything past the first {count} files and folders").format(count=MAX_ENTRIES))
                return entries, skipped
            try:
                info = os.lstat(os.path.join(folder, path))
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and depth + 1 > MAX_DEPTH:
                skipped.append(_("{path} (folders nested over {depth} deep)").format(path=_shown(path),
                                                                                     depth=MAX_DEPTH))
                continue
            entries.append(Entry(path, info))
            if stat.S_ISDIR(info.st_mode):
                stack.append((path, depth + 1))
    entries.sort(key=lambda e: e.relative)
    return entries, skipped


def stage(folder: Path, into: Path, *, file_limit: int) -> list[str]:
    """Copy ``folder`` into the existing empty folder ``into`` (readable by the sandbox user, writable by us
    alone): files up to ``file_limit`` bytes, folders, and links as links; what was left out, as phrases."""
    entries, left_out = walk(folder)
    for entry in entries:
        source, target = os.path.join(folder, entry.relative), os.path.join(into, entry.relative)
        mode = entry.info.st_mode
        if stat.S_ISDIR(mode):
            os.mkdir(target, 0o755)
        elif stat.S_ISLNK(mode):
            try:
                os.symlink(os.readlink(source), target)
            except OSError:
                left_out.append(_("{path} (a link that could not be read)").format(path=_shown(entry.relative)))
        elif not stat.S_ISREG(mode):
            left_out.append(_("{path} (not a regular file)").format(path=_shown(entry.relative)))
        elif entry.info.st_size > file_limit:
            left_out.append(_("{path} (larger than {mb} MB)").format(path=_shown(entry.relative), mb=file_limit >> 20))
        elif not _copy(source, target, file_limit):
            left_out.append(_("{path} (could not be read)").format(path=_shown(entry.relative)))
    return left_out


def _copy(source: str, target: str, limit: int) -> bool:
    """Copy one regular file without following a link at its place; False when it cannot be read."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the walk
            return False
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644), "wb") as out:
            copied = 0
            while copied <= limit and (block := os.read(fd, 1 << 20)):
                out.write(block)
                copied += len(block)
        return copied <= limit
    except OSError:
        return False
    finally:
        os.close(fd)


def _shown(relative: str) -> str:
    """A path below the hand-in as printable text (undecodable bytes shown as U+FFFD)."""
    return os.fsencode(relative).decode("utf-8", "replace")
