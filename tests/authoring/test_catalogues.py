"""Is every message of the kit translated, with the same placeholders, in the glossary's terms?

The catalogues (``autograder/locale/<lang>/LC_MESSAGES/*.po``) are checked against the messages Babel
extracts from the code (``autograder/authoring/catalogues.py``); the glossary is the notebooks' own
(``solutions/GLOSSARY-ko.md``). The rules that keep extraction honest are checked on the source itself.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from autograder.authoring import catalogues
from autograder.core import i18n
from autograder.core.i18n import _, check_language, language, use_language

PACKAGE = catalogues.PACKAGE
GLOSSARY = PACKAGE.parent / "solutions" / "GLOSSARY-ko.md"
MARKERS = {"_", "N_", "ngettext"}


@pytest.fixture(scope="module")
def korean() -> list[tuple[str, str]]:
    """(English, Korean) of every entry of the Korean catalogues (the first plural form for plurals)."""
    from babel.messages.pofile import read_po

    pairs = []
    for path in sorted((i18n.LOCALE_DIR / "ko" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale="ko"):
                if entry.id:
                    english = entry.id if isinstance(entry.id, str) else entry.id[0]
                    text = entry.string if isinstance(entry.string, str) else entry.string[0]
                    pairs.append((english, text))
    return pairs


def test_does_every_message_have_a_korean_translation_with_the_same_placeholders():
    problems = catalogues.problems("ko")
    assert not problems, f"{len(problems)} problems in the Korean catalogues:\n" + "\n".join(problems[:60])


def test_are_there_messages_at_all(korean):
    """The check above must not pass on an empty code base: the kit's own messages are extracted."""
    assert len(catalogues.extract()) > 500
    assert len(korean) == len(catalogues.extract())


def _glossary() -> list[tuple[str, str, list[str]]]:
    """(English, Korean, forms to avoid) per concept; rows such as "weight / bias" give one concept per part."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        english = _parts(re.sub(r"\(.*?\)", "", cells[0]))
        korean = _parts(re.sub(r"\(.*?\)", "", cells[1]))
        also_right = [re.findall(r"\((.*?)\)", part) for part in cells[1].split(" / ")]
        avoid = [a.strip() for a in re.split(r"[,/]", cells[2]) if a.strip()]
        for index, (e, k) in enumerate(zip(english, korean)):
            accepted = (k, *(also_right[index] if len(also_right) == len(korean) else ()))
            rows.append((e, accepted, avoid if index == 0 or len(english) == 1 else []))
    return rows


def _parts(cell: str) -> list[str]:
    """"hard / soft assignment" → ["hard assignment", "soft assignment"]: a one-word part takes the last part's
    noun."""
    parts = [" ".join(p.split()) for p in cell.split(" / ")]
    noun = parts[-1].split(" ", 1)[1] if " " in parts[-1] else ""
    return [p if " " in p or not noun else f"{p} {noun}" for p in parts]


def test_does_the_glossary_parse():
    terms = dict((e, k) for e, k, _avoid in _glossary())
    assert terms["learning rate"] == ("학습률",) and terms["bias"] == ("편향",) and len(terms) > 40
    assert terms["axis 0"] == ("각 열의 합", "축 0") and terms["hard assignment"] == ("확정 할당",)


def _names(english: str, term: str) -> bool:
    """Whether the English text names the glossary's concept ``term`` as a word, outside code."""
    return re.search(rf"(?<![\w`]){re.escape(term)}s?(?![\w`])", _without_code(english), re.IGNORECASE) is not None


def test_does_the_korean_use_the_glossary_term_where_the_english_names_the_concept(korean):
    """Where the English names a concept of the glossary ("learning rate", "bias"), the Korean has the glossary's
    term (or keeps the English word, as code does) and none of the forms it replaced (학습 for training, 라벨 for
    label), once the glossary's own terms (학습률 holds 학습) are taken out of the text."""
    glossary = [(e, k, avoid) for e, k, avoid in _glossary() if e and k[0]]
    chosen = sorted({term for _e, k, _a in glossary for term in k}, key=len, reverse=True)
    found = []
    for english, text in korean:
        rest = _without_code(text)
        for term in chosen:
            rest = rest.replace(term, " ")
        named = _without_code(english)
        for e, k, avoid in sorted(glossary, key=lambda row: -len(row[0])):
            if not _names(named, e):
                continue
            named = re.sub(re.escape(e), " ", named, flags=re.IGNORECASE)  # not "gradient" again
            if not any(term in text for term in k) and e.lower() not in text.lower():
                found.append(f"{e!r} is not {' or '.join(k)!r} in the translation of {english[:70]!r}")
            found += [f"{form!r} (use {k[0]!r} for {e!r}) in the translation of {english[:70]!r}"
                      for form in avoid if re.search(r"[\uac00-\ud7a3]", form) and form in rest]
    assert not found, f"{len(set(found))} places:\n" + "\n".join(sorted(set(found))[:60])


def _without_code(text: str) -> str:
    """Text without `code`, {placeholders} and quoted names, which stay in English."""
    return re.sub(r"`[^`]*`|\{[^}]*\}|'[^']*'", " ", text)


def _source_files() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "locale" not in p.parts]


_DATA = (ast.Name, ast.Attribute, ast.Subscript)
"""What ``_()`` may translate besides a literal: data marked with ``N_()`` where it was defined."""


def test_is_every_marked_message_a_literal_babel_can_extract():
    """``_(f"...")``, ``_("{x}".format(x=x))`` or ``_(a + b)`` would never match the catalogue: ``N_`` and
    ``ngettext`` take literals, ``_`` a literal or a name holding ``N_``-marked data."""
    found = []
    for path in filter(_is_message_module, _source_files()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
                marked = node.args[:2 if node.func.id == "ngettext" else 1]
                data = node.func.id == "_" and all(isinstance(a, _DATA) for a in marked)  # N_-marked, shown now
                if not marked or not data and not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                      for a in marked):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not found, ("these calls translate an f-string, a formatted or a joined string, which no catalogue "
                       "holds; write the literal with {placeholders} and call .format() after _():\n" + "\n".join(found))


def _is_message_module(path: Path) -> bool:
    """Whether a module imports ``_`` from autograder.core.i18n (elsewhere ``_`` may mean something else)."""
    return re.search(r"from autograder\.i18n import[^\n]*[ ,(]_[,\s)]", path.read_text(encoding="utf-8")) is not None


def test_does_no_module_that_translates_rebind_the_underscore():
    """``for _ in ...`` in a module that imports ``_`` makes ``_`` local to that function: ``_()`` then raises
    UnboundLocalError in front of a student."""
    found = []
    for path in filter(_is_message_module, _source_files()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
            if isinstance(node, ast.arg) and node.arg == "_":
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} (an argument named _)")
    assert not found, "rename these throw-away variables (_unused, _i):\n" + "\n".join(found)


def test_does_the_language_follow_the_cli_then_kit_lang_then_english(monkeypatch):
    monkeypatch.delenv("KIT_LANG", raising=False)
    assert language() == "en"
    monkeypatch.setenv("KIT_LANG", "ko_KR.UTF-8")
    assert language() == "ko"
    with use_language("en"):
        assert language() == "en"
        with use_language("KO"):
            assert language() == "ko"
    monkeypatch.setenv("KIT_LANG", "klingon")
    assert language() == "en", "a bad KIT_LANG must never break a student's check()"


def test_does_an_unknown_language_get_a_sentence_that_names_the_choices():
    with pytest.raises(ValueError, match=r"does not speak 'fr'.*en, ko.*KIT_LANG"):
        check_language("fr")


def test_does_a_translated_message_keep_its_placeholders_and_english_stay_the_code():
    english = "{found}. Hint: {hint}"
    with use_language("en"):
        assert _(english) == english
    with use_language("ko"):
        assert _(english) != english
        assert catalogues.placeholders(_(english)) == catalogues.placeholders(english)


@pytest.mark.parametrize("text, fields", [
    ("{a} and {b:.4g}", ["a!None:", "b!None:.4g"]),
    ("no fields", []),
    ("{x!r}", ["x!r:"]),
])
def test_are_placeholders_read_with_their_format(text, fields):
    assert catalogues.placeholders(text) == fields
