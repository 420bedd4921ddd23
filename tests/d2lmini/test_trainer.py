"""The Trainer (Book §3.2.4, §3.4.4): per-epoch metrics, their exactness, replaced loops, clipping."""
import types

import pytest
import torch
import torch.nn.functional as F

import d2lmini as d2l
from tests.d2lmini.book_cells import BOOK, split_cells


def regression(seed: int = 0) -> tuple:
    torch.manual_seed(seed)
    return d2l.LinearRegressionScratch(2, lr=0.03), d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)


def whole_split_metrics(model, X, y) -> tuple:
    """Accuracy and mean cross-entropy over a whole split, computed in one pass (the reference)."""
    with torch.no_grad():
        logits = model(X)
    return (logits.argmax(1) == y).float().mean().item(), F.cross_entropy(logits, y).item()


def test_does_fit_return_one_row_of_metrics_per_epoch():
    model, data = regression()
    history = d2l.Trainer(max_epochs=3).fit(model, data)
    assert isinstance(history, d2l.History) and isinstance(history, list)
    assert [row["epoch"] for row in history] == [1, 2, 3]
    assert all(set(row) == {"epoch", "train_loss", "val_loss"} for row in history)
    assert history.column("epoch") == [1, 2, 3]


def test_does_the_training_loss_fall_epoch_after_epoch():
    model, data = regression()
    losses = d2l.Trainer(max_epochs=3).fit(model, data).column("train_loss")
    assert losses[0] > losses[1] > losses[2]


def test_does_a_second_fit_start_a_fresh_history():
    model, data = regression()
    trainer = d2l.Trainer(max_epochs=2)
    trainer.fit(model, data)
    assert [row["epoch"] for row in trainer.fit(model, data)] == [1, 2]


def test_does_a_classifiers_history_report_val_acc(blobs, tiny_classifier):
    history = d2l.Trainer(max_epochs=2).fit(tiny_classifier, blobs)
    assert all(set(row) == {"epoch", "train_loss", "val_loss", "val_acc"} for row in history)
    assert 0.0 <= history[-1]["val_acc"] <= 1.0


@pytest.mark.parametrize("batch_size", [7, 256, 3000], ids=["partial-7", "partial-256", "one-batch-3000"])
def test_are_val_acc_and_val_loss_exact_over_the_whole_validation_set(make_blobs, tiny_classifier, batch_size):
    # 1000 validation examples: the last batch holds 6, 232 or all 1000; weighting by batch size
    # must give the same numbers as one pass over the whole split (the book's plain mean does not).
    data = make_blobs(batch_size=batch_size)
    last = d2l.Trainer(max_epochs=2).fit(tiny_classifier, data)[-1]
    acc, loss = whole_split_metrics(tiny_classifier, data.X[data.num_train:], data.y[data.num_train:])
    assert last["val_acc"] == pytest.approx(acc, abs=1e-6)
    assert last["val_loss"] == pytest.approx(loss, rel=1e-5)


def book_trainer() -> type:
    """A Trainer subclass given the book's own prepare_batch and fit_epoch cells (Book §3.4.4).

    The cells run unchanged; only their ``d2l.Trainer`` is this subclass, so d2lmini's class stays intact.
    """
    class BookTrainer(d2l.Trainer):
        pass

    shim = types.SimpleNamespace(add_to_class=d2l.add_to_class, Trainer=BookTrainer)
    for cell in split_cells((BOOK / "s3_4.py").read_text()):
        if "@d2l.add_to_class(d2l.Trainer)" in cell:
            exec(cell, {"torch": torch, "d2l": shim})
    assert BookTrainer.fit_epoch is not d2l.Trainer.fit_epoch
    return BookTrainer


def test_are_metrics_still_recorded_when_fit_epoch_is_the_books_own():
    model, data = regression()
    history = book_trainer()(max_epochs=3).fit(model, data)
    assert [set(row) for row in history] == [{"epoch", "train_loss", "val_loss"}] * 3
    assert history[-1]["val_loss"] < history[0]["val_loss"]


def test_is_val_acc_still_exact_when_fit_epoch_is_the_books_own(blobs, tiny_classifier):
    last = book_trainer()(max_epochs=2).fit(tiny_classifier, blobs)[-1]
    acc, _ = whole_split_metrics(tiny_classifier, blobs.X[blobs.num_train:], blobs.y[blobs.num_train:])
    assert last["val_acc"] == pytest.approx(acc, abs=1e-6)


def test_does_clip_gradients_match_torchs_clip_grad_norm():
    torch.manual_seed(0)
    ours = torch.nn.Linear(3, 2)
    ref = torch.nn.Linear(3, 2)
    ref.load_state_dict(ours.state_dict())
    X = torch.randn(8, 3) * 100
    for net in (ours, ref):
        net(X).pow(2).sum().backward()
    d2l.Trainer(max_epochs=1).clip_gradients(1.0, ours)
    torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
    for a, b in zip(ours.parameters(), ref.parameters()):
        torch.testing.assert_close(a.grad, b.grad)
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in ours.parameters()))
    torch.testing.assert_close(norm, torch.tensor(1.0))


def test_are_small_gradients_left_alone_by_clipping():
    net = torch.nn.Linear(2, 1)
    net(torch.full((1, 2), 1e-3)).sum().backward()
    before = [p.grad.clone() for p in net.parameters()]
    d2l.Trainer(max_epochs=1).clip_gradients(10.0, net)
    assert all(torch.equal(a, p.grad) for a, p in zip(before, net.parameters()))


def test_does_fit_clip_every_step_when_gradient_clip_val_is_set(blobs, tiny_classifier):
    calls = []

    class Spy(d2l.Trainer):
        def clip_gradients(self, grad_clip_val, model):
            calls.append(grad_clip_val)
            super().clip_gradients(grad_clip_val, model)

    Spy(max_epochs=1, gradient_clip_val=0.5).fit(tiny_classifier, blobs)
    assert calls == [0.5] * len(blobs.train_dataloader())
    calls.clear()
    Spy(max_epochs=1).fit(tiny_classifier, blobs)
    assert calls == []


def test_does_a_cpu_trainer_pass_batches_through_unchanged():
    trainer = d2l.Trainer(max_epochs=1, num_gpus=0)
    batch = (torch.zeros(2), torch.ones(2))
    assert trainer.gpus == [] and trainer.prepare_batch(batch) is batch


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the fallback on machines without a GPU")
def test_does_asking_for_a_gpu_without_one_train_on_the_cpu(blobs, tiny_classifier):
    trainer = d2l.Trainer(max_epochs=1, num_gpus=1)
    assert trainer.gpus == []
    trainer.fit(tiny_classifier, blobs)
    assert next(tiny_classifier.parameters()).device.type == "cpu"


def test_does_fit_attach_itself_to_the_model():
    model, data = regression()
    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(model, data)
    assert model.trainer is trainer and trainer.num_train_batches == 32 and trainer.num_val_batches == 32


def test_does_history_print_as_a_table_of_epochs():
    history = d2l.History([{"epoch": 1, "train_loss": 0.5, "val_acc": 0.8125}])
    lines = repr(history).splitlines()
    assert lines[0].split() == ["epoch", "train_loss", "val_acc"]
    assert lines[1].split() == ["1", "0.5000", "0.8125"]
    assert repr(d2l.History()) == "History([])"
