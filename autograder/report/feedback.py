"""The feedback page of one submission: self-contained HTML (inline CSS, images as data URIs)."""
from __future__ import annotations

from pathlib import Path

from autograder.report import escape
from autograder.report.record import Graded
from autograder.spec import CheckResult, TaskResult

__all__ = ["feedback_html", "write_feedback"]

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d232a}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:0 0 .4rem}
.meta{color:#5b6672;margin:.2rem 0 1rem}.total{font-size:1.25rem;margin:.6rem 0 0}
section{border:1px solid #d8dee4;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
section.warn{background:#fff8e6;border-color:#f0c36d}
.task h2{display:flex;justify-content:space-between;gap:1rem}.id{color:#5b6672;font:13px monospace}
table{border-collapse:collapse;width:100%;margin-top:.4rem}td,th{padding:.35rem .5rem;vertical-align:top;text-align:left}
tr+tr td{border-top:1px solid #eef1f4}th{font-size:13px;color:#5b6672;font-weight:600}
td.mark{width:1.5rem;font-weight:700}tr.pass td.mark{color:#1a7f37}tr.fail td.mark{color:#cf222e}tr.part td.mark{color:#bf8700}
td.pts{white-space:nowrap;width:5rem}td.msg{white-space:pre-wrap;font-size:14px}
.badge{font-size:11px;background:#eef1f4;border-radius:4px;padding:0 .3rem;margin-left:.3rem;color:#5b6672}
ul.notes{margin:.3rem 0;padding-left:1.2rem}figure{margin:.8rem 0 0}figure img{max-width:100%;border:1px solid #eef1f4}
figcaption{font-size:13px;color:#5b6672}pre{white-space:pre-wrap;font-size:12px;background:#f6f8fa;padding:.6rem;border-radius:6px}
"""


def feedback_html(record: Graded) -> str:
    """The page: total, messages about the notebook, then every task with every check and its pictures."""
    title = f"{record.assignment} — feedback for {record.student}"
    meta = [f"notebook {record.notebook}" if record.notebook else "no notebook",
            f"handed in {record.timestamp}" if record.timestamp else "",
            f"graded in {record.seconds:.0f} s" if record.seconds else ""]
    parts = [f"<header><h1>{escape.html(title)}</h1>",
             f'<p class="total">Score: <b>{_pts(record.score)}</b> / {_pts(record.max_score)}</p>',
             f'<p class="meta">{escape.html(" · ".join(m for m in meta if m))}</p></header>']
    if record.notes:
        parts.append(_list_section("About your notebook", record.notes, warn=True))
    if record.cell_errors:
        parts.append(_list_section(
            "Errors while running your notebook", record.cell_errors, warn=True,
            after="An error costs no points by itself; the grader then checks whatever your "
                  "functions are after all cells ran."))
    parts += [_task_section(task, record) for task in record.tasks]
    if record.output.strip():
        parts.append("<details><summary>What your notebook printed last</summary>"
                     f"<pre>{escape.html(record.output[-4000:])}</pre></details>")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape.html(title)}</title><style>{_CSS}</style></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def write_feedback(record: Graded, path: Path) -> Path:
    """Write the page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback_html(record), encoding="utf-8")
    return path


def _list_section(heading: str, items: tuple[str, ...], *, warn: bool, after: str = "") -> str:
    """A section with a heading and a bulleted list."""
    rows = "".join(f"<li>{escape.html(item)}</li>" for item in items)
    tail = f"<p>{escape.html(after)}</p>" if after else ""
    return f'<section class="{"warn" if warn else ""}"><h2>{escape.html(heading)}</h2><ul class="notes">{rows}</ul>{tail}</section>'


def _task_section(task: TaskResult, record: Graded) -> str:
    """One task: title and points, its notes, a row per check, its pictures."""
    notes = "".join(f"<li>{escape.html(note)}</li>" for note in task.notes)
    rows = "".join(_check_row(check, task.notes) for check in task.checks)
    figures = "".join(f'<figure><img alt="{escape.html(p.caption)}" src="{p.data_uri()}">'
                      f"<figcaption>{escape.html(p.caption)}</figcaption></figure>"
                      for p in record.pictures if p.task == task.task)
    return (f'<section class="task"><h2><span>{escape.html(task.title)}</span>'
            f"<span>{_pts(task.score)} / {_pts(task.points)}</span></h2>"
            f'<div class="id">{escape.html(task.task)}</div>'
            + (f'<ul class="notes">{notes}</ul>' if notes else "")
            + "<table><tr><th></th><th>check</th><th>points</th><th>diagnostic</th></tr>"
            + rows + "</table>" + figures + "</section>")


def _check_row(check: CheckResult, task_notes: tuple[str, ...]) -> str:
    """A table row: mark, name (with a badge for hidden checks), points, diagnostic."""
    kind, mark = ("pass", "✓") if check.passed else ("part", "◐") if check.score > 0 else ("fail", "✗")
    badge = '<span class="badge">hidden</span>' if check.hidden else ""
    message = "(see above)" if check.message in task_notes else check.message
    return (f'<tr class="{kind}"><td class="mark">{mark}</td><td>{escape.html(check.name)}{badge}</td>'
            f'<td class="pts">{_pts(check.score)} / {_pts(check.points)}</td>'
            f'<td class="msg">{escape.html(message)}</td></tr>')


def _pts(value: float) -> str:
    """Points without trailing zeros."""
    return f"{round(value, 2):g}"
