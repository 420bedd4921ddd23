"""Text from a hand-in, made safe for the format it is written in: one function per format.

Student ids are folder names, notebooks and extra files are file names, timestamps are what
``timestamp.txt`` says, and messages quote them; a record may carry any string a pickle can. Such
text may hold bytes that are not UTF-8 (``os.fsdecode`` gives them as lone surrogates, which no
UTF-8 file can hold), terminal escape sequences, spreadsheet formulas, Markdown and HTML. Every
writer passes each of them through the function of its format, once, where it writes it; texts
the kit writes itself (scores, task ids and titles) are written as they are.
"""
from __future__ import annotations

import html as _html
import re

__all__ = ["plain", "terminal", "csv_cell", "html", "markdown"]

_SURROGATES = re.compile("[\ud800-\udfff]")
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"               # CSI: colours, cursor moves, clearing the screen
    r"|(?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c|\Z)"     # OSC: window titles, hyperlinks
    r"|\x1b[ -/]*[0-~]?", re.DOTALL)                 # any other ESC sequence, or a lone ESC
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 but tab and newline, DEL, C1, and the bidirectional overrides that reorder what a reader sees."""
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|&!#~$])")
"""What Markdown (CommonMark, GitHub's tables and math) would read as markup: links, images, HTML, cells."""
_FORMULA = ("=", "+", "-", "@")
"""A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection")."""


def plain(text: str) -> str:
    """``text`` as printable Unicode: each undecodable byte as U+FFFD, escape sequences and control
    characters other than tab and newline removed (JSON files and the start of every other format)."""
    return _CONTROLS.sub("", _ESCAPE_SEQUENCES.sub("", _SURROGATES.sub("\ufffd", text)))


def terminal(text: str) -> str:
    """``text`` for one line of the instructor's terminal: :func:`plain`, tabs and newlines as spaces."""
    return plain(text).replace("\t", " ").replace("\n", " ")


def csv_cell(text: str) -> str:
    """``text`` for a gradebook cell: :func:`terminal`'s line (so no tab or carriage return is left to
    start it), behind a single quote when it would start with a formula character.

    Only texts from a hand-in go through here; the kit's own numbers (-0.5 is no formula) do not.
    """
    line = terminal(text)
    return "'" + line if line.lstrip()[:1] in _FORMULA else line


def html(text: str) -> str:
    """``text`` for an HTML page, in an element or an attribute: :func:`plain`, with ``& < > " '`` as entities."""
    return _html.escape(plain(text), quote=True)


def markdown(text: str) -> str:
    """``text`` for a Markdown table cell or list item: :func:`terminal`'s line with its runs of spaces
    collapsed and a backslash before each character Markdown would read as markup."""
    return _MARKDOWN.sub(r"\\\1", " ".join(terminal(text).split()))
