"""Where Fashion-MNIST is looked for, in which order, and what is said when it is nowhere (d2lmini.datasets).

Order: the root argument, then $D2LMINI_DATA, then the system folder, then torchvision's
download. Every test works in temporary folders with fake IDX files (their content says
where they came from) and replaces torchvision's download, so no network is ever touched.
"""
import gzip
from pathlib import Path

import pytest
import torchvision

import d2lmini as d2l
from d2lmini import datasets

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def fake_idx_folder(folder: Path, marker: str, gzipped: bool = True) -> Path:
    """The four IDX files side by side (Debian's layout), each holding ``marker``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if gzipped:
            with gzip.open(folder / f"{name}.gz", "wb") as f:
                f.write(marker.encode())
        else:
            (folder / name).write_text(marker)
    return folder


def marker_of(root: Path) -> str:
    """Which fake source a torchvision-layout folder was filled from."""
    return (root / "FashionMNIST" / "raw" / "train-images-idx3-ubyte").read_text()


class Downloads:
    """Stands in for torchvision.datasets.FashionMNIST: records download calls, fails or succeeds."""

    def __init__(self, fail: bool):
        self.fail, self.calls = fail, []

    def __call__(self, root, train=True, download=False, **kwargs):
        self.calls.append((Path(root), train, download))
        if self.fail:
            raise OSError("network is unreachable")


@pytest.fixture
def places(tmp_path, monkeypatch):
    """Empty root, $D2LMINI_DATA and system folders, a private cache, and an offline download."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    monkeypatch.setattr(datasets, "SYSTEM_FOLDER", tmp_path / "system")
    offline = Downloads(fail=True)
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    return {"root": tmp_path / "root", "env": tmp_path / "env", "system": tmp_path / "system",
            "cache": tmp_path / "cache" / "d2lmini", "download": offline, "monkeypatch": monkeypatch}


def test_does_the_root_argument_come_before_the_environment_and_the_system_folder(places):
    for name in ("root", "env", "system"):
        fake_idx_folder(places[name], name)
    places["monkeypatch"].setenv(datasets.ENV_VAR, str(places["env"]))
    assert marker_of(datasets.locate_fashion_mnist(places["root"])) == "root"


def test_does_D2LMINI_DATA_come_before_the_system_folder(places):
    for name in ("env", "system"):
        fake_idx_folder(places[name], name)
    places["monkeypatch"].setenv(datasets.ENV_VAR, str(places["env"]))
    assert marker_of(datasets.locate_fashion_mnist()) == "env"


def test_is_the_system_folder_used_when_nothing_else_has_the_data(places):
    fake_idx_folder(places["system"], "system")
    assert marker_of(datasets.locate_fashion_mnist(places["root"])) == "system"
    assert places["download"].calls == []


def test_is_a_folder_missing_one_file_passed_over(places):
    fake_idx_folder(places["root"], "root")
    (places["root"] / f"{FILES[0]}.gz").unlink()
    fake_idx_folder(places["system"], "system")
    assert marker_of(datasets.locate_fashion_mnist(places["root"])) == "system"


@pytest.mark.parametrize("gzipped", [True, False])
@pytest.mark.parametrize("subfolder", [".", "FashionMNIST", "FashionMNIST/raw"])
def test_are_plain_and_gzipped_idx_files_found_in_any_of_the_three_places(places, gzipped, subfolder):
    fake_idx_folder(places["root"] / subfolder, "root", gzipped=gzipped)
    assert marker_of(datasets.locate_fashion_mnist(places["root"])) == "root"


def test_is_a_folder_in_torchvisions_layout_used_as_it_is(places):
    fake_idx_folder(places["root"] / "FashionMNIST" / "raw", "root", gzipped=False)
    assert datasets.locate_fashion_mnist(places["root"]) == places["root"]


def test_does_locating_the_data_leave_the_system_folder_untouched(places):
    fake_idx_folder(places["system"], "system")
    before = sorted(p.relative_to(places["system"]) for p in places["system"].rglob("*"))
    datasets.locate_fashion_mnist()
    assert sorted(p.relative_to(places["system"]) for p in places["system"].rglob("*")) == before


def test_is_a_different_root_arguments_data_used_rather_than_an_earlier_copy(places):
    fake_idx_folder(places["root"] / "a", "a")
    fake_idx_folder(places["root"] / "b", "b")
    datasets.locate_fashion_mnist(places["root"] / "a")
    assert marker_of(datasets.locate_fashion_mnist(places["root"] / "b")) == "b"


def test_is_torchvisions_download_tried_last_for_both_splits(places, monkeypatch):
    online = Downloads(fail=False)
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", online)
    assert datasets.locate_fashion_mnist(places["root"]) == places["root"]
    assert online.calls == [(places["root"], True, True), (places["root"], False, True)]


def test_does_the_download_go_to_D2LMINI_DATA_or_the_cache_without_a_root(places, monkeypatch):
    online = Downloads(fail=False)
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", online)
    assert datasets.locate_fashion_mnist() == places["cache"]
    monkeypatch.setenv(datasets.ENV_VAR, str(places["env"]))
    assert datasets.locate_fashion_mnist() == places["env"]


def test_does_the_error_name_every_place_looked_the_failure_and_both_remedies(places):
    places["monkeypatch"].setenv(datasets.ENV_VAR, str(places["env"]))
    with pytest.raises(d2l.DataNotFoundError) as info:
        datasets.locate_fashion_mnist(places["root"])
    message = str(info.value)
    for where in (f"the root argument: {places['root']}", f"$D2LMINI_DATA: {places['env']}",
                  f"the system dataset folder: {places['system']}"):
        assert where in message
    assert "OSError: network is unreachable" in message
    assert "apt-get install dataset-fashion-mnist" in message and "D2LMINI_DATA" in message
    assert isinstance(info.value, FileNotFoundError)


def test_is_nothing_downloaded_when_download_is_false(places):
    with pytest.raises(d2l.DataNotFoundError, match="download=False"):
        datasets.locate_fashion_mnist(places["root"], download=False)
    assert places["download"].calls == []


def test_does_book_root_hold_the_system_data_in_torchvisions_layout(places):
    # The reader's own torchvision-based FashionMNIST (Book §4.2.1) reads DataModule's root.
    fake_idx_folder(places["system"], "system")
    root = datasets.book_root()
    assert marker_of(root) == "system"
    assert d2l.DataModule().root == str(root)


def test_is_the_data_folder_looked_up_only_when_a_data_module_reads_its_root(places):
    fake_idx_folder(places["system"], "system")
    data = d2l.SyntheticRegressionData(w=d2l.tensor([2, -3.4]), b=4.2)
    next(iter(data.train_dataloader()))
    assert not places["cache"].parent.exists(), "synthetic data touched the cache before any dataset was asked for"
    assert marker_of(Path(data.root)) == "system" and data.root == str(datasets.book_root())
    assert d2l.DataModule(root="elsewhere").root == "elsewhere"


def test_does_fashion_mnist_raise_the_not_found_error_when_there_is_no_data(places):
    with pytest.raises(d2l.DataNotFoundError):
        d2l.FashionMNIST(root=places["root"])
