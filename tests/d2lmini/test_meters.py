"""Timer and Accumulator (Book §12.5.1, §23.7), as readers of the book's earlier editions use them."""
import itertools
import time

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

import d2lmini as d2l
from tests.strategies import numeric

seconds = st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=20)


def test_does_stop_record_the_time_since_start_by_a_clock_that_brackets_it():
    timer = d2l.Timer()
    before = time.perf_counter()
    timer.start()
    time.sleep(0.01)
    elapsed = timer.stop()
    assert 0.01 <= elapsed <= time.perf_counter() - before  # sleep lasts at least its time
    assert timer.times == [elapsed]


def test_does_a_new_timer_run_from_when_it_was_made_and_restart_on_start():
    timer = d2l.Timer()
    first = timer.stop()
    timer.start()
    assert len(timer.times) == 1 and first >= 0 and timer.stop() >= 0


@numeric
@given(times=seconds)
def test_are_avg_sum_and_cumsum_those_of_the_recorded_times(times):
    # the book's: sum(times) / len(times), sum(times), np.array(times).cumsum().tolist()
    timer = d2l.Timer()
    timer.times = list(times)
    assert timer.sum() == sum(times) and timer.avg() == sum(times) / len(times)
    assert timer.cumsum() == np.array(times).cumsum().tolist()


@numeric
@given(rows=st.lists(st.tuples(st.integers(0, 256), st.floats(-1e3, 1e3, allow_nan=False)), max_size=30))
def test_does_an_accumulator_keep_the_running_sum_of_each_quantity(rows):
    metric = d2l.Accumulator(2)
    for correct, loss in rows:
        metric.add(torch.tensor(correct), loss)  # a one-element tensor counts as its number
    assert metric[0] == sum(float(c) for c, _ in rows)
    assert metric[1] == list(itertools.accumulate((l for _, l in rows), initial=0.0))[-1]
    metric.reset()
    assert metric.data == [0.0, 0.0]


def test_does_the_books_evaluate_accuracy_with_an_accumulator_match_the_classifiers_accuracy(blobs, tiny_classifier):
    # The book's evaluate_accuracy (d2l 0.17 §3.6): correct predictions and examples summed over batches.
    metric = d2l.Accumulator(2)
    with torch.no_grad():
        for X, y in blobs.val_dataloader():
            metric.add(tiny_classifier.accuracy(tiny_classifier(X), y, averaged=False).sum(), d2l.size(y))
        whole = tiny_classifier.accuracy(tiny_classifier(blobs.X[600:]), blobs.y[600:]).item()
    assert metric[1] == 1000 and abs(metric[0] / metric[1] - whole) < 1e-6
