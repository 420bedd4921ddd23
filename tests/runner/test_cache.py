"""Are cache keys made of content alone, so that caches from several machines merge and a copied class is not regraded?

A key hashes the hand-in's files (relative paths, bytes, link targets) and the grading fingerprint
(the kit's sources by their paths inside the package, the solutions notebook, limits, versions);
never a modification time or an absolute path. Hand-ins are hostile: names that are not UTF-8,
links, pipes and deep folder chains must neither be followed nor block.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import torch

import autograder.runner.cache as cache_module
from autograder.report.class_reports import grade_and_report as main
from autograder.runner.cache import Cache, grading_fingerprint, source_fingerprint
from autograder.runner.discover import Submission
from autograder.runner.handin import MAX_DEPTH
from autograder.runner.limits import Limits

FAKE = Path(__file__).resolve().parents[1] / "support" / "files" / "fake_class"
TASKS = str(FAKE / "tasks.py")


def handin(root: Path, files: dict[str, bytes]) -> Submission:
    """A submission al/hw3 holding ``files`` (relative path → bytes)."""
    folder = root / "al" / "hw3"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return Submission("al", "hw3", folder, folder / "hw3.ipynb")


def key(submission: Submission) -> str:
    return Cache.key(submission, "fingerprint")


def test_is_a_copy_elsewhere_with_new_modification_times_given_the_same_key(tmp_path):
    """cp -r to another absolute path (times not kept), then touched: the same key, so nothing is regraded."""
    original = handin(tmp_path / "a", {"hw3.ipynb": b"{}", "data/notes.txt": b"n", "timestamp.txt": b"t"})
    copied_folder = tmp_path / "b" / "elsewhere" / "al" / "hw3"
    shutil.copytree(original.folder, copied_folder, copy_function=shutil.copy)  # no times kept
    later = time.time() + 3600
    for path in copied_folder.rglob("*"):
        os.utime(path, (later, later))
    copied = Submission("al", "hw3", copied_folder, copied_folder / "hw3.ipynb")
    assert key(copied) == key(original)


def test_does_one_changed_byte_of_any_handed_in_file_change_the_key(tmp_path):
    """The notebook, a file beside it, a file's name: each changes the key (same sizes, same times)."""
    submission = handin(tmp_path, {"hw3.ipynb": b"{}", "data/notes.txt": b"aaaa"})
    first = key(submission)
    stat = (submission.folder / "data" / "notes.txt").stat()
    (submission.folder / "data" / "notes.txt").write_bytes(b"aaab")
    os.utime(submission.folder / "data" / "notes.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = key(submission)
    (submission.folder / "data" / "notes.txt").rename(submission.folder / "data" / "notez.txt")
    assert len({first, second, key(submission)}) == 3
    assert Cache.key(submission, "other fingerprint") != key(submission)


def test_is_a_link_hashed_by_its_target_and_never_followed(tmp_path):
    """Changing the file a link points to leaves the key; pointing the link elsewhere changes it."""
    outside = tmp_path / "solutions.txt"
    outside.write_bytes(b"answers")
    submission = handin(tmp_path / "class", {"hw3.ipynb": b"{}"})
    (submission.folder / "peek.txt").symlink_to(outside)
    first = key(submission)
    outside.write_bytes(b"other answers")
    assert key(submission) == first
    (submission.folder / "peek.txt").unlink()
    (submission.folder / "peek.txt").symlink_to(tmp_path / "elsewhere.txt")
    assert key(submission) != first


def test_do_hostile_names_pipes_and_deep_chains_neither_fail_nor_block(tmp_path, calibration):
    """A name that is not UTF-8, a named pipe and folders nested past the walk's depth give a key at once: within
    2 calibrations (a fresh ``import torch, d2lmini``), at least 5 s. Hashing a few small files takes milliseconds,
    far below any such bound; scaling it only keeps a busy machine from failing the test."""
    submission = handin(tmp_path, {"hw3.ipynb": b"{}"})
    folder = os.fsencode(submission.folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as file:
        file.write(b"x")
    os.mkfifo(submission.folder / "pipe")
    deep = submission.folder.joinpath(*["d"] * (MAX_DEPTH + 5))
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_bytes(b"unseen")
    start = time.monotonic()
    first = key(submission)
    assert time.monotonic() - start < calibration.scaled(5, 2)
    (deep / "bottom.txt").write_bytes(b"changed, but below what the sandbox copies")
    assert key(submission) == first


def test_is_the_fingerprint_the_same_for_a_copy_of_the_kit_elsewhere(tmp_path, monkeypatch):
    """The kit's sources and the solutions, copied to other absolute paths, fingerprint alike; a changed byte does not."""
    autograder = Path(cache_module.__file__).resolve().parents[1]
    solutions = tmp_path / "copy" / "solutions"
    shutil.copytree(FAKE / "solutions", solutions)
    here = grading_fingerprint(assignment="fake1", solutions=FAKE / "solutions", tasks_file=None, limits=Limits())
    copied = tmp_path / "copy" / "autograder"
    shutil.copytree(autograder, copied, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "_AUTOGRADER", copied)
    assert grading_fingerprint(assignment="fake1", solutions=solutions, tasks_file=None, limits=Limits()) == here
    unchanged = source_fingerprint(None)
    with (copied / "compare.py").open("a") as file:
        file.write("\n")
    assert source_fingerprint(None) != unchanged


@pytest.fixture
def frozen_code(monkeypatch):
    """The grading code's fingerprint pinned, so colleagues editing the kit mid-test change nothing."""
    monkeypatch.setattr("autograder.runner.pipeline.grading_fingerprint", lambda **kwargs: "pinned")


def test_is_a_class_copied_with_its_cache_to_another_machine_not_graded_again(tmp_path, frozen_code):
    """Grade, copy the hand-ins (cp -r, new times) and the cache to other paths: every record is reused."""
    first = tmp_path / "machine-a"
    for student in ("fay", "gil"):  # unreadable notebooks: no sandbox needed
        shutil.copytree(FAKE / "submissions" / student, first / "class" / student)
    options = dict(tasks_module=TASKS, solutions=FAKE / "solutions", progress=False)
    graded = main(submissions=first / "class", out=first / "out", **options)
    assert not any(r.cached for r in graded.records)
    second = tmp_path / "machine-b" / "somewhere" / "else"
    shutil.copytree(first / "class", second / "class", copy_function=shutil.copy)
    shutil.copytree(first / "out" / ".cache", second / "out" / ".cache")
    again = main(submissions=second / "class", out=second / "out", **options)
    assert all(r.cached for r in again.records) and again.records == graded.records


def idx_files(root: Path, images: torch.Tensor, labels: torch.Tensor, prefix: str) -> None:
    """A split as IDX files in torchvision's layout (the format of Fashion-MNIST's own files)."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    n = len(labels)
    (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
        (0x803).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in (n, 28, 28)) + images.numpy().tobytes())
    (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
        (0x801).to_bytes(4, "big") + n.to_bytes(4, "big") + labels.numpy().tobytes())


def test_is_fashion_mnist_decoded_once_into_tensor_files_that_later_loads_read(tmp_path, monkeypatch):
    """The first load keeps each split beside its IDX files; the next reads it without torchvision; new IDX files
    are decoded again (the data cache the sandbox reads read-only)."""
    import torchvision

    import d2lmini as d2l
    from d2lmini.datasets import TENSOR_FOLDER

    generator = torch.Generator().manual_seed(0)
    for prefix, n in (("train", 5), ("t10k", 3)):
        idx_files(tmp_path, torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=generator),
                  torch.randint(0, 10, (n,), dtype=torch.uint8, generator=generator), prefix)
    decoded = d2l.FashionMNIST(root=str(tmp_path))
    X, y = decoded.tensors(True)
    assert torch.equal(X, decoded.train.data.unsqueeze(1).float() / 255) and torch.equal(y, decoded.train.targets)
    assert (tmp_path / "FashionMNIST" / TENSOR_FOLDER / "train.pt").is_file()
    with monkeypatch.context() as patched:
        patched.setattr(torchvision.datasets, "FashionMNIST", None)  # any use of torchvision fails
        X2, y2 = d2l.FashionMNIST(root=str(tmp_path)).tensors(True)
    assert torch.equal(X2, X) and torch.equal(y2, y) and X2.dtype == torch.float32 and y2.dtype == torch.int64
    idx_files(tmp_path, torch.zeros(4, 28, 28, dtype=torch.uint8), torch.ones(4, dtype=torch.uint8), "train")
    X3, y3 = d2l.FashionMNIST(root=str(tmp_path)).tensors(True)
    assert X3.shape == (4, 1, 28, 28) and X3.sum() == 0 and torch.equal(y3, torch.ones(4, dtype=torch.int64))
