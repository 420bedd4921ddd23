"""hw3_training: SoftmaxRegressionScratch trained on Fashion-MNIST, scored by validation accuracy (Book §4.4.4)."""
from __future__ import annotations

from typing import Any

from autograder.core import families
from autograder.core.compare import Hint, with_hint
from autograder.core.i18n import N_, _
from autograder.core.spec import Task, Verdict
from autograder.tasks._attempt import raised, raised_hint
from autograder.tasks._classes import class_check, library_methods
from autograder.tasks.hw3.forward import FORWARD_RAISED, NO_FLATTEN, SHAPE_ERRORS
from autograder.tasks.hw3.model import BOOK_MODEL
from autograder.tasks.training import accuracy_judge, train_probe


ACCURACY_FLOOR, ACCURACY_TARGET = 0.70, 0.80
"""Validation accuracy after the book's 10 epochs that earns nothing, and that earns full marks.
d2lmini's SoftmaxRegressionScratch reaches 0.824–0.834 over seeds 0–3 (per-epoch dips to 0.81);
a model that never learns stays near 0.10."""

LIBRARY_LOSS = N_("SoftmaxRegressionScratch has no loss of its own, so training used {owner}.loss "
                  "(F.cross_entropy, which expects logits, not your probabilities) instead of your "
                  "cross_entropy: run the cell `@d2l.add_to_class(SoftmaxRegressionScratch) def loss(self, "
                  "y_hat, y): return cross_entropy(y_hat, y)` after the class cell, then this one again")
"""Why a model trained with d2lmini's loss learns poorly, and what to run (``{owner}``: the library class)."""


def _training_raised() -> tuple[Hint, ...]:
    """Hints for errors raised while training (the training batches are images, (256, 1, 28, 28)), in the
    current language."""
    no_flatten = _("{hint} (the forward check above says the same)").format(hint=_(NO_FLATTEN))
    return (raised_hint(SHAPE_ERRORS, no_flatten), *FORWARD_RAISED)


def _probe_training(cls: type) -> dict:
    """Train the student's model with the book's settings; an error is recorded as {"raised": …}, and
    where the loss comes from when it is the library's ({"library_loss": "d2l.Classifier"})."""
    try:
        output = train_probe(lambda: cls(num_inputs=784, num_outputs=10, lr=0.1),
                             max_epochs=10, batch_size=256, seed=0)
    except NotImplementedError:  # the untouched stub: the engine says "not implemented yet"
        raise
    except Exception as exc:  # the student's code failed inside the training loop: the judge explains it
        return raised(exc)
    owner = library_methods(cls, ("loss",)).get("loss")
    return {**output, "library_loss": owner} if owner is not None else output


_accuracy = accuracy_judge(ACCURACY_FLOOR, ACCURACY_TARGET)


def _judge_training(got: Any) -> Verdict:
    """Accuracy credit; a cause first when training raised or used the library's loss."""
    if isinstance(got, dict) and "raised" in got:
        return with_hint(Verdict.fail(_("training SoftmaxRegressionScratch raised {error}").format(
            error=got["raised"])), got, _training_raised())
    verdict = _accuracy(got)
    owner = got.get("library_loss") if isinstance(got, dict) else None
    if owner is None or verdict.passed:
        return verdict
    cause = _(LIBRARY_LOSS).format(owner=owner or "d2l.Module")
    return Verdict(verdict.fraction, _("{cause}. {accuracy}").format(cause=cause, accuracy=verdict.message))


_judge_training.target = _accuracy.target  # the feedback's plot draws it as the pass line


TRAINING = Task(
    id="hw3_training",
    assignment="hw3",
    title=N_("training SoftmaxRegressionScratch on Fashion-MNIST (Book §4.4.4)"),
    target="SoftmaxRegressionScratch",
    checks=(
        # the name is one message to translate, so the target is written out (a test checks it is ACCURACY_TARGET)
        class_check(name=N_("validation accuracy after 10 epochs (full marks from 0.8)"),
                    probe=_probe_training, judge=_judge_training, library=BOOK_MODEL, points=2.0, timeout=300.0,
                    own=("forward",)),
    ),
    forbidden=families.SOFTMAX + families.CROSS_ENTROPY + families.BOOK_MODELS + families.LINEAR_LAYER,
)

ORDER = 50
"""Where these tasks stand among hw3's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (TRAINING,)
"""The tasks this module declares, in the notebook's order."""
