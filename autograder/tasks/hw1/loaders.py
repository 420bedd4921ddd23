"""hw1_get_dataloader: SyntheticRegressionData's minibatch iterator from scratch (Book §3.3.2)."""
from __future__ import annotations

from typing import Callable

import torch

from autograder.core import families
from autograder.core.i18n import N_, _
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._rng import seeded
from autograder.tasks._verdicts import from_problem
from autograder.tasks.hw1.generators import pair_problem
from autograder.tasks.hw1._index_coded import coded, decode, epoch_problem, read_batches, shuffle_problem


_BOOK_SPLIT = (1000, 1000, 32, 2)
"""num_train, num_val, batch_size, num_inputs of the book's SyntheticRegressionData."""
_ODD_SPLIT = (50, 23, 7, 3)
"""Sizes the notebook never uses, none dividing the other."""
_MODULE_SOURCE = N_("does get_dataloader read a notebook global (such as `data`) instead of "
                     "self.X and self.y?")


def _module_epochs(split: tuple[int, int, int, int]) -> Callable[[type], dict]:
    """Probe: two training epochs and one validation pass of a fresh data module of these sizes."""
    num_train, num_val, batch_size, num_inputs = split

    def probe(cls: type) -> dict:
        with seeded():
            data = cls(w=torch.ones(num_inputs), b=0.5, num_train=num_train, num_val=num_val,
                       batch_size=batch_size)
            data.X, data.y = coded(num_train + num_val, num_inputs)
            train = [read_batches(data.train_dataloader()) for _epoch in range(2)]
            return {"train": train, "val": read_batches(data.val_dataloader())}

    return probe


def _module_rows(output: dict, part: str) -> tuple[list, str | None]:
    """Decoded row indices of the probe's training epochs ("train") or validation pass ("val")."""
    where = "train_dataloader()" if part == "train" else "val_dataloader()"
    if part == "val":
        return decode(output["val"], 2, where, _(_MODULE_SOURCE))
    epochs = []
    for batches in output["train"]:
        rows, problem = decode(batches, 2, where, _(_MODULE_SOURCE))
        if problem:
            return [], problem
        epochs.append(rows)
    return epochs, None


def _judge_module_shapes(output: dict) -> Verdict:
    """The first training batch is X of shape (32, 2) and y of shape (32, 1), float32."""
    batches = output["train"][0]
    if not batches:
        return Verdict.fail(_("train_dataloader() yields no batches: loop over the indices with "
                              "range(0, len(indices), self.batch_size) and `yield` each batch"))
    return from_problem(pair_problem(batches[0], 32, 2, _("the first batch of train_dataloader() (batch_size=32)")))


def _judge_module_epoch(output: dict) -> Verdict:
    """Each training epoch visits range(num_train) once: 31 batches of 32, then one of 8."""
    epochs, problem = _module_rows(output, "train")
    num_train, _num_val, batch_size, _num_inputs = _BOOK_SPLIT
    for rows in epochs:
        problem = problem or epoch_problem(rows, range(num_train), batch_size, "train_dataloader()")
    return from_problem(problem)


def _judge_module_shuffle(output: dict) -> Verdict:
    """Training examples come in a new random order every epoch."""
    epochs, problem = _module_rows(output, "train")
    return from_problem(problem or shuffle_problem([[i for r in rows for i in r] for rows in epochs],
                                                   "train_dataloader()"))


def _val_problem(output: dict, split: tuple[int, int, int, int]) -> str | None:
    """Whether the validation pass reads range(num_train, num_train + num_val) once, in order."""
    num_train, num_val, batch_size, _num_inputs = split
    rows, problem = _module_rows(output, "val")
    if problem:
        return problem
    expected = range(num_train, num_train + num_val)
    flat = [i for r in rows for i in r]
    if flat and min(flat) < num_train:
        return _("val_dataloader() yields training rows (index {index} < num_train = {num_train}): "
                 "validation uses range(num_train, num_train + num_val)").format(index=min(flat), num_train=num_train)
    problem = epoch_problem(rows, expected, batch_size, "val_dataloader()")
    if problem is None and flat != list(expected):
        problem = _("val_dataloader() reads the validation examples out of order: shuffle only "
                    "the training data, keep validation in its original order")
    return problem


def _judge_module_val(output: dict) -> Verdict:
    """Validation reads rows num_train … num_train + num_val − 1 once, in order."""
    return from_problem(_val_problem(output, _BOOK_SPLIT))


def _judge_module_odd(output: dict) -> Verdict:
    """Sizes the notebook never used: every property at once."""
    num_train, _num_val, batch_size, _num_inputs = _ODD_SPLIT
    epochs, problem = _module_rows(output, "train")
    where = _("train_dataloader() with num_train=50, batch_size=7, 3 features")
    for rows in epochs:
        problem = problem or epoch_problem(rows, range(num_train), batch_size, where)
    problem = problem or shuffle_problem([[i for r in rows for i in r] for rows in epochs], where)
    return from_problem(problem or _val_problem(output, _ODD_SPLIT))


GET_DATALOADER = Task(
    id="hw1_get_dataloader", assignment="hw1", target="SyntheticRegressionData",
    title=N_("get_dataloader, the minibatch iterator from scratch (Book §3.3.2)"),
    forbidden=families.MINIBATCH_LOADER,
    checks=(
        Check(name=N_("batches of X (32, 2) and y (32, 1)"), points=1, probe=_module_epochs(_BOOK_SPLIT),
              judge=_judge_module_shapes),
        Check(name=N_("each training example once per epoch, last partial batch kept"), points=1,
              probe=_module_epochs(_BOOK_SPLIT), judge=_judge_module_epoch),
        Check(name=N_("training order reshuffled every epoch"), points=1, probe=_module_epochs(_BOOK_SPLIT),
              judge=_judge_module_shuffle),
        Check(name=N_("validation examples once each, in order"), points=1, probe=_module_epochs(_BOOK_SPLIT),
              judge=_judge_module_val),
        Check(name=N_("other sizes (50 + 23 examples, batches of 7, 3 features)"), points=1,
              probe=_module_epochs(_ODD_SPLIT), judge=_judge_module_odd, hidden=True),
    ))

ORDER = 10
"""Where these tasks stand among hw1's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (GET_DATALOADER,)
"""The tasks this module declares, in the notebook's order."""
