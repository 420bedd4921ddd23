"""Training checks shared by hw3 and hw4: train in the student's process, score accuracy in the grader's."""
from __future__ import annotations

import functools
import math
from typing import Any, Callable

import torch

import d2lmini as d2l
from autograder.core.compare import describe
from autograder.core.i18n import _
from autograder.core.spec import Verdict

__all__ = ["TrainingProbeError", "train_probe", "accuracy_judge", "validation_labels", "validation_accuracy"]

NUM_CLASSES = 10


class TrainingProbeError(RuntimeError):
    """The student's model cannot be trained or evaluated the way the book's models are."""


def train_probe(make_model: Callable[[], Any], *, max_epochs: int = 10, batch_size: int = 256,
                seed: int = 0) -> dict[str, Any]:
    """Train ``make_model()`` on Fashion-MNIST with d2l.Trainer; return plain data only.

    Returns ``{"predictions": int64 tensor (10000,), "history": [{"epoch": 1.0, ...}, ...]}``:
    the argmax of the model's forward on each validation image (eval mode, no grad) and the
    trainer's per-epoch metrics. Runs in the student's process (a check's probe).
    """
    torch.manual_seed(seed)
    data = d2l.FashionMNIST(batch_size=batch_size)
    model = make_model()
    board = getattr(model, "board", None)
    if board is not None:  # no live plot from a check: it is slow and would land in the test cell
        board.display = False
    history = d2l.Trainer(max_epochs=max_epochs).fit(model, data)
    return {"predictions": _predict(model, data),
            "history": [{key: float(value) for key, value in row.items()} for row in history or []]}


def _predict(model: Any, data: Any) -> torch.Tensor:
    """The model's predicted class for every validation image, in order."""
    model.eval()
    predictions = []
    with torch.no_grad():
        for X, _labels in data.val_dataloader():
            scores = model(X)
            if not isinstance(scores, torch.Tensor) or tuple(scores.shape) != (len(X), NUM_CLASSES):
                raise TrainingProbeError(
                    _("for a batch of {n} images the model's forward returned {got}; expected a tensor of shape "
                      "({n}, {classes}), one row of class scores per image").format(
                        n=len(X), got=describe(scores), classes=NUM_CLASSES))
            predictions.append(scores.argmax(dim=1).to(torch.int64).cpu())
    return torch.cat(predictions)


@functools.lru_cache(maxsize=1)
def validation_labels() -> torch.Tensor:
    """The 10,000 true Fashion-MNIST validation labels (int64), loaded by the grader itself."""
    return d2l.FashionMNIST().val.targets.to(torch.int64)


def accuracy_judge(floor: float, target: float) -> Callable[[Any], Verdict]:
    """A judge of train_probe's output: credit rises linearly from 0 at ``floor`` accuracy to 1 at ``target``."""
    if not 0 <= floor < target <= 1:
        raise ValueError(f"need 0 <= floor < target <= 1, got floor={floor}, target={target}")

    def judge(output: Any) -> Verdict:
        """Score the validation accuracy of the predictions, explaining a shortfall from the history."""
        accuracy = validation_accuracy(output)
        if accuracy is None:
            return Verdict.fail(_prediction_problem(output, len(validation_labels())))
        fraction = min(max((accuracy - floor) / (target - floor), 0.0), 1.0)
        if fraction >= 1.0:
            return Verdict.ok()
        message = _("validation accuracy after training is {accuracy:.3f}: full marks from {target:.2f}, none at "
                    "{floor:.2f} or below").format(accuracy=accuracy, target=target, floor=floor)
        diagnosis = _diagnose(output.get("history"), accuracy)
        return Verdict(fraction, _("{shortfall}. {cause}").format(shortfall=message, cause=diagnosis)
                       if diagnosis else message)

    judge.target = target  # the feedback's plot draws it as the pass line
    return judge


def validation_accuracy(output: Any) -> float | None:
    """The share of validation images train_probe's output classifies right; None when it holds no predictions."""
    if not isinstance(output, dict) or "predictions" not in output:
        return None  # not a training probe's output: the labels need not be loaded
    labels = validation_labels()
    if _prediction_problem(output, len(labels)):
        return None
    return (output["predictions"] == labels).double().mean().item()


def _prediction_problem(output: Any, n: int) -> str:
    """Why the probe's output is not n int64 class predictions; "" when it is."""
    if not isinstance(output, dict) or "predictions" not in output:
        return _("training produced {got}, not the predictions on the validation images").format(got=describe(output))
    predictions = output["predictions"]
    if not isinstance(predictions, torch.Tensor) or predictions.shape != (n,):
        return _("the predictions on the validation images are {got}; expected a tensor of shape ({n},), one class "
                 "per image").format(got=describe(predictions), n=n)
    if predictions.dtype != torch.int64:
        return _("the predictions have dtype {dtype}; expected torch.int64 class indices").format(
            dtype=predictions.dtype)
    if predictions.numel() and (predictions.min() < 0 or predictions.max() >= NUM_CLASSES):
        return _("the predictions hold values outside the classes 0–{last}").format(last=NUM_CLASSES - 1)
    return ""


def _diagnose(history: Any, accuracy: float) -> str:
    """A likely cause of low accuracy read from the per-epoch training history; "" if none stands out."""
    losses = [row.get("train_loss") for row in history or [] if isinstance(row, dict)]
    for epoch, loss in enumerate(losses, start=1):
        if loss is None or not math.isfinite(loss):
            return _("The training loss became {loss} in epoch {epoch}: look for log(0) or exp overflow in the loss, "
                     "or lower the learning rate").format(loss=loss, epoch=epoch)
    if len(losses) >= 2 and losses[-1] >= losses[0]:
        return _("The training loss did not go down ({first:.3f} in epoch 1, {last:.3f} in epoch {epochs}): check "
                 "that the loss uses the labels and that the optimizer updates the parameters").format(
            first=losses[0], last=losses[-1], epochs=len(losses))
    if accuracy < 2 / NUM_CLASSES:
        return _("That is about chance level: check that forward returns one row of scores per image")
    return ""
