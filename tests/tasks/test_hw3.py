"""What hw3's grading (Book §4.4) does beyond what every task gets (tests/tasks/test_every_task.py: the solution,
the stub and the known bugs of files/hw3/)."""
from __future__ import annotations

import pytest
import torch

from autograder.core.probe import grade_in_process
from autograder.core.i18n import use_language
from autograder.tasks import get_task
from tests.support.grading import grade, messages

ASSIGNMENT = "hw3"


@pytest.mark.parametrize("task_id, file, name, words", [
    ("hw3_forward", "model_bugs", "NoReshape", ["forward does not flatten the images"]),
    ("hw3_forward", "model_bugs", "Rerun", ["Re-run the cells with @d2l.add_to_class"]),
    ("hw3_wrong_predictions", "prediction_bugs", "wp_indices", ["X_wrong holds indices"]),
])
def test_does_a_visible_check_name_the_cause_first(task_id, file, name, words, bugs):
    """The checks a student runs (visible ones only) catch the bug, the cause before any numbers, and
    never point into d2lmini's or the kit's code (no `self.net`, no library line)."""
    from autograder.core.diagnostic import hint_first

    result = grade_in_process(get_task(task_id), getattr(bugs[file], name), hidden=False)
    failed = [hint_first(c.message) for c in result.checks if not c.passed]
    assert failed, messages(result)
    first = failed[0]
    for word in words:
        assert word in first.split(" — ")[0], first
    assert "self.net" not in first and "d2lmini" not in first and "autograder" not in first, first


def test_does_training_that_raised_get_its_hint_in_korean():
    """The training judge's own sentences (the error, the flatten hint and its pointer to the forward check)."""
    from autograder.tasks.hw3.train import _judge_training

    raised = {"raised": "RuntimeError: mat1 and mat2 shapes cannot be multiplied (256x28 and 784x10)"}
    with use_language("ko"):
        message = _judge_training(raised).message
    assert "SoftmaxRegressionScratch를 훈련하다가" in message and "위의 forward 검사도" in message, message
    assert "X.reshape((-1, self.W.shape[0]))" in message and "does not flatten" not in message, message
    assert _judge_training(raised).message.startswith("training SoftmaxRegressionScratch raised RuntimeError")


def test_does_the_training_check_s_name_state_its_target():
    """The check's name is one message to translate, so it writes the target out: it must be ACCURACY_TARGET."""
    from autograder.tasks.hw3.train import ACCURACY_TARGET

    assert f"(full marks from {ACCURACY_TARGET})" in get_task("hw3_training").checks[0].name


def test_does_a_softmax_with_wrong_values_keep_the_shape_points(bugs):
    """Is partial credit given: a softmax over axis 0 still has the input's shape and ignores no shift?"""
    result = grade("hw3_softmax", bugs["softmax_bugs"].softmax_axis0)
    passed = {c.name for c in result.checks if c.passed}
    assert passed == {"the output has the input's shape"}


def test_is_a_numerically_stable_softmax_accepted():
    """Does a softmax that subtracts each row's maximum first (§4.5.2's fix) earn full points too?"""
    def stable_softmax(X):
        X_exp = torch.exp(X - X.max(1, keepdims=True).values)
        return X_exp / X_exp.sum(1, keepdims=True)

    assert grade("hw3_softmax", stable_softmax).score == get_task("hw3_softmax").points


def test_does_a_function_that_uses_notebook_globals_fail_with_a_reason(solution):
    """Is a wrong_predictions that ignores its arguments and uses the notebook's batch caught?"""
    X_nb, y_nb = torch.rand((256, 1, 28, 28)), torch.randint(0, 10, (256,))

    def uses_globals(model, X, y):
        return X_nb[:40], y_nb[:40], y_nb[:40]

    result = grade("hw3_wrong_predictions", uses_globals)
    assert result.score == 0
    assert "not the notebook's globals" in messages(result)


@pytest.mark.slow
def test_does_training_with_the_library_loss_say_so_first(bugs, one_thread):
    """A model without its loss cell trains with d2l.Classifier.loss (F.cross_entropy on probabilities):
    the points it loses come with that cause, before the accuracy."""
    result = grade("hw3_training", bugs["model_bugs"].NoLoss)
    assert result.score < get_task("hw3_training").points, messages(result)
    assert messages(result).strip().startswith("SoftmaxRegressionScratch has no loss of its own, so training "
                                               "used d2l.Classifier.loss"), messages(result)
    assert "validation accuracy after training is" in messages(result)


def softmax_in_place(X):
    """The book's softmax with X.exp_(): right values, but the caller's X is overwritten."""
    X.exp_()
    return X / X.sum(1, keepdims=True)


def cross_entropy_in_place(y_hat, y):
    """The book's cross-entropy with y_hat.log_(): right value, but the caller's predictions are overwritten."""
    y_hat.log_()
    return -y_hat[list(range(len(y_hat))), y].mean()


@pytest.mark.parametrize("task_id, in_place, name", [
    ("hw3_softmax", softmax_in_place, "X.exp_()"),
    ("hw3_cross_entropy", cross_entropy_in_place, "y_hat.log_()"),
])
def test_does_a_function_that_changes_its_input_lose_the_book_example_point(task_id, in_place, name):
    """Are right values computed by overwriting the input caught on the book's example, and only there?"""
    result = grade(task_id, in_place)
    failed = [c for c in result.checks if not c.passed]
    assert [c.name for c in failed] == [get_task(task_id).checks[0].name]
    assert result.score == get_task(task_id).points - 1
    assert "changed its input in place" in failed[0].message and name in failed[0].message


def test_is_an_input_changed_in_place_reported_by_name_and_an_untouched_one_not():
    """Does unchanged() name the changed argument, pass NaN inputs left as they were, and return the result?"""
    from autograder.tasks._attempt import InputChanged, attempt, unchanged

    X, y = torch.tensor([[float("nan"), 1.0]]), torch.tensor([0])
    assert torch.equal(unchanged(lambda a, b: a.nan_to_num() + b, X, y, names=("X", "y")), torch.tensor([[0.0, 1.0]]))
    with pytest.raises(InputChanged, match="changed its input y in place"):
        unchanged(lambda a, b: b.add_(1), X, y, names=("X", "y"))
    assert attempt(lambda: unchanged(lambda a: a.unsqueeze_(0), X, names=("X",))) == {"changed": "X"}


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_does_a_softmax_of_nan_or_inf_earn_only_the_shape_point(value):
    """NaN or Inf everywhere has the right shape, but must not pass the shift check (NaN "equals" NaN there)."""
    result = grade("hw3_softmax", lambda X: torch.full_like(X, value))
    assert {c.name for c in result.checks if c.passed} == {"the output has the input's shape"}
    assert ("NaN" if value != value else "Inf") in messages(result)
