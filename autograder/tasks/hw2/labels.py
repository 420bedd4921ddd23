"""hw2_text_labels: Fashion-MNIST's class names for class indices (Book §4.2.1)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import torch

import d2lmini as d2l
from autograder.core import families
from autograder.core.compare import Hint, describe, with_hint
from autograder.core.i18n import N_, _, ngettext
from autograder.core.spec import Check, Task, Verdict
from autograder.tasks._rng import generator


class _Blank:
    """Stands in for ``self`` in a method that must not depend on its object's attributes."""


@dataclass(frozen=True)
class _LabelCase:
    """Class indices given to text_labels in one form (a tensor, a list, a 0-d tensor)."""

    form: str
    """"tensor", "list" or "scalar"."""
    seed: int

    def indices(self) -> Any:
        """The indices: all ten classes shuffled, then repeats (one index for "scalar")."""
        g = generator(self.seed)
        shuffled = torch.cat([torch.randperm(10, generator=g), torch.randint(0, 10, (5,), generator=g)])
        if self.form == "scalar":
            return shuffled[0].clone()
        return shuffled.tolist() if self.form == "list" else shuffled

    def what(self) -> str:
        """The call, as a student reads it."""
        return f"text_labels({self.indices()!r})"


def _plain_names(result: Any) -> Any:
    """The result as a list of str when it is a list or tuple of str; otherwise a description of it."""
    if isinstance(result, (list, tuple)) and all(isinstance(name, str) for name in result):
        return list(result)
    return {"not_names": describe(result)}


def _names_of(indices: Any) -> list[str]:
    """d2lmini's names for the indices."""
    return d2l.FashionMNIST.text_labels(None, indices)


def _torchvision_names(indices: torch.Tensor) -> list[str]:
    """torchvision's spelling of the classes at ``indices`` (imported here: only a judge needs it, and the
    sandboxed worker starts faster without torchvision)."""
    import torchvision

    return [torchvision.datasets.FashionMNIST.classes[int(i)] for i in indices]


def _label_hints(indices: Any) -> tuple[Hint, ...]:
    """Known text_labels bugs on these indices."""
    flat = torch.as_tensor(indices).reshape(-1)

    def squash(names: Sequence[str]) -> list[str]:
        return [n.lower().replace("-", "").replace(" ", "").replace("_", "") for n in names]

    return (
        (lambda got: got == _torchvision_names(flat),
         N_("these are torchvision's class names (FashionMNIST.classes): use the book's names, "
            "all lower case ('t-shirt', 'trouser', …, 'ankle boot')")),
        (lambda got: got in (_names_of((flat + 1) % 10), _names_of((flat - 1) % 10)),
         N_("every name is one class off: class 0 is 't-shirt' and class 9 is 'ankle boot', "
            "so look the name up at index i itself")),
        (lambda got: squash(got) == squash(_names_of(flat)),
         N_("the classes are right but spelled differently: use the book's names, all lower case "
            "('t-shirt', 'trouser', …, 'ankle boot')")),
    )


def _labels_check(name: str, points: float, case: _LabelCase, hidden: bool) -> Check:
    """A check that text_labels names the case's indices as d2lmini does."""

    def probe(text_labels: Callable) -> Any:
        return _plain_names(text_labels(_Blank(), case.indices()))

    def judge(got: Any) -> Verdict:
        expected = _names_of(case.indices())
        if isinstance(got, dict):
            return Verdict.fail(ngettext("{call} returned {got}, expected a list of {n} name: {names!r}",
                                         "{call} returned {got}, expected a list of {n} names: {names!r}",
                                         len(expected)).format(call=case.what(), got=got["not_names"],
                                                               n=len(expected), names=expected))
        if got == expected:
            return Verdict.ok()
        if len(got) != len(expected):
            problem = _("gave {got} names for {expected} indices ({names!r})").format(
                got=len(got), expected=len(expected), names=got)
        else:
            i = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
            problem = _("name {i} is {got!r}, expected {expected!r}").format(i=i, got=got[i], expected=expected[i])
        return with_hint(Verdict.fail(f"{case.what()}: {problem}"), got, _label_hints(case.indices()))

    return Check(name=name, points=points, probe=probe, judge=judge, hidden=hidden)


TEXT_LABELS = Task(
    id="hw2_text_labels",
    assignment="hw2",
    title=N_("text_labels (Book §4.2.1)"),
    target="text_labels",
    checks=(
        _labels_check(N_("names a tensor of class indices"), 1.0, _LabelCase("tensor", 21), hidden=False),
        _labels_check(N_("names a list of ints"), 0.5, _LabelCase("list", 22), hidden=False),
        _labels_check(N_("names a 0-d tensor (one label) as a list of one name"), 0.5,
                      _LabelCase("scalar", 23), hidden=True),
    ),
    forbidden=families.BOOK_TEXT_LABELS,
)

ORDER = 10
"""Where these tasks stand among hw2's, in the notebook's order (steps of 10 leave room for new ones)."""

TASKS = (TEXT_LABELS,)
"""The tasks this module declares, in the notebook's order."""
