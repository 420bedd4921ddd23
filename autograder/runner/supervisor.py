"""Run one submission's worker under its limits, then kill every process it left behind.

Run as a script (``python supervisor.py SPEC``), not with -m, so that it starts in
milliseconds on the standard library alone. SPEC is a JSON object: ``command``, ``cwd``,
``env``, ``seconds`` (wall time), ``memory_mb``, ``file_mb``, ``processes`` (or null:
RLIMIT_NPROC counts every process of a user, so it is set only for a dedicated sandbox user;
the command itself switches to that user, with setpriv), ``record`` (the record file, which
the worker gets as an open descriptor, ``--record-fd N``: see ``channel.py``), and ``hide``
and ``private`` (folders;
both empty unless the grader is root, see :func:`_isolate`). It prints one JSON object on stdout:
``returncode`` (negative: killed by that signal), ``timed_out``, ``seconds``,
``leftovers`` (processes killed after the worker ended), ``printed`` (bytes the worker
wrote to stdout and stderr) and ``output`` (the last 64 KB of them).

The supervisor is a child subreaper (Linux): a process the worker daemonizes, even
through setsid(), is re-parented to the supervisor when its parent ends, so it is found
and killed here rather than outliving the run.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_TAIL_BYTES = 64 * 1024
_CLONE_NEWNS = 0x00020000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18


def main(argv: list[str]) -> int:
    """Run the worker described by argv[1]; print its status as JSON; return 0."""
    spec = json.loads(argv[1])
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)  # the grader died: clean up (see terminate below)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    start = time.monotonic()
    record = os.open(spec["record"], os.O_WRONLY | os.O_APPEND)
    worker = subprocess.Popen(
        spec["command"] + ["--record-fd", str(record)], cwd=spec["cwd"], env=spec["env"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        close_fds=True, pass_fds=(record,), preexec_fn=lambda: _limit(spec))
    os.close(record)

    def terminate(signum: int, frame: object) -> None:
        """The grader's own time limit ran out, or the grader died: clean up before going."""
        _kill_all(worker.pid)
        sys.exit(1)

    signal.signal(signal.SIGTERM, terminate)
    chunks: list[bytes] = []
    printed = [0]
    reader = threading.Thread(target=_keep_tail, args=(worker.stdout, chunks, printed), daemon=True)
    reader.start()
    timed_out = False
    try:
        worker.wait(timeout=spec["seconds"])
    except subprocess.TimeoutExpired:
        timed_out = True
    leftovers = _kill_all(worker.pid)
    worker.wait()
    reader.join(timeout=5)
    print(json.dumps({
        "returncode": worker.returncode, "timed_out": timed_out,
        "seconds": round(time.monotonic() - start, 3), "leftovers": leftovers,
        "printed": printed[0], "output": b"".join(chunks)[-_TAIL_BYTES:].decode("utf-8", "replace"),
    }))
    return 0


def _prctl(option: int, value: int) -> None:
    """prctl(2) where Linux has it; elsewhere nothing (then only the process group is killed)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _limit(spec: dict) -> None:
    """In the worker before it starts: its own view of the files, resource limits (inherited by all it
    starts), die with the supervisor."""
    if spec["hide"] or spec["private"]:
        _isolate(spec["hide"], spec["private"], spec["cwd"])
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # setpriv's change of user clears it; then killpg still holds
    memory = spec["memory_mb"] << 20
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    size = spec["file_mb"] << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if spec["processes"] is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (spec["processes"], spec["processes"]))


def _isolate(hide: list[str], private: list[str], cwd: str) -> None:
    """Give the worker a mount namespace of its own (as root, before it switches user).

    Each ``private`` folder (/tmp, /dev/shm) becomes a fresh empty one, so nothing written
    there outlives the run or reaches another student; then each ``hide`` folder (the
    solutions, the other submissions, the reports, the repository's tests and history, none
    inside another) an empty read-only one, so writing there fails as read-only everywhere. The scratch folder ``cwd`` stays where it was, bound back in when a private
    folder covers it. Raises OSError when the kernel refuses (no CAP_SYS_ADMIN).
    """
    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source: str, target: str, kind: str | None, flags: int, options: str | None) -> None:
        if libc.mount(source.encode(), target.encode(), kind.encode() if kind else None, flags,
                      options.encode() if options else None) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"mount {target}: {os.strerror(error)}")

    if libc.unshare(_CLONE_NEWNS) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"unshare: {os.strerror(error)}")
    mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)  # nothing below propagates back out
    for folder in private:
        mount("tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=512m,mode=1777")
        if cwd.startswith(folder.rstrip("/") + "/"):
            os.makedirs(cwd, mode=0o700, exist_ok=True)
            mount(".", cwd, None, _MS_BIND, None)  # "." is still the scratch folder (chdir came first)
            os.chdir(cwd)
    for folder in hide:  # the same empty read-only folder whether or not a private one covers it
        os.makedirs(folder, mode=0o555, exist_ok=True)
        mount("tmpfs", folder, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "size=4k,mode=0555")


def _keep_tail(stream, chunks: list[bytes], printed: list[int]) -> None:
    """Read the worker's output to the end, keeping only the last part and counting all of it."""
    kept = 0
    while block := stream.read1(65536):
        chunks.append(block)
        kept += len(block)
        printed[0] += len(block)
        while kept - len(chunks[0]) >= _TAIL_BYTES:
            kept -= len(chunks.pop(0))


def _kill_all(group: int) -> int:
    """Kill the worker's process group, then every process re-parented to us; how many of the latter."""
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    killed = 0
    for _ in range(200):  # a fork bomb may need a few rounds; bounded so we always finish
        children = [pid for pid in _children() if pid != group]
        if not children:
            break
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        _reap(children)
        time.sleep(0.01)
    return killed


def _children() -> list[int]:
    """Live (not zombie) processes whose parent is this process, from /proc."""
    me, found = os.getpid(), []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me and fields[0] != b"Z":
            found.append(int(entry))
    return found


def _reap(pids: list[int]) -> None:
    """Collect the exit status of killed children so they leave no zombies."""
    for pid in pids:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


if __name__ == "__main__":
    sys.exit(main(sys.argv))
