"""summary.html: the class summary as one self-contained page (inline CSS, histograms as data URIs).

It says what summary.md says, from the same :class:`summary.Section` objects. Nothing is fetched:
no script, font, stylesheet or image from elsewhere. Every text goes through :func:`escape.html`;
wide tables scroll inside their own box, so the page fits a 390 px phone screen.
"""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Sequence, Union

from autograder.core.i18n import N_, _, language
from autograder.core import escape
from autograder.core.formatting import points_text
from autograder.report.diagnostics import student_count

if TYPE_CHECKING:
    from autograder.report.summary import Section

__all__ = ["summary_html", "TITLE", "TASK", "TITLE_COLUMN", "POINTS", "FULL", "UNTOUCHED", "MEAN", "QUESTION", "MARKED",
           "MEAN_MARK", "PENDING", "MISCONCEPTIONS", "TROUBLED"]

TITLE = N_("Class summary")
TASK, TITLE_COLUMN, POINTS = N_("task"), N_("title"), N_("points")
FULL, UNTOUCHED, MEAN = N_("students with full marks"), N_("students who did not attempt it"), N_("mean points")
QUESTION, MARKED, MEAN_MARK = N_("question graded by hand"), N_("students marked"), N_("mean mark")
PENDING = N_("pending")
"""A question's mean mark while nobody's answer is marked."""
MISCONCEPTIONS = N_("Most frequent misconceptions in attempted work, per task")
TROUBLED = N_("Hand-ins with problems")
"""The words summary.md and summary.html both write (translated where they are written)."""

_CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic","Noto Sans KR",sans-serif;
max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#1d232a;word-break:keep-all}
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
    title = escape.html(_(TITLE))
    return (f'<!doctype html>\n<html lang="{language()}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{title}</title><style>{_CSS}</style></head>\n<body>\n<h1>{title}</h1>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def _section(made: "Section") -> str:
    """One assignment: its sentences, the histogram, the tasks, the questions, misconceptions, problems."""
    png = base64.b64encode(made.histogram).decode("ascii")
    alt = _("{assignment}: histogram of total scores").format(assignment=made.assignment)
    parts = [f"<h2>{escape.html(made.assignment)}</h2>",
             "".join(f"<p>{escape.html(sentence)}</p>" for sentence in made.sentences()),
             f'<img alt="{escape.html(alt)}" src="data:image/png;base64,{png}">',
             _table((_(TASK), _(POINTS), _(FULL), _(UNTOUCHED), _(MEAN)),
                    [(_named(t.title, t.task), points_text(t.points), f"{t.full}/{made.handed_in}", str(t.untouched),
                      f"{t.mean:.3g}") for t in made.tasks])]
    if made.questions:
        parts.append(_table((_(QUESTION), _(POINTS), _(MARKED), _(MEAN_MARK)),
                            [(_named(q.title, q.grade_id), points_text(q.points), f"{q.marked}/{made.handed_in}",
                              _(PENDING) if q.mean is None else f"{q.mean:.3g}") for q in made.questions]))
    shown = made.shown()
    if shown:
        items = "".join(
            f"<li><b>{escape.html(t.task)}</b> ({escape.html(t.title)}): {escape.html(t.headline())}<ul>"
            + "".join(f"<li>{escape.html(student_count(c.students))}: <q>{escape.html(c.excerpt())}</q></li>"
                      for c in t.misconceptions) + "</ul></li>" for t in shown)
        parts.append(f"<h3>{escape.html(_(MISCONCEPTIONS))}</h3><ol>{items}</ol>")
    if made.troubled:
        items = "".join(f"<li>{escape.html(student)}: {escape.html(note[:200])}</li>"
                        for student, note in made.troubled)
        parts.append(f"<h3>{escape.html(_(TROUBLED))}</h3><ul>{items}</ul>")
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
