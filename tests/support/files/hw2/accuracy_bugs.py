"""Plausible wrong accuracy a student might hand in (Book §4.3.2)."""
import torch

import d2lmini as d2l

from tests.support.bugs import Bug


def accuracy_max_values(self, Y_hat, Y, averaged=True):
    """Compares the largest scores (floats) with the labels instead of their indices."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    preds = Y_hat.max(axis=1).values
    compare = (preds == Y.reshape(-1)).type(torch.float32)
    return compare.mean() if averaged else compare


def accuracy_argmax_axis0(self, Y_hat, Y, averaged=True):
    """Takes argmax over the examples instead of the classes."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    preds = Y_hat.argmax(axis=0).type(Y.dtype)
    compare = (preds == Y.reshape(-1)).type(torch.float32)
    return compare.mean() if averaged else compare


def accuracy_no_reshape(self, Y_hat, Y, averaged=True):
    """Skips the reshapes: a (b, n, q) input gives a (b, n) per-example result."""
    preds = Y_hat.argmax(axis=-1).type(Y.dtype)
    compare = (preds == Y).type(torch.float32)
    return compare.mean() if averaged else compare


def accuracy_integer_division(self, Y_hat, Y, averaged=True):
    """Counts correct predictions as integers and divides with //."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    compare = (Y_hat.argmax(axis=1) == Y.reshape(-1)).long()
    return compare.sum() // len(compare) if averaged else compare.float()


def accuracy_label_dtype_mean(self, Y_hat, Y, averaged=True):
    """Casts the comparison to the labels' dtype: the mean of int64 labels fails."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    preds = Y_hat.argmax(axis=1).type(Y.dtype)
    compare = (preds == Y.reshape(-1)).type(Y.dtype)
    return compare.mean() if averaged else compare


def accuracy_bool(self, Y_hat, Y, averaged=True):
    """Returns the bool comparison itself when not averaged."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    compare = Y_hat.argmax(axis=1).type(Y.dtype) == Y.reshape(-1)
    return compare.float().mean() if averaged else compare


def accuracy_always_averaged(self, Y_hat, Y, averaged=True):
    """Ignores the averaged flag."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    return (Y_hat.argmax(axis=1).type(Y.dtype) == Y.reshape(-1)).type(torch.float32).mean()


def accuracy_count(self, Y_hat, Y, averaged=True):
    """Returns the number of correct predictions instead of their share."""
    Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
    compare = (Y_hat.argmax(axis=1).type(Y.dtype) == Y.reshape(-1)).type(torch.float32)
    return compare.sum() if averaged else compare


def accuracy_library(self, Y_hat, Y, averaged=True):
    """Calls d2lmini's Classifier.accuracy instead of writing it."""
    return d2l.Classifier.accuracy(self, Y_hat, Y, averaged)


BUGS = {
    "hw2_accuracy": [
        Bug(accuracy_max_values, "not the largest scores (Y_hat.max)"),
        Bug(accuracy_argmax_axis0, "argmax over axis 0"),
        Bug(accuracy_no_reshape, "flat tensor of shape (24,)", "reshape"),
        Bug(accuracy_integer_division, "dtype torch.int64", "//"),
        Bug(accuracy_label_dtype_mean, "could not infer output dtype", "Long"),
        Bug(accuracy_bool, "dtype torch.bool, expected torch.float32"),
        Bug(accuracy_always_averaged, "one 0/1 value per example, not their mean"),
        Bug(accuracy_count, "number of correct predictions", "share (the mean)",
            korean=("accuracy(모양이 (40, 10)인 Y_hat, 모양이 (40,)이고 dtype이 torch.int64인 Y)", "힌트: 이것은 맞은 예측의 개수입니다"),
            english=("number of correct predictions", "of shape", "Hint: ")),
        Bug(accuracy_library, "d2l.Classifier.accuracy"),
    ],
}
