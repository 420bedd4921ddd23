"""Where the course's own files are: the solutions (current releases) and the demo class."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Collection

from autograder.core.i18n import ENV, LANGUAGES, _, check_language
from autograder.runner.errors import GradingError
from autograder.core.notebook import NotebookError, load_notebook, read

__all__ = ["REPO", "SOLUTIONS", "DEMO_SUBMISSIONS", "release_notebook", "notebook_name", "current_release",
           "release_language", "asked_language", "choose_language"]

REPO = Path(__file__).resolve().parents[2]
"""The kit's repository root (autograder/ and d2lmini/ sit in it)."""
SOLUTIONS = REPO / "solutions"
"""nbgrader's source folder: solutions/<assignment>/<assignment>.ipynb, the current release."""
DEMO_SUBMISSIONS = REPO / "examples" / "submissions"
"""The demo class that ``python -m autograder grade`` grades when given no folder."""


def release_notebook(assignment: str, solutions: Path = SOLUTIONS) -> Path | None:
    """The current release's source notebook of an assignment; None when ``solutions`` lacks it."""
    folder = solutions / assignment
    named = folder / f"{assignment}.ipynb"
    if named.is_file():
        return named
    others = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    return others[0] if len(others) == 1 else None


def notebook_name(assignment: str, solutions: Path = SOLUTIONS) -> str:
    """The file name students hand the assignment in under ("hw3.ipynb")."""
    source = release_notebook(assignment, solutions)
    return source.name if source is not None else f"{assignment}.ipynb"


@lru_cache(maxsize=None)
def current_release(assignment: str, solutions: Path = SOLUTIONS) -> int | None:
    """The release number in the current source notebook's metadata; None when it has none."""
    source = release_notebook(assignment, solutions)
    if source is None:
        return None
    try:
        return load_notebook(source).release
    except NotebookError:
        return None


def release_language(assignment: str, solutions: Path = SOLUTIONS) -> str | None:
    """The language the current release asks for in its notebook metadata ``kit.language``: the source notebook's
    in ``solutions``, else the student notebook released from it (``assignments/`` beside ``solutions/``, where
    ``python -m autograder release --language`` writes it), else "en"; None when ``solutions`` has no release
    notebook of the assignment. Raises GradingError for a language the kit does not speak."""
    source = release_notebook(assignment, solutions)
    if source is None:
        return None
    for notebook in (source, solutions.parent / "assignments" / assignment / source.name):
        chosen = _kit_language(notebook)
        if chosen is None:
            continue
        return _spoken(chosen, _("{notebook} asks for the language {language!r} in its metadata kit.language, which "
                                 "the kit does not speak: write one of {languages} there, or choose with --lang"),
                       notebook=notebook)
    return "en"


def _kit_language(notebook: Path) -> str | None:
    """The ``kit.language`` in a notebook's metadata; None when it has none or cannot be read (an unreadable release
    is reported where it is graded, not here)."""
    try:
        metadata = read(notebook).get("metadata")
    except NotebookError:
        return None
    kit = metadata.get("kit") if isinstance(metadata, dict) else None
    chosen = kit.get("language") if isinstance(kit, dict) else None
    return chosen if isinstance(chosen, str) and chosen.strip() else None


def asked_language(lang: str | None) -> str | None:
    """The language asked for by the person running the kit: ``lang`` (the command line's --lang), else the
    environment variable KIT_LANG; None when neither is set. Raises GradingError for one the kit does not speak."""
    if lang is not None:
        return _spoken(lang, _("--lang {language}: the kit speaks {languages}; choose one of them"))
    chosen = os.environ.get(ENV, "").strip()
    if not chosen:
        return None
    return _spoken(chosen, _("the environment variable {variable}={language} names a language the kit does not "
                             "speak: set it to one of {languages}, or unset it"), variable=ENV)


def _spoken(chosen: str, refusal: str, **where: object) -> str:
    """The kit's code for the language ``chosen`` (``check_language``: "KO" and "ko_KR" are "ko"); a GradingError
    when the kit does not speak it, saying ``refusal`` (a sentence with {language} and {languages}, and with the
    fields of ``where`` that say where the language was asked for)."""
    try:
        return check_language(chosen)
    except ValueError:
        raise GradingError(refusal.format(language=chosen, languages=", ".join(LANGUAGES), **where)) from None


def choose_language(*, lang: str | None, assignments: Collection[str], solutions: Path = SOLUTIONS) -> str:
    """The language of a run: ``lang`` (the command line's --lang), else the environment variable KIT_LANG, else
    the ``kit.language`` of the assignments' release notebooks, else English.

    Raises:
        GradingError: ``lang`` or KIT_LANG names a language the kit does not speak, a release notebook does, or
            the release notebooks of the assignments ask for different languages.
    """
    given = asked_language(lang)
    if given is not None:
        return given
    asked = {a: found for a in sorted(assignments) if (found := release_language(a, solutions)) is not None}
    if len(set(asked.values())) > 1:
        raise GradingError(_("the release notebooks ask for different languages in kit.language ({languages}): "
                             "choose one for the run with --lang").format(
            languages=", ".join(f"{a}: {found}" for a, found in asked.items())))
    return next(iter(asked.values()), "en")
