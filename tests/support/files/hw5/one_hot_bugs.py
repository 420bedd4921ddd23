"""Plausible wrong one_hot implementations a student might hand in (Book §4.1.1)."""
import torch
import torch.nn.functional as F

from tests.support.bugs import Bug


def oh_int64(y, num_classes):
    """F.one_hot's habit by hand: right values, but int64 where float32 is asked."""
    Y = torch.zeros((len(y), num_classes), dtype=torch.int64)
    Y[torch.arange(len(y)), y] = 1
    return Y


def oh_bool(y, num_classes):
    """A comparison with the class numbers: right values, but booleans."""
    if (y < 0).any() or (y >= num_classes).any():
        raise ValueError("label out of range")
    return y.reshape(-1, 1) == torch.arange(num_classes)


def oh_from_labels(y, num_classes):
    """The width follows the batch: y.max() + 1 columns instead of num_classes."""
    return torch.eye(int(y.max()) + 1)[y]


def oh_one_based(y, num_classes):
    """Shifts the labels as if they were the notes' {1, 2, 3}."""
    return torch.eye(num_classes)[y - 1]


def oh_extra_column(y, num_classes):
    """One column too many."""
    return torch.eye(num_classes + 1)[y]


def oh_no_range_check(y, num_classes):
    """Right for valid labels, but -1 silently becomes the last class and num_classes an IndexError."""
    return torch.eye(num_classes)[y]


def oh_library(y, num_classes):
    """Correct, but calls the library."""
    return F.one_hot(y, num_classes).float()


BUGS = {
    "hw5_one_hot": [
        Bug(oh_int64, "dtype torch.int64", "float32"),
        Bug(oh_bool, "dtype torch.bool", "torch.zeros((n, num_classes))"),
        Bug(oh_from_labels, "not y.max() + 1"),
        Bug(oh_one_based, "labels start at 0",
            korean=("y = [0, 1, 2, 0, 2]에 대한 one_hot(y, num_classes=3)", "0부터 시작", "{1, 2, 3}"),
            english=("labels start at 0", "for y =")),
        Bug(oh_extra_column, "one column too many"),
        Bug(oh_no_range_check, "expected a ValueError", "count from the end",
            korean=("레이블 -1은 클래스가 아닙니다", "끝에서부터", "ValueError가 발생해야"),
            english=("count from the end", "is not a class")),
        Bug(oh_library, "from scratch", "F.one_hot"),
    ],
}
