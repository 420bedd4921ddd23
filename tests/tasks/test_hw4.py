"""Does hw4's grading give the solution notebook full points, the student stubs zero, and name each known bug?"""
from __future__ import annotations

import math
import re

import nbformat
import pytest
import torch
from hypothesis import given
from torch.nn import functional as F

from autograder.core.diagnostic import parse, split
from autograder.core.probe import grade_in_process
from autograder.core.i18n import _, use_language
from autograder.tasks import hw4, tasks_for
from autograder.tasks.hw4 import train
from tests.support.fixture_modules import FILES, import_file
from tests.support.solution_notebooks import SOLUTIONS, notebook_module
from tests.strategies import labelled_logits, matrices, numeric

NOTEBOOK = SOLUTIONS / "hw4" / "hw4.ipynb"
TASKS = {task.id: task for task in tasks_for("hw4")}
FAST = [task_id for task_id in TASKS if task_id != "hw4_training"]
buggy = import_file(FILES / "hw4" / "buggy.py", "hw4_buggy")
SOLVED = vars(notebook_module("hw4", stubbed=False))
STUBBED = vars(notebook_module("hw4", stubbed=True))


def _grade(task_id: str, obj) -> tuple[float, str]:
    """Points earned with every check, and all messages joined."""
    result = grade_in_process(TASKS[task_id], obj, hidden=True)
    return result.score, " | ".join([*result.notes, *(c.message for c in result.checks)])


# ----------------------------------------------------------------------------- the notebook and the tasks agree

# (each task's test cell, its lock, points and template: tests/tasks/test_registry.py, for every assignment)

def test_is_the_notebook_saved_without_outputs():
    """Solutions are committed clean: no outputs, no execution counts, the kit's metadata."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.metadata["kit"] == {"assignment": "hw4", "release": 1}
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.parametrize("task_id", FAST)
def test_does_the_notebook_solution_earn_full_points(task_id):
    """The code in the solution notebook passes every check, hidden ones included."""
    score, messages = _grade(task_id, SOLVED[TASKS[task_id].target])
    assert score == TASKS[task_id].points, messages


@pytest.mark.parametrize("task_id", list(TASKS))
def test_does_the_untouched_stub_earn_zero(task_id):
    """The student version's NotImplementedError scores 0 and says the task is not implemented yet."""
    score, messages = _grade(task_id, STUBBED[TASKS[task_id].target])
    assert score == 0
    assert "not implemented yet" in messages


# ----------------------------------------------------------------------------- known bugs lose points and are named

BUGS = [
    # (task, wrong solution, words its diagnostic must contain)
    ("hw4_stable_softmax", "softmax_without_max", "subtract each row's maximum"),
    ("hw4_stable_softmax", "softmax_minus_min", "row's minimum"),
    ("hw4_stable_softmax", "softmax_minus_global_max", "maximum of the whole matrix"),
    ("hw4_stable_softmax", "softmax_max_in_numerator_only", "numerator only"),
    ("hw4_stable_softmax", "softmax_without_keepdim", "keepdim=True"),
    ("hw4_stable_softmax", "softmax_over_columns", "each column sums to 1"),
    ("hw4_stable_softmax", "softmax_of_a_global", "notebook variable"),
    ("hw4_stable_softmax", "softmax_by_library", "F.softmax on line 3"),
    ("hw4_stable_softmax", "softmax_by_method", "X.softmax(…) on line 3"),
    ("hw4_cross_entropy_logits", "ce_without_max_added_back", "not added back"),
    ("hw4_cross_entropy_logits", "ce_with_mean_inside", "mean of exp"),
    ("hw4_cross_entropy_logits", "ce_wrong_gather", "picks whole columns"),
    ("hw4_cross_entropy_logits", "ce_summed", "n times too large"),
    ("hw4_cross_entropy_logits", "ce_log_of_softmax", "never log(softmax(o))"),
    ("hw4_cross_entropy_logits", "ce_per_example", "one loss per example"),
    ("hw4_cross_entropy_logits", "ce_by_library", "F.cross_entropy on line 3"),
    ("hw4_model", "SoftmaxInForward", "softmax is applied twice"),
    ("hw4_model", "NoFlatten", "nn.Flatten()"),
    ("hw4_model", "WrongLinearSize", "8x784 and 28x10"),
    ("hw4_model", "FixedTenOutputs", "instead of a fixed number"),
    ("hw4_model", "NotAClassifier", "not a d2l.Classifier"),
    ("hw4_model", "ProbabilityLoss", "as if it held probabilities"),
    ("hw4_model", "InheritsTheLibrary", "the library's solution"),
    ("hw4_exp_range", "range_with_eps", "log(eps)"),
    ("hw4_exp_range", "range_with_log10", "you used log10"),
    ("hw4_exp_range", "range_with_log2", "you used log2"),
    ("hw4_exp_range", "range_with_subnormals", "smallest subnormal"),
    ("hw4_exp_range", "range_symmetric", "not symmetric"),
    ("hw4_exp_range", "range_tf32_as_fp16", "TF32 keeps FP32's 8-bit exponent"),
    ("hw4_exp_range", "range_in_the_format", "compute the logarithm in float64"),
    ("hw4_exp_range", "range_only_the_maximum", "expected a pair (x_min, x_max)"),
]


@pytest.mark.parametrize("task_id, name, words", BUGS, ids=[bug[1] for bug in BUGS])
def test_is_a_known_bug_caught_and_named(task_id, name, words):
    """A plausible wrong solution loses points, and the feedback names the likely cause."""
    score, messages = _grade(task_id, getattr(buggy, name))
    assert score < TASKS[task_id].points
    assert words in messages


def test_does_forward_with_softmax_still_pass_the_shape_checks():
    """Double softmax is a loss bug, not a shape bug: the shape and layer checks still pass."""
    result = grade_in_process(TASKS["hw4_model"], buggy.SoftmaxInForward, hidden=True)
    assert [c.passed for c in result.checks] == [True, True, False, False]
    assert "forward returns probabilities" in result.checks[2].message


def test_does_a_model_check_leave_the_students_random_state_alone():
    """Building models draws random numbers; a check cell must not change what the notebook's next cells draw."""
    torch.manual_seed(123)
    before = torch.get_rng_state()
    _grade("hw4_model", SOLVED["SoftmaxRegression"])
    assert torch.equal(torch.get_rng_state(), before)


# ----------------------------------------------------------------------------- the same diagnostics in Korean

HANGUL = re.compile("[\uac00-\ud7a3]")

KOREAN_BUGS = [
    # (task, wrong solution, Korean its diagnostics must contain, English they must no longer contain)
    ("hw4_stable_softmax", "softmax_minus_min",
     ["원소가 최대 ±110이고 모양이 (6, 10)인 X", "힌트: 각 행의 최솟값을 뺐습니다", "오버플로"],
     ["row's minimum", "with entries", "Hint: "]),
    ("hw4_cross_entropy_logits", "ce_summed",
     ["클래스 7개인 예제 4개의 배치에 대한 cross_entropy_logits", "힌트: 손실이 n배 큽니다"],
     ["n times too large", "for logits of shape", "Hint: "]),
    ("hw4_model", "NoFlatten",
     ["선형 계층이 평탄화되지 않은 이미지를 받았습니다", "선형 계층의 입력이 28개이지만, 784 = 1 × 28 × 28개여야 합니다"],
     ["unflattened", "after one forward pass", "Hint: "]),
    ("hw4_exp_range", "range_with_log10",
     ["x_min이(가) -37.9298이지만, -87.3365여야 합니다 (상대 허용 오차 0.001). 힌트: log10을 썼지만", " 또한: "],
     ["you used log10", "relative tolerance", "Hint: ", " Also: "]),
]


@pytest.mark.parametrize("task_id, name, korean, english", KOREAN_BUGS, ids=[bug[1] for bug in KOREAN_BUGS])
def test_is_a_known_bug_named_in_korean(task_id, name, korean, english):
    """Graded in Korean, the diagnostic and its hint are Korean with every placeholder filled, and so are the
    task's title and check names."""
    with use_language("ko"):
        result = grade_in_process(TASKS[task_id], getattr(buggy, name), hidden=True)
    messages = " | ".join(c.message for c in result.checks)
    for words in korean:
        assert words in messages, messages
    for words in english:
        assert words not in messages, messages
    assert "{" not in messages, messages
    assert "(책 §4.5" in result.title and all(HANGUL.search(check.name) for check in result.checks)


def test_does_the_exp_range_hint_keep_its_structure_in_both_languages():
    """A wrong end of a range is "found. Hint: why." in either language, so the feedback pages find its hint."""
    english = grade_in_process(TASKS["hw4_exp_range"], buggy.range_with_eps, hidden=True).checks[2].message
    assert english == ("exp_range('TF32'): x_min is -15.9424, expected -87.3365 (relative tolerance 0.001). Hint: "
                       "that is log(eps); eps is the gap between 1 and the next number, not the smallest positive "
                       "number: use the smallest normal number torch.finfo(dtype).tiny.")
    with use_language("ko"):
        korean = grade_in_process(TASKS["hw4_exp_range"], buggy.range_with_eps, hidden=True).checks[2].message
        parts = [parse(part) for part in split(korean)]
    assert len(parts) == 1 and parts[0].hint.startswith("그것은 log(eps)입니다. eps는 1과 그다음 수 사이의 간격")
    assert parts[0].found == "exp_range('TF32'): x_min이(가) -15.9424이지만, -87.3365여야 합니다 (상대 허용 오차 0.001)"


def test_does_the_training_check_name_state_the_target_in_both_languages():
    """The training check's name is written out for the catalogue: it must state ACCURACY_TARGET."""
    name = TASKS["hw4_training"].checks[0].name
    assert name.endswith(f"(full marks from {train.ACCURACY_TARGET})")
    with use_language("ko"):
        assert f"({train.ACCURACY_TARGET}부터 만점)" in _(name)


# ----------------------------------------------------------------------------- references and properties

@pytest.mark.parametrize("fmt", ["FP64", "FP32", "BF16", "FP16"])
def test_do_the_format_definitions_agree_with_torch_finfo(fmt):
    """The bit counts that define TF32's limits give torch.finfo's limits for the four torch types."""
    exponent_bits, mantissa_bits = hw4.FORMATS[fmt]
    bias = 2 ** (exponent_bits - 1) - 1
    tiny, largest, eps = hw4.format_limits(fmt)
    assert (tiny, largest, eps) == (2.0 ** (1 - bias), (2 - 2.0 ** -mantissa_bits) * 2.0 ** bias,
                                    2.0 ** -mantissa_bits)


def test_are_the_exp_ranges_the_known_values():
    """The references: ln of the smallest normal and of the largest number (FP16: ln 65504 ≈ 11.09)."""
    expected = {"FP64": (-708.396419, 709.782713), "FP32": (-87.3365448, 88.7228391),
                "BF16": (-87.3365448, 88.7189252), "FP16": (-9.70406053, 11.0898665),
                "TF32": (-87.3365448, 88.7223507)}
    for fmt, (x_min, x_max) in expected.items():
        got = hw4.exp_range_reference(fmt)
        assert got == pytest.approx((x_min, x_max), rel=1e-8), fmt
        assert math.exp(got[1]) == pytest.approx(hw4.format_limits(fmt)[1], rel=1e-12)


@numeric
@given(matrices(max_abs=1e4, min_cols=1))
def test_does_the_notebook_softmax_match_torch_on_any_matrix(X):
    """The solution's stable_softmax equals torch.softmax for logits up to ±1e4."""
    torch.testing.assert_close(SOLVED["stable_softmax"](X), torch.softmax(X, dim=1))


@numeric
@given(labelled_logits(max_abs=1e4))
def test_does_the_notebook_cross_entropy_match_torch_on_any_logits(batch):
    """The solution's cross_entropy_logits equals F.cross_entropy for logits up to ±1e4."""
    logits, y = batch
    torch.testing.assert_close(SOLVED["cross_entropy_logits"](logits, y), F.cross_entropy(logits, y),
                               rtol=1.3e-6, atol=1e-5 + 1e-6 * float(logits.abs().max()))


# ----------------------------------------------------------------------------- training (Fashion-MNIST, 10 epochs)

@pytest.mark.slow
def test_does_the_notebook_model_train_to_full_points():
    """The solution's SoftmaxRegression, trained with the book's settings, reaches the target accuracy."""
    score, messages = _grade("hw4_training", SOLVED["SoftmaxRegression"])
    assert score == TASKS["hw4_training"].points, messages


@pytest.mark.slow
def test_does_double_softmax_cost_training_points():
    """Softmax in forward slows learning (0.78 after 10 epochs): partial credit, and the accuracy is named."""
    score, messages = _grade("hw4_training", buggy.SoftmaxInForward)
    assert 0 < score < TASKS["hw4_training"].points
    assert "validation accuracy after training is 0.7" in messages


def test_does_a_model_without_flatten_fail_training_at_once():
    """Unflattened images give the loss 28 rows per image: the first batch fails and scores 0."""
    score, messages = _grade("hw4_training", buggy.NoFlatten)
    assert score == 0
    assert "to match target batch_size" in messages
