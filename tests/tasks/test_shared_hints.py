"""Do the shared hints of autograder/tasks/_hints.py reach a student: does a NaN or Inf from hw3's softmax,
cross-entropy or model get the kind of hint hw4 gives, in English and in Korean?"""
from __future__ import annotations

import pytest
import torch

import d2lmini as d2l
from autograder.core.diagnostic import parse, split
from autograder.core.i18n import _, use_language
from autograder.tasks._hints import nan_hint, nonfinite_hint, shape_hint
from autograder.tasks.hw3.cross_entropy import CE_NONFINITE
from autograder.tasks.hw3.forward import FORWARD_NONFINITE
from autograder.tasks.hw3.softmax import SOFTMAX_NONFINITE
from tests.support.grading import grade


def softmax_over_zero(X):
    """exp(X) divided by its row sums times 0: every entry is Inf."""
    X_exp = torch.exp(X)
    return X_exp / (X_exp.sum(1, keepdims=True) * 0)


def log_of_negative(y_hat, y):
    """The log of 1 − p minus 1, negative for every p: NaN."""
    return -torch.log(y_hat[list(range(len(y_hat))), y] - 1).mean()


class DividedByZero(d2l.Classifier):
    """The book's model whose softmax divides by 0 (Inf everywhere)."""

    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs), requires_grad=True)
        self.b = torch.zeros(num_outputs, requires_grad=True)

    def forward(self, X):
        """softmax(X @ W + b) with the partition function times 0."""
        return softmax_over_zero(X.reshape((-1, self.W.shape[0])) @ self.W + self.b)


CASES = [("hw3_softmax", softmax_over_zero, SOFTMAX_NONFINITE), ("hw3_cross_entropy", log_of_negative, CE_NONFINITE),
         ("hw3_forward", DividedByZero, FORWARD_NONFINITE)]


def _hints(task_id: str, wrong: object) -> list[str | None]:
    """The hint of every failed check's first diagnostic."""
    return [parse(split(check.message)[0]).hint for check in grade(task_id, wrong).checks if not check.passed]


@pytest.mark.parametrize("task_id, wrong, hint", CASES, ids=[case[0] for case in CASES])
def test_does_a_nonfinite_hw3_result_get_the_nonfinite_hint(task_id, wrong, hint):
    """Every failed check says what NaN or Inf means here, in English and in Korean (the same hint, translated)."""
    english = _hints(task_id, wrong)
    assert english and set(english) == {hint[1]}, english
    with use_language("ko"):
        korean = _hints(task_id, wrong)
        assert set(korean) == {_(hint[1])} and "NaN" in korean[0] and korean[0] != hint[1], korean


def test_do_the_shared_hints_fire_on_what_they_name():
    """nonfinite on NaN or Inf, nan on NaN only, shape on a shape other than the reference's; none on a non-tensor."""
    finite, inf, nan = torch.ones(2, 3), torch.tensor([1.0, float("inf")]), torch.tensor([float("nan")])
    nonfinite, nan_only, shape = nonfinite_hint("x")[0], nan_hint("x")[0], shape_hint(finite, "X")[0]
    assert [nonfinite(t) for t in (finite, inf, nan, "text")] == [False, True, True, False]
    assert [nan_only(t) for t in (finite, inf, nan, "text")] == [False, False, True, False]
    assert [shape(t) for t in (finite, finite.T, "text")] == [False, True, False]
    assert "argument X?" in shape_hint(finite, "X")[1]
