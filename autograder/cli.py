"""The command line: parse arguments, call the Python API, print its result. No grading logic here."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.deploy import BundleError, build_bundle
from autograder.runner import GradingError, Limits, main as grade_main
from autograder.runner.bench import main as bench_main
from autograder.runner.grade import DEFAULT_OUT
from autograder.runner.merge import main as merge_main

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
    grade.add_argument("--assignment", metavar="NAME", help="grade only this assignment (hw1 … hw5)")
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
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on a Dask cluster: its scheduler (tcp://host:8786), its scheduler file, or "
                            "local:N for N worker processes here (-j is then unused)")
    grade.add_argument("--nbgrader", type=Path, metavar="COURSE",
                       help="also write the results into this nbgrader course for hand grading in formgrader: "
                            "COURSE is its root, the folder of its nbgrader_config.py (. for this repository); "
                            "each autograded notebook (the sandbox's outputs, the kit's points and diagnostics) "
                            "goes to its autograded folder and the scores to its gradebook, nbgrader never runs "
                            "student code; an assignment the gradebook lacks is added from the course's source "
                            "folder; its hand marks reach every report")
    grade.add_argument("--manual", type=Path, metavar="FILE",
                       help="hand marks from a CSV with columns student_id, assignment, grade_id, points, comment")
    grade.add_argument("--roster", type=Path, metavar="FILE",
                       help="the course's students (nbgrader's import CSV: id, first_name, last_name, email); "
                            "each gets a gradebook row, 0 and 'missing' when nothing was handed in")
    grade.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    merge = verbs.add_parser(
        "merge", help="combine report folders graded in shards into one",
        description="Combine the --out folders of grading runs (a class graded in parts, on several machines) "
                    "into one gradebook, feedback, results.json and summary, with one cache.")
    merge.add_argument("parts", nargs="+", type=Path, metavar="OUT", help="the report folders to combine")
    merge.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                       help=f"folder for the combined reports (default: ./{DEFAULT_OUT})")
    bench = verbs.add_parser(
        "bench", help="measure grading throughput and where a submission's time goes (minutes)",
        description="Grade copies of the demo class's hand-ins of one assignment at -j 1, -j 2 and on a local "
                    "two-worker Dask cluster, then split each submission's time, with and without the data cache.")
    bench.add_argument("--assignment", default="hw3", metavar="NAME", help="the assignment (default: hw3)")
    bench.add_argument("--copies", type=int, default=2, metavar="N",
                       help="copies of each demo hand-in in the class (default: 2)")
    bench.add_argument("--out", type=Path, default=DEFAULT_OUT / "bench", metavar="DIR",
                       help=f"scratch folder, emptied first (default: ./{DEFAULT_OUT / 'bench'})")
    gradescope = verbs.add_parser(
        "gradescope", help="build the zip Gradescope's autograder takes for one assignment",
        description="Build the autograder zip of one assignment for Gradescope: setup.sh, run_autograder "
                    "and the kit at this checkout's versions. Upload it on the assignment's Configure "
                    "Autograder page (see the README for the container settings).")
    gradescope.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment it grades (hw1 … hw5)")
    gradescope.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                            help=f"folder for the zip (default: ./{DEFAULT_OUT})")
    return parser


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status (2 for unusable input)."""
    args = build_parser().parse_args(argv)  # usage errors exit 2 here
    if args.verb == "gradescope":
        try:
            print(build_bundle(assignment=args.assignment, out=args.out))
        except BundleError as error:
            print(f"python -m autograder gradescope: error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.verb in ("merge", "bench"):
        try:
            if args.verb == "merge":
                print(merge_main(parts=args.parts, out=args.out).describe())
            else:
                print(bench_main(assignment=args.assignment, copies=args.copies, out=args.out).markdown())
        except GradingError as error:
            print(f"python -m autograder {args.verb}: error: {error}", file=sys.stderr)
            return 2
        return 0
    limits = Limits(cell_seconds=args.cell_timeout, submission_seconds=args.timeout, memory_mb=args.memory,
                    processes=args.processes)
    try:
        result = grade_main(submissions=args.submissions, assignment=args.assignment, jobs=args.jobs,
                            out=args.out, force=args.force, limits=limits, progress=not args.quiet,
                            cluster=args.cluster, nbgrader=args.nbgrader, manual=args.manual,
                            roster=args.roster)
    except GradingError as error:
        print(f"python -m autograder grade: error: {error}", file=sys.stderr)
        return 2
    print(result.describe())
    return 0
