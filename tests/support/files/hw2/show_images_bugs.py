"""Plausible wrong show_images a student might hand in (Book §4.2.3)."""
import matplotlib.pyplot as plt

import d2lmini as d2l

from tests.support.bugs import Bug


def _draw(axes, imgs, titles, title_of=lambda i: i, hide_ticks=True):
    """Draw imgs on axes in order, titled titles[title_of(i)]."""
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(img.numpy())
        if hide_ticks:
            ax.axes.get_xaxis().set_visible(False)
            ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[title_of(i)])


def show_images_swapped(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Passes num_cols before num_rows to plt.subplots."""
    _, axes = plt.subplots(num_cols, num_rows, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    _draw(axes, imgs, titles)
    return axes


def show_images_returns_none(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Draws everything but returns nothing."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    _draw(axes.flatten(), imgs, titles)


def show_images_titles_shifted(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Gives image i the title of image i - 1."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    _draw(axes, imgs, titles, title_of=lambda i: i - 1)
    return axes


def show_images_no_titles(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Never sets the titles."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    _draw(axes, imgs, None)
    return axes


def show_images_figsize_swapped(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Writes figsize as (height, width)."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_rows * scale, num_cols * scale), squeeze=False)
    axes = axes.flatten()
    _draw(axes, imgs, titles)
    return axes


def show_images_every_axis(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Loops over all axes, so a grid with more axes than images runs out of images."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    for i in range(num_rows * num_cols):
        axes[i].imshow(imgs[i].numpy())
        axes[i].axes.get_xaxis().set_visible(False)
        axes[i].axes.get_yaxis().set_visible(False)
        if titles:
            axes[i].set_title(titles[i])
    return axes


def show_images_ticks_shown(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Leaves the axis ticks on."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    _draw(axes, imgs, titles, hide_ticks=False)
    return axes


def show_images_column_major(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Fills the grid column by column (axes.T.flatten())."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.T.flatten()
    _draw(axes, imgs, titles)
    return axes


def show_images_transposed(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Draws each image transposed."""
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    _draw(axes, [img.T for img in imgs], titles)
    return axes


def show_images_library(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Calls d2lmini's show_images instead of writing it."""
    return d2l.show_images(imgs, num_rows, num_cols, titles=titles, scale=scale)


BUGS = {
    "hw2_show_images": [
        Bug(show_images_swapped, "rows and columns are swapped",
            korean=("격자가 3행 2열이지만, 2행 3열이어야 합니다: 행과 열이 뒤바뀌었습니다", "show_images(7×5 이미지 6개, num_rows=2"),
            english=("rows and columns are swapped", "row(s)", "images of")),
        Bug(show_images_returns_none, "returned None", "return axes"),
        Bug(show_images_titles_shifted, "has the title 'picture 5' of image 5", "expected 'picture 0'"),
        Bug(show_images_no_titles, "has no title", "set_title"),
        Bug(show_images_figsize_swapped, "width and height swapped"),
        Bug(show_images_every_axis, "IndexError"),
        Bug(show_images_ticks_shown, "shows its x and y ticks"),
        Bug(show_images_column_major, "return the axes row by row"),
        Bug(show_images_transposed, "transposed"),
        Bug(show_images_library, "d2l.show_images"),
    ],
}
