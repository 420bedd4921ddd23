"""Data modules: DataModule, SyntheticRegressionData, FashionMNIST (Book §3.2.3, §3.3, §4.2)."""
import json
import os
import subprocess
import sys
import textwrap

import matplotlib.pyplot as plt
import pytest
import torch
import torchvision
from torchvision import transforms

import d2lmini as d2l
from d2lmini import datasets
from tests.d2lmini.book_cells import REPO

W, B = torch.tensor([2, -3.4]), 4.2

# Runs §3.3's cells as the book's source writes them, recording every file opened, folder made or
# listed (Python's audit events) on the dataset's paths, then reads a data module's root, which must.
TOUCHES = textwrap.dedent("""
    import json, os, sys
    watched = sys.argv[1:]
    touched = []

    def observe(event, args):
        if event in ("open", "os.mkdir", "os.listdir", "os.scandir") and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if path.startswith(tuple(watched)) or "fashion" in path.lower():
                touched.append(f"{event} {path}")

    sys.addaudithook(observe)
    from tests.d2lmini.book_cells import BOOK_SOURCE, run_cell, split_cells
    namespace = {"__name__": "__main__"}
    for i, cell in enumerate(split_cells((BOOK_SOURCE / "s3_3.py").read_text())):
        run_cell(cell, namespace, f"s3_3[cell {i}]")
    before = list(touched)
    namespace["d2l"].DataModule().root
    print(json.dumps({"cells": before, "root": touched[len(before):], "torchvision": "torchvision" in sys.modules}))
""")


@pytest.fixture
def synthetic() -> d2l.SyntheticRegressionData:
    torch.manual_seed(0)
    return d2l.SyntheticRegressionData(w=W, b=B)


def test_does_a_data_module_without_get_dataloader_say_what_to_define():
    with pytest.raises(NotImplementedError, match=r"get_dataloader\(self, train\)"):
        d2l.DataModule().train_dataloader()


def test_do_train_and_val_dataloader_ask_get_dataloader_for_the_right_split():
    class Splits(d2l.DataModule):
        def get_dataloader(self, train):
            return "train" if train else "val"

    data = Splits()
    assert (data.train_dataloader(), data.val_dataloader()) == ("train", "val")


def test_does_get_tensorloader_slice_the_tensors_by_indices(synthetic):
    loader = synthetic.get_tensorloader((synthetic.X, synthetic.y), False, slice(10, 20))
    X, y = next(iter(loader))
    assert torch.equal(X, synthetic.X[10:20]) and torch.equal(y, synthetic.y[10:20])


def test_are_synthetic_labels_Xw_plus_b_plus_noise_of_sd_0_01(synthetic):
    # Book §3.3.1: y = Xw + b + ε, ε ~ N(0, 0.01²), 1000 + 1000 examples with 2 features.
    assert synthetic.X.shape == (2000, 2) and synthetic.y.shape == (2000, 1)
    residual = synthetic.y - (synthetic.X @ W.reshape(-1, 1) + B)
    assert 0.008 < residual.std().item() < 0.012  # sd of 2000 draws: 0.01 ± 0.0005 (3σ)
    assert abs(residual.mean().item()) < 0.001


def test_are_there_32_training_batches_the_last_of_8(synthetic):
    # Book §3.3.3: len(data.train_dataloader()) is 32; 1000 = 31 * 32 + 8, the partial batch kept.
    loader = synthetic.train_dataloader()
    assert len(loader) == 32
    assert [len(X) for X, _ in loader] == [32] * 31 + [8]


def test_is_a_synthetic_batch_32_by_2_features_and_32_by_1_labels(synthetic):
    X, y = next(iter(synthetic.train_dataloader()))
    assert X.shape == torch.Size([32, 2]) and y.shape == torch.Size([32, 1])


def test_does_the_synthetic_training_loader_visit_each_example_once_shuffled(synthetic):
    torch.manual_seed(1)
    epochs = [torch.cat([X for X, _ in synthetic.train_dataloader()]) for _ in range(2)]
    for X in epochs:
        assert torch.equal(X[X[:, 0].argsort()], synthetic.X[:1000][synthetic.X[:1000, 0].argsort()])
    assert not torch.equal(epochs[0], epochs[1]), "the training order must change every epoch"


def test_does_the_synthetic_validation_loader_give_the_last_1000_in_order(synthetic):
    X = torch.cat([X for X, _ in synthetic.val_dataloader()])
    assert torch.equal(X, synthetic.X[1000:])


def test_are_there_235_training_and_40_validation_batches_at_batch_size_256(fashion):
    # Book §4.4.4: 60,000 / 256 -> 235 batches, 10,000 / 256 -> 40.
    assert len(fashion.train) == 60000 and len(fashion.val) == 10000
    assert len(fashion.train_dataloader()) == 235 and len(fashion.val_dataloader()) == 40
    assert [len(y) for _, y in fashion.val_dataloader()][-1] == 10000 - 39 * 256


def test_is_a_fashion_mnist_item_a_1_by_28_by_28_float_in_0_1_with_an_int_label(fashion):
    X, y = fashion.train[0]
    assert X.shape == (1, 28, 28) and X.dtype == torch.float32
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert isinstance(y, int) and 0 <= y < 10


def test_does_a_fashion_mnist_batch_have_the_books_shapes_and_dtypes(fashion):
    X, y = next(iter(fashion.train_dataloader()))
    assert (X.shape, X.dtype, y.shape, y.dtype) == (
        torch.Size([256, 1, 28, 28]), torch.float32, torch.Size([256]), torch.int64)


def test_are_the_in_memory_batches_the_torchvision_items_at_28_by_28(fashion):
    reference = torchvision.datasets.FashionMNIST(root=fashion.root, train=False,
                                                  transform=transforms.ToTensor())
    X, y = next(iter(fashion.val_dataloader()))
    expected = torch.stack([reference[i][0] for i in range(len(y))])
    assert torch.equal(X, expected)
    assert y.tolist() == [reference[i][1] for i in range(len(y))]


def test_does_the_training_loader_visit_each_fashion_image_once_per_epoch(fashion):
    labels = torch.cat([y for _, y in fashion.train_dataloader()])
    assert len(labels) == 60000
    assert torch.bincount(labels).tolist() == [6000] * 10  # 6,000 images per class (Book §4.2.1)
    assert not torch.equal(labels, fashion.train.targets), "training batches must be shuffled"


def test_does_resize_32_give_32_by_32_images_close_to_torchvisions():
    data = d2l.FashionMNIST(batch_size=64, resize=(32, 32))
    assert data.train[0][0].shape == (1, 32, 32)
    X, y = next(iter(data.val_dataloader()))
    assert X.shape == (64, 1, 32, 32)
    expected = torch.stack([data.val[i][0] for i in range(64)])  # torchvision's PIL resize
    torch.testing.assert_close(X, expected, atol=1 / 255 + 1e-6, rtol=0)  # at most one grey level apart


def test_does_text_labels_name_the_ten_classes_from_tensors_or_lists(fashion):
    names = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
             'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    assert fashion.text_labels(torch.arange(10)) == names
    assert fashion.text_labels([9, 0]) == ['ankle boot', 't-shirt']


def test_does_visualize_draw_eight_images_titled_by_label(fashion):
    X, y = next(iter(fashion.val_dataloader()))
    plt.close("all")
    fashion.visualize((X, y))
    axes = plt.gcf().axes
    assert [ax.get_title() for ax in axes] == fashion.text_labels(y[:8])
    assert all(len(ax.images) == 1 for ax in axes)
    plt.close("all")


def test_does_visualize_return_none_like_the_book_so_a_notebook_shows_only_the_figure(fashion):
    # A cell ending in data.visualize(batch) (Book §4.2.3, §4.4.5) must not print an array of Axes.
    result = fashion.visualize(next(iter(fashion.val_dataloader())))
    plt.close("all")
    assert result is None, f"visualize returned {type(result).__name__}; Jupyter would display its repr"


@pytest.mark.slow  # a fresh interpreter importing torch: ~4 s
def test_does_running_the_synthetic_data_section_leave_the_dataset_and_its_cache_untouched(tmp_path):
    # Book §3.3 once unpacked 53 MB of Fashion-MNIST into the cache: DataModule looked its root up when made.
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in (datasets.ENV_VAR, "DISPLAY")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(cache), MPLBACKEND="Agg", PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", TOUCHES, str(datasets.SYSTEM_FOLDER), str(cache), str(home)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.splitlines()[-1])
    assert seen["cells"] == [] and not seen["torchvision"], seen
    assert seen["root"], "reading DataModule().root touched nothing: the observer sees nothing either"
