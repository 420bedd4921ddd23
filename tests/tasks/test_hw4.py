"""What hw4's grading does beyond what every task gets (tests/tasks/test_every_task.py: the solution, the stub and
the known bugs of files/hw4/): partial credit, hints in both languages, the number formats, properties."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from torch.nn import functional as F

from autograder.core.diagnostic import parse, split
from autograder.core.i18n import _, use_language
from autograder.tasks import get_task
from autograder.tasks.hw4 import exp_range, train
from tests.support.grading import grade, messages
from tests.strategies import labelled_logits, matrices, numeric

ASSIGNMENT = "hw4"


# ----------------------------------------------------------------------------- partial credit and hints

def test_does_forward_with_softmax_still_pass_the_shape_checks(bugs):
    """Double softmax is a loss bug, not a shape bug: the shape and layer checks still pass."""
    result = grade("hw4_model", bugs["buggy"].SoftmaxInForward)
    assert [c.passed for c in result.checks] == [True, True, False, False]
    assert "forward returns probabilities" in result.checks[2].message


def test_does_the_exp_range_hint_keep_its_structure_in_both_languages(bugs):
    """A wrong end of a range is "found. Hint: why." in either language, so the feedback pages find its hint."""
    english = grade("hw4_exp_range", bugs["buggy"].range_with_eps).checks[2].message
    assert english == ("exp_range('TF32'): x_min is -15.9424, expected -87.3365 (relative tolerance 0.001). Hint: "
                       "that is log(eps); eps is the gap between 1 and the next number, not the smallest positive "
                       "number: use the smallest normal number torch.finfo(dtype).tiny.")
    with use_language("ko"):
        korean = grade("hw4_exp_range", bugs["buggy"].range_with_eps).checks[2].message
        parts = [parse(part) for part in split(korean)]
    assert len(parts) == 1 and parts[0].hint.startswith("그것은 log(eps)입니다. eps는 1과 그다음 수 사이의 간격")
    assert parts[0].found == "exp_range('TF32'): x_min이(가) -15.9424이지만, -87.3365여야 합니다 (상대 허용 오차 0.001)"


def test_are_both_wrong_ends_of_a_range_two_diagnostics(bugs):
    """x_min and x_max both wrong are joined with " Also: ", each naming its format and keeping its own hint, so
    hint-first and the class summary read two findings, not one."""
    english = grade("hw4_exp_range", bugs["buggy"].range_with_log10).checks[2].message
    assert english == ("exp_range('TF32'): x_min is -37.9298, expected -87.3365 (relative tolerance 0.001). Hint: "
                       "you used log10, but exp is base e: use the natural log math.log. Also: exp_range('TF32'): "
                       "x_max is 38.5318, expected 88.7224 (relative tolerance 0.001). Hint: you used log10, but exp "
                       "is base e: use the natural log math.log.")
    with use_language("ko"):
        korean = grade("hw4_exp_range", bugs["buggy"].range_with_log10).checks[2].message
        parts = [parse(part) for part in split(korean)]
    assert [part.found.split(":")[0] for part in parts] == ["exp_range('TF32')"] * 2
    assert all(part.hint.startswith("log10을 썼지만") for part in parts)


def test_does_the_training_check_name_state_the_target_in_both_languages():
    """The training check's name is written out for the catalogue: it must state ACCURACY_TARGET."""
    name = get_task("hw4_training").checks[0].name
    assert name.endswith(f"(full marks from {train.ACCURACY_TARGET})")
    with use_language("ko"):
        assert f"({train.ACCURACY_TARGET}부터 만점)" in _(name)


# ----------------------------------------------------------------------------- references and properties

@pytest.mark.parametrize("fmt", ["FP64", "FP32", "BF16", "FP16"])
def test_do_the_format_definitions_agree_with_torch_finfo(fmt):
    """The bit counts that define TF32's limits give torch.finfo's limits for the four torch types."""
    exponent_bits, mantissa_bits = exp_range.FORMATS[fmt]
    bias = 2 ** (exponent_bits - 1) - 1
    tiny, largest, eps = exp_range.format_limits(fmt)
    assert (tiny, largest, eps) == (2.0 ** (1 - bias), (2 - 2.0 ** -mantissa_bits) * 2.0 ** bias,
                                    2.0 ** -mantissa_bits)


def test_are_the_exp_ranges_the_known_values():
    """The references: ln of the smallest normal and of the largest number (FP16: ln 65504 ≈ 11.09)."""
    expected = {"FP64": (-708.396419, 709.782713), "FP32": (-87.3365448, 88.7228391),
                "BF16": (-87.3365448, 88.7189252), "FP16": (-9.70406053, 11.0898665),
                "TF32": (-87.3365448, 88.7223507)}
    for fmt, (x_min, x_max) in expected.items():
        got = exp_range.exp_range_reference(fmt)
        assert got == pytest.approx((x_min, x_max), rel=1e-8), fmt
        assert math.exp(got[1]) == pytest.approx(exp_range.format_limits(fmt)[1], rel=1e-12)


@numeric
@given(matrices(max_abs=1e4, min_cols=1))
def test_does_the_notebook_softmax_match_torch_on_any_matrix(solution, X):
    """The solution's stable_softmax equals torch.softmax for logits up to ±1e4."""
    torch.testing.assert_close(solution.stable_softmax(X), torch.softmax(X, dim=1))


@numeric
@given(labelled_logits(max_abs=1e4))
def test_does_the_notebook_cross_entropy_match_torch_on_any_logits(solution, batch):
    """The solution's cross_entropy_logits equals F.cross_entropy for logits up to ±1e4."""
    logits, y = batch
    torch.testing.assert_close(solution.cross_entropy_logits(logits, y), F.cross_entropy(logits, y),
                               rtol=1.3e-6, atol=1e-5 + 1e-6 * float(logits.abs().max()))


# ----------------------------------------------------------------------------- training (Fashion-MNIST, 10 epochs)

@pytest.mark.slow
def test_does_double_softmax_cost_training_points(bugs, one_thread):
    """Softmax in forward slows learning (0.78 after 10 epochs): partial credit, and the accuracy is named."""
    result = grade("hw4_training", bugs["buggy"].SoftmaxInForward)
    assert 0 < result.score < result.points, messages(result)
    assert "validation accuracy after training is 0.7" in messages(result)
