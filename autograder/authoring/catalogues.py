"""Keep the message catalogues in step with the code (authoring tool; Babel does the gettext work).

``python -m autograder catalogues`` extracts every ``_()``, ``N_()`` and ``ngettext()`` message from
``autograder/`` and brings each language's catalogue of each area up to date: a new message is added with an
empty translation (for a translator to fill), a message the code no longer has is dropped, and every ``.mo``
is compiled (``--compile`` only compiles: ``make`` does it before grading or testing, since a sandboxed
student process cannot write them). ``--area hw3`` touches that area's file only. ``--check`` changes nothing and fails (listing
them) when a message lacks a translation, is missing from its catalogue, is stale, or has placeholders that
differ from the English; ``tests/authoring/test_catalogues.py`` runs the same check.

An area is where a message's first occurrence lives (:data:`AREAS`); one file per area lets areas be
translated and reviewed apart. Why Babel: it reads Python's f-string-free source with the real tokenizer,
keeps translator comments and locations, and writes and compiles gettext files exactly as gettext's own
tools do; the runtime needs only the standard library's :mod:`gettext`.
"""
from __future__ import annotations

import argparse
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from autograder.core.i18n import LANGUAGES, LOCALE_DIR

__all__ = ["AREAS", "Message", "extract", "area_of", "placeholders", "problems", "update", "compile_catalogue",
           "main"]

PACKAGE = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
AREAS = (
    ("tasks/hw1/", "hw1"), ("tasks/hw2/", "hw2"), ("tasks/hw3/", "hw3"), ("tasks/hw4/", "hw4"),
    ("tasks/hw5/", "hw5"), ("tasks/training.py", "authoring"), ("tasks/", "core"), ("report/", "report"),
    ("runner/graded.py", "report"), ("core/escape.py", "report"), ("core/notebook.py", "runner"),
    ("cli.py", "cli"), ("deploy/", "cli"),
    *((f"runner/{name}.py", "cli") for name in ("pipeline", "grade", "course", "merge", "cluster", "progress",
                                                 "bench", "discover", "cache", "limits", "errors")),
    ("runner/", "runner"), ("authoring/", "authoring"), ("check/setup.py", "authoring"), ("", "core"),
)
"""(path prefix inside ``autograder/``, area): the first prefix that matches a message's file names its area."""


@dataclass(frozen=True)
class Message:
    """One message of the code: its English (a pair for ``ngettext``) and where it first occurs."""

    id: str | tuple[str, str]
    where: str
    """``path:line`` inside ``autograder/``."""

    @property
    def area(self) -> str:
        return area_of(self.where.rpartition(":")[0])


def area_of(path: str) -> str:
    """The area of a file, given by its path inside ``autograder/``."""
    return next(area for prefix, area in AREAS if path.startswith(prefix))


def extract(root: Path = PACKAGE) -> dict[str | tuple[str, str], Message]:
    """Every message of the code, by its English, at its first occurrence (files in sorted order)."""
    found: dict[str | tuple[str, str], Message] = {}
    for path, line, text, _comments, _context in sorted(
            extract_from_dir(root, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=(),
                             strip_comment_tags=True), key=lambda item: (item[0], item[1])):
        if "locale" in Path(path).parts:
            continue
        key = text if isinstance(text, str) else tuple(text)
        found.setdefault(key, Message(key, f"{Path(path).as_posix()}:{line}"))
    return found


def placeholders(text: str) -> list[str]:
    """The ``{fields}`` of a message, sorted (field name, conversion and format spec each count)."""
    try:
        return sorted(f"{name}!{conv}:{spec}" for _lit, name, spec, conv in string.Formatter().parse(text)
                      if name is not None)
    except ValueError as error:
        return [f"<unparsable: {error}>"]


def _catalogue_path(lang: str, area: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{area}.po"


def _read(path: Path, lang: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=lang, project="d2l-coursework-kit", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def problems(lang: str, root: Path = PACKAGE) -> list[str]:
    """Everything wrong with ``lang``'s catalogues against the code, one sentence each (empty when all is well)."""
    code = extract(root)
    found: list[str] = []
    seen: dict[str | tuple[str, str], str] = {}
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        catalogue = _read(path, lang)
        for entry in catalogue:
            if not entry.id:
                continue
            key = entry.id if isinstance(entry.id, str) else tuple(entry.id)
            where = f"{path.relative_to(PACKAGE.parent)}"
            if key not in code:
                found.append(f"{where}: {_short(key)} is no longer in the code: run `python -m autograder catalogues`")
                continue
            if key in seen:
                found.append(f"{where}: {_short(key)} is also in {seen[key]}: run `python -m autograder catalogues`, "
                             f"which keeps it in one file only")
                continue
            seen[key] = where
            strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
            if not all(strings) or entry.fuzzy:
                found.append(f"{where}: {_short(key)} has no {lang} translation yet ({code[key].where})")
                continue
            english = placeholders(key if isinstance(key, str) else key[0])
            for text in strings:
                if placeholders(text) != english:
                    found.append(f"{where}: the {lang} text of {_short(key)} has the placeholders "
                                 f"{placeholders(text)}, the English {english} ({code[key].where})")
    for key, message in code.items():
        if key not in seen:
            found.append(f"{_short(key)} ({message.where}) is in no {lang} catalogue: run "
                         f"`python -m autograder catalogues --area {message.area}` and translate it in "
                         f"{_catalogue_path(lang, message.area).relative_to(PACKAGE.parent)}")
    return found


def _short(key: str | tuple[str, str]) -> str:
    text = key if isinstance(key, str) else key[0]
    return repr(text if len(text) <= 70 else text[:67] + "...")


def update(lang: str, *, area: str | None = None, root: Path = PACKAGE) -> list[Path]:
    """Add the code's new messages to ``lang``'s catalogues (untranslated, or with the translation another area's
    file has for them), drop the ones it no longer has, keep every translation. Without ``area``, every message moves
    to the file of the area its first occurrence is in now; with it, only ``area``'s file is written, and messages
    that moved stay where they are until a run without ``area``. Returns the files written."""
    code = extract(root)
    areas = sorted({message.area for message in code.values()} | {p.stem for p in
                   (LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")})
    known = {_key(e): e.string for a in areas for e in _read(_catalogue_path(lang, a), lang) if e.id and e.string}
    """Every translation there is, so a message that moves to another area's file keeps its own."""
    elsewhere = {key for a in areas if a != area for key in _ids(_read(_catalogue_path(lang, a), lang))}
    written = []
    for name in [area] if area else areas:
        path = _catalogue_path(lang, name)
        old = _read(path, lang)
        new = Catalog(locale=lang, project="d2l-coursework-kit", fuzzy=False,
                      creation_date=old.creation_date)  # a file whose messages did not change stays byte for byte
        keep = {key: entry for key, entry in ((_key(e), e) for e in old if e.id)}
        for key, message in code.items():
            # all areas: each message in its own area's file; one area: its new messages, and what it has kept
            wanted = message.area == name if area is None else key in keep or (
                message.area == name and key not in elsewhere)
            if wanted:
                previous = keep.get(key)
                empty = ("", "") if isinstance(key, tuple) else ""
                new.add(key, previous.string if previous else known.get(key, empty),
                        locations=[tuple(message.where.rsplit(":", 1))], auto_comments=())
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=100, omit_header=False, sort_output=False, include_lineno=False)
        compile_catalogue(path)
        written.append(path)
    return written


def _key(entry) -> str | tuple[str, str]:
    return entry.id if isinstance(entry.id, str) else tuple(entry.id)


def _ids(catalogue: Catalog) -> set:
    return {_key(entry) for entry in catalogue if entry.id}


def compile_catalogue(po: Path) -> Path:
    """Write the ``.mo`` beside ``po`` (translated entries only, as msgfmt does)."""
    lang = po.parent.parent.name
    catalogue = _read(po, lang)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=False)
    return mo


def main(argv: list[str] | None = None, prog: str = "python -m autograder catalogues") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--area", help="only this area's catalogue (" + ", ".join(sorted({a for _p, a in AREAS})) + ")")
    parser.add_argument("--check", action="store_true", help="change nothing; list what is missing or wrong")
    parser.add_argument("--compile", action="store_true", help="only compile every .po into its .mo (make does)")
    args = parser.parse_args(argv)
    if args.compile:
        for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
            compile_catalogue(po)
        return 0
    if args.area and args.area not in {a for _p, a in AREAS}:
        parser.error(f"there is no area {args.area!r}: choose one of {', '.join(sorted({a for _p, a in AREAS}))}")
    failed = False
    for lang in LANGUAGES[1:]:
        if args.check:
            found = problems(lang)
            print("\n".join(found) or f"{lang}: every message is translated", file=sys.stderr if found else sys.stdout)
            failed |= bool(found)
        else:
            for path in update(lang, area=args.area):
                print(f"updated {path.relative_to(PACKAGE.parent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
