"""Does close() agree with torch.testing.assert_close, and does it tell a student what is wrong?"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.core.compare import close, default_tolerances, describe, with_hint
from autograder.core.diagnostic import hint_first
from autograder.core.spec import Verdict

WHAT = "softmax(X) for X of shape (2, 5)"
EXPECTED = torch.softmax(torch.arange(10.0).reshape(2, 5), dim=1)

floats = st.floats(-1e3, 1e3, allow_nan=False, width=32)


def assert_close_passes(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """The reference verdict: does torch.testing.assert_close accept got?"""
    try:
        torch.testing.assert_close(got, expected)
    except AssertionError:
        return False
    return True


@settings(max_examples=60, deadline=None)
@given(st.lists(floats, min_size=1, max_size=12), st.lists(st.floats(-1e-4, 1e-4), min_size=12, max_size=12),
       st.sampled_from([torch.float32, torch.float64, torch.float16]))
def test_does_close_agree_with_assert_close(values, noise, dtype):
    """Property: close passes exactly when torch.testing.assert_close passes."""
    expected = torch.tensor(values, dtype=dtype)
    got = (expected.double() * (1 + torch.tensor(noise[: len(values)], dtype=torch.float64))).to(dtype)
    assert close(got, expected, what="f(x)").passed == assert_close_passes(got, expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(floats, min_size=2, max_size=12), st.data())
def test_is_the_worst_element_reported(values, data):
    """Property: one element far off is reported with its index, got and expected value."""
    expected = torch.tensor(values)
    index = data.draw(st.integers(0, len(values) - 1))
    got = expected.clone()
    got[index] += 1000.0
    verdict = close(got, expected, what="f(x)")
    assert not verdict.passed and verdict.fraction == 0.0
    assert f"1 of {len(values)} elements differs" in verdict.message
    assert f"at index ({index},)" in verdict.message
    assert f"got {got[index].item():.6g}, expected {expected[index].item():.6g}" in verdict.message


def test_does_an_exact_match_pass_silently():
    """Is a correct result full marks with no message?"""
    assert close(EXPECTED.clone(), EXPECTED, what=WHAT) == Verdict.ok()


@pytest.mark.parametrize(("got", "says"), [
    (None, "the result is None, expected a torch.Tensor of shape (2, 5): did you forget to `return` it?"),
    (EXPECTED.numpy(), "a numpy.ndarray of shape (2, 5), expected a torch.Tensor of shape (2, 5): keep the computation in torch"),
    (EXPECTED.tolist(), "a list of 2 items, expected a torch.Tensor of shape (2, 5): return one tensor"),
    (0.5, "a float (0.5), expected a torch.Tensor of shape (2, 5): return the tensor itself, not .item()"),
    ("abc", "the result is a str, expected a torch.Tensor of shape (2, 5)"),
])
def test_is_a_non_tensor_named_with_what_to_return(got, says):
    """Does a wrong type say what came back and what to return instead?"""
    verdict = close(got, EXPECTED, what=WHAT)
    assert verdict.message.startswith(f"{WHAT}: ")
    assert says in verdict.message


@pytest.mark.parametrize(("got", "says"), [
    (EXPECTED[0], "the result has shape (5,), expected (2, 5)"),
    (EXPECTED.T, "the result has shape (5, 2), expected (2, 5)"),
    (EXPECTED.double(), "the result has dtype torch.float64, expected torch.float32"),
    (EXPECTED.to("meta"), "the result is on device meta, expected cpu"),
])
def test_are_shape_dtype_and_device_mismatches_named(got, says):
    """Is the first structural mismatch stated, before any value comparison?"""
    assert close(got, EXPECTED, what=WHAT).message.startswith(f"{WHAT}: {says}")


def test_are_nan_and_inf_counted():
    """Does a result with NaN and Inf say how many and where the first one is?"""
    got = EXPECTED.clone()
    got[1, 3] = float("nan")
    got[1, 4] = float("nan")
    got[0, 2] = float("inf")
    message = close(got, EXPECTED, what=WHAT).message
    assert "2 NaN and 1 Inf value(s)" in message
    assert "first at index (0, 2): got inf" in message


def test_does_nan_match_nan():
    """NaN where the reference has NaN is not a mismatch (assert_close's equal_nan)."""
    expected = torch.tensor([1.0, float("nan"), float("inf")])
    assert close(expected.clone(), expected, what="f(x)").passed


def test_are_integers_compared_exactly():
    """Integer results need an exact match (assert_close's zero tolerance)."""
    message = close(torch.tensor([1, 2, 4]), torch.tensor([1, 2, 3]), what="argmax").message
    assert "1 of 3 elements differs" in message and "exact match required" in message
    assert default_tolerances(torch.int64) == (0.0, 0.0)


def test_are_explicit_tolerances_used():
    """rtol/atol given by the caller replace the dtype's defaults."""
    got = EXPECTED + 1e-3
    assert not close(got, EXPECTED, what=WHAT).passed
    assert close(got, EXPECTED, what=WHAT, rtol=0.0, atol=2e-3).passed
    with pytest.raises(ValueError, match="both rtol and atol"):
        close(got, EXPECTED, what=WHAT, rtol=0.1)


def test_is_the_first_matching_hint_appended():
    """A known bug's sentence follows the diagnostic; later matches and passes add nothing."""
    hints = [
        (lambda got: got.sum().item() > 100, "never shown"),
        (lambda got: torch.allclose(got.sum(0), torch.ones(5)), "columns sum to 1: did you sum over axis 0?"),
        (lambda got: True, "second match, not shown"),
    ]
    wrong = torch.softmax(torch.arange(10.0).reshape(2, 5), dim=0)
    message = close(wrong, EXPECTED, what=WHAT, hints=hints).message
    assert message.endswith("Hint: columns sum to 1: did you sum over axis 0?")
    assert close(EXPECTED, EXPECTED, what=WHAT, hints=hints).message == ""


def test_does_a_hint_predicate_that_raises_count_as_no_match():
    """A predicate written for tensors meeting None must not crash the grader."""
    hints = [(lambda got: got.sum() > 0, "never"), (lambda got: got is None, "you returned nothing")]
    verdict = with_hint(Verdict.fail("f(x): wrong"), None, hints)
    assert verdict.message == "f(x): wrong. Hint: you returned nothing"


@pytest.mark.parametrize(("value", "phrase"), [
    (None, "None"),
    (torch.zeros(2, 3), "a tensor of shape (2, 3) and dtype torch.float32"),
    (np.zeros(3), "a numpy.ndarray of shape (3,)"),
    ((1,), "a tuple of 1 item"),
    (3, "a int (3)"),
])
def test_does_describe_say_what_a_value_is(value, phrase):
    """describe() is what failure messages use for unexpected outputs."""
    assert describe(value) == phrase


_PHRASE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda t: ". Hint: " not in t and " Also: " not in t and not t.endswith(".") and t.strip() == t and t)


@settings(max_examples=200, deadline=None)
@given(found=_PHRASE, hint=_PHRASE, failing=st.integers(1, 5))
def test_does_hint_first_put_the_cause_first_and_lose_nothing(found, hint, failing):
    """What with_hint stores ("found. Hint: why", maybe a count of cases) reads "Hint: why — found" for
    a student, the count still last; a message without a hint is left as it is."""
    assert hint_first(f"{found}. Hint: {hint}") == f"Hint: {hint} — {found}"
    tally = f" ({failing} of 5 cases fail)"
    assert hint_first(f"{found}. Hint: {hint}{tally}") == f"Hint: {hint} — {found}{tally}"
    assert hint_first(found) == found


def test_does_hint_first_turn_each_part_of_a_joined_message():
    """Parts joined by " Also: " (share(every=True)) are turned one by one."""
    assert hint_first("a: 1. Hint: b Also: c: 2 Also: d: 3. Hint: e") == "Hint: b — a: 1 Also: c: 2 Also: Hint: e — d: 3"
