"""Adding methods to classes after the fact, and saving constructor arguments (Book §3.2.1)."""
from __future__ import annotations

import inspect
from typing import Any, Callable, Iterable, TypeVar

__all__ = ["add_to_class", "HyperParameters"]

F = TypeVar("F", bound=Callable[..., Any])


def add_to_class(Class: type) -> Callable[[F], F]:
    """Register the decorated function as a method of ``Class`` and return it unchanged (Book §3.2.1).

    Unlike the book's version, the decorated name keeps the function instead of becoming None.
    """

    def wrapper(obj: F) -> F:
        setattr(Class, obj.__name__, obj)
        return obj

    return wrapper


class HyperParameters:
    """Base class whose ``save_hyperparameters`` turns ``__init__`` arguments into attributes (Book §3.2.1)."""

    def save_hyperparameters(self, ignore: Iterable[str] = ()) -> None:
        """Save the calling ``__init__``'s arguments as attributes and in ``self.hparams`` (Book §3.2.1)."""
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        skip = set(ignore) | {"self"}
        self.hparams = {k: v for k, v in local_vars.items()
                        if k not in skip and not k.startswith("_")}
        for k, v in self.hparams.items():
            setattr(self, k, v)
