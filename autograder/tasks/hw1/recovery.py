"""hw1_train_scratch: training recovers the true w and b (Book §3.4.4, §3.5.3)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import close
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._classes import without_board
from autograder.tasks._plain import plain
from autograder.tasks._rng import seeded
from autograder.tasks._verdicts import share


TRUE_W, TRUE_B = (2.0, -3.4), 4.2


def probe_training(make_model: Callable[[type], Any],
                   weights_of: Callable[[Any], Sequence[Any]]) -> Callable[[type], dict]:
    """Probe: the book's run (3 epochs on SyntheticRegressionData(w=[2, −3.4], b=4.2)) from SEED."""
    def probe(cls: type) -> dict:
        with seeded():
            model = without_board(make_model(cls))
            data = d2l.SyntheticRegressionData(w=torch.tensor(TRUE_W), b=TRUE_B)
            history = d2l.Trainer(max_epochs=3).fit(model, data)
            w, b = weights_of(model)
        return {"w": plain(w), "b": plain(b), "train_loss": [row.get("train_loss") for row in history]}
    return probe


def judge_recovery(tolerance: float, basis: str) -> Callable[[dict], Verdict]:
    """Judge: the learned w and b are within ``tolerance`` of the truth in every entry; ``basis`` (an ``N_``
    phrase, translated when the message is written) says where the tolerance comes from."""
    def judge(output: dict) -> Verdict:
        verdicts = []
        for name, got, truth in (("w", output["w"], torch.tensor(TRUE_W)), ("b", output["b"], torch.tensor([TRUE_B]))):
            if isinstance(got, torch.Tensor) and got.numel() == truth.numel():
                got = got.reshape(truth.shape).float()
            what = _("the learned {name} after 3 epochs (lr=0.03) against the true {name} "
                     "(allowed error {tolerance}: {basis})").format(name=name, tolerance=tolerance, basis=_(basis))
            verdicts.append(close(got, truth, rtol=0.0, atol=tolerance, what=what))
        verdict = share(*verdicts)
        losses = output["train_loss"]
        if not verdict.passed and losses and all(isinstance(v, float) for v in losses):
            trend = ", ".join(f"{v:.3g}" for v in losses)
            verdict = Verdict(verdict.fraction, _("{message} (training loss per epoch: {trend})").format(
                message=verdict.message, trend=trend))
        return verdict
    return judge


def _judge_loss_falls(output: dict) -> Verdict:
    """The training loss of each epoch is below the previous one's."""
    losses = output["train_loss"]
    if len(losses) != 3 or not all(isinstance(v, float) for v in losses):
        return Verdict.fail(_("training recorded no loss per epoch ({losses}): does training_step get a "
                              "scalar loss from self.loss?").format(losses=losses))
    if not all(b < a for a, b in zip(losses, losses[1:])):
        return Verdict.fail(_("the training loss per epoch is {losses}: it should fall every epoch (check the "
                              "sign of the SGD step, and that zero_grad runs before each backward "
                              "pass)").format(losses=", ".join(f"{v:.3g}" for v in losses)))
    return Verdict.ok()


_BOOK_BASIS = N_("the book's run ends 0.14–0.21 off")


TRAIN_SCRATCH = Task(
    id="hw1_train_scratch", assignment="hw1", target="LinearRegressionScratch",
    title=N_("Training LinearRegressionScratch with your SGD (Book §3.4.4)"),
    forbidden=families.LINEAR_LAYER + families.SQUARED_LOSS + families.SGD + families.BOOK_MODELS,
    checks=(
        Check(name=N_("the training loss falls every epoch"), points=1,
              probe=probe_training(lambda cls: cls(2, lr=0.03), lambda m: (m.w, m.b)), judge=_judge_loss_falls,
              timeout=60.0),
        Check(name=N_("3 epochs recover w = [2, −3.4] and b = 4.2 within 0.3"), points=2,
              probe=probe_training(lambda cls: cls(2, lr=0.03), lambda m: (m.w, m.b)),
              judge=judge_recovery(0.3, _BOOK_BASIS), timeout=60.0),
    ))

ORDER = 70
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (TRAIN_SCRATCH,)
"""The tasks this module declares, in the notebook's order."""
