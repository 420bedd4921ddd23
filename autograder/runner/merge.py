"""``python -m autograder merge``: one class's records from report folders graded in shards.

A class graded in parts (on several machines, or a few students at a time) leaves one ``--out``
folder per part; each keeps its records in its cache (``.cache/``, noted by its last run). Merging
takes every part's records, checks that each assignment was graded by the same grading code
everywhere and that no submission was graded from two different hand-ins, and writes a cache
holding every record, so that ``grade --out`` into the merged folder regrades nothing unchanged;
the gradebook, feedback pages, results.json files and class summary of the whole class are written
from the merge (``report/class_reports.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from autograder.core.i18n import _, ngettext, use_language
from autograder.core import escape
from autograder.runner.graded import Graded
from autograder.runner.cache import Cache, Cached
from autograder.runner.errors import GradingError
from autograder.runner.grade import DEFAULT_OUT

__all__ = ["merge_caches", "Merged", "language_of"]


@dataclass(frozen=True)
class Merged:
    """What a merge found and cached."""

    records: tuple[Graded, ...]
    """Every part's records, by student then assignment."""
    parts: tuple[Path, ...]
    """The report folders merged."""
    out: Path
    missing: tuple[str, ...] = ()
    """"student/assignment" of submissions a part graded without a record (the grader failed on them there)."""
    language: str = "en"
    """The language of the records and reports."""

    def describe(self, after: Callable[[], Sequence[str]] = tuple) -> str:
        """What the merge did, for the terminal, in its language, then the lines of ``after`` (where the reports
        are, what could not be written), said in the same language; names from the hand-ins as
        :func:`escape.terminal` shows them."""
        with use_language(self.language):
            return "\n".join([*self._lines(), *after()])

    def _lines(self) -> list[str]:
        """The lines of :meth:`describe`."""
        lines = [ngettext("merged {count} submission from {parts} report folders into {out}",
                          "merged {count} submissions from {parts} report folders into {out}", len(self.records))
                 .format(count=len(self.records), parts=len(self.parts), out=self.out)]
        for assignment in sorted({r.assignment for r in self.records}):
            count = sum(r.assignment == assignment for r in self.records)
            lines.append(ngettext("  {assignment}: {count} submission", "  {assignment}: {count} submissions", count)
                         .format(assignment=assignment, count=count))
        if self.missing:
            lines.append(ngettext(
                "warning: no record of {names}: the grader failed on it; grade again to include it",
                "warning: no record of {names}: the grader failed on them; grade again to include them",
                len(self.missing)).format(names=", ".join(escape.terminal(m) for m in self.missing[:5])))
        return lines


def merge_caches(*, parts: Sequence[Path], out: Path = DEFAULT_OUT, language: str | None = None) -> Merged:
    """Combine the caches of report folders graded in shards into one (``report.class_reports.merge_and_report``
    writes the whole class's reports as well).

    Args:
        parts: ``--out`` folders of ``python -m autograder grade`` runs (each holds ``.cache/``).
        out: the folder for the combined reports and cache; it may be one of ``parts``.
        language: the language of the reports and messages ("en", "ko"); None: the one the parts were graded in
            (English if they differ, and the parts graded otherwise are refused). A part graded in another language is
            refused: its records keep the messages they were graded with.

    Returns:
        The merged records, by student then assignment, in the cache of ``out``.

    Raises:
        GradingError: a folder is missing or holds no graded record; an assignment was graded with other
            grading code (kit, tasks, solutions, limits, Python or torch) in two folders; a submission was
            graded from different hand-ins in two folders.
    """
    chosen = language or language_of(parts)
    with use_language(chosen):
        if not parts:
            raise GradingError(_("give the report folders to merge (the --out folders of grading runs)"))
        if out.exists() and not out.is_dir():
            raise GradingError(_("--out {out} is a file: give a folder for the merged reports").format(out=out))
        kept, missing = _gather(parts, chosen)
        ordered = [kept[name][1] for name in sorted(kept)]
        cache = Cache(out / ".cache")
        for cached in ordered:
            cache.store(cached)
        records = [cached.record for cached in ordered]
        cache.remember(records)
        return Merged(tuple(records), tuple(parts), out,
                      tuple(m for m in missing if tuple(m.rsplit("/", 1)) not in kept), chosen)


def language_of(parts: Sequence[Path]) -> str:
    """The language the records of these report folders were graded in; English when none or several (then merging
    says which part differs)."""
    found = {cached.language for part in parts if part.is_dir() for cached in Cache(part / ".cache").last_run()[0]}
    return found.pop() if len(found) == 1 else "en"


def _gather(parts: Sequence[Path], language: str) -> tuple[dict[tuple[str, str], tuple[Path, Cached]], list[str]]:
    """Every part's records by (student, assignment) with the part each came from, and the "student/assignment"
    names a part graded without a record; raises GradingError for what cannot be combined (records graded in
    another language than ``language`` included)."""
    kept: dict[tuple[str, str], tuple[Path, Cached]] = {}
    graded_by: dict[str, tuple[Path, str]] = {}
    missing: list[str] = []
    for part in parts:
        if not part.is_dir():
            raise GradingError(_("no such report folder: {part}; give the --out folders of grading runs").format(
                part=part))
        found, lost = Cache(part / ".cache").last_run()
        if not found:
            raise GradingError(_("{part} holds no graded submission (nothing in {cache}): give the --out folder of "
                                 "a grading run").format(part=part, cache=part / ".cache"))
        missing += [name for name in lost if name not in missing]
        for cached in found:
            if cached.language != language:
                raise GradingError(_("{part} was graded in the language {graded}, and the merge writes {language}: "
                                     "merge with --lang {graded}, or grade that part again with --lang {language}")
                                   .format(part=part, graded=cached.language, language=language))
            _check_code(graded_by, part, cached)
            name = (cached.record.student, cached.record.assignment)
            if name in kept and kept[name][1].key != cached.key:
                raise GradingError(_("{submission} was graded from different hand-ins in {first} and {part}: grade "
                                     "each student in one part only, or leave the older folder out").format(
                    submission=f"{escape.terminal(cached.record.student)}/{cached.record.assignment}",
                    first=kept[name][0], part=part))
            kept.setdefault(name, (part, cached))
    return kept, missing


def _check_code(graded_by: dict[str, tuple[Path, str]], part: Path, cached: Cached) -> None:
    """Raise GradingError when this record's assignment was graded with other code in an earlier part."""
    assignment = cached.record.assignment
    first = graded_by.setdefault(assignment, (part, cached.fingerprint))
    if first[1] != cached.fingerprint:
        raise GradingError(_("{assignment} was graded with other grading code in {first} than in {part} (the kit, "
                             "its tasks, the solutions notebook, the limits, the language or the Python or torch "
                             "versions differ): grade every part with the same kit and options, then merge").format(
            assignment=assignment, first=first[0], part=part))
