"""The language of every sentence the kit shows: English in the code, other languages from message catalogues.

Every sentence a student or an instructor reads (``check()``'s report, feedback pages, the class summary,
the CLI's messages) is written once, in English, inside ``_()`` (or ``N_()`` for data defined at import
time and translated where it is shown, or ``ngettext()`` where a number decides the form). Placeholders
are named ``{fields}`` filled by ``.format`` after translation, so a translation can reorder them::

    _("{name} returned a tensor of shape {got}; expected {expected}").format(name=..., got=..., expected=...)

The translations live in gettext catalogues, ``autograder/locale/<lang>/LC_MESSAGES/<area>.po`` (one
file per area of the code so that areas are translated and reviewed apart), kept in step with the code
by ``python -m autograder catalogues`` (Babel extracts the messages and compiles the ``.mo`` files that
the standard library's :mod:`gettext` reads here: a student's package needs no Babel).

The language is, first to last: :func:`use_language` (the CLI's ``--lang``), the environment variable
``KIT_LANG`` (which a released notebook's setup cell sets from its metadata ``kit.language`` unless the
student set it), else English.
"""
from __future__ import annotations

import contextlib
import functools
import gettext
import os
from pathlib import Path
from typing import Iterator

__all__ = ["LANGUAGES", "LOCALE_DIR", "language", "use_language", "check_language", "_", "N_", "ngettext",
           "translations"]

LANGUAGES = ("en", "ko")
"""The languages the kit speaks; English is the code's own."""
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
"""Where the catalogues live: ``<lang>/LC_MESSAGES/<area>.po`` and the ``.mo`` compiled from it."""
ENV = "KIT_LANG"
"""The environment variable that chooses the language when the CLI did not."""

_chosen: list[str] = []
"""The languages set by :func:`use_language`, innermost last."""


def check_language(lang: str) -> str:
    """``lang`` if the kit speaks it (case and a region such as ``ko_KR`` forgiven), else a ValueError that says
    which it does."""
    code = lang.strip().replace("-", "_").split("_")[0].lower()
    if code not in LANGUAGES:
        raise ValueError(f"the kit does not speak {lang!r}: choose one of {', '.join(LANGUAGES)} "
                         f"(--lang, the environment variable {ENV} or the notebook metadata kit.language)")
    return code


def language() -> str:
    """The language messages are written in now."""
    if _chosen:
        return _chosen[-1]
    chosen = os.environ.get(ENV, "").strip()
    if not chosen:
        return "en"
    try:
        return check_language(chosen)
    except ValueError:
        return "en"  # a bad KIT_LANG must not break a student's check(); the CLI reports it (autograder/cli.py)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[str]:
    """Write messages in ``lang`` inside the block (the CLI's ``--lang``, tests)."""
    _chosen.append(check_language(lang))
    try:
        yield _chosen[-1]
    finally:
        _chosen.pop()


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """Every catalogue of ``lang`` chained into one (English: none, the code's own text)."""
    if lang == "en":
        return gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    _compile_if_stale(folder)
    chain: gettext.NullTranslations | None = None
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as handle:
            part = gettext.GNUTranslations(handle)
        if chain is None:
            chain = part
        else:
            chain.add_fallback(part)
    return chain or gettext.NullTranslations()


def _compile_if_stale(folder: Path) -> None:
    """Compile a ``.po`` whose ``.mo`` is missing or older (in a checkout, where Babel is installed); a student's
    package ships compiled ``.mo`` files and never gets here."""
    stale = [po for po in folder.glob("*.po")
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if stale:
        try:
            from autograder.authoring.catalogues import compile_catalogue
        except ImportError:  # pragma: no cover - a package without the authoring tools and without .mo files
            return
        for po in stale:
            compile_catalogue(po)


def _(message: str) -> str:
    """``message`` in the current language (the English itself where no translation exists)."""
    return translations(language()).gettext(message) if message else message


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now: data defined at import time, translated
    with ``_()`` where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a sentence for the number ``n``, in the current language."""
    return translations(language()).ngettext(singular, plural, n)
