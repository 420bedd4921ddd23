"""The questions graded by hand on the feedback page (``runner/questions.py`` finds them in the release's
source notebook; the hand marks fill them in).

The notebooks gloss a heading in Korean ("Numerical overflow and underflow (수치 오버플로와 언더플로)"): a
Korean page shows the gloss alone (:func:`shown_title`), an English one the heading as the notebook writes it.
"""
from __future__ import annotations

import re

from autograder.core.formatting import out_of, points_text
from autograder.core.i18n import _, language, ngettext
from autograder.core import escape
from autograder.runner.graded import Graded, Written

__all__ = ["written_html", "shown_title"]

_KOREAN_GLOSS = re.compile(r"\(([^()]*[\uac00-\ud7a3][^()]*)\)\s*$")
"""A heading's Korean gloss, in parentheses at its end."""


def shown_title(title: str) -> str:
    """A question's title in the run's language: in Korean, the Korean gloss at its end when it has one; otherwise
    the title as it is."""
    gloss = _KOREAN_GLOSS.search(title) if language() == "ko" else None
    return gloss.group(1).strip() if gloss and gloss.group(1).strip() else title


def written_html(record: Graded) -> str:
    """The feedback page's section of questions graded by hand: each with its mark and comment, or
    'graded by hand: pending'; empty when the assignment has none. It uses the page's own blocks for
    checks (``ul.checks``, ``.check``, ``.mark``, ``.pts``, ``.msg``), so it reads like a task at any width."""
    if not record.written:
        return ""
    pending = len(record.pending)
    said = ngettext("{pending} of {total} not marked yet: your total rises by what it earns.",
                    "{pending} of {total} not marked yet: your total rises by what they earn.",
                    pending).format(pending=pending, total=len(record.written))
    note = f'<p class="meta">{escape.html(said)}</p>' if pending else ""
    heading = escape.html(_("Written answers, graded by hand"))
    return (f'<section class="task written"><h2><span>{heading}</span>'
            f"<span>{out_of(record.hand_score, record.hand_max)}</span></h2>{note}"
            '<ul class="checks">' + "".join(_item(question) for question in record.written) + "</ul></section>")


def _item(question: Written) -> str:
    """One question: mark, title, points (or pending), the grader's comment."""
    if question.score is None:
        kind, mark, comment = "pending", "…", _("graded by hand: pending")
        points = f"– / {points_text(question.points)}"
    else:
        full = question.score >= question.points
        kind, mark = ("pass", "✓") if full else ("part", "◐") if question.score > 0 else ("fail", "✗")
        points, comment = out_of(question.score, question.points), question.comment
    return (f'<li class="{kind}"><div class="check"><span class="mark">{mark}</span>'
            f'<span class="name">{escape.html(shown_title(question.title))}</span><span class="pts">{points}</span></div>'
            + (f'<div class="msg">{escape.html(comment)}</div>' if comment else "") + "</li>")
