"""torch's thread count during Trainer.fit (d2lmini.threads) and the bench that compares it with torch's default.

No verdict here depends on timing: the rule is a pure function, and fit's effect is read from
torch.get_num_threads() inside the model's training steps.
"""
import os

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import d2lmini as d2l
from d2lmini import threads
from d2lmini.bench import CpuBurner, FirstBatches, ThreadTiming, compare_threads, print_thread_table
from tests.d2lmini.support import Blobs, TinyClassifier

# The book's models at the book's batch sizes: (parameters, batch rows).
BOOK_MODELS = {"§3.4 linear regression, 2 inputs": (2 + 1, 32),
               "§4.4/§4.5 softmax regression, 784×10": (784 * 10 + 10, 256)}


class ThreadSpy(TinyClassifier):
    """The tiny classifier, noting torch's thread count at every training step; it fails at ``fail_at``."""

    def __init__(self, fail_at: int = -1):
        super().__init__()
        self.seen, self.fail_at = [], fail_at

    def training_step(self, batch):
        loss = super().training_step(batch)  # after the forward pass, where the rule decides
        self.seen.append(torch.get_num_threads())
        if len(self.seen) == self.fail_at:
            raise RuntimeError("a failing training step")
        return loss


@pytest.fixture
def torch_default(monkeypatch):
    """torch as if untouched since d2lmini's import, with a default of 3 threads, whatever the machine."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, "_AT_IMPORT", 3)
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    yield 3
    torch.set_num_threads(before)


@given(params=st.integers(0, 10**11), rows=st.integers(1, 4096), cpus=st.integers(1, 512))
def test_does_the_rule_give_one_thread_per_share_of_work_within_the_cpus(params, rows, cpus):
    n = threads.choose_num_threads(params, rows, cpus)
    assert 1 <= n <= cpus
    assert n == max(1, min(cpus, params * rows // threads.WORK_PER_THREAD))
    assert threads.choose_num_threads(params, rows, cpus) == n, "the rule is a pure function"


@given(params=st.integers(0, 10**10), more=st.integers(0, 10**10), rows=st.integers(1, 4096),
       cpus=st.integers(1, 256), more_cpus=st.integers(0, 256))
def test_does_a_bigger_model_or_machine_never_get_fewer_threads(params, more, rows, cpus, more_cpus):
    n = threads.choose_num_threads(params, rows, cpus)
    assert threads.choose_num_threads(params + more, rows, cpus) >= n
    assert threads.choose_num_threads(params, rows, cpus + more_cpus) >= n


@pytest.mark.parametrize("model", BOOK_MODELS)
@pytest.mark.parametrize("cpus", [1, 2, 4, 16, 128])
def test_do_the_books_models_train_on_one_thread_on_any_machine(model, cpus):
    assert threads.choose_num_threads(*BOOK_MODELS[model], cpus) == 1


def test_does_a_model_big_enough_get_threads_up_to_the_cpus():
    # 4096×4096 weights at batch 256: 4.3e9 multiply-adds a step, where two threads stopped losing.
    assert [threads.choose_num_threads(4096 * 4096, 256, cpus) for cpus in (1, 2, 16)] == [1, 2, 2]
    assert threads.choose_num_threads(10**9, 256, 16) == 16


def test_are_the_usable_cpus_within_the_affinity():
    assert 1 <= threads.usable_cpus() <= len(os.sched_getaffinity(0)) <= os.cpu_count()


def test_does_fit_train_on_the_rules_count_and_restore_torchs(torch_default):
    model = ThreadSpy()
    trainer = d2l.Trainer(max_epochs=2)
    trainer.fit(model, Blobs())
    assert model.seen == [1] * 6, "the tiny model's steps should run on one thread"
    assert trainer.threads.num_threads == 1 and "6 parameters × 256 rows" in trainer.threads.reason
    assert torch.get_num_threads() == torch_default
    assert not model._forward_hooks, "fit left its forward hook on the model"


def test_does_fit_restore_torchs_count_when_a_step_raises(torch_default):
    model = ThreadSpy(fail_at=2)
    with pytest.raises(RuntimeError, match="a failing training step"):
        d2l.Trainer(max_epochs=1).fit(model, Blobs())
    assert model.seen == [1, 1]
    assert torch.get_num_threads() == torch_default and not model._forward_hooks


def test_does_a_lazy_layer_count_once_it_has_its_size(torch_default):
    torch.manual_seed(0)
    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(d2l.SoftmaxRegression(num_outputs=10, lr=0.1), Blobs())
    assert "30 parameters × 256 rows" in trainer.threads.reason, trainer.threads.reason  # 2×10 + 10


def test_does_the_keyword_win_over_the_users_settings(torch_default, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    torch.set_num_threads(1)
    model = ThreadSpy()
    trainer = d2l.Trainer(max_epochs=1, num_threads=2)
    trainer.fit(model, Blobs())
    assert model.seen == [2] * 3 and trainer.threads.num_threads == 2
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize("how", ["environment", "set_num_threads"])
def test_is_the_users_own_setting_left_alone(torch_default, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("OMP_NUM_THREADS", "3")
        expected = "OMP_NUM_THREADS=3 in the environment"
    else:
        torch.set_num_threads(2)
        expected = "torch.set_num_threads(2) called before fit"
    model = ThreadSpy()
    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(model, Blobs())
    assert set(model.seen) == {torch.get_num_threads()}
    assert trainer.threads.reason == f"left alone: {expected}"


def test_do_the_books_trainer_calls_keep_their_meaning():
    assert d2l.Trainer(10).hparams == {"max_epochs": 10, "num_gpus": 0, "gradient_clip_val": 0, "num_threads": None}
    trainer = d2l.Trainer(3, 0, 1.0)
    assert (trainer.max_epochs, trainer.num_gpus, trainer.gradient_clip_val, trainer.num_threads) == (3, 0, 1.0, None)
    assert d2l.Trainer(max_epochs=2, num_threads=4).num_threads == 4


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_is_a_bad_thread_count_refused_with_what_to_give(bad):
    with pytest.raises(ValueError, match=r"1 or more, or None to let d2lmini choose"):
        d2l.Trainer(1, num_threads=bad)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_does_gpu_training_leave_the_count_alone(torch_default):
    model = ThreadSpy()
    trainer = d2l.Trainer(max_epochs=1, num_gpus=1)
    trainer.fit(model, Blobs())
    assert set(model.seen) == {torch_default} and "GPU" in trainer.threads.reason


def test_does_first_batches_give_the_first_batches_each_epoch():
    short = FirstBatches(Blobs(), train_batches=2, val_batches=1)
    loader = short.train_dataloader()
    assert len(loader) == 2 and len(short.val_dataloader()) == 1
    assert [len(X) for X, _ in loader] == [256, 256] and [len(X) for X, _ in loader] == [256, 256]
    assert len(FirstBatches(Blobs(), train_batches=99, val_batches=99).train_dataloader()) == 3


def test_does_the_thread_bench_time_both_settings_and_stop_its_burner(capsys):
    burner = CpuBurner(processes=1, seconds=60)
    rows = compare_threads({"tiny": TinyClassifier}, FirstBatches(Blobs(), 2, 1), epochs=1, burner=burner)
    assert [(r.load, r.setting) for r in rows] == [
        ("as it is", "torch's default"), ("as it is", "d2lmini's choice"),
        ("1 busy process beside it", "torch's default"), ("1 busy process beside it", "d2lmini's choice")]
    assert all(isinstance(r, ThreadTiming) and r.seconds > 0 and r.val_acc is not None for r in rows)
    assert rows[0].num_threads == threads.torch_threads_at_import()
    assert_gone(burner)
    print_thread_table(rows)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[2].startswith("tiny") and lines[2].endswith("x")


def test_does_the_burner_spin_inside_its_block_and_die_on_an_error():
    burner = CpuBurner(processes=2, seconds=60)
    with pytest.raises(KeyError):
        with burner:
            assert len(burner.started) == 2 and all(p.poll() is None for p in burner.started)
            raise KeyError("stop")
    assert_gone(burner)


def assert_gone(burner: CpuBurner) -> None:
    """Every process the burner started has exited and been reaped."""
    assert burner.started
    for process in burner.started:
        assert process.returncode is not None, f"burner process {process.pid} is still running"
        with pytest.raises(ProcessLookupError):
            os.kill(process.pid, 0)
