"""Does a released notebook set a student up by itself, outside the course's environment (issue 12 point 1)?

Two fresh virtual environments stand for a student's machines: one with only torch, torchvision,
matplotlib, ipykernel and nbclient; one pinned like Colab (IPython 7.34.0, notebook 6.5.7,
ipykernel 6.17.1: Colab's long-standing pins, which install on Python 3.11). Neither has the kit.
In each, every released notebook filled with the reference solutions (the demo class's ada,
``autograder/authoring/demo.py``) runs top to bottom under nbclient, its setup cell pointed at the student
wheel by ``KIT_INSTALL``: every visible check passes, the kernel's ``autograder`` is the wheel's
(no runner, no reports), and the only package that changed is the student package. With
``KIT_LANG=ko`` the package's ``check`` speaks Korean, from the compiled catalogues it carries.

torch, torchvision, matplotlib and what they need are not installed again (5.5 GB, minutes):
both environments see the repository venv's copies through a ``.pth`` file naming a folder of
symlinks to exactly those distributions, so nothing else of the repository venv (nbgrader, the
editable kit) is visible. The folder lies inside the venv, as an installed package does: the
grader's resolver counts only code under ``sys.prefix`` (and d2lmini's and its own folders) as a
library's. ipykernel, nbclient and the Colab pins are installed for real, from the package index
pip is configured with.
"""
from __future__ import annotations

import concurrent.futures
import importlib.metadata
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder.authoring.release import assignments_in
from autograder.authoring.student_wheel import DISTRIBUTION, build_wheel

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = assignments_in(ROOT / "solutions")
FILLED = ROOT / "examples" / "submissions" / "ada"
"""The released notebooks with every solution cell holding the reference solution."""
SHARED = ("torch", "torchvision", "matplotlib")
"""What both environments get from the repository venv, with everything these require."""
COLAB_PINS = ("ipython==7.34.0", "notebook==6.5.7", "ipykernel==6.17.1")
ENVIRONMENTS = {"plain": ("ipykernel", "nbclient"), "colab": (*COLAB_PINS, "nbclient")}

pytestmark = pytest.mark.slow

RUN_NOTEBOOKS = r'''
import json, sys
import nbformat
from nbclient import NotebookClient

out, work = sys.argv[1], sys.argv[2]
for path in sys.argv[3:]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import importlib.util, IPython, autograder, d2lmini\n"
        "print('KIT', autograder.__file__, d2lmini.__file__, IPython.__version__,"
        " importlib.util.find_spec('autograder.runner') is None)"))
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": work}}).execute()
    nbformat.write(nb, f"{out}/{path.rsplit('/', 1)[1]}")
'''
"""Run each notebook named on the command line, with a last cell saying where the kit came from."""

KOREAN_CHECK = r'''
import importlib.util, torch
from autograder import check
from autograder.core import i18n
print("KIT", i18n.LOCALE_DIR, importlib.util.find_spec("babel") is None)
check("hw3_softmax", lambda X: torch.exp(X) / torch.exp(X).sum(0, keepdim=True))
'''
"""A softmax over the wrong axis checked in the student's venv (run with KIT_LANG=ko)."""


def _closure(names: tuple[str, ...]) -> list[importlib.metadata.Distribution]:
    """The repository venv's distributions of ``names`` and of everything they require (markers evaluated)."""
    found: dict[str, importlib.metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found[name] = importlib.metadata.distribution(name)
        for line in found[name].requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return list(found.values())


def _link_farm(folder: Path) -> Path:
    """A folder of symlinks to the SHARED distributions' top-level files and their metadata."""
    site = Path(sysconfig.get_paths()["purelib"])
    folder.mkdir()
    for dist in _closure(SHARED):
        for top in {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            if not (folder / top).exists() and (site / top).exists():
                (folder / top).symlink_to(site / top)
    return folder


def _python(venv: Path) -> str:
    """The venv's interpreter."""
    return str(venv / "bin" / "python")


def _env(venv: Path, home: Path) -> dict[str, str]:
    """A student's environment: the venv first on PATH, no PYTHONPATH, a home and cache of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KIT_INSTALL")}
    return dict(env, PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", HOME=str(home),
                XDG_CACHE_HOME=str(home / ".cache"), JUPYTER_PLATFORM_DIRS="1")


def _packages(venv: Path, env: dict[str, str]) -> dict[str, str]:
    """Every distribution the venv's Python sees, by name: its version."""
    listed = subprocess.run([_python(venv), "-m", "pip", "list", "--format=json"], env=env, capture_output=True,
                            text=True, check=True, cwd=env["HOME"]).stdout
    return {canonicalize_name(p["name"]): p["version"] for p in json.loads(listed)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The student wheel, built as ``make student-wheel`` builds it."""
    return build_wheel(out=tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def students(tmp_path_factory, wheel) -> dict[str, dict]:
    """Both kinds of venv, built and run side by side (each runs its notebooks one after another)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(ENVIRONMENTS)) as pool:
        built = {kind: pool.submit(_student, kind, tmp_path_factory.mktemp(f"student-{kind}"), wheel)
                 for kind in sorted(ENVIRONMENTS)}
        return {kind: future.result() for kind, future in built.items()}


@pytest.fixture(scope="module", params=sorted(ENVIRONMENTS))
def student(request, students) -> dict:
    """One kind of venv: see :func:`_student`."""
    return students[request.param]


def _student(kind: str, base: Path, wheel: Path) -> dict:
    """A fresh venv of one kind, the packages it had, every filled notebook run in it, and its packages after."""
    venv, home, out, work = base / "venv", base / "home", base / "out", base / "work"
    for folder in (home, out, work):
        folder.mkdir()
    env = _env(venv, home)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    site = subprocess.run([_python(venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "shared-torch.pth").write_text(f"{_link_farm(venv / 'shared-site')}\n", encoding="utf-8")
    installed = subprocess.run([_python(venv), "-m", "pip", "install", "--quiet", *ENVIRONMENTS[kind]],
                               env=env, capture_output=True, text=True, cwd=home)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    before = _packages(venv, env)
    notebooks = [str(FILLED / a / f"{a}.ipynb") for a in ASSIGNMENTS]
    ran = subprocess.run([_python(venv), "-c", RUN_NOTEBOOKS, str(out), str(work), *notebooks],
                         env=dict(env, KIT_INSTALL=str(wheel)), capture_output=True, text=True, cwd=work)
    assert ran.returncode == 0, f"a notebook failed in the {kind} venv:\n{ran.stdout[-6000:]}{ran.stderr[-6000:]}"
    korean = subprocess.run([_python(venv), "-c", KOREAN_CHECK], env=dict(env, KIT_LANG="ko"), capture_output=True,
                            text=True, cwd=work)
    return {"kind": kind, "venv": venv, "before": before, "after": _packages(venv, env), "out": out,
            "korean": korean.stdout + korean.stderr}


def _outputs(cell) -> str:
    """What a code cell printed."""
    texts = [o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
    return "".join(t if isinstance(t, str) else "".join(t) for t in texts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_does_the_filled_release_pass_every_visible_check_after_its_own_setup(student, assignment):
    """The setup cell installed the kit (or found it installed); each check cell prints full marks, no ✗."""
    nb = json.loads((student["out"] / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    tests = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")
             and not c["metadata"]["nbgrader"].get("solution") and c["cell_type"] == "code"]
    assert tests, assignment
    for cell in tests:
        printed = _outputs(cell)
        totals = [line for line in printed.splitlines() if line.startswith("Total: ")]
        assert totals and "✗" not in printed, f"{assignment} {cell['metadata']['nbgrader']['grade_id']}:\n{printed}"
        for line in totals:
            earned, points = line.removeprefix("Total: ").split("/")
            assert float(earned) == float(points), f"{assignment}: {line}"
    kit = _outputs(nb["cells"][-1]).split()
    assert kit[0] == "KIT" and all(Path(p).is_relative_to(student["venv"]) for p in kit[1:3]), kit
    assert kit[4] == "True", "the student package carries the grader's runner"
    if student["kind"] == "colab":
        assert kit[3] == "7.34.0", "the Colab venv's kernel does not run Colab's IPython"


def test_did_the_setup_change_nothing_but_add_the_student_package(student):
    """Before and after the notebooks ran, the same packages at the same versions, plus the student package."""
    added = {name: v for name, v in student["after"].items() if name not in student["before"]}
    changed = {name: (v, student["after"].get(name)) for name, v in student["before"].items()
               if student["after"].get(name) != v}
    assert added == {canonicalize_name(DISTRIBUTION): "0.1.0"} and not changed, (added, changed)
    for pin in COLAB_PINS if student["kind"] == "colab" else ():
        name, version = pin.split("==")
        assert student["after"][name] == version
    assert {"torch", "torchvision", "matplotlib"} <= student["before"].keys()


def test_does_check_speak_korean_in_the_student_venv(student):
    """KIT_LANG=ko: check() reports in Korean, from the wheel's own catalogues, without Babel (stdlib gettext)."""
    import re

    printed = student["korean"]
    kit = next(line for line in printed.splitlines() if line.startswith("KIT ")).split()
    assert Path(kit[1]).is_relative_to(student["venv"]) and kit[2] == "True", printed
    assert "✗" in printed and re.search("[가-힣]", printed) and "Total: " not in printed, printed


def test_does_the_student_wheel_hold_only_d2lmini_and_the_check_side(wheel):
    """No runner, reports, deployment, CLI, release or catalogue-authoring code; every catalogue compiled (.mo, no
    .po); torch, torchvision and matplotlib its only requirements."""
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packages = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert packages == {"d2lmini", "autograder"}, packages
    grader = [n for n in names if n.startswith(("autograder/runner/", "autograder/report/", "autograder/deploy/"))
              or n in ("autograder/cli.py", "autograder/authoring/release.py", "autograder/authoring/demo.py", "autograder/authoring/catalogues.py")]
    assert grader == [], grader
    assert {"autograder/core/i18n.py", "autograder/core/diagnostic.py"} <= set(names)
    catalogues = {str(p.relative_to(ROOT).with_suffix(".mo")) for p in (ROOT / "autograder" / "locale").rglob("*.po")}
    assert catalogues and catalogues == {n for n in names if n.startswith("autograder/locale/")}, names
    requires = sorted(Requirement(line.split(":", 1)[1]).name for line in metadata.splitlines()
                      if line.startswith("Requires-Dist:"))
    assert requires == ["matplotlib", "torch", "torchvision"], requires


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_does_the_setup_cell_pass_the_graders_intrusion_scan(assignment):
    """The released notebook starts with the setup block, records kit.install and kit.language, sets KIT_LANG to
    that language right after its imports, and reaches into nothing."""
    import ast

    from autograder.runner.intrusion import intrusions
    from autograder.core.notebook import load_notebook
    from autograder.authoring.setup_cell import BEGIN, END

    path = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
    first = load_notebook(path).cells[0].source
    assert first.startswith(BEGIN) and END in first and "from autograder import check" in first.split(END)[1]
    kit = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kit"]
    assert "install" in kit and kit["language"] == "en"
    assert ast.unparse(ast.parse(first.split(END)[0]).body[1]) == "os.environ.setdefault('KIT_LANG', 'en')"
    assert intrusions(load_notebook(path).cells) == []


def test_does_the_build_refuse_a_check_side_that_imports_the_grader(tmp_path):
    """A check-side module that imports the runner, even inside a function, stops the build naming both; an import
    guarded by `except ImportError` is optional and left out."""
    from autograder.authoring.student_wheel import StudentWheelError, check_side

    root = tmp_path / "autograder"
    for room in ("tasks", "check", "core", "authoring"):
        (root / room).mkdir(parents=True)
        (root / room / "__init__.py").write_text("")
    (root / "__init__.py").write_text("from autograder.check.task import check\n")
    (root / "tasks" / "__init__.py").write_text("from ..core import spec\n")
    (root / "core" / "spec.py").write_text("")
    (root / "check" / "task.py").write_text("def check():\n    from autograder.report import marks\n")
    with pytest.raises(StudentWheelError, match=r"autograder/check/task\.py imports autograder\.report"):
        check_side(tmp_path)
    (root / "check" / "task.py").write_text("def check():\n    from ..core import spec\n")
    side = ["autograder", "autograder.check", "autograder.check.task", "autograder.core", "autograder.core.spec",
            "autograder.tasks"]
    assert check_side(tmp_path) == side
    # an optional import (as autograder/core/i18n.py compiles a stale catalogue) is not followed; a plain one is refused
    (root / "authoring" / "catalogues.py").write_text("import babel\n")
    (root / "core" / "spec.py").write_text(
        "def compile():\n    try:\n        from autograder.authoring.catalogues import compile_catalogue\n"
        "    except (ImportError, OSError):\n        return\n")
    assert check_side(tmp_path) == side
    (root / "core" / "spec.py").write_text("from autograder.authoring.catalogues import compile_catalogue\n")
    with pytest.raises(StudentWheelError, match=r"autograder/core/spec\.py imports autograder\.authoring"):
        check_side(tmp_path)


@pytest.mark.parametrize("url, says", [
    ("", "your instructor has not set where the course kit comes from"),
    ("/nonexistent/d2l_coursework_student-0.1.0-py3-none-any.whl", "`pip install --no-deps /nonexistent/"),
])
def test_does_the_setup_block_say_what_to_do_when_it_cannot_install(tmp_path, url, says):
    """Without a URL, or with one pip cannot install, the block stops with a sentence naming what and what to do."""
    from autograder.authoring.setup_cell import setup_block

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    (tmp_path / "first_cell.py").write_text(setup_block(url, fashion_mnist=True), encoding="utf-8")
    ran = subprocess.run([_python(venv), "first_cell.py"], env=_env(venv, tmp_path), cwd=tmp_path,
                         capture_output=True, text=True)
    assert ran.returncode == 1 and "RuntimeError" in ran.stderr and says in ran.stderr, ran.stderr[-2000:]
    assert "KIT_INSTALL" in ran.stderr.splitlines()[-1]


def test_does_a_korean_setup_block_set_kit_lang_and_say_in_korean_what_to_do(tmp_path):
    """The block of a Korean release sets KIT_LANG=ko unless the student set one, and stops in Korean without a URL
    (run with ``python -S``: no site-packages, so the kit is not importable, as outside the course)."""
    from autograder.authoring.setup_cell import setup_block

    block = setup_block("", fashion_mnist=True, language="ko")
    env = {k: v for k, v in os.environ.items() if k not in ("KIT_INSTALL", "KIT_LANG", "PYTHONPATH")}
    first = block.split("\ntry:")[0] + "\nprint(os.environ['KIT_LANG'])\n"
    chosen = [subprocess.run([sys.executable, "-S", "-c", first], env=dict(env, **extra), capture_output=True,
                             text=True, check=True).stdout.strip() for extra in ({}, {"KIT_LANG": "en"})]
    assert chosen == ["ko", "en"]
    (tmp_path / "first_cell.py").write_text(block, encoding="utf-8")
    ran = subprocess.run([sys.executable, "-S", "first_cell.py"], env=env, cwd=tmp_path, capture_output=True, text=True)
    last = ran.stderr.splitlines()[-1]
    assert ran.returncode == 1 and last.startswith("RuntimeError: 강사가 강의 키트를 받아 올 곳을 설정하지 않았습니다"), ran.stderr
    assert "`%env KIT_INSTALL=<that URL>`" in last
