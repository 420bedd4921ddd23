"""What ``run_autograder`` runs on Gradescope: one submission through ``make grade``'s pipeline.

Gradescope puts the student's files in ``/autograder/submission`` and reads
``/autograder/results/results.json``. This lays the files out as nbgrader's submitted folder
(``<student>/<assignment>/``) in a private temporary folder, grades it with
``autograder.runner.grade.grade_class`` (the same steps, limits and sandbox as ``make grade``), and only
then, with every process of the submission ended, writes results.json (and no other report), adding which
isolation was in force. Nothing is written where the notebook's code could reach while it runs: in the
sandbox it sees only its own copy of the hand-in, the kit and the data. Every message is in the
language ``run_autograder`` gives (``--lang``, chosen when the bundle was built).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from autograder.core.i18n import LANGUAGES, _, check_language, use_language
from autograder.report.gradescope import write_results
from autograder.runner.grade import grade_class
from autograder.runner.limits import Limits
from autograder.runner.sandbox import Isolation, isolation

__all__ = ["main", "student_id", "isolation_note", "DEFAULT_ROOT"]

DEFAULT_ROOT = Path("/autograder")
"""Where Gradescope's harness keeps the submission, the results and the autograder's source."""
_ANONYMOUS = "student"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")


def main(*, root: Path = DEFAULT_ROOT, assignment: str, language: str = "en") -> Path:
    """Grade ``root/submission`` as ``assignment`` and write ``root/results/results.json``; returns its path.

    Args:
        root: Gradescope's /autograder (tests give another folder).
        assignment: the assignment the bundle grades ("hw3").
        language: the language of results.json's text ("en", "ko").

    Raises:
        GradingError: the assignment is unknown to this kit (the bundle is broken).
    """
    with use_language(language):
        with tempfile.TemporaryDirectory(prefix="autograder-gradescope-") as scratch:
            submitted = Path(scratch) / "submitted"
            student = student_id(root / "submission_metadata.json")
            _copy_hand_in(root / "submission", submitted / student / assignment)
            run = grade_class(submissions=submitted, assignment=assignment, jobs=1, out=Path(scratch) / "out",
                              force=True, limits=Limits(), progress=False, language=language)
            record = run.records[0]
        path = write_results(record, root / "results" / "results.json", notes=(isolation_note(isolation()),))
        print(_("{assignment}: {score:.4g} of {points:g} points; {path} written").format(
            assignment=assignment, score=record.score, points=record.max_score, path=path))
    return path


def student_id(metadata: Path) -> str:
    """The first submitter's Gradescope user id from ``submission_metadata.json``; "student" when there is
    none or it is not a plain name (it becomes a folder name)."""
    try:
        users = json.loads(metadata.read_text(encoding="utf-8")).get("users") or []
        found = str(users[0]["id"])
    except (OSError, ValueError, AttributeError, LookupError, TypeError):
        return _ANONYMOUS
    return found if _SAFE_ID.fullmatch(found) else _ANONYMOUS


def isolation_note(found: Isolation) -> str:
    """One sentence for the student and the instructor: how this submission's code was isolated."""
    if found.no_bubblewrap:
        return _("Isolation: none: {reason}, so your notebook ran in the grader's own container without a sandbox "
                 "(limits on time and memory per process still held).").format(reason=found.no_bubblewrap)
    if found.no_cgroups:
        groups = _("no control groups ({reason}): memory limited per process").format(reason=found.no_cgroups)
    else:
        groups = _("control groups limiting its memory, CPU and processes")
    if found.own_user:
        return _("Isolation: your notebook ran in a bubblewrap sandbox as a user of its own, with {groups}.").format(
            groups=groups)
    return _("Isolation: your notebook ran in a bubblewrap sandbox as the grader's user, with {groups}.").format(
        groups=groups)


def _copy_hand_in(source: Path, target: Path) -> None:
    """Copy Gradescope's submission folder to ``target``, links as links (the grader never follows them);
    named pipes, sockets and devices are left out (reading a pipe would block)."""
    def special(folder: str, names: list[str]) -> set[str]:
        return {name for name in names
                if not stat.S_ISREG(mode := os.lstat(os.path.join(folder, name)).st_mode)
                and not stat.S_ISDIR(mode) and not stat.S_ISLNK(mode)}

    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, ignore=special)
    else:
        target.mkdir(parents=True)


def _cli(argv: list[str] | None = None) -> int:
    """``python -m autograder.deploy.run --assignment hw3 [--root DIR] [--lang ko]``: run_autograder's command, whose
    arguments the bundle wrote (its messages are for the bundle's builder: English)."""
    parser = argparse.ArgumentParser(prog="python -m autograder.deploy.run",
                                     description="Grade the submission Gradescope placed under ROOT/submission.")
    parser.add_argument("--assignment", required=True, metavar="NAME")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, metavar="ROOT",
                        help=f"Gradescope's autograder folder (default: {DEFAULT_ROOT})")
    parser.add_argument("--lang", type=check_language, default="en", metavar="LANG",
                        help=f"the language of results.json's text: {', '.join(LANGUAGES)} (default: en)")
    args = parser.parse_args(argv)
    main(root=args.root, assignment=args.assignment, language=args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(_cli())
