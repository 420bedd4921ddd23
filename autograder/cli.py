"""The command line: parse arguments, call the Python API, print its result. No grading logic here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.runner import GradingError, Limits, main as grade_main
from autograder.runner.grade import DEFAULT_OUT

__all__ = ["build_parser", "run"]

_DEFAULTS = Limits()


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m autograder`` argument parser."""
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade nbgrader submissions of the coursework kit.")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    grade = verbs.add_parser(
        "grade", help="grade submissions and write gradebook, feedback and class summary",
        description="Grade every notebook under SUBMISSIONS (nbgrader's submitted layout "
                    "<student_id>/<assignment>/<notebook>.ipynb), each in its own sandbox.")
    grade.add_argument("submissions", nargs="?", type=Path, metavar="SUBMISSIONS",
                       help="the submitted folder (default: the demo class in examples/submissions)")
    grade.add_argument("--assignment", metavar="NAME", help="grade only this assignment (hw1 … hw4)")
    grade.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                       help="submissions graded at once (default: 1)")
    grade.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                       help=f"folder for the reports and the cache (default: ./{DEFAULT_OUT})")
    grade.add_argument("--force", action="store_true",
                       help="grade again even submissions whose notebook and grading code did not change")
    grade.add_argument("--cell-timeout", type=float, default=_DEFAULTS.cell_seconds, metavar="S",
                       help=f"seconds one cell may run (default: {_DEFAULTS.cell_seconds:g})")
    grade.add_argument("--timeout", type=float, default=_DEFAULTS.submission_seconds, metavar="S",
                       help=f"seconds one submission may run in all (default: {_DEFAULTS.submission_seconds:g})")
    grade.add_argument("--memory", type=int, default=_DEFAULTS.memory_mb, metavar="MB",
                       help=f"memory of one submission, in MB (default: {_DEFAULTS.memory_mb})")
    grade.add_argument("--processes", type=int, default=_DEFAULTS.processes, metavar="N",
                       help=f"processes and threads one submission may run, enforced when grading as root "
                            f"(default: {_DEFAULTS.processes})")
    grade.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status (2 for unusable input)."""
    args = build_parser().parse_args(argv)  # usage errors exit 2 here
    limits = Limits(cell_seconds=args.cell_timeout, submission_seconds=args.timeout, memory_mb=args.memory,
                    processes=args.processes)
    try:
        result = grade_main(submissions=args.submissions, assignment=args.assignment, jobs=args.jobs,
                            out=args.out, force=args.force, limits=limits, progress=not args.quiet)
    except GradingError as error:
        print(f"python -m autograder grade: error: {error}", file=sys.stderr)
        return 2
    print(result.describe())
    return 0
