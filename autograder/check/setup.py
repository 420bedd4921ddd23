"""The second half of a released notebook's setup cell, run once the student package is installed.

``python -m autograder.check.setup [--fashion-mnist]`` installs whichever of torch, torchvision
and matplotlib is missing, never changing one that is there (Colab pins its own builds: a
plain ``pip install torchvision`` could replace its torch), then finds Fashion-MNIST through
d2lmini's lookup (downloading it when no copy is found). Standard library only until torch is there.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import subprocess
import sys

from autograder.core.i18n import _

__all__ = ["REQUIRED", "missing_and_present", "install_missing", "main"]

REQUIRED = {"torch": "torch", "torchvision": "torchvision", "matplotlib": "matplotlib"}
"""Import name → distribution name of what d2lmini and check need."""


def missing_and_present() -> tuple[list[str], dict[str, str]]:
    """The required distributions that cannot be imported, and the installed version of the others."""
    missing, present = [], {}
    for module, distribution in REQUIRED.items():
        if importlib.util.find_spec(module) is None:
            missing.append(distribution)
        else:
            present[distribution] = importlib.metadata.version(distribution)
    return missing, present


def install_missing() -> list[str]:
    """pip-install the missing distributions, holding the present ones at their versions; return what was missing.

    Raises RuntimeError saying what failed and what to do.
    """
    missing, present = missing_and_present()
    if missing:
        pins = [f"{name}=={version}" for name, version in present.items()]
        kept = ", ".join(pins) or _("nothing else")
        print(_("installing {missing} (keeping {kept})").format(missing=", ".join(missing), kept=kept), flush=True)
        command = [sys.executable, "-m", "pip", "install", "--quiet", *missing, *pins]
        if subprocess.run(command).returncode:
            raise RuntimeError(_("`{command}` failed (see pip's message above): install {missing} yourself, then run "
                                 "the setup cell again").format(command=" ".join(command[2:]),
                                                                missing=", ".join(missing)))
    return missing


def main(argv: list[str] | None = None) -> int:
    """Install what is missing; with ``--fashion-mnist``, find or download the data set."""
    parser = argparse.ArgumentParser(prog="python -m autograder.check.setup",
                                     description=_("The second half of a released notebook's setup cell, run "
                                                   "once the student package is installed."))
    parser.add_argument("--fashion-mnist", action="store_true", help=_("also find or download Fashion-MNIST"))
    args = parser.parse_args(argv)
    try:
        install_missing()
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    if args.fashion_mnist:
        from d2lmini.datasets import DataNotFoundError, locate_fashion_mnist

        try:
            print(_("Fashion-MNIST is in {folder}").format(folder=locate_fashion_mnist(download=True)))
        except DataNotFoundError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
