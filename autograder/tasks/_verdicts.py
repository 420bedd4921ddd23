"""Several findings judged as one verdict."""
from __future__ import annotations

from typing import Iterable

from autograder.core.diagnostic import also, tallied
from autograder.core.spec import Verdict

__all__ = ["share", "first_failure", "from_problem"]


def share(*verdicts: Verdict, tally: bool = False, every: bool = False) -> Verdict:
    """The mean of the parts' fractions, with the first failure's message (each failure's if ``every``).

    With ``tally``, a message about more than one case ends with how many of them fail.
    """
    failed = [v for v in verdicts if not v.passed]
    if not failed:
        return Verdict.ok()
    message = also([v.message for v in failed]) if every else failed[0].message
    if tally and not every and len(verdicts) > 1:
        message = tallied(message, len(failed), len(verdicts))
    return Verdict(sum(v.fraction for v in verdicts) / len(verdicts), message)


def first_failure(verdicts: Iterable[Verdict]) -> Verdict:
    """The first verdict that fails, as it is (a generator is evaluated only that far); else full marks."""
    return next((v for v in verdicts if not v.passed), Verdict.ok())


def from_problem(message: str | None) -> Verdict:
    """A verdict from a property judge's finding: None passes, a sentence fails."""
    return Verdict.ok() if message is None else Verdict.fail(message)
