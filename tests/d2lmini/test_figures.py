"""The book's matplotlib helpers (Book §2.4.2, §4.2.3): plt, plot, set_figsize, set_axes, show_images.

``d2l.plot`` is held to the figure the book's ``plot`` draws, spelled out here in plain
matplotlib calls and compared pixel for pixel; the cells are those of the book's editions that
readers bring along (d2l 0.17's §3.1, §3.2 and §4.1 call ``d2l.plot``, ``d2l.plt``, ``d2l.numpy``).
"""
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import d2lmini as d2l
from d2lmini.figures import in_notebook
from tests.strategies import numeric


@pytest.fixture(autouse=True)
def no_open_figures():
    """No figure and no changed rcParams (set_figsize changes figure.figsize, as the book's does) leak out."""
    plt.close("all")
    with matplotlib.rc_context():
        yield
    plt.close("all")


def pixels(fig) -> bytes:
    """The figure rendered by Agg, as RGBA bytes."""
    fig.canvas.draw()
    return bytes(fig.canvas.buffer_rgba())


def test_is_d2l_plt_matplotlibs_pyplot():
    assert d2l.plt is plt


@pytest.mark.parametrize("as_tensor", [False, True], ids=["numpy", "tensor"])
def test_does_plot_draw_the_books_tangent_line_figure_pixel_for_pixel(as_tensor):
    # Book §2.4.2: plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])
    x = torch.arange(0, 3, 0.1) if as_tensor else np.arange(0, 3, 0.1)
    f = lambda x: 3 * x ** 2 - 4 * x  # noqa: E731 (the book's f)
    d2l.plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])
    got = pixels(plt.gcf())
    plt.close("all")
    fig = plt.figure(figsize=(3.5, 2.5))
    ax = fig.gca()
    ax.plot(np.asarray(x), np.asarray(f(x)), "-")
    ax.plot(np.asarray(x), np.asarray(2 * x - 3), "m--")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.legend(["f(x)", "Tangent line (x=1)"])
    ax.grid()
    assert got == pixels(fig)


def test_does_the_normal_distributions_cell_of_d2l_0_17_draw_three_labelled_curves():
    # d2l 0.17 §3.1, PyTorch tab, as written there
    def normal(x, mu, sigma):
        p = 1 / math.sqrt(2 * math.pi * sigma**2)
        return p * np.exp(-0.5 / sigma**2 * (x - mu)**2)

    x = np.arange(-7, 7, 0.01)
    params = [(0, 1), (0, 2), (3, 1)]
    d2l.plot(x, [normal(x, mu, sigma) for mu, sigma in params], xlabel='x',
             ylabel='p(x)', figsize=(4.5, 2.5),
             legend=[f'mean {mu}, std {sigma}' for mu, sigma in params])
    ax = plt.gca()
    assert tuple(ax.figure.get_size_inches()) == (4.5, 2.5)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mean 0, std 1", "mean 0, std 2", "mean 3, std 1"]
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--", "-."]
    assert np.array_equal(ax.get_lines()[2].get_ydata(), normal(x, 3, 1))


def test_does_the_scatter_cell_of_d2l_0_17_draw_its_synthetic_data():
    # d2l 0.17 §3.2, PyTorch tab, as written there
    def synthetic_data(w, b, num_examples):  #@save
        """Generate y = Xw + b + noise."""
        X = d2l.normal(0, 1, (num_examples, len(w)))
        y = d2l.matmul(X, w) + b
        y += d2l.normal(0, 0.01, y.shape)
        return X, d2l.reshape(y, (-1, 1))

    true_w = d2l.tensor([2, -3.4])
    true_b = 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)
    d2l.set_figsize()
    # The semicolon is for displaying the plot only
    d2l.plt.scatter(d2l.numpy(features[:, 1]), d2l.numpy(labels), 1);  # noqa: E703
    points = plt.gca().collections[0].get_offsets()
    assert tuple(plt.gcf().get_size_inches()) == (3.5, 2.5)
    assert np.array_equal(points, np.stack([features[:, 1].numpy(), labels[:, 0].numpy()], axis=1))


def test_do_the_relu_cells_of_d2l_0_17_and_tensors_that_require_grad_plot():
    # d2l 0.17 §4.1, PyTorch tab; d2lmini also takes the tensors as they are (the book's needs .detach())
    x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
    y = torch.relu(x)
    d2l.plot(x.detach(), y.detach(), 'x', 'relu(x)', figsize=(5, 2.5))
    drawn = plt.gca().get_lines()[0].get_ydata()
    y.backward(torch.ones_like(x), retain_graph=True)
    d2l.plot(x.detach(), x.grad, 'x', 'grad of relu', figsize=(5, 2.5))
    assert plt.gca().get_ylabel() == "grad of relu" and len(plt.gca().get_lines()) == 1  # cleared first
    d2l.plot(x, y, 'x', 'relu(x)', figsize=(5, 2.5))
    assert np.array_equal(plt.gca().get_lines()[0].get_ydata(), drawn)
    assert tuple(plt.gcf().get_size_inches()) == (5, 2.5)


@numeric
@given(n=st.integers(1, 30), k=st.integers(1, 6), by_index=st.booleans())
def test_does_plot_draw_each_curve_against_x_or_its_index_in_the_books_formats(n, k, by_index):
    x = np.linspace(-1, 1, n)
    Y = [x * (i + 1) for i in range(k)]
    d2l.plot(Y[0] if k == 1 else Y) if by_index else d2l.plot(x, Y[0] if k == 1 else Y)
    lines = plt.gca().get_lines()
    assert len(lines) == min(k, 4)  # one per format, as the book's zip does
    for line, y, style in zip(lines, Y, ["-", "--", "-.", ":"]):
        assert np.array_equal(line.get_ydata(), y) and line.get_linestyle() == style
        assert np.array_equal(line.get_xdata(), np.arange(n) if by_index else x)
    plt.close("all")


def test_does_plot_draw_on_the_given_axes_after_clearing_them():
    _, ax = plt.subplots()
    ax.plot([5, 6])
    d2l.plot([[1, 2], [3, 4]], [[0, 1], [1, 0]], axes=ax, xscale="log", ylim=[-1, 2])
    assert [list(line.get_xdata()) for line in ax.get_lines()] == [[1, 2], [3, 4]]
    assert ax.get_xscale() == "log" and tuple(ax.get_ylim()) == (-1, 2)


def test_does_set_axes_label_scale_bound_and_grid_the_axes():
    _, ax = plt.subplots()
    ax.plot([1, 10], [1, 100], label="line")
    d2l.set_axes(ax, "epoch", "loss", [1, 10], [1, 100], "log", "log", ["train"])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_xscale(), ax.get_yscale()) == ("epoch", "loss", "log", "log")
    assert tuple(ax.get_xlim()) == (1, 10) and tuple(ax.get_ylim()) == (1, 100)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train"]
    assert ax.xaxis.get_gridlines()[0].get_visible()


def test_does_set_figsize_size_the_figures_made_after_it():
    d2l.set_figsize((4.5, 3.5))
    assert tuple(plt.figure().get_size_inches()) == (4.5, 3.5)


def test_does_show_images_return_the_axes_with_the_given_titles():
    imgs = torch.rand(5, 28, 28)
    axes = d2l.show_images(imgs, 2, 3, titles=list("abcde"), scale=1.5)
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes[:5]] == list("abcde")
    assert [len(ax.images) for ax in axes] == [1] * 5 + [0]
    assert tuple(axes[0].figure.get_size_inches()) == (4.5, 3.0)


def test_does_show_images_take_numpy_images_and_no_titles():
    axes = d2l.show_images([np.zeros((4, 4)), np.ones((4, 4))], 1, 2)
    assert [ax.get_title() for ax in axes] == ["", ""]
    assert not axes[0].get_xaxis().get_visible()


def test_is_this_test_process_not_a_notebook():
    assert not in_notebook()
    d2l.use_svg_display()  # a no-op outside Jupyter, and no error


