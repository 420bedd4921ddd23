"""What hw5's grading (Book §4.1) does beyond what every task gets (tests/tasks/test_every_task.py: the solution,
the stub and the known bugs of files/hw5/).

The properties check the solution's functions (what students are graded against) and the grader's references
against torch's own functions.
"""
from __future__ import annotations

import contextlib
import io
import math
import sys

import nbformat
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from autograder.core.i18n import use_language
from autograder.tasks import get_task, tasks_for
from autograder.tasks.hw5 import affine, cross_entropy, entropy, gradient, loss, one_hot
from tests.support.grading import grade, messages
from tests.support.solution_notebooks import SOLUTIONS
from tests.strategies import distribution_pairs, labelled_logits, numeric

ASSIGNMENT = "hw5"
TASK_IDS = [task.id for task in tasks_for(ASSIGNMENT)]
NOTEBOOK = nbformat.read(SOLUTIONS / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def test_are_the_units_of_information_named_in_the_language_of_the_run():
    """entropy.unit names nats, bits and bans (and any other base) in English, and in Korean under --lang ko."""
    assert [entropy.unit(b) for b in (math.e, 2.0, 10.0, 3.0)] == ["nats", "bits", "bans", "base 3"]
    with use_language("ko"):
        assert [entropy.unit(b) for b in (math.e, 2.0, 10.0, 3.0)] == ["내트", "비트", "밴", "밑 3"]


def test_does_an_index_error_for_a_bad_label_cost_only_the_range_point(bugs):
    """A one_hot right on valid labels but with no range check of its own loses exactly the ValueError check."""
    result = grade("hw5_one_hot", bugs["one_hot_bugs"].oh_no_range_check)
    assert [c.name for c in result.checks if not c.passed] == [get_task("hw5_one_hot").checks[1].name]


def test_is_a_hint_silent_where_its_bug_gives_the_right_answer(bugs):
    """An int64 one-hot on labels that hold every class is a dtype mistake, not "y.max() + 1 columns"."""
    first = grade("hw5_one_hot", bugs["one_hot_bugs"].oh_int64).checks[0].message
    assert "float32" in first and "y.max() + 1" not in first


@pytest.mark.parametrize("task_id, solved", [
    ("hw5_softmax", lambda O: (E := torch.exp(O - O.amax(-1, keepdim=True))) / E.sum(-1, keepdim=True)),
    ("hw5_cross_entropy_loss", lambda Y_hat, Y: -torch.xlogy(Y, Y_hat).sum(-1).mean()),
    ("hw5_entropy", lambda P, base=math.e: -torch.xlogy(P, P).sum(-1) / math.log(base)),
    ("hw5_cross_entropy", lambda P, Q, base=math.e: -torch.xlogy(P, Q).sum(-1) / math.log(base)),
    ("hw5_one_hot", lambda y, q: torch.eye(q)[y] if bool(((y >= 0) & (y < q)).all()) else
     (_ for _ in ()).throw(ValueError(f"labels must be in 0 … {q - 1}"))),
])
def test_are_other_correct_ways_accepted(task_id, solved):
    """A stable softmax, torch.xlogy for 0 · log 0 and the identity matrix's rows are from scratch and earn full points."""
    result = grade(task_id, solved)
    assert result.score == get_task(task_id).points, messages(result)


# --------------------------------------------------------------------------- properties


@numeric
@given(st.integers(1, 12).flatmap(lambda q: st.tuples(st.just(q), st.lists(st.integers(0, q - 1), max_size=20))))
def test_is_one_hot_torch_s_and_does_each_row_hold_one_1(solution, case):
    """The solution's one_hot equals F.one_hot as float32; each row sums to 1 with its 1 at the label."""
    q, labels = case
    y = torch.tensor(labels, dtype=torch.int64)
    Y = solution.one_hot(y, q)
    assert Y.dtype == torch.float32 and torch.equal(Y, F.one_hot(y, q).float())
    assert torch.equal(Y.sum(1), torch.ones(len(y))) and torch.equal(Y.argmax(1) if len(y) else y, y)


@pytest.mark.parametrize("labels", [[3], [-1], [0, 1, 7]])
def test_does_the_solution_refuse_labels_out_of_range(solution, labels):
    """ValueError naming the label, for num_classes and for -1 (which indexing would take for the last class)."""
    with pytest.raises(ValueError, match=str(labels[-1])):
        solution.one_hot(torch.tensor(labels), 3)


@numeric
@given(distribution_pairs())
def test_do_entropy_and_cross_entropy_obey_information_theory(solution, pair):
    """0 ≤ H(P) ≤ log q; H(P, P) = H(P); H(P, Q) = H(P) + KL(P‖Q) with KL ≥ 0; bits = nats / ln 2."""
    P, Q = pair
    H, HPQ = solution.entropy(P), solution.cross_entropy(P, Q)
    assert bool(torch.isfinite(H).all()) and bool((H >= -1e-6).all())
    assert bool((H <= math.log(P.shape[-1]) + 1e-5).all())
    torch.testing.assert_close(solution.cross_entropy(P, P), H)
    torch.testing.assert_close(HPQ, cross_entropy.reference(P, Q))
    assert bool((HPQ - H >= -1e-5).all())
    torch.testing.assert_close(solution.entropy(P, base=2), H / math.log(2))
    torch.testing.assert_close(H, torch.distributions.Categorical(probs=P).entropy(), atol=1e-5, rtol=1e-5)


@numeric
@given(labelled_logits(max_abs=8.0), st.booleans())
def test_is_the_gradient_softmax_minus_labels_over_n(solution, case, soft):
    """The solution's gradient equals autograd's on F.cross_entropy, for one-hot and soft labels; rows sum to 0."""
    O, y = case
    Y = torch.softmax(O.flip(0), dim=1) if soft else F.one_hot(y, O.shape[1]).float()
    got = solution.softmax_cross_entropy_grad(O, Y)
    torch.testing.assert_close(got, gradient.reference(O, Y))
    torch.testing.assert_close(got.sum(1), torch.zeros(len(O)), rtol=0, atol=1e-6)


def test_do_the_grader_s_references_agree_with_torch():
    """Each reference the judges use against an independent torch computation of the same quantity."""
    y = one_hot.labels(1, 30, 7)
    torch.testing.assert_close(one_hot.reference(y, 7), torch.eye(7)[y])
    X, W, b = affine.BOOK.tensors()
    torch.testing.assert_close(affine.reference(X, W, b), F.linear(X.reshape(len(X), -1), W, b))
    Y_hat, Y = loss._soft()
    torch.testing.assert_close(loss.reference(Y_hat, Y), F.cross_entropy(Y_hat.log(), Y))
    Y_hat, Y = loss._book()
    torch.testing.assert_close(loss.reference(Y_hat, Y), torch.tensor(-(math.log(0.1) + math.log(0.5)) / 2))
    P = torch.tensor([0.5, 0.5])
    assert entropy.reference(P, 2.0).item() == pytest.approx(1.0)
    assert entropy.reference(P).item() == pytest.approx(math.log(2))


# --------------------------------------------------------------------------- the notebook


def test_is_the_notebook_hw5_release_1_with_20_auto_and_6_hand_graded_points():
    """The notebook's kit metadata, its test cells in declaration order, and its points (each test cell's template,
    lock and points: tests/tasks/test_registry.py)."""
    assert NOTEBOOK.metadata["kit"] == {"assignment": "hw5", "release": 1}
    graded = [c for c in NOTEBOOK.cells if c.metadata.get("nbgrader", {}).get("grade")]
    tests = {c.metadata.nbgrader.grade_id: c for c in graded if c.cell_type == "code"}
    written = [c for c in graded if c.cell_type == "markdown"]
    assert list(tests) == TASK_IDS
    assert sum(get_task(t).points for t in tests) == 20
    assert [c.metadata.nbgrader.points for c in written] == [2, 2, 2]


def test_does_the_onehotencoder_cell_say_how_to_install_what_it_lacks(monkeypatch):
    """Without scikit-learn the notes' OneHotEncoder cell prints the pip command instead of failing."""
    cell = next(c for c in NOTEBOOK.cells if "OneHotEncoder" in c.source and c.cell_type == "code")
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn now raises ImportError
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(cell.source, "<OneHotEncoder cell>", "exec"), {})
    assert "pip install scikit-learn pandas" in printed.getvalue()
