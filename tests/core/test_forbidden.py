"""Is a forbidden library function found however a notebook reaches it, and is honest code left alone?

Two readers share the families of autograder/core/families.py: the source scan (autograder/core/forbidden.py),
which the grader runs on the notebook's text, and the resolver (autograder/core/resolver.py), which check()
and the sandboxed worker run on the live function or class.
"""
from __future__ import annotations

import functools
import importlib.util
import textwrap

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import d2lmini as d2l
from autograder.core import families
from autograder.core.from_scratch import forbidden_note
from autograder.core.i18n import use_language
from autograder.core.probe import grade_in_process
from autograder.core.forbidden import UNKNOWN, forbidden_calls, library_object
from autograder.core.resolver import forbidden_uses
from autograder.tasks.registry import tasks_of
from autograder.tasks import get_task
from tests.support import fake_tasks

SOFTMAX, CROSS_ENTROPY = families.SOFTMAX, families.CROSS_ENTROPY


def body(*lines: str) -> str:
    """A function named softmax with the given body lines."""
    return "def softmax(X):\n" + textwrap.indent("\n".join(lines), "    ")


def defined(source: str, name: str = "softmax") -> object:
    """What ``source`` binds to ``name`` when run as a notebook's cells are (a module of its own)."""
    namespace = {"__name__": "student_notebook", "torch": torch, "F": F, "nn": nn, "d2l": d2l,
                 "functools": functools}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace[name]


def found(source: str, names: tuple[str, ...] = SOFTMAX, name: str = "softmax") -> str:
    """The resolver's findings for the notebook's ``name``, as one string ("" when none)."""
    return "; ".join(f"{use.where}: {use}" for use in forbidden_uses(defined(source, name), names))


# --------------------------------------------------------------------------- the families

def test_does_every_family_name_stand_for_an_installed_object():
    """A misspelled family name would silently forbid nothing: each one imports here."""
    missing = [name for family in families.FAMILIES.values() for name in family
               if not name.startswith("self.") and library_object(name) is UNKNOWN]
    assert not missing


def test_is_every_task_forbidden_list_made_of_families():
    """Tasks declare families, not lists of their own (so a new route is added once, for every task)."""
    declared = {name for family in families.FAMILIES.values() for name in family}
    for assignment in ("hw1", "hw2", "hw3", "hw4", "hw5"):
        for task in tasks_of("autograder.tasks", assignment):
            assert set(task.forbidden) <= declared, (task.id, set(task.forbidden) - declared)


def test_does_feedback_name_whole_families_and_lone_names():
    """A family reads as its words and first names; a name of no family reads as itself."""
    assert families.in_words(("torch.square",)) == "torch.square"
    words = families.in_words(SOFTMAX + CROSS_ENTROPY)
    assert words.startswith("the library's softmax (torch.softmax, F.softmax, torch.Tensor.softmax, nn.Softmax and ")
    assert ", the library's cross-entropy (F.nll_loss, nn.NLLLoss" in words


def test_does_a_family_count_its_other_forms_in_both_languages():
    """A family shows four names and counts the rest with a noun of its own ("62 more forms", "62가지 형태")."""
    rest = len(SOFTMAX) - 4
    assert families.in_words(SOFTMAX).endswith(f"nn.Softmax and {rest} more forms)")
    assert families.in_words(families.SGD) == "the library's SGD (torch.optim.SGD, torch.optim.sgd.sgd, d2l.SGD)"
    with use_language("ko"):
        korean = families.in_words(SOFTMAX)
    assert korean.startswith("라이브러리의 ") and korean.endswith(f"nn.Softmax 외 {rest}가지 형태)")


# --------------------------------------------------------------------------- the source scan

STATIC_FOUND = [
    (body("return torch.softmax(X, 1)"), ["torch.softmax on line 2"]),
    (body("return torch.nn.functional.softmax(X, 1)"), ["torch.nn.functional.softmax on line 2"]),
    (body("return F.softmax(X, dim=1)"), ["F.softmax on line 2"]),
    (body("return d2l.softmax(X)"), ["d2l.softmax on line 2"]),
    (body("return d2l.functional.softmax(X)"), ["d2l.functional.softmax on line 2"]),
    (body("return torch.nn.modules.activation.Softmax(1)(X)"), ["torch.nn.modules.activation.Softmax on line 2"]),
    (body("return X.softmax(1)"), ["X.softmax(…) on line 2"]),
    (body("return (X - X.max()).softmax(dim=1)"), ["(X - X.max()).softmax(…) on line 2"]),
    (body("return torch.Tensor.softmax(X, 1)"), ["torch.Tensor.softmax on line 2"]),
    (body("import torch.nn.functional as G", "return G.softmax(X, 1)"), ["G.softmax on line 3"]),
    (body("from torch import softmax as s", "return s(X, 1)"), ["s (torch.softmax) on line 3"]),
    (body("from torch.nn import functional", "return functional.softmax(X, 1)"), ["functional.softmax on line 3"]),
    (body("f = torch.softmax", "return f(X, 1)"), ["torch.softmax on line 2"]),
    (body("return F.softmin(-X, dim=1)"), ["F.softmin on line 2"]),
    (body("return torch.log_softmax(X, 1).exp()"), ["torch.log_softmax on line 2"]),
    (body("return torch.exp(X - torch.logsumexp(X, 1, keepdim=True))"), ["torch.logsumexp on line 2"]),
    (body("return nn.Softmax(dim=1)(X)"), ["nn.Softmax on line 2"]),
]


@pytest.mark.parametrize(("source", "expected"), STATIC_FOUND)
def test_is_a_forbidden_call_found_in_the_source(source, expected):
    """Each spelling of a library softmax is reported with the line it is on."""
    assert forbidden_calls(source, SOFTMAX) == expected


@pytest.mark.parametrize("source", [
    body("X_exp = torch.exp(X)", "partition = X_exp.sum(1, keepdims=True)", "return X_exp / partition"),
    body("return softmax(X)"),  # the student's own function, recursively
    "class Model:\n    def forward(self, X):\n        return self.softmax(X)",
    "def softmax(X):\n    return torch.softmax(X, 1",  # does not parse: nothing to report
])
def test_is_scratch_source_left_alone(source):
    """Elementary operations, the student's own names and unparsable code give no findings."""
    assert forbidden_calls(source, SOFTMAX) == []


def test_is_an_indented_method_scanned():
    """inspect.getsource of a method is indented; the scan dedents it."""
    source = "    def forward(self, X):\n        return F.softmax(X @ self.W, 1)\n"
    assert forbidden_calls(source, SOFTMAX) == ["F.softmax on line 2"]


def test_are_findings_in_line_order_without_duplicates():
    """Several uses come back once each, sorted by line."""
    source = body("a = F.softmax(X, 1)", "b = torch.softmax(X, 1) + torch.softmax(X, 0)", "return a")
    assert forbidden_calls(source, SOFTMAX) == ["F.softmax on line 2", "torch.softmax on line 3"]


# --------------------------------------------------------------------------- the live resolver

SOFTMAX_EVASIONS = [
    ("default argument", 'def softmax(X, _f=getattr(torch, "soft" + "max")):\n    return _f(X, dim=1)',
     "softmax: torch.softmax through its default argument _f"),
    ("keyword-only default", "def softmax(X, *, f=F.log_softmax):\n    return f(X, 1).exp()",
     "torch.nn.functional.log_softmax through its default argument f"),
    ("closure", "def make():\n    f = torch.softmax\n    def softmax(X):\n        return f(X, 1)\n    return softmax\n"
                "softmax = make()", "torch.softmax through the variable f it closes over"),
    ("softmin", body("return F.softmin(-X, dim=1)"), "F.softmin on line 2"),
    ("log_softmax then exp", body("return torch.log_softmax(X, 1).exp()"), "torch.log_softmax on line 2"),
    ("logsumexp", body("return torch.exp(X - torch.logsumexp(X, 1, keepdim=True))"), "torch.logsumexp on line 2"),
    ("nn.Softmax", body("return nn.Softmax(dim=1)(X)"), "nn.Softmax on line 2"),
    ("tensor method", body("return X.softmax(1)"), "X.softmax(…) on line 2"),
    ("method of an expression", body("return (X - 0).log_softmax(1).exp()"), "(…).log_softmax(…) on line 2"),
    ("unbound tensor method", body("return torch.Tensor.softmax(X, 1)"), "torch.Tensor.softmax on line 2"),
    ("torch.special", body("return torch.special.softmax(X, 1)"), "torch.special.softmax on line 2"),
    ("gumbel_softmax", body("return torch.nn.functional.gumbel_softmax(X, tau=1)"), "gumbel_softmax on line 2"),
    ("aten operator", body("return torch.ops.aten._softmax(X, 1, False)"), "torch.ops.aten._softmax on line 2"),
    ("d2lmini's", body("return d2l.softmax(X)"), "d2l.softmax on line 2"),
    ("attention", body("q = X.shape[1]", "I = torch.eye(q)[None]",
                       "return F.scaled_dot_product_attention(X[None], I * q ** 0.5, I)[0]"),
     "F.scaled_dot_product_attention on line 4"),
    ("a categorical distribution", body("return torch.distributions.Categorical(logits=X).probs"),
     "torch.distributions.Categorical on line 2"),
    ("exp of minus a loss on logits", body(
        "n, q = X.shape",
        'return torch.exp(-torch.stack([F.cross_entropy(X, torch.full((n,), j), reduction="none")'
        " for j in range(q)], 1))"), "F.cross_entropy on line 3"),
    ("import in the body", body("import torch.nn.functional as G", "return G.softmax(X, 1)"),
     "G.softmax (torch.nn.functional.softmax) on line 3"),
    ("from-import in the body", body("from torch import softmax as s", "return s(X, 1)"),
     "s (torch.softmax) on line 3"),
    ("getattr in the body", body('return getattr(torch, "soft" + "max")(X, 1)'),
     "torch.softmax, looked up by name, on line 2"),
    ("vars in the body", body('return vars(torch)["softmax"](X, 1)'), "torch.softmax, looked up by name"),
    ("__dict__ in the body", body('return torch.__dict__["softmax"](X, 1)'),
     "torch.__dict__['softmax'] (torch.softmax) on line 2"),
    ("sys.modules", "import sys\n" + body('return sys.modules["torch.nn.functional"].softmin(-X, 1)'),
     "(torch.nn.functional.softmin) on line 2"),
    ("import_module", "import importlib\n" + body('return importlib.import_module("torch.nn.functional")'
                                                  '.softmin(-X, 1)'),
     "torch.nn.functional.softmin, imported by name, on line 2"),
    ("eval", body('return eval("torch.softmax")(X, 1)'), "torch.softmax in the string it runs on line 2"),
    ("getattr chain in a global", '_g = getattr(getattr(torch, "nn"), "functional").softmax\n'
                                  + body("return _g(X, 1)"), "_g (torch.nn.functional.softmax) on line 2"),
    ("lambda in a global", "_sm = lambda X: torch.softmax(X, 1)\n" + body("return _sm(X)"),
     "torch.softmax on line 1 of your _sm"),
    ("a helper of the student's", "def _helper(X):\n    return F.softmax(X, 1)\n" + body("return _helper(X)"),
     "F.softmax on line 2 of your _helper"),
    ("partial in a global", "_p = functools.partial(torch.softmax, dim=1)\n" + body("return _p(X)"),
     "_p (torch.softmax) on line 2"),
    ("dict in a global", '_ops = {"s": torch.softmax}\n' + body('return _ops["s"](X, 1)'),
     "_ops['s'] (torch.softmax) on line 2"),
    ("list in a global, index at run time", "_ops = [torch.softmax]\n" + body("k = 0", "return _ops[k](X, 1)"),
     "_ops[0] (torch.softmax) on line 3"),
    ("subclass of nn.Softmax", "class S(nn.Softmax):\n    pass\n" + body("return S(dim=1)(X)"),
     "S (a subclass of torch.nn.Softmax) on line 2"),
    ("instance in a global", "_m = nn.Softmax(dim=1)\n" + body("return _m(X)"),
     "_m (an instance of torch.nn.Softmax) on line 2"),
    ("bound method in a global", "_m = nn.LogSoftmax(dim=1).forward\n" + body("return _m(X).exp()"),
     "_m (a method of torch.nn.LogSoftmax) on line 2"),
    ("static method of a helper class", "class Helper:\n    f = staticmethod(torch.softmax)\n"
                                        "    def __call__(self, X):\n        return self.f(X, 1)\n"
                                        "_h = Helper()\n" + body("return _h(X)"),
     "self.f (torch.softmax) on line 2 of your Helper.__call__"),
    ("comprehension", body("return torch.stack([F.softmax(r, 0) for r in X])"), "F.softmax on line 2"),
    ("torch's reference implementation", body("return torch._refs.softmax(X, 1)"), "torch._refs.softmax on line 2"),
    ("TorchScript", "import warnings\nwith warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n"
                    "    _t = torch.jit.trace(lambda X: X.softmax(1), torch.ones(2, 3))\n" + body("return _t(X)"),
     "_t (TorchScript that calls torch.ops.aten.softmax) on line 2"),
    ("the target is the library's", "softmax = functools.partial(torch.softmax, dim=1)",
     "torch.softmax directly: it is that object, or wraps it"),
]


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in SOFTMAX_EVASIONS],
                         ids=[case[0] for case in SOFTMAX_EVASIONS])
def test_is_a_softmax_evasion_caught(source, expected):
    """Each way around a per-spelling scan that the review found (and more) reaches a library softmax."""
    assert expected in found(source)


@pytest.mark.parametrize("source", [source for source, _ in STATIC_FOUND])
def test_does_the_resolver_see_what_the_source_scan_sees(source):
    """Whatever the grader's scan finds in a softmax's text, the live resolver finds in the function."""
    assert found(source)


HONEST_SOFTMAX = [
    ("the solution's", body("X_exp = torch.exp(X)", "partition = X_exp.sum(1, keepdims=True)",
                            "return X_exp / partition")),
    ("stable, with max", body("X_exp = torch.exp(X - X.max(1, keepdims=True).values)",
                              "return X_exp / X_exp.sum(1, keepdims=True)")),
    ("matmul and indexing", body("e = X.exp()", "total = e @ torch.ones(X.shape[1], 1)", "return e / total[:, :1]")),
    ("gather", body("e = torch.exp(X)", "last = torch.full((len(X), 1), X.shape[1] - 1)",
                    "return e / torch.gather(e.cumsum(1), 1, last)")),
    ("a helper of the student's", "def _rowsum(X):\n    return X.sum(1, keepdim=True)\n"
                                  + body("e = torch.exp(X)", "return e / _rowsum(e)")),
    ("a helper class of the student's", "class Rows:\n    def total(self, e):\n        return e.sum(1, keepdim=True)\n"
                                        + body("e = torch.exp(X)", "return e / Rows().total(e)")),
    ("recursion", body("if X.dim() == 1:", "    return softmax(X[None])[0]", "e = X.exp()",
                       "return e / e.sum(1, keepdim=True)")),
    ("strings that name nothing", body('"""The softmax of each row."""', 'print("softmax")',
                                       "return torch.exp(X) / torch.exp(X).sum(1, keepdim=True)")),
    ("the student's own method named softmax", "class Model:\n    def softmax(self, X):\n        return X.exp()\n"
                                               "    def forward(self, X):\n        return self.softmax(X)\n"
                                               "softmax = Model"),
]


@pytest.mark.parametrize("source", [case[1] for case in HONEST_SOFTMAX], ids=[case[0] for case in HONEST_SOFTMAX])
def test_is_an_honest_softmax_left_alone(source):
    """From-scratch code built from exp, max, sum, matmul, gather, indexing and the student's own helpers."""
    assert found(source) == ""


CROSS_ENTROPY_EVASIONS = [
    ("nll_loss", "def cross_entropy(y_hat, y):\n    return F.nll_loss(torch.log(y_hat), y)", "F.nll_loss on line 2"),
    ("cross_entropy on log-probabilities", "def cross_entropy(y_hat, y):\n    return F.cross_entropy(y_hat.log(), y)",
     "F.cross_entropy on line 2"),
    ("CrossEntropyLoss in a default", "def cross_entropy(y_hat, y, loss=nn.CrossEntropyLoss()):\n"
                                      "    return loss(y_hat.log(), y)",
     "an instance of torch.nn.CrossEntropyLoss through its default argument loss"),
    ("NLLLoss", "def cross_entropy(y_hat, y):\n    return nn.NLLLoss()(y_hat.log(), y)", "nn.NLLLoss on line 2"),
    ("KL divergence to one-hot", "def cross_entropy(y_hat, y):\n"
                                 "    t = F.one_hot(y, y_hat.shape[1]).float()\n"
                                 "    return F.kl_div(y_hat.log(), t, reduction='batchmean')",
     "F.kl_div on line 3"),
    ("binary cross-entropy of the true class", "def cross_entropy(y_hat, y):\n"
                                               "    p = y_hat[range(len(y)), y]\n"
                                               "    return F.binary_cross_entropy(p, torch.ones_like(p))",
     "F.binary_cross_entropy on line 3"),
    ("a categorical distribution", "def cross_entropy(y_hat, y):\n"
                                   "    return -torch.distributions.Categorical(probs=y_hat).log_prob(y).mean()",
     "torch.distributions.Categorical on line 2"),
    ("d2lmini's", "def cross_entropy(y_hat, y):\n    return d2l.cross_entropy(y_hat, y)", "d2l.cross_entropy on line 2"),
]


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in CROSS_ENTROPY_EVASIONS],
                         ids=[case[0] for case in CROSS_ENTROPY_EVASIONS])
def test_is_a_cross_entropy_evasion_caught(source, expected):
    """Every library route to the cross-entropy loss counts for the cross-entropy family."""
    assert expected in found(source, CROSS_ENTROPY, "cross_entropy")


@pytest.mark.parametrize("source", [
    "def cross_entropy(y_hat, y):\n    return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()",
    "def cross_entropy(y_hat, y):\n    return -torch.gather(y_hat, 1, y[:, None]).log().mean()",
    "def cross_entropy(y_hat, y):\n    Y = torch.zeros_like(y_hat)\n    Y[range(len(y)), y] = 1\n"
    "    return -(Y * torch.log(y_hat)).sum(1).mean()",
])
def test_is_an_honest_cross_entropy_left_alone(source):
    """Indexing, gather and a one-hot product are the from-scratch ways."""
    assert found(source, CROSS_ENTROPY, "cross_entropy") == ""


def test_are_a_class_and_its_own_bases_walked_method_by_method():
    """A method inherited from the student's own base class counts; the target's library base does not."""
    source = ("class Base(d2l.Classifier):\n"
              "    def squash(self, O):\n        return F.softmax(O, 1)\n"
              "class Model(Base):\n"
              "    def __init__(self):\n        super().__init__()\n"
              "    def forward(self, X):\n        return self.squash(X)\n")
    model = defined(source, "Model")
    assert [str(use) for use in forbidden_uses(model, SOFTMAX)] == ["F.softmax on line 2"]
    assert forbidden_uses(model, SOFTMAX)[0].where == "Base.squash"
    assert forbidden_uses(defined("class Model(d2l.SoftmaxRegressionScratch):\n    pass", "Model"), SOFTMAX) == []


def test_does_the_resolver_run_none_of_the_students_code():
    """Attributes are read from dictionaries: a property or __getattr__ of the student's never runs."""
    calls: list[str] = []
    source = ("class Trap:\n"
              "    def __getattr__(self, name):\n        CALLS.append(name)\n        raise AttributeError(name)\n"
              "    @property\n    def softmax(self):\n        CALLS.append('property')\n        return torch.softmax\n"
              "_t = Trap()\n" + body("return _t.softmax(X, 1) + _t.anything"))
    namespace = {"__name__": "student_notebook", "torch": torch, "CALLS": calls}
    exec(compile(source, "<cell>", "exec"), namespace)
    forbidden_uses(namespace["softmax"], SOFTMAX)
    assert calls == []


def test_is_a_helper_in_a_module_the_notebook_wrote_walked(tmp_path):
    """A notebook can write a .py file and import a helper from it: code from no library folder is the student's."""
    helper = tmp_path / "rows.py"
    helper.write_text("import torch\n\n\ndef rows(X):\n    return torch.softmax(X, 1)\n")
    spec = importlib.util.spec_from_file_location("rows", helper)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    namespace = {"__name__": "student_notebook", "rows": module.rows}
    exec(body("return rows(X)"), namespace)
    assert [str(use) for use in forbidden_uses(namespace["softmax"], SOFTMAX)] == ["torch.softmax on line 2 of your rows"]


def test_does_code_too_large_to_read_count_as_a_use():
    """Padding the path to a call (a huge helper, helpers nested deeper than the walk goes) cannot hide it."""
    padded = "def _pad():\n" + "    x = 1\n" * 30_000 + body("_pad()", "return torch.softmax(X, 1)")
    assert "softmax: more code than the grader reads (over 50,000 instructions" in found(padded)
    chain = "".join(f"def _h{k}(X):\n    return _h{k + 1}(X)\n" for k in range(60))
    deep = chain + "def _h60(X):\n    return torch.softmax(X, 1)\n" + body("return _h0(X)")
    assert "more code than the grader reads" in found(deep)


def test_does_check_zero_a_softmax_that_hides_the_call_in_a_default():
    """check() and the worker share forbidden_note: the sentence names the function, the object and the way."""
    softmax = defined('def softmax(X, _f=getattr(torch, "soft" + "max")):\n    return _f(X, dim=1)')
    task = get_task("hw3_softmax")
    result = grade_in_process(task, softmax, hidden=True)
    assert result.score == 0
    (note,) = result.notes
    assert note.startswith(f"{task.title} must be written from scratch, but your softmax uses torch.softmax "
                           f"through its default argument _f. ")
    assert note.endswith("instead of " + families.in_words(task.forbidden))
    assert forbidden_note(fake_tasks.HALF, live=softmax) is None  # a task that forbids nothing


def test_is_a_library_object_given_as_the_target_named_as_the_student_calls_it():
    """check("hw3_softmax", functools.partial(torch.softmax, dim=1)) names softmax, not "partial"."""
    note = forbidden_note(get_task("hw3_softmax"), live=functools.partial(torch.softmax, dim=1))
    assert "your softmax uses torch.softmax directly" in note


# --------------------------------------------------------------------------- the note

def test_does_the_forbidden_note_name_each_place():
    """The grader's reading of the text: each piece of code with its findings, then what to do."""
    sources = [("cell 3", "def square(x):\n    return x * x"), ("cell 5", "y = torch.square(x)")]
    note = forbidden_note(fake_tasks.SQUARE, sources=sources)
    assert note.startswith("square (fake §0) must be written from scratch, but cell 5 uses torch.square on line 1. ")
    assert note.endswith("instead of torch.square")
    assert forbidden_note(fake_tasks.SQUARE, sources=sources[:1]) is None
    assert forbidden_note(fake_tasks.HALF, sources=sources) is None  # nothing forbidden


def test_do_the_text_and_the_live_object_give_one_note():
    """The grader reads the text, check() and the worker the live object: one sentence, whichever reader found
    the call, and both findings in one sentence when both are read."""
    source = "def square(x):\n    return torch.square(x)"
    square = defined(source, "square")
    text = forbidden_note(fake_tasks.SQUARE, sources=[("cell [3]", source)])
    live = forbidden_note(fake_tasks.SQUARE, live=square)
    both = forbidden_note(fake_tasks.SQUARE, sources=[("cell [3]", source)], live=square)
    head = "square (fake §0) must be written from scratch, but "
    assert text.startswith(head + "cell [3] uses torch.square on line 2. Every check of this task scores 0")
    assert live.startswith(head + "your square uses torch.square on line 2. Every check of this task scores 0")
    assert both.startswith(head + "cell [3] uses torch.square on line 2; your square uses torch.square on line 2. ")
    assert text.split(". ", 1)[1] == live.split(". ", 1)[1] == both.split(". ", 1)[1]
    assert forbidden_note(fake_tasks.SQUARE, live=None) is None  # check() may be handed anything
    assert forbidden_note(fake_tasks.SQUARE) is None  # nothing read, nothing found
    with use_language("ko"):
        korean = forbidden_note(fake_tasks.SQUARE, sources=[("셀 [3]", source)], live=square)
    assert "셀 [3]에서 torch.square (2번째 줄)을(를) 사용합니다; 작성한 square에서 torch.square (2번째 줄)" in korean
    assert "must be written" not in korean and "on line" not in korean


def test_is_a_library_outside_the_venv_still_library_code(tmp_path):
    """A torch installed with `pip install --user` or on PYTHONPATH is library code for check(): a
    site-packages folder on sys.path when the resolver is imported counts; one a notebook adds later does not."""
    import os
    import subprocess
    import sys

    site = tmp_path / "lib" / "site-packages"
    (site / "elsewhere").mkdir(parents=True)
    (site / "elsewhere" / "__init__.py").write_text("import torch\ndef softmax(x):\n    return torch.softmax(x, 1)\n")
    late = tmp_path / "late" / "site-packages"
    late.mkdir(parents=True)
    script = textwrap.dedent(f"""
        import sys
        from autograder.core.resolver import LIBRARY_DIRS, forbidden_uses
        import elsewhere
        sys.path.append({str(late)!r})
        print({str(site)!r} + "/" in LIBRARY_DIRS, any(d.startswith({str(late)!r}) for d in LIBRARY_DIRS))
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.getcwd()])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "False"]
