"""The setup block at the top of every released notebook's first code cell (``autograder/authoring/release.py`` adds it).

In the course's environment (the repository's venv, the grader) the kit imports and the block
does nothing but choose the language of ``check()``. Elsewhere (Colab, a student's own Jupyter) it
pip-installs the student package (``make student-wheel``) with ``--no-deps`` from ``KIT_INSTALL`` (the
environment variable, else the URL the course released the notebooks with, also kept in the notebook
metadata ``kit.install``), then ``autograder.check.setup`` installs torch, torchvision or matplotlib
only where one is missing, and finds Fashion-MNIST. The block must run before the kit exists, so it is
plain Python; it names nothing the grader's intrusion scan forbids (``autograder/runner/intrusion.py``):
the one import of the autograder is ``from autograder import check``, and nothing reads an attribute
of ``check`` (the kit is recognised by ``import d2lmini``, a name only the kit installs).

The block is written in the notebook's language (the metadata ``kit.language``, chosen at release): its
comments and errors come from the message catalogues when it is generated, and its first statement sets
``KIT_LANG`` to that language unless the student set it (``autograder/core/i18n.py``), so ``check()`` speaks it.
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Callable

from autograder.core.i18n import LANGUAGES, N_, _, use_language

__all__ = ["BEGIN", "END", "setup_block", "add_setup"]

_MARK = "# --- "
_BEGIN = N_("Setup: run this cell first.")
_END = N_("End of setup.")
BEGIN = _MARK + _BEGIN
"""The block's first line starts so (in English; the block of a notebook in another language translates it)."""
END = _MARK + _END
WIDTH = 113
"""The longest line the block's comments and error texts are wrapped to, in columns (a Korean syllable takes two)."""
_COMMAND = "{command}"
"""The failed step's placeholder in the error text; the block fills it in at run time (an f-string field)."""

_BLOCK = '''\
{header}
import os, subprocess, sys
os.environ.setdefault("KIT_LANG", {language})  # {language_comment}

try:  # {kit_comment}
    import d2lmini
    from autograder import check
except ImportError:
    KIT_INSTALL = os.environ.get("KIT_INSTALL") or {url}
    if not KIT_INSTALL:
        raise RuntimeError({no_url}) from None
    for step in (["pip", "install", "--no-deps", KIT_INSTALL], ["autograder.check.setup"{flags}]):
        done = subprocess.run([sys.executable, "-m", *step], capture_output=True, text=True)
        print(done.stdout[-3000:], done.stderr[-3000:], sep="")
        if done.returncode:
            raise RuntimeError({failed})
{end}
'''


def setup_block(url: str, *, fashion_mnist: bool, language: str = "en") -> str:
    """The setup block, in ``language``, for a notebook released with kit URL ``url`` ("" when the course set none)."""
    with use_language(language) as lang:
        does = (_("In the course's environment it does nothing; anywhere else (Colab, your own Jupyter) it installs "
                  "the course kit (d2lmini and check) once, from KIT_INSTALL, and gets Fashion-MNIST.")
                if fashion_mnist else
                _("In the course's environment it does nothing; anywhere else (Colab, your own Jupyter) it installs "
                  "the course kit (d2lmini and check) once, from KIT_INSTALL."))
        return _BLOCK.format(
            header="\n".join(_comment(piece) for piece in _wrap(f"--- {_(_BEGIN)} {does}", _comment, indent=0)),
            language=json.dumps(lang),
            language_comment=_("check()'s language, unless you set KIT_LANG yourself ({languages})").format(
                languages=", ".join(LANGUAGES)),
            kit_comment=_("d2lmini comes only with the kit (PyPI's `autograder` is another project's)"),
            url=json.dumps(url),
            no_url=_literal(_("your instructor has not set where the course kit comes from: ask them for its URL, "
                              "then run `%env KIT_INSTALL=<that URL>` and this cell again"), indent=27),
            failed=_literal(_("`{command}` failed (its message is above): check KIT_INSTALL with your instructor, or "
                              "run `%env KIT_INSTALL=<the kit's URL or path>`, then this cell again"), indent=31),
            flags=', "--fashion-mnist"' if fashion_mnist else "",
            end=_MARK + _(_END))


def _wrap(text: str, render: Callable[[str], str], *, indent: int) -> list[str]:
    """``text`` cut between words into pieces that, rendered and indented by ``indent``, fit in WIDTH columns
    (a word longer than that stays whole); each piece keeps the spaces after its last word."""
    pieces = [""]
    for word in re.findall(r"\S+\s*", text):
        if pieces[-1] and indent + _columns(render(pieces[-1] + word)) > WIDTH:
            pieces.append("")
        pieces[-1] += word
    return pieces


def _columns(line: str) -> int:
    """How many columns ``line`` takes in a monospaced font (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _comment(piece: str) -> str:
    """One line of the block's header comment."""
    return "# " + piece.rstrip()


def _literal(text: str, *, indent: int) -> str:
    """``text`` as adjacent Python string literals, one per line, lines after the first indented by ``indent``;
    a literal holding ``{command}`` is an f-string that shows the failed step."""
    return ("\n" + " " * indent).join(map(_quote, _wrap(text, _quote, indent=indent)))


def _quote(piece: str) -> str:
    """One piece of text as a Python string literal (an f-string where it shows the failed step)."""
    if _COMMAND not in piece:
        return json.dumps(piece, ensure_ascii=False)
    escaped = piece.replace("{", "{{").replace("}", "}}").replace("{" + _COMMAND + "}", "{' '.join(step)}")
    return "f" + json.dumps(escaped, ensure_ascii=False)


def add_setup(source: str, url: str, *, fashion_mnist: bool, language: str = "en") -> str:
    """``source`` (a first code cell) with the setup block before it (a magic such as ``%matplotlib inline`` may
    follow: IPython runs line magics anywhere in a cell, and the grader reads them too)."""
    return f"{setup_block(url, fashion_mnist=fashion_mnist, language=language)}\n{source}"
