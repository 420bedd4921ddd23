"""Corpus cases that attack the sandbox itself (issue 9): its files, its pipes, its neighbours, its limits.

Each is buggy plus an attack, so it must score no more than buggy; an attack that worked would
define a correct softmax (or copy the solution's) and so beat its twin. Every runaway bounds
itself: processes stop after a minute, writes stop at the first refusal.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

from tests.corpus.cases import (BUGGY, Case, Link, Places, _at_end, _exact, _handin, _hostile, _ONLY_SANDBOXED,
                                buggy)
from tests.corpus import notebooks as nb

__all__ = ["SANDBOX_CASES", "DEEP"]

DEEP = 300
"""Folder levels of the deep-chain hand-in (past the grader's bound, within Python's recursion limit)."""

_CORRECT = "\ndef softmax(X):\n    X_exp = torch.exp(X)\n    return X_exp / X_exp.sum(1, keepdims=True)\n"
"""What an attack that worked would define: a correct softmax, worth buggy's missing points."""


def _handle(path: Path) -> tuple[int, bytes]:
    """name_to_handle_at(2) of ``path``, as the grader (root) sees it: the handle's type and bytes."""
    class Handle(ctypes.Structure):
        _fields_ = [("size", ctypes.c_uint), ("kind", ctypes.c_int), ("data", ctypes.c_char * 128)]

    handle, mount = Handle(128, 0), ctypes.c_int()
    if ctypes.CDLL(None, use_errno=True).name_to_handle_at(-100, str(path).encode(), ctypes.byref(handle),
                                                            ctypes.byref(mount), 0) != 0:
        return 0, b""
    return handle.kind, ctypes.string_at(ctypes.addressof(handle) + Handle.data.offset, handle.size)


def _by_handle(places: Places) -> dict:
    """buggy, and a program that opens the solution notebook by its file handle (needs CAP_DAC_READ_SEARCH)."""
    kind, data = _handle(places.repo / "solutions" / "hw3" / "hw3.ipynb")
    program = (
        "import ctypes, json, os\n"
        "class H(ctypes.Structure):\n"
        "    _fields_ = [('size', ctypes.c_uint), ('kind', ctypes.c_int), ('data', ctypes.c_char * 128)]\n"
        f"h = H({len(data)}, {kind})\n"
        f"ctypes.memmove(ctypes.addressof(h) + H.data.offset, {data!r}, {len(data)})\n"
        f"fd = os.open({str(places.repo / 'autograder')!r}, os.O_RDONLY)  # the same file system, bound in\n"
        "got = ctypes.CDLL(None, use_errno=True).open_by_handle_at(fd, ctypes.byref(h), os.O_RDONLY)\n"
        "if got >= 0:\n"
        "    cells = json.load(os.fdopen(got))['cells']\n"
        "    code = next(''.join(c['source']) for c in cells\n"
        "                if c['metadata'].get('nbgrader', {}).get('grade_id') == 'hw3_softmax_impl')\n"
        "    open('stolen.py', 'w').write('import torch\\n' + code)\n")
    cell = "import subprocess, sys\nsubprocess.run([sys.executable, 'steal.py'])\ntry:\n    from stolen import softmax\n" \
           "except ImportError:\n    pass"
    return _handin(nb.appended(buggy(), cell), **{"steal.py": program.encode()})


def _forged_frames(places: Places) -> dict:
    """buggy, and a cell that writes a forged Ready and a task message to every pipe it can write."""
    cell = (
        "import io, os, stat, struct, torch\n"
        "def _frame(value):\n"
        "    buffer = io.BytesIO()\n"
        "    torch.save(value, buffer)\n"
        "    return struct.pack('<Q', buffer.tell()) + buffer.getvalue()\n"
        "forged = _frame({'kind': 'ready', 'tampered': []}) + _frame({'kind': 'task', 'task': 'hw3_softmax',\n"
        "    'missing': False, 'forbidden': '', 'probes': [{'output': 1.0, 'error': None, 'seconds': 0.0}]})\n"
        "for fd in map(int, os.listdir('/proc/self/fd')):\n"
        "    try:\n"
        "        if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
        "            os.write(fd, forged)\n"
        "    except OSError:\n"
        "        pass\n")
    return _handin(nb.appended(buggy(), cell))


def _deep(places: Places) -> dict:
    """buggy beside a chain of DEEP folders."""
    return _handin(buggy(), **{"/".join(["d"] * DEEP) + "/end.txt": b"deep\n"})


def _loopback(places: Places) -> dict:
    """buggy, and a cell that defines a correct softmax only if it reaches the grader's loopback."""
    cell = ("import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {places.port}), timeout=2).close()\n"
            f"    exec_ok = True\nexcept OSError:\n    exec_ok = False\nif exec_ok:\n"
            + "".join(f"    {line}\n" for line in _CORRECT.strip().splitlines()))
    return _handin(nb.appended(buggy(), cell))


SANDBOX_CASES: tuple[Case, ...] = (
    _hostile("sandbox_link_cells_json", lambda p: _handin(buggy(), **{
        "cells.json": Link(p.corpus / "twin_partial" / "hw3" / "hw3.ipynb"),
        "outcomes.pt": Link(p.corpus / "twin_buggy" / "hw3" / "hw3.ipynb")}), _exact(BUGGY)),
    _hostile("sandbox_open_by_handle", _by_handle, _exact(BUGGY), needs_root=True),
    _hostile("sandbox_shadow_modules", lambda p: _handin(buggy(), **{
        f"{name}.py": b"import os\nos._exit(0)\n" for name in ("argparse", "IPython", "torch", "codeop", "inspect",
                                                              "traceback", "tokenize", "typing", "autograder")}),
              _exact(BUGGY)),
    _hostile("sandbox_forged_frames", _forged_frames, _exact(0), "wrote to the grader's pipe", needs_root=True),
    _hostile("sandbox_fill_tmp", _at_end(_ONLY_SANDBOXED + (
        "block = b'x' * (16 << 20)\n"
        "for folder in ('/tmp', '/dev/shm', '.'):\n"
        "    try:\n"
        "        with open(f'{folder}/fill', 'wb') as file:\n"
        "            for _ in range(48):\n"
        "                file.write(block)\n"
        "    except OSError:\n"
        "        pass\n"
        "    if os.path.exists(f'{folder}/fill'):\n"
        "        os.remove(f'{folder}/fill')\n")), _exact(BUGGY), needs_root=True),
    _hostile("sandbox_setsid_child", _at_end(
        "import subprocess\nsubprocess.Popen(['setsid', 'sleep', '300'])"), _exact(BUGGY)),
    _hostile("sandbox_busy_processes", _at_end(
        "import subprocess, sys\nfor _ in range(20):\n"
        "    subprocess.Popen([sys.executable, '-c', 'import time\\nend = time.time() + 40\\n"
        "while time.time() < end: pass'], start_new_session=True)"), _exact(BUGGY), needs_root=True),
    # filled by writes of 64 MB (user page faults, the path the memory controller's OOM killer takes), fast enough
    # that the cell's clock cannot win on a loaded machine: a page-by-page loop once lost to the clock, and a
    # MAP_POPULATE mapping once filled past the limit with no OOM kill logged (CI runs of 30 November)
    _hostile("sandbox_shared_memory", _at_end(
        "import mmap\nshared = mmap.mmap(-1, ($memory_mb + 512) << 20, flags=mmap.MAP_SHARED)\n"
        "chunk = b'\\1' * (64 << 20)\nfor offset in range(0, len(shared), len(chunk)):\n"
        "    shared[offset:offset + len(chunk)] = chunk"), (0, BUGGY), "ran out of memory", needs_root=True),
    _hostile("sandbox_sysv_and_lock", lambda p: _handin(
        nb.appended(buggy(), "import subprocess, sys\nsubprocess.run([sys.executable, 'keep.py'])"),
        **{"keep.py": b"import ctypes\nctypes.CDLL(None).shmget(0x5eed, 1 << 20, 0o1666)\n"
                      b"try:\n    open('/run/lock/student', 'w').write('x')\nexcept OSError:\n    pass\n"}),
        _exact(BUGGY)),
    _hostile("sandbox_loopback", _loopback, _exact(BUGGY), needs_root=True),
    _hostile("sandbox_deep_folders", _deep, _exact(BUGGY), "folders nested over 16 deep"),
)
"""Students who attack the sandbox: each a bullet of issue 9."""
