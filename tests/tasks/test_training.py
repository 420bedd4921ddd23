"""Does the training check score accuracy linearly, explain a shortfall, and reject malformed output?"""
from __future__ import annotations

import pytest
import torch
from torch import nn

import d2lmini as d2l
from autograder.tasks import training
from autograder.core.i18n import use_language
from autograder.tasks.training import TrainingProbeError, accuracy_judge, train_probe

LABELS = torch.arange(1000) % 10
HISTORY = [{"epoch": 1.0, "train_loss": 0.8}, {"epoch": 2.0, "train_loss": 0.5}]


@pytest.fixture
def labels(monkeypatch):
    """1,000 fake validation labels instead of Fashion-MNIST's 10,000."""
    monkeypatch.setattr(training, "validation_labels", lambda: LABELS)
    return LABELS


def predictions_with_accuracy(accuracy: float) -> torch.Tensor:
    """Predictions that match LABELS on exactly the given share of images."""
    wrong = round(len(LABELS) * (1 - accuracy))
    predictions = LABELS.clone()
    predictions[:wrong] = (predictions[:wrong] + 1) % 10
    return predictions


@pytest.mark.parametrize(("accuracy", "fraction"), [(0.9, 1.0), (0.82, 1.0), (0.785, 0.5), (0.75, 0.0), (0.1, 0.0)])
def test_does_credit_rise_linearly_from_floor_to_target(labels, accuracy, fraction):
    """0 at the floor, 1 at the target, linear between (the reference is the formula itself)."""
    verdict = accuracy_judge(0.75, 0.82)({"predictions": predictions_with_accuracy(accuracy), "history": HISTORY})
    assert verdict.fraction == pytest.approx(fraction)
    if fraction < 1:
        assert verdict.message.startswith(f"validation accuracy after training is {accuracy:.3f}: "
                                          "full marks from 0.82, none at 0.75 or below")


@pytest.mark.parametrize(("history", "says"), [
    ([{"train_loss": 0.9}, {"train_loss": float("nan")}], "The training loss became nan in epoch 2"),
    ([{"train_loss": 2.3}, {"train_loss": 2.31}], "The training loss did not go down (2.300 in epoch 1, 2.310 in epoch 2)"),
    (HISTORY, "That is about chance level"),
])
def test_is_a_shortfall_diagnosed_from_the_history(labels, history, says):
    """NaN losses, a flat loss and chance-level accuracy each get their likely cause."""
    verdict = accuracy_judge(0.75, 0.82)({"predictions": predictions_with_accuracy(0.1), "history": history})
    assert says in verdict.message


def test_is_a_shortfall_explained_in_korean(labels):
    """Under KIT_LANG=ko (here use_language) the score and its likely cause are Korean sentences, numbers kept."""
    history = [{"train_loss": 0.9}, {"train_loss": float("nan")}]
    output = {"predictions": predictions_with_accuracy(0.785), "history": history}
    with use_language("ko"):
        korean = accuracy_judge(0.75, 0.82)(output)
    english = accuracy_judge(0.75, 0.82)(output)
    assert korean.fraction == english.fraction == pytest.approx(0.5)
    assert korean.message == ("훈련 후 검증 정확도가 0.785입니다: 0.82 이상이면 만점, 0.75 이하이면 0점입니다. 에포크 2에서 "
                              "훈련 손실이 nan이(가) 되었습니다: 손실에서 log(0)이나 exp 오버플로를 찾아보거나 학습률을 낮추세요")
    assert english.message == ("validation accuracy after training is 0.785: full marks from 0.82, none at 0.75 or "
                               "below. The training loss became nan in epoch 2: look for log(0) or exp overflow in the "
                               "loss, or lower the learning rate")


@pytest.mark.parametrize(("output", "says"), [
    (None, "training produced None, not the predictions"),
    ({"predictions": LABELS[:10]}, "a tensor of shape (10,) and dtype torch.int64; expected a tensor of shape (1000,)"),
    ({"predictions": LABELS.float()}, "the predictions have dtype torch.float32; expected torch.int64"),
    ({"predictions": LABELS + 5}, "values outside the classes 0–9"),
    ({"predictions": LABELS.numpy()}, "a numpy.ndarray of shape (1000,)"),
])
def test_is_malformed_output_a_clear_failure(labels, output, says):
    """Wrong type, shape, dtype or range of predictions fails with a sentence, not a crash."""
    verdict = accuracy_judge(0.75, 0.82)(output)
    assert verdict.fraction == 0.0 and says in verdict.message


def test_are_floor_and_target_checked():
    """A floor at or above the target is a declaration bug."""
    with pytest.raises(ValueError, match="floor < target"):
        accuracy_judge(0.8, 0.8)


def test_does_a_model_with_the_wrong_output_shape_fail_clearly(monkeypatch):
    """A forward returning one number per image is caught before argmax confuses anyone."""
    class Data:
        def val_dataloader(self):
            return [(torch.zeros(4, 1, 28, 28), torch.zeros(4))]

    class Flat(nn.Module):
        def forward(self, X):
            return X.sum(dim=(1, 2, 3))

    with pytest.raises(TrainingProbeError, match=r"returned a tensor of shape \(4,\).*expected a tensor of shape \(4, 10\)"):
        training._predict(Flat(), Data())


@pytest.mark.slow
def test_does_a_short_training_return_plain_predictions_and_history():
    """One epoch of the book's concise model: 10,000 int64 predictions, float history, real labels."""
    torch.set_num_threads(1)
    out = train_probe(lambda: d2l.SoftmaxRegression(num_outputs=10, lr=0.1), max_epochs=1)
    assert out["predictions"].shape == (10000,) and out["predictions"].dtype == torch.int64
    assert [sorted(row) for row in out["history"]] == [["epoch", "train_loss", "val_acc", "val_loss"]]
    assert all(type(v) is float for v in out["history"][0].values())
    accuracy = (out["predictions"] == training.validation_labels()).double().mean().item()
    assert accuracy == pytest.approx(out["history"][0]["val_acc"], abs=1e-6)
    assert accuracy_judge(0.5, accuracy)(out).passed


@pytest.mark.parametrize("module", ["autograder.tasks.hw3.train", "autograder.tasks.hw4.train"])
def test_does_every_training_check_tell_the_plot_its_pass_line(module):
    """The feedback's training plot draws the accuracy target: each wrapper of the accuracy judge keeps it."""
    import importlib

    declared = importlib.import_module(module)
    checks = declared.TRAINING.checks
    assert checks and {getattr(check.judge, "target", None) for check in checks} == {declared.ACCURACY_TARGET}
