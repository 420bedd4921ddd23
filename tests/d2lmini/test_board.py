"""The live training board (Book §3.2.1), headless: ProgressBoard, and importing and training without a display."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import torch

import d2lmini as d2l

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_open_figures():
    plt.close("all")
    yield
    plt.close("all")


def test_does_a_progress_board_outside_a_notebook_draw_and_print_nothing(capfd):
    board = d2l.ProgressBoard(xlabel="epoch")
    for x in range(4):
        board.draw(x, float(x), "loss", every_n=2)
    assert plt.get_fignums() == [] and board.fig is None
    assert capfd.readouterr() == ("", "")
    assert [(p.x, p.y) for p in board.data["loss"]] == [(0.5, 0.5), (2.5, 2.5)]  # means of every 2


def test_does_a_progress_board_with_display_true_draw_its_lines_silently(capfd):
    board = d2l.ProgressBoard(xlabel="epoch", display=True)
    for x in range(3):
        board.draw(x, 1.0 / (x + 1), "train_loss")
        board.draw(x, 2.0 / (x + 1), "val_loss")
    assert board.fig is not None
    lines = board.fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["train_loss", "val_loss"]
    assert list(lines[0].get_xdata()) == [0, 1, 2]
    assert capfd.readouterr() == ("", "")


def test_does_a_progress_board_with_display_false_only_record_points():
    board = d2l.ProgressBoard(display=False)
    board.draw(1, 2.0, "loss")
    assert board.fig is None and plt.get_fignums() == [] and len(board.data["loss"]) == 1


def test_does_training_outside_a_notebook_print_nothing_and_open_no_figure(capfd):
    torch.manual_seed(0)
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    d2l.Trainer(max_epochs=2).fit(model, d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2))
    assert capfd.readouterr() == ("", "")
    assert plt.get_fignums() == []


@pytest.mark.slow  # a fresh interpreter importing torch: ~8 s of CPU
def test_does_d2lmini_import_and_train_with_no_display_and_no_ipython():
    script = textwrap.dedent("""
        import importlib.abc
        import sys

        class NoIPython(importlib.abc.MetaPathFinder):  # as if IPython were not installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "IPython":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)

        sys.meta_path.insert(0, NoIPython())
        import d2lmini as d2l
        assert "matplotlib.pyplot" not in sys.modules, "importing d2lmini must not start matplotlib"
        import torch
        model = d2l.LinearRegression(lr=0.03)
        d2l.Trainer(max_epochs=1).fit(model, d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2))
        d2l.show_images(torch.rand(2, 4, 4), 1, 2, titles=["a", "b"])
        assert d2l.plt is sys.modules["matplotlib.pyplot"]
        import matplotlib
        print(matplotlib.get_backend().lower())
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "agg\n", proc.stdout
