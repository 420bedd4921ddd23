"""Does the static scan find forbidden library calls however they are spelled, and only those?"""
from __future__ import annotations

import textwrap

import pytest
import torch
import torch.nn.functional as F

import d2lmini as d2l
from autograder.forbidden import forbidden_calls

SOFTMAX = ("torch.softmax", "F.softmax", "d2l.softmax")


def body(*lines: str) -> str:
    """A function named softmax with the given body lines."""
    return "def softmax(X):\n" + textwrap.indent("\n".join(lines), "    ")


@pytest.mark.parametrize(("source", "found"), [
    (body("return torch.softmax(X, 1)"), ["torch.softmax on line 2"]),
    (body("return torch.nn.functional.softmax(X, 1)"), ["torch.nn.functional.softmax on line 2"]),
    (body("return F.softmax(X, dim=1)"), ["F.softmax on line 2"]),
    (body("return d2l.softmax(X)"), ["d2l.softmax on line 2"]),
    (body("return X.softmax(1)"), ["X.softmax(…) on line 2"]),
    (body("return (X - X.max()).softmax(dim=1)"), ["(X - X.max()).softmax(…) on line 2"]),
    (body("return torch.Tensor.softmax(X, 1)"), ["torch.Tensor.softmax on line 2"]),
    (body("import torch.nn.functional as G", "return G.softmax(X, 1)"), ["G.softmax on line 3"]),
    (body("from torch import softmax as s", "return s(X, 1)"), ["s (torch.softmax) on line 3"]),
    (body("from torch.nn import functional", "return functional.softmax(X, 1)"),
     ["functional.softmax on line 3"]),
    (body("f = torch.softmax", "return f(X, 1)"), ["torch.softmax on line 2"]),
])
def test_is_a_forbidden_call_found(source, found):
    """Each spelling of a library softmax is reported with the line it is on."""
    assert forbidden_calls(source, SOFTMAX) == found


@pytest.mark.parametrize("source", [
    body("X_exp = torch.exp(X)", "partition = X_exp.sum(1, keepdims=True)", "return X_exp / partition"),
    body("return softmax(X)"),  # the student's own function, recursively
    "class Model:\n    def forward(self, X):\n        return self.softmax(X)",
    body("return torch.log_softmax(X, 1).exp()"),
    "def softmax(X):\n    return torch.softmax(X, 1",  # does not parse: nothing to report
])
def test_is_scratch_code_left_alone(source):
    """Elementary operations, the student's own names and unparsable code give no findings."""
    assert forbidden_calls(source, SOFTMAX) == []


def test_are_aliases_from_other_cells_resolved_through_the_namespace():
    """Imports in another notebook cell are known through the function's globals."""
    namespace = {"torch": torch, "F": F, "d2l": d2l, "sm": torch.softmax, "nnf": F}
    assert forbidden_calls(body("return sm(X, 1)"), SOFTMAX, namespace=namespace) == [
        "sm (torch.softmax) on line 2"]
    assert forbidden_calls(body("return nnf.softmax(X, 1)"), SOFTMAX, namespace=namespace) == [
        "nnf.softmax on line 2"]
    own = {"softmax": lambda X: X, "torch": torch}
    assert forbidden_calls("def model(X):\n    return softmax(X)", SOFTMAX, namespace=own) == []


def test_is_an_indented_method_scanned():
    """inspect.getsource of a method is indented; the scan dedents it."""
    source = "    def forward(self, X):\n        return F.softmax(X @ self.W, 1)\n"
    assert forbidden_calls(source, SOFTMAX) == ["F.softmax on line 2"]


def test_are_findings_in_line_order_without_duplicates():
    """Several uses come back once each, sorted by line."""
    source = body("a = F.softmax(X, 1)", "b = torch.softmax(X, 1) + torch.softmax(X, 0)", "return a")
    assert forbidden_calls(source, SOFTMAX) == ["F.softmax on line 2", "torch.softmax on line 3"]
