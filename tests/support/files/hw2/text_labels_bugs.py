"""Plausible wrong text_labels a student might hand in (Book §4.2.1)."""
import torch
import torchvision

import d2lmini as d2l

from tests.support.bugs import Bug

LABELS = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
          'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']


def text_labels_one_based(self, indices):
    """Counts classes from 1: every name is one class off (class 0 wraps to 'ankle boot')."""
    return [LABELS[int(i) - 1] for i in indices]


def text_labels_torchvision_names(self, indices):
    """Uses torchvision's class names ('T-shirt/top', 'Trouser', …) instead of the book's."""
    return [torchvision.datasets.FashionMNIST.classes[int(i)] for i in indices]


def text_labels_book_loop(self, indices):
    """The book's own loop: iterating a 0-d tensor raises TypeError."""
    return [LABELS[int(i)] for i in indices]


def text_labels_bare_name(self, indices):
    """Returns a bare name, not a list, for a single label."""
    if torch.is_tensor(indices) and indices.dim() == 0:
        return LABELS[int(indices)]
    return [LABELS[int(i)] for i in indices]


def text_labels_library(self, indices):
    """Correct names, but calls d2lmini's text_labels instead of writing it."""
    return d2l.FashionMNIST.text_labels(self, indices)


BUGS = {
    "hw2_text_labels": [
        Bug(text_labels_one_based, "one class off",
            korean=("이름 0이(가) 'bag'이지만, 'ankle boot'여야 합니다. 힌트: 모든 이름이 한 클래스씩 어긋나 있습니다",),
            english=("one class off", "expected", "Hint: ")),
        Bug(text_labels_torchvision_names, "torchvision's class names"),
        Bug(text_labels_book_loop, "iteration over a 0-d tensor"),
        Bug(text_labels_bare_name, "returned a str", "expected a list of 1 name"),
        Bug(text_labels_library, "d2l.FashionMNIST.text_labels"),
    ],
}
