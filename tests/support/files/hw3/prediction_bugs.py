"""Plausible wrong wrong_predictions implementations a student might hand in (Book §4.4.5)."""
import torch

from tests.support.bugs import Bug


def wp_right_ones(model, X, y):
    """Selects the correctly classified examples (== instead of !=)."""
    preds = model(X).argmax(axis=1)
    right = preds == y
    return X[right], y[right], preds[right]


def wp_unfiltered(model, X, y):
    """Returns the whole batch."""
    return X, y, model(X).argmax(axis=1)


def wp_swapped(model, X, y):
    """Returns predictions and true labels in the wrong order."""
    preds = model(X).argmax(axis=1)
    wrong = preds != y
    return X[wrong], preds[wrong], y[wrong]


def wp_probabilities(model, X, y):
    """Forgets the argmax: the 'predictions' are rows of probabilities."""
    probabilities = model(X)
    wrong = probabilities.argmax(axis=1) != y
    return X[wrong], y[wrong], probabilities[wrong]


def wp_indices(model, X, y):
    """Returns the positions of the mistakes where the examples themselves are asked for."""
    preds = model(X).argmax(axis=1)
    wrong = torch.nonzero(preds.type(y.dtype) != y).reshape(-1)
    return wrong, y[wrong], preds[wrong]


BUGS = {
    "hw3_wrong_predictions": [
        Bug(wp_right_ones, "correctly classified"),
        Bug(wp_unfiltered, "keep only the misclassified"),
        Bug(wp_swapped, "swapped"),
        Bug(wp_probabilities, "argmax"),
        Bug(wp_indices, "X_wrong holds indices",
            korean=("예제 12개 중 5개를 틀리는 모델", "인덱스", "X[preds != y]"), english=("holds indices", "examples wrong")),
    ],
}
