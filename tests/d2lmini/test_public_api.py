"""The public surface of d2lmini: every name in __all__ is documented, defined once and tested."""
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import d2lmini

HERE = Path(__file__).parent


def submodules() -> list:
    return [importlib.import_module(f"d2lmini.{m.name}") for m in pkgutil.iter_modules(d2lmini.__path__)
            if m.name != "__main__"]


def owners(name: str) -> list:
    """The submodules whose ``__all__`` exports ``name``."""
    return [m for m in submodules() if name in getattr(m, "__all__", ())]


@pytest.mark.parametrize("name", d2lmini.__all__)
def test_is_every_public_name_documented(name):
    # A value without a docstring of its own (the dtype d2l.int32) is named in its module's docstring.
    obj = getattr(d2lmini, name)
    named = not callable(obj) and any(re.search(rf"\b{name}\b", m.__doc__ or "") for m in owners(name))
    assert (obj.__doc__ or "").strip() or named, f"d2lmini.{name} has no docstring"


@pytest.mark.parametrize("name", d2lmini.__all__)
def test_is_every_public_name_defined_in_exactly_one_module(name):
    found = [m.__name__ for m in owners(name)]
    assert len(found) == 1, f"d2lmini.{name} is exported by {found}"
    assert getattr(d2lmini, name) is getattr(importlib.import_module(found[0]), name)


def test_is_every_public_name_exercised_by_a_test():
    used = set()
    for path in HERE.glob("test_*.py"):
        used |= set(re.findall(r"\bd2l\.(\w+)", path.read_text()))
    missing = sorted(set(d2lmini.__all__) - used)
    assert not missing, f"no test in {HERE} calls d2l.<name> for: {missing}"
