"""The sandbox's parts that keep one submission away from the grader, the course and the others."""
from __future__ import annotations

import builtins
import errno
import resource
import sys
import threading
from pathlib import Path

import pytest
import torch

import autograder.tasks.training
from autograder.runner.course import REPO
from autograder.runner.guard import Guard
from autograder.runner.bubblewrap import HANDIN, HOME, Jail
from autograder.runner.handin import MAX_ENTRIES, stage, walk
from autograder.runner.identity import FIRST_UID, borrowed_uid
from autograder.runner.judging import tamper_note
from autograder.runner.worker import _cell_error
from autograder.tasks import tasks_for


@pytest.fixture
def guard():
    """A guard over the real libraries and hw3's checks; whatever a test changed is put back afterwards."""
    tasks = tasks_for("hw3")
    watch = Guard([*tasks, *(check for task in tasks for check in task.checks)])
    yield watch, tasks
    watch.restore()


def test_does_the_guard_see_nothing_when_nothing_changed(guard):
    """Importing a submodule adds a name to torch: an addition, not a change."""
    watch, _ = guard
    import torch.distributions  # noqa: F401  (adds torch.distributions if not there yet)
    torch.my_helper = 1
    try:
        assert watch.changed() == []
    finally:
        del torch.my_helper


@pytest.mark.parametrize("tamper, expected", [
    (lambda: setattr(torch, "allclose", lambda *a, **k: True), "torch.allclose"),
    (lambda: setattr(torch.testing, "assert_close", lambda *a, **k: None), "torch.testing.assert_close"),
    (lambda: setattr(builtins, "isinstance", lambda *a: True), "builtins.isinstance"),
    (lambda: delattr(builtins, "len"), "builtins.len"),
    (lambda: setattr(autograder.tasks.training, "_predict", lambda model, data: data.val.targets),
     "autograder.tasks.training._predict"),
    (lambda: setattr(autograder.tasks.training._predict, "__code__", (lambda model, data: None).__code__),
     "autograder.tasks.training._predict"),
    (lambda: setattr(torch.Tensor, "__eq__", lambda a, b: True), "torch.Tensor.__eq__"),
    (lambda: sys.modules.__setitem__("torch.testing", builtins), "sys.modules['torch.testing']"),
])
def test_does_the_guard_name_each_change_and_put_it_back(guard, tamper, expected):
    """Replacing, deleting or re-coding a watched name is reported by its dotted name, then undone."""
    watch, _ = guard
    originals = (torch.allclose, builtins.isinstance, builtins.len, autograder.tasks.training._predict.__code__,
                 torch.Tensor.__eq__, sys.modules["torch.testing"])
    tamper()
    assert expected in watch.changed()
    watch.restore()
    assert watch.changed() == []
    assert (torch.allclose, builtins.isinstance, builtins.len, autograder.tasks.training._predict.__code__,
            torch.Tensor.__eq__, sys.modules["torch.testing"]) == originals


def test_does_the_guard_watch_the_checks_themselves(guard):
    """A check's probe swapped through object.__setattr__ (checks are frozen) is caught and restored."""
    watch, tasks = guard
    check = tasks[0].checks[0]
    probe = check.probe
    object.__setattr__(check, "probe", lambda obj: "all good")
    assert any(name.endswith(".probe") and check.name in name for name in watch.changed())
    watch.restore()
    assert check.probe is probe


def test_does_the_tamper_note_say_what_changed_and_what_it_costs():
    """The note names up to five changes and says every task scored 0."""
    note = tamper_note([f"torch.f{i}" for i in range(7)])
    assert "your notebook changed torch.f0, torch.f1, torch.f2, torch.f3, torch.f4 and 2 more" in note
    assert "must not change torch, d2lmini, the autograder or Python's builtins, so every task scored 0" in note


def test_do_submissions_graded_at_once_get_different_users():
    """-j N: each running submission borrows its own uid; a finished one's uid is lent again."""
    seen, ready, release = [], threading.Barrier(3), threading.Event()

    def hold():
        with borrowed_uid() as uid:
            seen.append(uid)
            ready.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    ready.wait()
    release.set()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 2 and all(uid >= FIRST_UID for uid in seen)
    with borrowed_uid() as uid:
        assert uid == min(seen)


def test_is_the_sandbox_an_allow_list_of_read_only_folders():
    """Python, the kit and the data are bound read-only; solutions/, tests/ and .git never; tmpfs folders are sized."""
    jail = Jail(read_only=(sys.prefix, str(REPO / "autograder"), str(REPO / "d2lmini"), str(REPO / "autograder" / "tasks")),
                handin="/srv/stage/handin", home_mb=64, uid=FIRST_UID)
    words = jail.command()
    binds = {words[i + 2] for i, word in enumerate(words) if word == "--ro-bind"}
    assert {str(REPO / "autograder"), str(REPO / "d2lmini"), HANDIN, "/usr"} <= binds
    assert str(REPO / "autograder" / "tasks") not in binds  # inside one already bound
    assert not any(path.startswith(str(REPO / name)) for path in binds for name in ("solutions", "tests", ".git"))
    assert "--bind" not in words  # nothing of the host is writable
    for folder in ("/tmp", "/dev/shm", HOME):
        at = next(i for i, word in enumerate(words) if word == folder and words[i - 1] == "--tmpfs")
        assert words[at - 3:at - 1] == ["--size", str(64 << 20)]
    assert {"--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent", "--new-session"} <= set(words)
    assert words[words.index("setpriv"):][-5:] == ["--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all",
                                                   "--no-new-privs", "--"]


def test_is_a_hand_in_staged_without_following_links_pipes_or_endless_folders(tmp_path):
    """A link stays a link, a pipe and a huge file are left out and named, and so is a folder chain too deep."""
    import os

    source, into = tmp_path / "handin", tmp_path / "stage"
    source.mkdir()
    into.mkdir()
    (source / "hw3.ipynb").write_text("{}")
    (source / "big.bin").write_bytes(b"x" * 2048)
    os.mkfifo(source / "pipe")
    (source / "link").symlink_to("/etc/hostname")
    os.close(os.open(bytes(source / "caf") + b"\xe9.txt", os.O_CREAT | os.O_WRONLY))  # not UTF-8
    deep = source
    for _ in range(40):
        deep = deep / "d"
    deep.mkdir(parents=True)
    left_out = stage(source, into, file_limit=1024)
    assert (into / "hw3.ipynb").read_text() == "{}" and os.readlink(into / "link") == "/etc/hostname"
    assert not (into / "big.bin").exists() and not (into / "pipe").exists()
    assert "big.bin (larger than 0 MB)" in left_out and "pipe (not a regular file)" in left_out
    assert any("nested over" in phrase for phrase in left_out)
    assert os.path.exists(bytes(into / "caf") + b"\xe9.txt")
    entries, _ = walk(source)
    assert len(entries) <= MAX_ENTRIES


@pytest.mark.parametrize("error, expected", [
    (RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 9 bytes"),
     "cell [4] ran out of memory: it asked for more than the"),
    (MemoryError(), "cell [4] ran out of memory"),
    (BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable"),
     "cell [4] started more processes than the"),
    (PermissionError(errno.EACCES, "Permission denied", "/work/gradebook.csv"),
     "cell [4] tried to change or read /work/gradebook.csv, outside its folder, and was refused"),
    (OSError(errno.EROFS, "Read-only file system", "/srv/solutions/hw3.ipynb"),
     "cell [4] tried to change or read /srv/solutions/hw3.ipynb, outside its folder"),
    (PermissionError(errno.EPERM, "Operation not permitted"), "cell [4] raised PermissionError"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/srv/solutions/hw3.ipynb"),
     "cell [4] tried to change or read /srv/solutions/hw3.ipynb, outside its folder, where a graded notebook sees"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "data.csv"), "cell [4] raised FileNotFoundError"),
    (SystemExit(0), "cell [4] called sys.exit(); the grader went on with the next cell"),
])
def test_does_a_limit_or_a_refusal_read_as_a_sentence(error, expected):
    """What the sandbox refused is said in words, with the original error kept in brackets."""
    assert _cell_error(4, error, 60).startswith(expected)


def test_does_the_memory_sentence_quote_the_limit_in_force():
    """The limit quoted is the process's RLIMIT_DATA (set here far above what the test uses)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (100_000 << 20, hard))
    try:
        assert "more than the 100000 MB a graded notebook may use" in _cell_error(1, MemoryError(), 60)
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def test_is_a_file_in_the_scratch_folder_not_called_outside(tmp_path, monkeypatch):
    """A refusal inside the notebook's own folder keeps the plain error."""
    monkeypatch.chdir(tmp_path)
    error = PermissionError(errno.EACCES, "Permission denied", str(Path(tmp_path) / "mine.txt"))
    assert _cell_error(2, error, 60).startswith("cell [2] raised PermissionError")


def test_does_a_meta_tensor_reach_the_judge_as_itself():
    """A result on the meta device holds no values: it is passed on, so the judge names its device."""
    from autograder.core.compare import close
    from autograder.tasks._plain import plain

    got = plain(torch.ones(2, 3, device="meta"))
    assert got.is_meta
    assert "on device meta, expected cpu" in close(got, torch.ones(2, 3), what="softmax(X)").message
