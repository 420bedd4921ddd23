"""``python -m autograder merge``: one set of reports from report folders graded in shards.

A class graded in parts (on several machines, or a few students at a time) leaves one ``--out``
folder per part; each keeps its records in its cache (``.cache/``, noted by its last run). Merging
takes every part's records, checks that each assignment was graded by the same grading code
everywhere and that no submission was graded from two different hand-ins, and writes the
gradebook, feedback pages, results.json files and class summary of the whole class, with a cache
holding every record, so that ``grade --out`` into the merged folder regrades nothing unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from autograder.report import Reports, escape, write_reports
from autograder.report.record import Graded
from autograder.runner.cache import Cache, Cached
from autograder.runner.errors import GradingError
from autograder.runner.grade import DEFAULT_OUT

__all__ = ["main", "Merged"]


@dataclass(frozen=True)
class Merged:
    """What a merge wrote."""

    records: tuple[Graded, ...]
    """Every part's records, by student then assignment."""
    parts: tuple[Path, ...]
    """The report folders merged."""
    out: Path
    reports: Reports
    missing: tuple[str, ...] = ()
    """"student/assignment" of submissions a part graded without a record (the grader failed on them there)."""

    def describe(self) -> str:
        """What the merge did, for the terminal; names from the hand-ins as :func:`escape.terminal` shows them."""
        lines = [f"merged {len(self.records)} submission{'s' if len(self.records) != 1 else ''} from "
                 f"{len(self.parts)} report folders into {self.out}"]
        for assignment in sorted({r.assignment for r in self.records}):
            count = sum(r.assignment == assignment for r in self.records)
            lines.append(f"  {assignment}: {count} submission{'s' if count != 1 else ''}")
        if self.missing:
            lines.append(f"warning: no record of {', '.join(escape.terminal(m) for m in self.missing[:5])}: the "
                         f"grader failed on {'it' if len(self.missing) == 1 else 'them'}; grade again to include "
                         f"{'it' if len(self.missing) == 1 else 'them'}")
        lines.append(f"reports: {self.reports.gradebook}, {self.reports.summary}, {self.out / 'feedback'}/, "
                     f"{self.out / 'gradescope'}/")
        lines += [f"warning: {escape.terminal(problem)}" for problem in self.reports.problems]
        return "\n".join(lines)


def main(*, parts: Sequence[Path], out: Path = DEFAULT_OUT) -> Merged:
    """Combine report folders graded in shards into one.

    Args:
        parts: ``--out`` folders of ``python -m autograder grade`` runs (each holds ``.cache/``).
        out: the folder for the combined reports and cache; it may be one of ``parts``.

    Returns:
        The merged records and the reports written.

    Raises:
        GradingError: a folder is missing or holds no graded record; an assignment was graded with other
            grading code (kit, tasks, solutions, limits, Python or torch) in two folders; a submission was
            graded from different hand-ins in two folders.
    """
    if not parts:
        raise GradingError("give the report folders to merge (the --out folders of grading runs)")
    if out.exists() and not out.is_dir():
        raise GradingError(f"--out {out} is a file: give a folder for the merged reports")
    kept: dict[tuple[str, str], tuple[Path, Cached]] = {}
    graded_by: dict[str, tuple[Path, str]] = {}
    missing: list[str] = []
    for part in parts:
        if not part.is_dir():
            raise GradingError(f"no such report folder: {part}; give the --out folders of grading runs")
        found, lost = Cache(part / ".cache").last_run()
        if not found:
            raise GradingError(f"{part} holds no graded submission (nothing in {part / '.cache'}): give the --out "
                               f"folder of a grading run")
        missing += [name for name in lost if name not in missing]
        for cached in found:
            _check_code(graded_by, part, cached)
            name = (cached.record.student, cached.record.assignment)
            if name in kept and kept[name][1].key != cached.key:
                student = escape.terminal(cached.record.student)
                raise GradingError(f"{student}/{cached.record.assignment} was graded from different hand-ins in "
                                   f"{kept[name][0]} and {part}: grade each student in one part only, or leave "
                                   f"the older folder out")
            kept.setdefault(name, (part, cached))
    ordered = [kept[name][1] for name in sorted(kept)]
    cache = Cache(out / ".cache")
    for cached in ordered:
        cache.store(cached)
    records = [cached.record for cached in ordered]
    cache.remember(records)
    return Merged(tuple(records), tuple(parts), out, write_reports(records, out),
                  tuple(m for m in missing if tuple(m.rsplit("/", 1)) not in kept))


def _check_code(graded_by: dict[str, tuple[Path, str]], part: Path, cached: Cached) -> None:
    """Raise GradingError when this record's assignment was graded with other code in an earlier part."""
    assignment = cached.record.assignment
    first = graded_by.setdefault(assignment, (part, cached.fingerprint))
    if first[1] != cached.fingerprint:
        raise GradingError(f"{assignment} was graded with other grading code in {first[0]} than in {part} (the "
                           f"kit, its tasks, the solutions notebook, the limits or the Python or torch versions "
                           f"differ): grade every part with the same kit and options, then merge")
