"""The feedback page of one submission: self-contained HTML (inline CSS, images as data URIs).

It reads on a phone as on a desktop: nothing is wider than the screen (long words and code wrap,
each check is a block rather than a table row, pictures shrink and stack). What several checks of
one task say alike is said once, at the task: the same message (a stub not written yet, a probe
never reached) and the same known-bug hint; each check keeps its own numbers. A cell a message
names ("cell [7]", as Jupyter numbers code cells) is shown by its first lines. The record's pictures are
drawn as the page is written (``figures.py``).

The page is written in the language of the run (``<html lang>`` says which); a diagnostic's hint is found
through :mod:`autograder.core.diagnostic`, in the language the record was graded in. Korean breaks lines between
words, as English does (``word-break: keep-all``), and the fonts named first have Hangul on common systems.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from autograder.core import diagnostic
from autograder.core.formatting import out_of, points_text
from autograder.core.i18n import _, language
from autograder.core import escape
from autograder.report.figures import SVG, data_uri, drawn
from autograder.report.written import written_html
from autograder.runner.graded import Graded, Picture
from autograder.core.notebook import cells_named
from autograder.core.spec import CheckResult, TaskResult

__all__ = ["feedback_html", "write_feedback"]

_CSS = """
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic","Noto Sans KR",sans-serif;
max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#1d232a;overflow-wrap:anywhere;word-break:keep-all}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:0 0 .4rem}
.meta{color:#5b6672;margin:.2rem 0 1rem}.total{font-size:1.25rem;margin:.6rem 0 0}
section{border:1px solid #d8dee4;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
section.warn{background:#fff8e6;border-color:#f0c36d}
.task h2{display:flex;justify-content:space-between;gap:1rem}.task h2 span:last-child{white-space:nowrap}
ul.notes{margin:.3rem 0;padding-left:1.2rem}ul.notes li+li{margin-top:.4rem}
p.hint{margin:.4rem 0;padding:.4rem .6rem;background:#eef4fb;border-radius:6px;font-size:14px}
p.reached{margin:.4rem 0}p.none{margin:.4rem 0;font-size:14px;color:#3d4751}p.none .mark{color:#cf222e}
ul.checks{list-style:none;margin:.4rem 0 0;padding:0}ul.checks li{padding:.35rem 0}ul.checks li+li{border-top:1px solid #eef1f4}
.check{display:flex;gap:.5rem;align-items:baseline}.check .name{flex:1;min-width:0}
.mark{width:1.2rem;flex:none;font-weight:700}.pass .mark{color:#1a7f37}.fail .mark{color:#cf222e}.part .mark{color:#bf8700}
.pts{white-space:nowrap;flex:none}.msg{white-space:pre-wrap;font-size:14px;margin:.2rem 0 0 1.7rem}
.badge{font-size:11px;background:#eef1f4;border-radius:4px;padding:0 .3rem;margin-left:.3rem;color:#5b6672}
table{border-collapse:collapse;width:100%;margin-top:.4rem;table-layout:fixed}
td,th{padding:.35rem .5rem;vertical-align:top;text-align:left}td.mark{width:1.7rem}td.pts{width:4.5rem}
tr+tr td{border-top:1px solid #eef1f4}th{font-size:13px;color:#5b6672;font-weight:600}td.msg{margin:0}
.figures{display:flex;flex-wrap:wrap;gap:.8rem;margin-top:.8rem}
figure{margin:0;flex:1 1 18rem;min-width:0}figure img{display:block;width:100%;height:auto;border:1px solid #eef1f4}
figure img.raster{width:auto;max-width:100%}
figcaption{font-size:13px;color:#5b6672}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:#f6f8fa;padding:.6rem;border-radius:6px;
margin:.3rem 0;max-width:100%}
pre.cell{border-left:3px solid #d8dee4;padding:.3rem .5rem;line-height:1.35}
@media (max-width:30rem){body{padding:0 .5rem;margin-top:1rem}section{padding:.6rem .6rem}.msg{margin-left:0}}
"""


def feedback_html(record: Graded) -> str:
    """The page: total, messages about the notebook, then every task with every check and its pictures."""
    title = _("{assignment} — feedback for {student}").format(assignment=record.assignment, student=record.student)
    meta = [_("notebook {notebook}").format(notebook=record.notebook) if record.notebook else _("no notebook"),
            _("handed in {timestamp}").format(timestamp=record.timestamp) if record.timestamp else "",
            _("graded in {seconds:.0f} s").format(seconds=record.seconds) if record.seconds else ""]
    score = _html(_("Score: {score} / {max_score}"), score=f"<b>{points_text(record.score)}</b>",
                  max_score=points_text(record.max_score))
    parts = [f"<header><h1>{escape.html(title)}</h1>", f'<p class="total">{score}</p>',
             f'<p class="meta">{escape.html(" · ".join(m for m in meta if m))}</p></header>']
    cells = _Cells(record)
    if record.notes:
        parts.append(_list_section(_("About your notebook"), record.notes, warn=True, cells=cells))
    if record.cell_errors:
        parts.append(_list_section(
            _("Errors while running your notebook"), record.cell_errors, warn=True,
            after=_("An error costs no points by itself; the grader then checks whatever your functions are after "
                    "all cells ran."), cells=cells))
    parts += [_task_section(task, record, cells) for task in record.tasks]
    parts.append(written_html(record))  # the questions graded by hand (written.py); "" when there are none
    if record.output.strip():
        printed = escape.html(_("What your notebook printed last"))
        parts.append(f"<details><summary>{printed}</summary><pre>{escape.html(record.output[-4000:])}</pre></details>")
    return (f'<!doctype html>\n<html lang="{language()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape.html(title)}</title><style>{_CSS}</style></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def write_feedback(record: Graded, path: Path) -> Path:
    """Write the page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_html(record), encoding="utf-8")
    return path


def _list_section(heading: str, items: tuple[str, ...], *, warn: bool, after: str = "",
                  cells: _Cells | None = None) -> str:
    """A section with a heading and a bulleted list (each item with the excerpt of the cell it names)."""
    rows = "".join(f"<li>{cells.sentence(item) if cells else escape.html(item)}</li>" for item in items)
    tail = f"<p>{escape.html(after)}</p>" if after else ""
    return f'<section class="{"warn" if warn else ""}"><h2>{escape.html(heading)}</h2><ul class="notes">{rows}</ul>{tail}</section>'


class _Cells:
    """The excerpts of the cells the page's messages name, each shown once: under the first message naming it."""

    def __init__(self, record: Graded) -> None:
        self.excerpts = dict(record.excerpts)
        self.shown: set[int] = set()

    def sentence(self, text: str) -> str:
        """A message, escaped, then the first lines of the first cell it names that the page has not shown yet."""
        number = next((n for n in cells_named(text) if n in self.excerpts and n not in self.shown), None)
        if number is None:
            return escape.html(text)
        self.shown.add(number)
        return escape.html(text) + f'<pre class="cell">{escape.html(self.excerpts[number])}</pre>'


def _task_section(task: TaskResult, record: Graded, cells: _Cells) -> str:
    """One task: title and points, what its checks say alike (once), a block per check, its pictures."""
    messages = Counter(c.message for c in task.checks if c.message)
    said = list(task.notes) + [m for m, n in messages.items() if n > 1 and m not in task.notes]
    hints = Counter(h for c in task.checks if c.message not in said for h in set(_hints(c.message)))
    shared_hints = [h for h, n in hints.items() if n > 1]
    notes = "".join(f"<li>{cells.sentence(note)}</li>" for note in said)
    reached = dict(record.accuracy).get(task.task)
    figures = "".join(_figure(p) for p in record.pictures if p.task == task.task)
    return (f'<section class="task"><h2><span>{escape.html(_(task.title))}</span>'
            f"<span>{out_of(task.score, task.points)}</span></h2>"
            + (f'<ul class="notes">{notes}</ul>' if notes else "")
            + "".join('<p class="hint">' + _html(_("{label} (for every check below that fails): {hint}"),
                                                label="<b>" + escape.html(_("Hint")) + "</b>", hint=escape.html(h))
                      + "</p>" for h in shared_hints)
            + ('<p class="reached">' + _html(_("Validation accuracy your model reached: {accuracy}"),
                                            accuracy=f"<b>{reached:.3f}</b>") + "</p>" if reached is not None else "")
            + _checks(task, said, shared_hints)
            + (f'<div class="figures">{figures}</div>' if figures else "") + "</section>")


def _hints(message: str) -> list[str]:
    """The known-bug hints of a diagnostic's parts (``compare.with_hint`` appends them)."""
    return [parts.hint for parts in map(diagnostic.parse, diagnostic.split(message)) if parts.hint]


def _without(message: str, hints: list[str]) -> str:
    """The diagnostic without each hint in ``hints`` (said once above it): "<found>." and its count of cases."""
    kept = []
    for part in diagnostic.split(message):
        parts = diagnostic.parse(part)
        kept.append(part if parts.hint is None or parts.hint not in hints else
                    parts.found + _stop() + (parts.tally or ""))
    return diagnostic.also(kept)


def _stop() -> str:
    """The punctuation that ends a finding before its hint, in the run's language ("." in English)."""
    between = _("{found}. Hint: {hint}").split("{found}", 1)[-1]
    return between[:1] if between[:1] in ".。" else ""


def _html(template: str, **values: str) -> str:
    """A translated sentence for the page: its words escaped, ``values`` (HTML already) put in its placeholders."""
    return escape.html(template).format(**values)


def _figure(picture: Picture) -> str:
    """A picture, drawn, with its caption; a plot (SVG) fills its column, a raster image keeps its own size at
    most."""
    content, mime = drawn(picture)
    raster = "" if mime == SVG else ' class="raster"'
    return (f'<figure><img{raster} alt="{escape.html(picture.caption)}" src="{data_uri(content, mime)}">'
            f"<figcaption>{escape.html(picture.caption)}</figcaption></figure>")


def _checks(task: TaskResult, said: list[str], hints: list[str]) -> str:
    """A block per check; one line naming them all when every check failed for a reason said above (a stub not
    written yet, a cell that never ran), where a block each would repeat the same cross and 0."""
    if task.score == 0 and all(c.message in said for c in task.checks):
        names = ", ".join(_("{name} ({points}, hidden)").format(name=_(c.name), points=points_text(c.points))
                          if c.hidden else f"{_(c.name)} ({points_text(c.points)})" for c in task.checks)
        return '<p class="none"><span class="mark">✗</span> ' + escape.html(_("no check passed: {names}").format(
            names=names)) + "</p>"
    return '<ul class="checks">' + "".join(_check(c, said, hints) for c in task.checks) + "</ul>"


def _check(check: CheckResult, said: list[str], hints: list[str]) -> str:
    """One check: mark, name (with a badge for hidden checks), points, and what it alone says."""
    kind, mark = ("pass", "✓") if check.passed else ("part", "◐") if check.score > 0 else ("fail", "✗")
    badge = '<span class="badge">' + escape.html(_("hidden")) + "</span>" if check.hidden else ""
    message = "" if check.message in said else _without(check.message, hints)
    return (f'<li class="{kind}"><div class="check"><span class="mark">{mark}</span>'
            f'<span class="name">{escape.html(_(check.name))}{badge}</span>'
            f'<span class="pts">{out_of(check.score, check.points)}</span></div>'
            + (f'<div class="msg">{escape.html(message)}</div>' if message else "") + "</li>")
