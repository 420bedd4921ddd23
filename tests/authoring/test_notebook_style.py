"""Do all notebooks follow one style: title, Korean beside every heading, task headings, glossary terms?

The rules (issue 14 points 4 and 6) for every notebook of solutions/ (found by glob, so a new
assignment joins by itself) and its release in assignments/:

0. the file is as Jupyter saves it, and the kit's reader and writer (autograder/core/notebook.py) keep it byte
   for byte;
1. the first cell's first line is ``# hwN — <English> (<Korean>) · Book §A–B``;
2. every other heading ends with a parenthesised Korean term (a task heading before its points);
3. the nearest heading above each graded cell is ``### Task: <English> (<Korean>) — N points``
   (a ``check`` test cell) or ``### Written: … — N points`` (an answer graded by hand), ``####``
   inside a ``###`` section; N is the cell's nbgrader points (``f"{points:g}"``, "1 point"), one
   graded cell per task heading, no numbered tasks; a stated ``Total: T points (A auto-graded,
   H graded by hand)`` equals the sums;
4. Korean terms follow the glossary (solutions/GLOSSARY-ko.md, the kit's copy of the team's
   ../shared/GLOSSARY-ko.md, which a test keeps equal where it exists; parsed here at test time): no
   "also seen" variant appears, and every ``English (Korean)`` gloss of a glossary term contains
   the glossary's Korean for it, so a term is glossed the same way everywhere.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder.core.notebook import cell_nbgrader, cell_source, code_cell, dumps, read

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "solutions" / "GLOSSARY-ko.md"
"""The kit's copy of the glossary: a clone holds it, wherever it was cloned."""
TEAM_GLOSSARY = ROOT.parent / "shared" / "GLOSSARY-ko.md"
"""The team's glossary beside the checkout, where the kit's copy comes from (absent in a clone elsewhere)."""
NOTEBOOKS = sorted(ROOT.glob("solutions/*/*.ipynb")) + sorted(ROOT.glob("assignments/*/*.ipynb"))

KOREAN = r"\((?P<korean>(?:[^()]|\([^()]*\))*[가-힣](?:[^()]|\([^()]*\))*)\)"
"""A parenthesised term with Hangul in it; it may hold one level of parentheses (놀라움(정보량))."""
TITLE = re.compile(rf"^# (?P<hw>hw\d+) — (?P<english>.+?) {KOREAN} · Book §\d+(\.\d+)*(–\d+(\.\d+)*)?$")
TASK = re.compile(rf"^(?P<kind>Task|Written): (?P<english>.+?) {KOREAN} — (?P<points>\d+(\.\d+)?) (?P<unit>points?)$")
TASK_LIKE = re.compile(r"^(Task|Written|Exercise|Question)\b", re.IGNORECASE)
NUMBERED = re.compile(r"(^|\*\*)(Task|Question) \d+\b")
"""The old numbered task labels ("### Task 1 — …", "**Question 2 (written answer).**")."""
TOTAL = re.compile(r"Total: (?P<total>\d+(\.\d+)?) points\**(?: \((?P<auto>\d+(\.\d+)?) auto-graded, "
                   r"(?P<hand>\d+(\.\d+)?) graded by hand\))?")
GLOSS = re.compile(KOREAN)


@dataclass(frozen=True)
class Heading:
    """A markdown heading: the cell it is in (0-based), its level (number of #) and its text."""

    cell: int
    level: int
    text: str


@dataclass(frozen=True)
class Notebook:
    """The parts of a notebook the rules look at."""

    name: str
    """The path from the repository root, for messages."""
    assignment: str
    cells: list
    headings: list

    def where(self, index: int) -> str:
        """Cell ``index`` as Jupyter counts it (from 1, markdown included), with its id."""
        return f"{self.name}, cell {index + 1} (id {self.cells[index].get('id', '?')})"

    def markdown(self) -> list[tuple[int, str]]:
        """Each markdown cell's text, whitespace collapsed (a gloss may wrap) and in Unicode NFC."""
        return [(i, _flat(cell)) for i, cell in enumerate(self.cells) if cell["cell_type"] == "markdown"]


def _flat(cell: dict) -> str:
    return unicodedata.normalize("NFC", " ".join(cell_source(cell).split()))


def _headings(index: int, source: str) -> list[Heading]:
    """The headings of one markdown cell, skipping fenced code (its comments start with # too)."""
    found, fenced = [], False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if match:
            found.append(Heading(index, len(match.group(1)), match.group(2)))
    return found


def load(path: Path) -> Notebook:
    """A notebook file as the rules see it."""
    cells = read(path)["cells"]
    headings = [h for i, cell in enumerate(cells) if cell["cell_type"] == "markdown"
                for h in _headings(i, cell_source(cell))]
    return Notebook(str(path.relative_to(ROOT)), path.parent.name, cells, headings)


def points_text(points: float) -> str:
    """How a task heading writes its points: "1 point", "2 points", "1.5 points"."""
    return f"{points:g} point" + ("" if points == 1 else "s")


# ---- rules 1–3 ---------------------------------------------------------------------------------

def title_problems(nb: Notebook) -> list[str]:
    """Rule 1: the first cell is markdown and its first line is ``# hwN — English (Korean) · Book §…``."""
    first = nb.cells[0] if nb.cells else None
    line = (cell_source(first).splitlines()[0] if first and first["cell_type"] == "markdown" and cell_source(first)
            else "")
    match = TITLE.match(line)
    if not match:
        return [f"{nb.name}, cell 1: the title {line!r} is not of the form "
                f"'# {nb.assignment} — <English title> (<Korean title>) · Book §A–B'"]
    if match["hw"] != nb.assignment:
        return [f"{nb.name}, cell 1: the title names {match['hw']}, but the notebook is {nb.assignment}"]
    return []


def heading_problems(nb: Notebook) -> list[str]:
    """Rule 2 (and rule 3's form): every heading but the title ends with (Korean); task headings are exact."""
    problems = []
    for heading in nb.headings:
        where, text = nb.where(heading.cell), heading.text
        if heading.level == 1:
            if (heading.cell, text) != (0, cell_source(nb.cells[0]).splitlines()[0][2:]):
                problems.append(f"{where}: '# {text}' is a second title: only the first line is a '#' heading")
            continue
        if NUMBERED.search(text):
            problems.append(f"{where}: the heading {text!r} numbers its task: write '### Task: <English> "
                            f"(<Korean>) — N points' without a number")
        elif TASK_LIKE.match(text) and not TASK.match(text):
            problems.append(f"{where}: the heading {text!r} looks like a task heading but is not "
                            f"'Task: <English> (<Korean>) — N points' (or 'Written: …')")
        elif not TASK.match(text) and not re.search(rf"{KOREAN}$", text):
            problems.append(f"{where}: the heading {text!r} does not end with its Korean term in "
                            f"parentheses, e.g. '## 4.4.1 The softmax (소프트맥스)'")
    for index, text in nb.markdown():
        for match in NUMBERED.finditer(text):
            if match.group(1) == "**":
                problems.append(f"{nb.where(index)}: '{match.group(0)}' numbers a task in the text; give it "
                                f"a task heading instead ('### Task: <English> (<Korean>) — N points')")
    return problems


def graded(cell: dict) -> dict | None:
    """The cell's nbgrader metadata when it is graded (``grade: true``), else None."""
    meta = cell_nbgrader(cell)
    return meta if meta.get("grade") else None


def task_problems(nb: Notebook) -> list[str]:
    """Rule 3: each graded cell sits under its own task heading of the right kind and points."""
    problems, owner = [], {}
    for index, cell in enumerate(nb.cells):
        meta = graded(cell)
        if meta is None:
            continue
        above = [h for h in nb.headings if h.cell < index]
        kind = "Written" if meta.get("solution") else "Task"
        expected = f"### {kind}: <English> (<Korean>) — {points_text(meta.get('points', 0))}"
        match = TASK.match(above[-1].text) if above else None
        if not above or not match or above[-1].level not in (3, 4):
            found = f"'{'#' * above[-1].level} {above[-1].text}'" if above else "no heading"
            problems.append(f"{nb.where(index)}: the graded cell {meta.get('grade_id')!r} has {found} as its "
                            f"nearest heading; put '{expected}' right above its task")
            continue
        heading = above[-1]
        if match["kind"] != kind:
            problems.append(f"{nb.where(index)}: {meta.get('grade_id')!r} is "
                            f"{'graded by hand' if kind == 'Written' else 'auto-graded'}, but its heading "
                            f"{heading.text!r} says {match['kind']}: write '{kind}: …'")
        if f"{match['points']} {match['unit']}" != points_text(meta.get("points", 0)):
            problems.append(f"{nb.where(index)}: {meta.get('grade_id')!r} is worth "
                            f"{points_text(meta.get('points', 0))} (its nbgrader points), but its heading "
                            f"{heading.text!r} says {match['points']} {match['unit']}")
        if heading.level == 4 and next((h.level for h in reversed(above) if h.level < 4), 0) != 3:
            problems.append(f"{nb.where(heading.cell)}: the task heading {heading.text!r} is '####' outside a "
                            f"'###' section: make it '###'")
        if heading in owner:
            problems.append(f"{nb.where(index)}: {meta.get('grade_id')!r} shares the heading {heading.text!r} "
                            f"with {owner[heading]!r}: one graded cell per task heading")
        owner.setdefault(heading, meta.get("grade_id"))
    for heading in nb.headings:
        if TASK.match(heading.text) and heading not in owner:
            problems.append(f"{nb.where(heading.cell)}: the task heading {heading.text!r} heads no graded cell")
    return problems + total_problems(nb)


def total_problems(nb: Notebook) -> list[str]:
    """Rule 3's sums: a stated total (and its auto-graded / by-hand parts) equals the graded cells' points."""
    metas = [m for m in map(graded, nb.cells) if m]
    sums = {"total": sum(m.get("points", 0) for m in metas),
            "auto": sum(m.get("points", 0) for m in metas if not m.get("solution")),
            "hand": sum(m.get("points", 0) for m in metas if m.get("solution"))}
    problems = []
    for index, text in nb.markdown():
        for match in TOTAL.finditer(text):
            for part, value in sums.items():
                if match[part] is not None and float(match[part]) != value:
                    problems.append(f"{nb.where(index)}: {match.group(0)!r} states {part} {match[part]}, but the "
                                    f"graded cells' points add up to {value:g}")
    return problems


# ---- rule 4: the glossary ----------------------------------------------------------------------

@dataclass(frozen=True)
class Glossary:
    """The glossary's table, expanded to single terms."""

    terms: dict
    """English term (lower case, hyphens as spaces) → the Korean the glossary writes for it."""
    variants: dict
    """An "also seen" Korean form → (the row's English, the row's Korean)."""
    correct: tuple
    """Every Korean term of the table, longest first (a variant inside one of them is no variant)."""


def _forms(part: str) -> list[str]:
    """One side of a term with its optional parts spelled out.

    "(minibatch) stochastic gradient descent" → without and with "minibatch";
    "soft assignment (prediction)" → "soft assignment" and "soft prediction".
    """
    part = part.strip()
    prefix = re.match(r"^\(([^)]+)\)\s*(.+)$", part)
    if prefix:
        return [prefix.group(2), f"{prefix.group(1)} {prefix.group(2)}"]
    alternative = re.match(r"^(.*?)\s*\(([^)]+)\)$", part)
    if alternative:
        words = alternative.group(1).split()
        return [alternative.group(1), " ".join(words[:-1] + [alternative.group(2)])]
    return [part]


def _shared_tail(parts: list[str]) -> str:
    """The head noun the parts share when all but the last are single words: "training / test set" → "set"."""
    words = parts[-1].split()
    if len(parts) > 1 and all(len(p.split()) == 1 for p in parts[:-1]) and len(words) > 1:
        return " ".join(words[1:])
    return ""


def expand(english: str, korean: str) -> list[tuple[str, str]]:
    """A row's (English, Korean) pairs: "training / validation / test set" | "훈련 / 검증 / 테스트 세트"
    gives training/훈련, training set/훈련 세트, validation set/검증 세트, test set/테스트 세트, …"""
    en, ko = english.split(" / "), korean.split(" / ")
    if len(en) != len(ko):
        return []
    en_tail, ko_tail = _shared_tail(en), _shared_tail(ko)
    pairs = []
    for position, (e, k) in enumerate(zip(en, ko)):
        whole = [(e, k)]
        if en_tail and position < len(en) - 1:  # "single / double precision": "single precision" is 단정밀도
            whole.append((f"{e} {en_tail}", f"{k} {ko_tail}" if ko_tail else k))
        for e_part, k_part in whole:
            e_forms, k_forms = _forms(e_part), _forms(k_part)
            pairs += list(zip(e_forms, k_forms)) if len(e_forms) == len(k_forms) else [(e_forms[0], k_forms[0])]
    return pairs


def _english_key(text: str) -> str:
    """English as the glosses are matched: lower case, hyphens as spaces ("ground-truth" = "ground truth")."""
    return " ".join(text.lower().replace("-", " ").split())


def parse_glossary(text: str) -> Glossary:
    """The glossary's table: | English | Korean | also seen (seed / d2l-ko) |."""
    terms, variants, correct = {}, {}, set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or cells[0] in ("English", "") or set(cells[0]) <= set("-: "):
            continue
        english, korean, seen = cells[0], cells[1], (cells[2] if len(cells) > 2 else "")
        for e, k in expand(english, korean):
            terms.setdefault(_english_key(e), unicodedata.normalize("NFC", k))
            correct.add(unicodedata.normalize("NFC", k))
        # comments in the column are in parentheses: "정규화 (clashes with normalization)"
        for variant in re.split(r"[,/]", re.sub(r"\([^)]*\)", "", seen)):
            variant = unicodedata.normalize("NFC", variant.strip())
            if re.search("[가-힣]", variant):
                variants[variant] = (english, korean)
    return Glossary(terms, variants, tuple(sorted(correct, key=len, reverse=True)))


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    """The kit's glossary, parsed now (so an edit there is checked at once)."""
    assert GLOSSARY.is_file(), f"the glossary {GLOSSARY} is missing: copy ../shared/GLOSSARY-ko.md there"
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


def test_is_the_kits_glossary_the_teams():
    """solutions/GLOSSARY-ko.md is ../shared/GLOSSARY-ko.md as it is now: one glossary, never two that drift."""
    if not TEAM_GLOSSARY.is_file():
        pytest.skip(f"no team glossary at {TEAM_GLOSSARY} (a clone outside the team's workspace): nothing to compare")
    assert GLOSSARY.read_bytes() == TEAM_GLOSSARY.read_bytes(), (
        f"{GLOSSARY} differs from the team's {TEAM_GLOSSARY}: copy it over (cp {TEAM_GLOSSARY} {GLOSSARY}), "
        f"then bring the notebooks in line with what changed")


def variant_problems(nb: Notebook, glossary: Glossary) -> list[str]:
    """Rule 4a: no "also seen" variant in the markdown.

    Some variants are parts of correct terms: 파라미터 (parameter) ends 하이퍼파라미터 (hyperparameter),
    학습 (training) begins 학습률 (learning rate), 정규화 (regularization) begins 정규화 상수
    (normalization constant). Such an occurrence is no variant: it lies inside an occurrence of a
    longer correct term. A plain substring test would flag them; one that asks for spaces around
    the variant would miss 데이터 세트 in 테스트 데이터 세트 (a wrong gloss of test dataset).
    """
    problems = []
    for index, text in nb.markdown():
        covered = [range(m.start(), m.end()) for term in glossary.correct
                   for m in re.finditer(re.escape(term), text)]
        for variant, (english, korean) in glossary.variants.items():
            for match in re.finditer(re.escape(variant), text):
                if any(match.start() in span and match.end() - 1 in span and len(span) > len(variant)
                       for span in covered):
                    continue
                context = text[max(0, match.start() - 40):match.end() + 10]
                problems.append(f"{nb.where(index)}: '…{context}…' uses {variant!r}, an 'also seen' form; "
                                f"the glossary writes {english!r} as {korean!r}")
    return problems


def gloss_problems(nb: Notebook, glossary: Glossary) -> list[str]:
    """Rule 4b: each "English (Korean)" whose English ends with a glossary term contains that term's Korean."""
    forms = sorted(glossary.terms, key=len, reverse=True)
    ending = re.compile(r"(?<![\w])(" + "|".join(re.escape(f) for f in forms) + r")(?:s|es)?$")
    problems = []
    for index, text in nb.markdown():
        for match in GLOSS.finditer(text):
            written = text[max(0, match.start() - 80):match.start()].rstrip(" *_`")
            term = ending.search(_english_key(written))
            if not term:
                continue
            expected, korean = glossary.terms[term.group(1)], match["korean"]
            if not re.search(rf"(?<![가-힣]){re.escape(expected)}", korean):
                context = written[-max(30, len(term.group(0))):]
                problems.append(f"{nb.where(index)}: '…{context} ({korean})' glosses {term.group(1)!r} "
                                f"as {korean!r}; the glossary writes {expected!r}")
    return problems


# ---- the tests ---------------------------------------------------------------------------------

def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_is_the_notebook_saved_as_jupyter_saves_it(path):
    """The file is in the layout Jupyter saves, which the kit's reader and writer keep byte for byte
    (nbformat's own reader and writer are the reference)."""
    jupyter = (nbformat.writes(nbformat.read(path, as_version=4)) + "\n").encode("utf-8")
    assert path.read_bytes() == jupyter, f"{path.relative_to(ROOT)} is not as Jupyter saves it: open and save it"
    assert dumps(read(path)) == jupyter


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_does_the_title_have_the_one_form(path):
    """Rule 1: '# hwN — English (Korean) · Book §A–B'."""
    problems = title_problems(load(path))
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_does_every_heading_carry_its_korean_term(path):
    """Rule 2: every heading but the title ends with a parenthesised Korean term; no numbered tasks."""
    problems = heading_problems(load(path))
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_does_every_graded_cell_sit_under_its_task_heading(path):
    """Rule 3: kind and points of each graded cell's heading match its nbgrader metadata."""
    problems = task_problems(load(path))
    assert not problems, _report(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_does_the_notebook_use_the_glossarys_korean_terms(path, glossary):
    """Rule 4: no 'also seen' variant, and every gloss of a glossary term uses the glossary's Korean."""
    nb = load(path)
    problems = variant_problems(nb, glossary) + gloss_problems(nb, glossary)
    assert not problems, _report(problems)


def test_is_every_release_checked_beside_its_solution():
    """The glob finds the solution notebooks, and each has a released notebook that is checked as well."""
    solutions = {p.parent.name for p in NOTEBOOKS if p.parts[-3] == "solutions"}
    releases = {p.parent.name for p in NOTEBOOKS if p.parts[-3] == "assignments"}
    assert solutions, "no notebook found under solutions/"
    assert solutions <= releases, (f"assignments/ has no release of {sorted(solutions - releases)}: "
                                   f"run `python -m autograder release`")


def test_does_the_glossary_expand_its_rows(glossary):
    """The table's compound rows become the terms a notebook glosses."""
    expected = {"training set": "훈련 세트", "validation set": "검증 세트", "test set": "테스트 세트",
                "stochastic gradient descent": "확률적 경사 하강법",
                "minibatch stochastic gradient descent": "미니배치 확률적 경사 하강법",
                "hard prediction": "확정 예측", "single precision": "단정밀도", "bias": "편향",
                "ground truth": "참값", "log sum exp trick": "log-sum-exp 트릭"}
    assert {term: glossary.terms.get(term) for term in expected} == expected
    assert glossary.variants["정규화"][1] == "규제" and "정규화 상수" in glossary.correct


def _fake(*cells: dict) -> Notebook:
    headings = [h for i, c in enumerate(cells) if c["cell_type"] == "markdown" for h in _headings(i, cell_source(c))]
    return Notebook("fake.ipynb", "hw9", list(cells), headings)


def _md(source: str, **nbgrader) -> dict:
    return {"cell_type": "markdown", "id": "m", "source": source,
            "metadata": {"nbgrader": nbgrader} if nbgrader else {}}


OLD_HABITS = _fake(
    _md("# hw9 — Fake (가짜) · Book §9.9\n\n**Total: 6 points (3 auto-graded, 3 graded by hand).**"),
    _md("## 9.1 No Korean\n\n### Task 1 — softmax (3 points)\n\nThe hyperparameters (초매개변수) and the test "
        "dataset (테스트 데이터 세트); the learning rate (학습률) and 하이퍼파라미터 are fine."),
    code_cell("check()", cell_id="c", grade=True, solution=False, points=3, grade_id="hw9_a"),
    _md("### Written: Why (왜) — 1 point"),
    _md("answer", grade=True, solution=True, points=2, grade_id="hw9_q"))
"""A notebook in the old style: a numbered task, a heading without Korean, wrong points and a wrong total,
two variants, a wrong gloss, and two correct terms that contain variants."""


def test_are_the_old_habits_caught():
    """A numbered task, a heading without Korean, wrong points and a wrong total are each named."""
    found = "\n".join(heading_problems(OLD_HABITS) + task_problems(OLD_HABITS))
    for words in ("numbers its task", "'9.1 No Korean' does not end with its Korean term",
                  "'hw9_a' has '### Task 1 — softmax (3 points)'", "worth 2 points",
                  "states hand 3, but the graded cells' points add up to 2", "states total 6"):
        assert words in found, f"not caught: {words}\n{found}"
    assert not title_problems(OLD_HABITS)


def test_are_variants_and_wrong_glosses_caught(glossary):
    """'Also seen' variants and a gloss that is not the glossary's are named; correct terms that contain a
    variant (학습률, 하이퍼파라미터) are not."""
    found = "\n".join(variant_problems(OLD_HABITS, glossary) + gloss_problems(OLD_HABITS, glossary))
    for words in ("'초매개변수', an 'also seen'", "'데이터 세트', an 'also seen'",
                  "test dataset (테스트 데이터 세트)' glosses 'dataset' as '테스트 데이터 세트'"):
        assert words in found, f"not caught: {words}\n{found}"
    assert "uses '학습'" not in found and "uses '파라미터'" not in found, found
