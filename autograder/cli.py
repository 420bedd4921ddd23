"""The command line: parse arguments, call the Python API, print its result. No grading logic here.

Every verb that writes for people takes ``--lang``; without it the language is the environment variable
KIT_LANG's, else the one the assignments' release notebooks ask for (``kit.language``), else English
(``runner.course.choose_language``). The help and argparse's usage errors come out in the language of
``--lang`` or KIT_LANG, read before the parser is built.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import Callable, Iterator, Sequence

from autograder.deploy import BundleError, build_bundle
from autograder.core.i18n import ENV, LANGUAGES, N_, _, check_language, ngettext, use_language
from autograder.report.class_reports import grade_and_report, merge_and_report
from autograder.runner import GradingError, Limits
from autograder.runner.bench import main as bench_main
from autograder.runner.course import asked_language, choose_language
from autograder.runner.grade import DEFAULT_OUT
from autograder.runner.merge import language_of
from autograder.tasks.registry import DEFAULT_TASKS, assignments_of

__all__ = ["build_parser", "run", "ARGPARSE_MESSAGES"]

_DEFAULTS = Limits()
_PROG = "python -m autograder"

ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"), N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("invalid %(type)s value: %(value)r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"), N_("expected one argument"),
    N_("expected at most one argument"), N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"), N_("one of the arguments %s is required"),
    N_("can't open '%(filename)s': %(error)s"))
"""The sentences of argparse itself that a user of the command line can meet (its help's headings, its usage
errors), marked here so that the catalogue translates them: argparse asks the standard library's gettext for
them, and :func:`_argparse_speaks` has it ask ours instead while the command line is parsed."""


@contextlib.contextmanager
def _argparse_speaks() -> Iterator[None]:
    """argparse's own sentences in the current language inside the block.

    argparse looks its sentences up through the names ``_`` and ``ngettext`` of its module, bound to the
    standard library's gettext with no catalogue of ours; they are pointed at the kit's catalogues for the
    parse and put back after it.
    """
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _language(text: str) -> str:
    """``--lang``'s value, checked: a language the kit speaks."""
    try:
        return check_language(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("the kit does not speak {language!r}: choose one of {languages}").format(
            language=text, languages=", ".join(LANGUAGES))) from None


def _add_language(parser: argparse.ArgumentParser) -> None:
    """The ``--lang`` option of a verb that writes for people."""
    parser.add_argument("--lang", type=_language, metavar="LANG",
                        help=_("the language of every message and report: {languages} (default: the environment "
                               "variable {variable}, else the release notebooks' metadata kit.language, else en)")
                        .format(languages=", ".join(LANGUAGES), variable=ENV))


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m autograder`` argument parser, its help in the current language."""
    parser = argparse.ArgumentParser(prog=_PROG, description=_("Grade nbgrader submissions of the coursework kit, and build what the course hands out."))
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    _grade_parser(verbs)
    merge = verbs.add_parser(
        "merge", help=_("combine report folders graded in shards into one"),
        description=_("Combine the --out folders of grading runs (a class graded in parts, on several machines) "
                      "into one gradebook, feedback, results.json and summary, with one cache."))
    merge.add_argument("parts", nargs="+", type=Path, metavar="OUT", help=_("the report folders to combine"))
    merge.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                       help=_("folder for the combined reports (default: ./{out})").format(out=DEFAULT_OUT))
    _add_language(merge)
    bench = verbs.add_parser(
        "bench", help=_("measure grading throughput and where a submission's time goes (minutes)"),
        description=_("Grade copies of the demo class's hand-ins of one assignment at -j 1, -j 2 and on a local "
                      "two-worker Dask cluster, then split each submission's time, with and without the data "
                      "cache."))
    bench.add_argument("--assignment", default="hw3", metavar="NAME", help=_("the assignment (default: hw3)"))
    bench.add_argument("--copies", type=int, default=2, metavar="N",
                       help=_("copies of each demo hand-in in the class (default: 2)"))
    bench.add_argument("--out", type=Path, default=DEFAULT_OUT / "bench", metavar="DIR",
                       help=_("scratch folder, emptied first (default: ./{out})").format(out=DEFAULT_OUT / "bench"))
    _add_language(bench)
    gradescope = verbs.add_parser(
        "gradescope", help=_("build the zip Gradescope's autograder takes for one assignment"),
        description=_("Build the autograder zip of one assignment for Gradescope: setup.sh, run_autograder and the "
                      "kit at this checkout's versions, writing for students in the language chosen here. Upload "
                      "it on the assignment's Configure Autograder page (see the README for the container "
                      "settings)."))
    gradescope.add_argument("assignment", metavar="ASSIGNMENT", help=_("the assignment it grades (hw1 … hw5)"))
    gradescope.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                            help=_("folder for the zip (default: ./{out})").format(out=DEFAULT_OUT))
    _add_language(gradescope)
    for verb, (_module, help_text) in AUTHORING.items():
        verbs.add_parser(verb, help=_(help_text), add_help=False)  # parsed by the verb's own main
    return parser


def _grade_parser(verbs: argparse._SubParsersAction) -> None:
    """The ``grade`` verb and its options."""
    grade = verbs.add_parser(
        "grade", help=_("grade submissions and write gradebook, feedback and class summary"),
        description=_("Grade every notebook under SUBMISSIONS (nbgrader's submitted layout "
                      "<student_id>/<assignment>/<notebook>.ipynb), each in its own sandbox."))
    grade.add_argument("submissions", nargs="?", type=Path, metavar="SUBMISSIONS",
                       help=_("the submitted folder (default: the demo class in examples/submissions)"))
    grade.add_argument("--assignment", metavar="NAME", help=_("grade only this assignment (hw1 … hw5)"))
    grade.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                       help=_("submissions graded at once (default: 1)"))
    grade.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                       help=_("folder for the reports and the cache (default: ./{out})").format(out=DEFAULT_OUT))
    grade.add_argument("--force", action="store_true",
                       help=_("grade again even submissions whose notebook and grading code did not change"))
    grade.add_argument("--cell-timeout", type=float, default=_DEFAULTS.cell_seconds, metavar="S",
                       help=_("seconds one cell may run (default: {seconds:g})").format(seconds=_DEFAULTS.cell_seconds))
    grade.add_argument("--timeout", type=float, default=_DEFAULTS.submission_seconds, metavar="S",
                       help=_("seconds one submission may run in all (default: {seconds:g})").format(
                           seconds=_DEFAULTS.submission_seconds))
    grade.add_argument("--memory", type=int, default=_DEFAULTS.memory_mb, metavar="MB",
                       help=_("memory of one submission, in MB (default: {mb})").format(mb=_DEFAULTS.memory_mb))
    grade.add_argument("--processes", type=int, default=_DEFAULTS.processes, metavar="N",
                       help=_("processes and threads one submission may run, enforced when grading as root "
                              "(default: {count})").format(count=_DEFAULTS.processes))
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help=_("grade on a Dask cluster: its scheduler (tcp://host:8786), its scheduler file, or "
                              "local:N for N worker processes here (-j is then unused)"))
    grade.add_argument("--nbgrader", type=Path, metavar="COURSE",
                       help=_("also write the results into this nbgrader course for hand grading in formgrader: "
                              "COURSE is its root, the folder of its nbgrader_config.py (. for this repository); "
                              "each autograded notebook (the sandbox's outputs, the kit's points and diagnostics) "
                              "goes to its autograded folder and the scores to its gradebook, nbgrader never runs "
                              "student code; an assignment the gradebook lacks is added from the course's source "
                              "folder; its hand marks reach every report"))
    grade.add_argument("--manual", type=Path, metavar="FILE",
                       help=_("hand marks from a CSV with columns student_id, assignment, grade_id, points, comment"))
    grade.add_argument("--roster", type=Path, metavar="FILE",
                       help=_("the course's students (nbgrader's import CSV: id, first_name, last_name, email); "
                              "each gets a gradebook row, 0 and 'missing' when nothing was handed in"))
    grade.add_argument("-q", "--quiet", action="store_true", help=_("no progress on stderr"))
    _add_language(grade)


def _first_language(argv: Sequence[str]) -> str:
    """The language of the help and of usage errors, known before parsing: a valid ``--lang``, else a valid KIT_LANG,
    else English (an invalid one is reported once the command line is parsed)."""
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--lang")
    try:
        given = early.parse_known_args(list(argv))[0].lang
    except argparse.ArgumentError:  # "--lang" without a value: the real parser says so
        given = None
    for candidate in (given, os.environ.get(ENV, "")):
        if candidate and candidate.strip():
            with contextlib.suppress(ValueError):
                return check_language(candidate)
    return "en"


def _chosen_language(args: argparse.Namespace) -> str:
    """The language of the verb: --lang, else KIT_LANG, else the release notebook of the assignment it names (all
    of them for ``grade`` without --assignment), else English; for ``merge``, without the first two, the one its
    parts were graded in. Raises GradingError for a language the kit does not speak."""
    if args.verb == "merge":
        return asked_language(args.lang) or language_of(args.parts)
    named = getattr(args, "assignment", None)
    return choose_language(lang=args.lang, assignments=[named] if named else assignments_of(DEFAULT_TASKS))


def _failed(verb: str, error: Exception) -> int:
    """Say on one line of stderr, as argparse does, why the verb cannot run; the exit status 2."""
    sys.stderr.write(_("%(prog)s: error: %(message)s\n") % {"prog": f"{_PROG} {verb}", "message": error})
    return 2


def _grade(args: argparse.Namespace, language: str) -> str:
    limits = Limits(cell_seconds=args.cell_timeout, submission_seconds=args.timeout, memory_mb=args.memory,
                    processes=args.processes)
    return grade_and_report(submissions=args.submissions, assignment=args.assignment, jobs=args.jobs, out=args.out,
                            force=args.force, limits=limits, progress=not args.quiet, cluster=args.cluster,
                            nbgrader=args.nbgrader, manual=args.manual, roster=args.roster,
                            language=language).describe()


_VERBS: dict[str, Callable[[argparse.Namespace, str], str]] = {
    "grade": _grade,
    "merge": lambda args, language: merge_and_report(parts=args.parts, out=args.out, language=language).describe(),
    "bench": lambda args, language: bench_main(assignment=args.assignment, copies=args.copies, out=args.out,
                                               language=language).markdown(),
    "gradescope": lambda args, language: str(build_bundle(assignment=args.assignment, out=args.out,
                                                          language=language)),
}
"""Each verb: what it prints on stdout when it succeeds, given the parsed arguments and the chosen language."""

AUTHORING: dict[str, tuple[str, str]] = {
    "release": ("autograder.authoring.release",
                N_("build the student notebooks in assignments/ from solutions/ (nbgrader generate_assignment)")),
    "demo": ("autograder.authoring.demo", N_("rebuild the demo class in examples/submissions from assignments/")),
    "readme": ("autograder.authoring.readme_table",
               N_("write README.md's assignment table from autograder/tasks and solutions/")),
    "wheel": ("autograder.authoring.student_wheel", N_("build the student package (d2lmini and check()) as a wheel")),
    "catalogues": ("autograder.authoring.catalogues",
                   N_("update, check or compile the message catalogues (autograder/locale)")),
}
"""The course author's verbs: each is its module's ``main``, which parses the rest of the command line itself (its
imports, nbgrader and Babel among them, are loaded only when the verb runs)."""


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command in its language; returns the exit status (2 for unusable input)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in AUTHORING:
        with use_language(_first_language(argv)), _argparse_speaks():
            main = importlib.import_module(AUTHORING[argv[0]][0]).main
            return main(argv[1:], prog=f"{_PROG} {argv[0]}")
    with use_language(_first_language(argv)):
        with _argparse_speaks():
            args = build_parser().parse_args(argv)  # usage errors exit 2 here
        try:
            language = _chosen_language(args)
        except GradingError as error:  # a bad KIT_LANG, or a release notebook's
            return _failed(args.verb, error)
    with use_language(language):
        try:
            print(_VERBS[args.verb](args, language))
        except (GradingError, BundleError) as error:
            return _failed(args.verb, error)
    return 0
