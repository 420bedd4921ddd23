"""The setup block at the top of every released notebook's first code cell (``autograder/release.py`` adds it).

In the course's environment (the repository's venv, the grader) the kit imports and the block
does nothing. Elsewhere (Colab, a student's own Jupyter) it pip-installs the student package
(``make student-wheel``) with ``--no-deps`` from ``KIT_INSTALL`` (the environment variable, else the
URL the course released the notebooks with, also kept in the notebook metadata ``kit.install``),
then ``autograder.student_setup`` installs torch, torchvision or matplotlib only where one is
missing, and finds Fashion-MNIST. The block must run before the kit exists, so it is plain
Python; it names nothing the grader's intrusion scan forbids (``autograder/runner/intrusion.py``):
the one import of the autograder is ``from autograder import check``, and nothing reads an attribute
of ``check`` (the kit is recognised by ``import d2lmini``, a name only the kit installs).
"""
from __future__ import annotations

import json

__all__ = ["BEGIN", "END", "setup_block", "add_setup"]

BEGIN = "# --- Setup: run this cell first."
END = "# --- End of setup."

_BLOCK = '''\
{begin} In the course's environment it does nothing; anywhere else (Colab, your own
# Jupyter) it installs the course kit (d2lmini and check) once, from KIT_INSTALL{data}.
import os, subprocess, sys

try:  # d2lmini comes only with the kit (PyPI's `autograder` is another project's)
    import d2lmini
    from autograder import check
except ImportError:
    KIT_INSTALL = os.environ.get("KIT_INSTALL") or {url}
    if not KIT_INSTALL:
        raise RuntimeError("your instructor has not set where the course kit comes from: ask them for its URL, "
                           "then run `%env KIT_INSTALL=<that URL>` and this cell again") from None
    for step in (["pip", "install", "--no-deps", KIT_INSTALL], ["autograder.student_setup"{flags}]):
        done = subprocess.run([sys.executable, "-m", *step], capture_output=True, text=True)
        print(done.stdout[-3000:], done.stderr[-3000:], sep="")
        if done.returncode:
            raise RuntimeError(f"`{{' '.join(step)}}` failed (its message is above): check KIT_INSTALL with your"
                               " instructor, or run `%env KIT_INSTALL=<the kit's URL or path>`, then this cell again")
{end}
'''


def setup_block(url: str, *, fashion_mnist: bool) -> str:
    """The setup block for a notebook released with kit URL ``url`` ("" when the course set none)."""
    return _BLOCK.format(begin=BEGIN, end=END, url=json.dumps(url),
                         data=", and gets Fashion-MNIST" if fashion_mnist else "",
                         flags=', "--fashion-mnist"' if fashion_mnist else "")


def add_setup(source: str, url: str, *, fashion_mnist: bool) -> str:
    """``source`` (a first code cell) with the setup block before it (a magic such as ``%matplotlib inline`` may
    follow: IPython runs line magics anywhere in a cell, and the grader reads them too)."""
    return f"{setup_block(url, fashion_mnist=fashion_mnist)}\n{source}"
