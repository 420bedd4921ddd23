"""summary.html: the class summary as one self-contained page (inline CSS, histograms as data URIs).

It says what summary.md says, from the same :class:`summary.Section` objects. Nothing is fetched:
no script, font, stylesheet or image from elsewhere. Every text goes through :func:`escape.html`;
wide tables scroll inside their own box, so the page fits a 390 px phone screen.
"""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Sequence, Union

from autograder.report import escape
from autograder.report.diagnostics import plural

if TYPE_CHECKING:
    from autograder.report.summary import Section

__all__ = ["summary_html"]

_CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#1d232a}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.2rem;margin:0 0 .4rem}h3{font-size:1rem;margin:1rem 0 .3rem}
section{border:1px solid #d8dee4;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
p,li{overflow-wrap:anywhere}.warn{background:#fff8e6;border-color:#f0c36d}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;width:100%;font-size:14px}
td,th{padding:.3rem .45rem;text-align:left;vertical-align:top}th{font-size:13px;color:#5b6672;font-weight:600}
td.n{text-align:right;white-space:nowrap}th.n{text-align:right}tr+tr td{border-top:1px solid #eef1f4}code{font-size:12px;color:#5b6672}
img{max-width:100%;height:auto;border:1px solid #eef1f4}ol,ul{padding-left:1.3rem}q{font-style:italic}
@media (max-width:480px){body{padding:0 .5rem;margin:.8rem auto}section{padding:.6rem}table{font-size:13px}
th{font-size:12px}td,th{padding:.25rem .3rem}}
"""


def summary_html(sections: Sequence[Union["Section", str]]) -> str:
    """The page: one section per assignment, or the sentence saying why its section could not be made."""
    parts = [_section(made) if not isinstance(made, str) else
             f'<section class="warn"><p>{escape.html(made)}</p></section>' for made in sections]
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>Class summary</title><style>{_CSS}</style></head>\n<body>\n<h1>Class summary</h1>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def _section(made: "Section") -> str:
    """One assignment: its sentences, the histogram, the tasks, the questions, misconceptions, problems."""
    png = base64.b64encode(made.histogram).decode("ascii")
    parts = [f"<h2>{escape.html(made.assignment)}</h2>",
             "".join(f"<p>{escape.html(sentence)}</p>" for sentence in made.sentences()),
             f'<img alt="{escape.html(made.assignment)}: histogram of total scores" src="data:image/png;base64,{png}">',
             _table(("task", "points", "students with full marks", "students who did not attempt it", "mean points"),
                    [(_named(t.title, t.task), f"{t.points:g}", f"{t.full}/{made.handed_in}", str(t.untouched),
                      f"{t.mean:.3g}") for t in made.tasks])]
    if made.questions:
        parts.append(_table(("question graded by hand", "points", "students marked", "mean mark"),
                            [(_named(q.title, q.grade_id), f"{q.points:g}", f"{q.marked}/{made.handed_in}",
                              "pending" if q.mean is None else f"{q.mean:.3g}") for q in made.questions]))
    shown = made.shown()
    if shown:
        items = "".join(
            f"<li><b>{escape.html(t.task)}</b> ({escape.html(t.title)}): {escape.html(t.headline())}<ul>"
            + "".join(f"<li>{plural(c.students, 'student')}: <q>{escape.html(c.excerpt())}</q></li>"
                      for c in t.misconceptions) + "</ul></li>" for t in shown)
        parts.append(f"<h3>Most frequent misconceptions in attempted work, per task</h3><ol>{items}</ol>")
    if made.troubled:
        items = "".join(f"<li>{escape.html(student)}: {escape.html(note[:200])}</li>"
                        for student, note in made.troubled)
        parts.append(f"<h3>Hand-ins with problems</h3><ul>{items}</ul>")
    return "<section>" + "\n".join(parts) + "</section>"


def _named(title: str, name: str) -> str:
    """A first cell: the title, and the id beneath it in small type (one column fewer on a phone)."""
    return f"{escape.html(title)}<br><code>{escape.html(name)}</code>"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table in a box of its own that scrolls sideways if it must; the first cell of a row is HTML made by
    :func:`_named`, the others numbers, right-aligned."""
    head = "".join(f'<th class="n">{escape.html(cell)}</th>' if index else f"<th>{escape.html(cell)}</th>"
                   for index, cell in enumerate(header))
    body = "".join("<tr><td>" + row[0] + "</td>"
                   + "".join(f'<td class="n">{escape.html(cell)}</td>' for cell in row[1:]) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'
