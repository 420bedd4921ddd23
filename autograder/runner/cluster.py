"""``grade --cluster``: each submission's steps run on a worker of a ``dask.distributed`` cluster.

This process (the client) discovers the submissions, looks them up in its cache and keeps the
cache (the reports are written from the run it returns); a worker gets one submission at a time and runs the same
submission steps that ``-j N`` runs here (load → execute → judge → score), by calling the same
function, so each notebook runs in the worker machine's sandbox. The two share nothing but the
scheduler: a submission travels as a :class:`Parcel` (what discovery found, and the hand-in's
files read here as the sandbox would copy them), its record comes back as the result, and no path
of this machine is needed there (the kit's own folders are found under the worker's checkout).

- **Versions.** A worker whose grading code (``autograder/``, ``d2lmini/``, the tasks, the
  solutions), torch or Python differ from the client's would grade differently: the client asks
  every worker before the first submission, and each worker checks again before each one (for
  workers that join later), and the run stops with one sentence naming the worker and what differs.
- **Lost workers.** When a worker dies mid-run, the scheduler hands its submissions to another
  worker: no row is lost. A submission that kills three workers (``distributed.scheduler.allowed-failures``)
  becomes a zero row saying the grader failed on it.
- **Memory.** At most two submissions per worker thread are in flight, so the scheduler never holds
  the whole class's hand-ins.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import platform
import stat
import sys
import tempfile
import threading
import traceback
from concurrent.futures import CancelledError
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from autograder.core.i18n import _, use_language
from autograder.runner.graded import Graded
from autograder.runner.cache import file_blocks, source_fingerprint
from autograder.runner.course import REPO
from autograder.runner.discover import Submission
from autograder.runner.errors import GradingError
from autograder.runner.handin import walk
from autograder.runner.references import References
from autograder.tasks.registry import source_file

__all__ = ["grade_on_cluster", "check_address", "Parcel", "Versions", "versions_here"]

_LOCAL = "local:"
_IN_FLIGHT_PER_THREAD = 2
_STARTED = "autograder-started"
"""The Dask event topic on which a worker reports the key of the task it begins."""
_CONNECT_SECONDS = 30


def check_address(address: str) -> None:
    """Raise GradingError unless ``address`` names a scheduler, a scheduler file or ``local:N``."""
    if address.startswith(_LOCAL):
        count = address[len(_LOCAL):]
        if not count.isdigit() or int(count) < 1:
            raise GradingError(_("--cluster {address}: give local:N with N at least 1 (local:2 starts two worker "
                                 "processes on this machine)").format(address=address))
    elif not address.strip():
        raise GradingError(_("--cluster needs the Dask scheduler's address (tcp://host:8786), its scheduler file, "
                             "or local:N"))


@dataclass(frozen=True)
class Versions:
    """What must be the same on the client and on every worker for a worker's grades to be the client's."""

    code: str
    """:func:`~autograder.runner.cache.source_fingerprint` and the solutions notebooks."""
    torch: str
    python: str
    data: bool
    """Whether Fashion-MNIST is there (without it, every training check would fail)."""

    def differences(self, there: "Versions") -> list[str]:
        """What ``there`` (a worker's) has that this (the client's) has not, as phrases."""
        found = []
        if there.code != self.code:
            found.append(_("its autograder/, d2lmini/, task or solution files differ from this machine's"))
        if there.torch != self.torch:
            found.append(_("it has torch {there}, this machine {here}").format(there=there.torch, here=self.torch))
        if there.python != self.python:
            found.append(_("it has Python {there}, this machine {here}").format(there=there.python, here=self.python))
        if self.data and not there.data:
            found.append(_("it has no Fashion-MNIST (python -m d2lmini gets it)"))
        return found


def versions_here(tasks_module: str, solutions: Path) -> Versions:
    """This machine's :class:`Versions` for grading with ``tasks_module`` and ``solutions``."""
    import torch
    from d2lmini.datasets import DataNotFoundError, locate_fashion_mnist

    digest = hashlib.sha256(source_fingerprint(source_file(tasks_module)).encode())
    for path in sorted(solutions.glob("*/*.ipynb")):
        digest.update(f"{path.relative_to(solutions).as_posix()}\0".encode() + path.read_bytes())
    try:
        data = bool(locate_fashion_mnist(download=False))
    except DataNotFoundError:
        data = False
    return Versions(digest.hexdigest(), str(torch.__version__), platform.python_version(), data)


@dataclass(frozen=True)
class Parcel:
    """One submission on its way to a worker: what discovery found, and the hand-in's content."""

    submission: Submission
    folders: tuple[str, ...]
    """Folders below the hand-in, parents first (relative paths as the file system gives them)."""
    files: tuple[tuple[str, bytes], ...]
    """Regular files and their bytes."""
    large: tuple[tuple[str, int], ...]
    """Regular files over the sandbox's file limit and their sizes: the sandbox leaves them out and says so."""
    links: tuple[tuple[str, str], ...]
    """Links and their targets (copied as links, never followed)."""
    others: tuple[str, ...]
    """Named pipes, sockets, devices: the sandbox leaves them out and says so."""

    @classmethod
    def pack(cls, submission: Submission, file_limit: int) -> "Parcel":
        """Read the hand-in as ``handin.stage`` would copy it: lstat only, files opened without following links."""
        folders: list[str] = []
        files: list[tuple[str, bytes]] = []
        large: list[tuple[str, int]] = []
        links: list[tuple[str, str]] = []
        others: list[str] = []
        entries = [] if submission.folder.is_symlink() else walk(submission.folder)[0]
        for entry in entries:
            path, mode = os.path.join(submission.folder, entry.relative), entry.info.st_mode
            with contextlib.suppress(OSError):  # unreadable: the sandbox would leave it out too
                if stat.S_ISDIR(mode):
                    folders.append(entry.relative)
                elif stat.S_ISLNK(mode):
                    links.append((entry.relative, os.readlink(path)))
                elif not stat.S_ISREG(mode):
                    others.append(entry.relative)
                elif entry.info.st_size > file_limit:
                    large.append((entry.relative, entry.info.st_size))
                else:
                    files.append((entry.relative, b"".join(file_blocks(path, file_limit))))
        return cls(submission, tuple(folders), tuple(files), tuple(large), tuple(links), tuple(others))

    def unpack(self, into: Path) -> Submission:
        """Lay the hand-in out under ``into`` (an empty folder of the worker's); the submission, found there."""
        folder = into / self.submission.assignment
        folder.mkdir()
        for relative in self.folders:
            os.mkdir(os.path.join(folder, relative))
        for relative, content in self.files:
            with os.fdopen(os.open(os.path.join(folder, relative), os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                   | os.O_NOFOLLOW, 0o644), "wb") as file:
                file.write(content)
        for relative, size in self.large:  # sparse: as large as the original, taking no room
            with os.fdopen(os.open(os.path.join(folder, relative), os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                   | os.O_NOFOLLOW, 0o644), "wb") as file:
                file.truncate(size)
        for relative, target in self.links:
            os.symlink(target, os.path.join(folder, relative))
        for relative in self.others:
            os.mkfifo(os.path.join(folder, relative))
        notebook = self.submission.notebook
        return dataclasses.replace(self.submission, folder=folder,
                                   notebook=folder / notebook.name if notebook is not None else None)


@dataclass(frozen=True)
class _Job:
    """What every worker needs besides the parcel: how to grade, and what the client expects."""

    grade: Callable[..., Graded | str]
    """The pipeline's submission steps: ``grade(submission, options, references)``."""
    options: Any
    """The client's ``pipeline.Options``; its folders of the kit are rebased onto the worker's checkout."""
    fingerprints: dict[str, str]
    references: dict[str, bytes]
    """The client's cached reference curves, by file name, so that workers need not train them again."""
    versions: Versions
    repo: str
    """The client's checkout, to rebase the kit's folders from."""
    language: str = "en"
    """The language of the run: the worker writes every message in it (a worker's environment is not the client's)."""


@dataclass(frozen=True)
class _Refusal:
    """A worker that must not grade for this client, and why."""

    sentence: str


def grade_on_cluster(address: str, submissions: Sequence[Submission], *, grade: Callable[..., Graded | str],
                     options: Any, fingerprints: dict[str, str], references: Path,
                     started: Callable[[int], None]) -> Iterator[tuple[int, Graded | str]]:
    """Each submission's position and outcome (its record, or the grader's traceback) as a worker finishes it.

    Args:
        address: ``tcp://host:port``, a scheduler file (``.json``), or ``local:N``.
        submissions: what to grade (the cache already consulted).
        grade: the submission steps, ``grade(submission, options, references) -> Graded | str``.
        options: the run's ``pipeline.Options``.
        fingerprints: the grading fingerprint of each assignment.
        references: the client's folder of reference curves, sent along.
        started: called with a submission's position when a worker begins grading it (in Dask's thread).

    Raises:
        GradingError: the scheduler cannot be reached, or a worker's kit, torch or Python differ from ours.
    """
    if not submissions:
        return
    from dask.distributed import as_completed

    cached = {p.name: p.read_bytes() for p in sorted(references.glob("*.json"))} if references.is_dir() else {}
    job = _Job(grade, options, fingerprints, cached,
               versions_here(options.tasks_module, options.solutions), str(REPO), language=options.language)
    with _connected(address) as client:
        _check_workers(client, job)
        queue = iter(enumerate(submissions))
        running = as_completed()
        positions: dict[Any, int] = {}
        keys: dict[str, int] = {}

        def begun(event: tuple[float, Any]) -> None:  # others' tasks on a shared scheduler report here too
            if event[1] in keys:
                started(keys[event[1]])

        client.subscribe_topic(_STARTED, begun)

        def top_up() -> None:
            room = _IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
            while len(positions) < room and (item := next(queue, None)) is not None:
                parcel = Parcel.pack(item[1], options.limits.file_mb << 20)
                future = client.submit(_grade_there, parcel, job, pure=False, retries=2)
                positions[future] = keys[future.key] = item[0]
                running.add(future)

        top_up()
        for future in running:
            yield positions.pop(future), _outcome(future, address)
            top_up()


@contextlib.contextmanager
def _connected(address: str) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or of a local cluster started for ``local:N``; closed after."""
    try:
        from dask.distributed import Client
    except ImportError as error:
        raise GradingError(_("--cluster needs dask.distributed ({error}): pip install 'dask[distributed]'").format(
            error=error)) from None
    with contextlib.ExitStack() as stack:
        try:
            if address.startswith(_LOCAL):
                client = stack.enter_context(Client(_local_cluster(stack, int(address[len(_LOCAL):]))))
            elif address.endswith(".json") and Path(address).is_file():
                client = stack.enter_context(Client(scheduler_file=address, timeout=_CONNECT_SECONDS))
            else:
                client = stack.enter_context(Client(address, timeout=_CONNECT_SECONDS))
        except (OSError, TimeoutError, ValueError) as error:
            raise GradingError(_("cannot reach the Dask scheduler at {address} ({error}): start one with `dask "
                                 "scheduler`, give its tcp://host:port or scheduler file, or use --cluster local:N")
                               .format(address=address, error=f"{type(error).__name__}: {error}")) from None
        if not client.nthreads():
            print(_("autograder: no Dask worker has joined {address} yet; grading starts when one does").format(
                address=address), file=sys.stderr)
        yield client


def _local_cluster(stack: contextlib.ExitStack, workers: int) -> Any:
    """``workers`` single-threaded worker processes on this machine, stopped when ``stack`` closes."""
    import logging

    from dask.distributed import LocalCluster

    try:
        return stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address=None,
                                                silence_logs=logging.ERROR))
    except Exception as error:  # LocalCluster says only "Nanny failed to start"
        reason = f"{type(error).__name__}: {error}"
        raise GradingError(_("could not start {workers} local Dask worker(s) ({error}); from a Python script, call "
                             "grading under `if __name__ == \"__main__\":`, since each worker process imports the "
                             "script again").format(workers=workers, error=reason)) from None


def _check_workers(client: Any, job: _Job) -> None:
    """Refuse, with one sentence, a worker already there whose versions differ from this machine's."""
    try:
        answers = client.run(_refusal, job)
    except ImportError as error:
        raise GradingError(_cannot_import(error)) from None
    for refusal in answers.values():
        if refusal is not None:
            raise GradingError(refusal.sentence)


def _outcome(future: Any, address: str) -> Graded | str:
    """A finished task's record, or the traceback of why the grader could not grade it; raises GradingError
    when the cluster itself failed (every later submission would fail alike)."""
    try:
        result = future.result()
    except ImportError as error:
        raise GradingError(_cannot_import(error)) from None
    except (CancelledError, OSError) as error:
        raise GradingError(_("lost the Dask scheduler at {address} mid-run ({error}); what was graded is in the "
                             "cache: run the same command again to grade the rest").format(
            address=address, error=f"{type(error).__name__}: {error}")) from None
    except Exception as error:  # it took down too many workers (KilledWorker), or could not be run there
        return "".join(traceback.format_exception(type(error), error, error.__traceback__))
    if isinstance(result, _Refusal):
        raise GradingError(result.sentence)
    return result


def _cannot_import(error: ImportError) -> str:
    """The sentence for a worker that cannot import the kit."""
    return _("a Dask worker cannot import the kit ({error}): install it on every worker (pip install -e . in a "
             "checkout of the same version)").format(error=error)


# ----------------------------------------------------------------------------- on the worker


def _grade_there(parcel: Parcel, job: _Job) -> Graded | str | _Refusal:
    """On a worker: refuse if its versions differ; otherwise grade the parcel with the pipeline's steps, in the
    run's language."""
    refusal = _refusal(job)
    if refusal is not None:
        return refusal
    _say_started()
    options = dataclasses.replace(_options_here(job), language=job.language)
    with use_language(job.language):
        _prepare_data()
        with tempfile.TemporaryDirectory(prefix="autograder-parcel-") as scratch:
            submission = parcel.unpack(Path(scratch))
            return job.grade(submission, dataclasses.replace(options, submissions=Path(scratch)),
                             _references_here(job, options.out / "references"))


def _say_started() -> None:
    """Tell the client, for its progress line, that this worker begins the task it runs now."""
    from dask.distributed import get_worker

    worker = get_worker()
    worker.log_event(_STARTED, worker.get_current_task())


def _refusal(job: _Job, dask_worker: Any = None) -> _Refusal | None:
    """Why this worker (``dask_worker``, as ``client.run`` passes it; else the one running this task) must not
    grade for the client, in the run's language; None when its versions are the client's."""
    options = _options_here(job)
    with use_language(job.language):
        differences = job.versions.differences(_versions_of_this_worker(options.tasks_module, options.solutions))
        if not differences:
            return None
        if dask_worker is None:
            from dask.distributed import get_worker

            dask_worker = get_worker()
        return _Refusal(_("the Dask worker {name} cannot grade for this machine: {differences}. Install the same "
                          "kit, torch and Python on every worker, or stop that worker").format(
            name=dask_worker.address, differences="; ".join(differences)))


def _options_here(job: _Job) -> Any:
    """The client's options with the kit's folders found under this machine's checkout and a scratch folder
    of this worker's as ``out``."""
    options = job.options
    tasks = options.tasks_module
    if tasks.endswith(".py"):
        tasks = str(_rebased(Path(tasks), job.repo))
    return dataclasses.replace(options, tasks_module=tasks, solutions=_rebased(options.solutions, job.repo),
                               out=_scratch(), cluster=None, jobs=1, progress=False)


@lru_cache(maxsize=1)
def _scratch() -> Path:
    """This worker's own folder for what it keeps between submissions (the reference curves): one in the temp
    folder that only this user owns and can enter, or a new one when another user made that name first."""
    folder = Path(tempfile.gettempdir()) / f"autograder-worker-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return Path(tempfile.mkdtemp(prefix="autograder-worker-"))
    return folder


def _rebased(path: Path, repo: str) -> Path:
    """``path`` of the client's checkout ``repo`` as the same path in this machine's; other paths as they are."""
    return REPO / path.relative_to(repo) if path.is_relative_to(repo) else path


_REFERENCES: dict[tuple[str, ...], References] = {}
_REFERENCES_LOCK = threading.Lock()


def _references_here(job: _Job, folder: Path) -> References:
    """This worker's reference curves, seeded with the client's, kept for every submission it grades."""
    with _REFERENCES_LOCK:
        key = tuple(sorted(job.fingerprints.values()))
        if key not in _REFERENCES:
            folder.mkdir(mode=0o700, exist_ok=True)
            for name, content in job.references.items():
                target = folder / Path(name).name
                if not target.exists():
                    target.write_bytes(content)
            _REFERENCES[key] = References(folder, job.fingerprints)
        return _REFERENCES[key]


_versions_of_this_worker = lru_cache(maxsize=None)(versions_here)
"""A worker's versions, found once: what it imported is what it grades with."""


@lru_cache(maxsize=1)
def _prepare_data() -> None:
    """Decode Fashion-MNIST once on this worker, for its sandboxes to read (as ``-j N`` does on the client)."""
    from d2lmini.data import cache_fashion_mnist

    cache_fashion_mnist()
