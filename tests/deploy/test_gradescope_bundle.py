"""Does the Gradescope bundle, set up the way Gradescope does, grade the demo class's hw3 as `make grade` does?

Without Gradescope: the bundle is unpacked under a temporary folder standing in for /autograder
(``AUTOGRADER_ROOT``), the Python part of its setup.sh builds a fresh virtual environment from pip's
own index (no PyTorch CPU index here), and run_autograder grades each demo notebook, one at a time,
each from an empty results folder. Each results.json is compared with the one `make grade` writes for
the same notebook (graded with the bundle's release notebook, which has no cells and so no question graded
by hand: Gradescope grades those with its own rubric): the same tests in the same order with the same
names, points, scores, statuses and visibility, the same total, and the same diagnostics once every
number in them is replaced by "#" (the probes' inputs are drawn from a seed per run, so quoted values
differ; shapes and wording do not).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.authoring.demo import STUDENTS
from autograder.deploy import build_bundle
from autograder.deploy.run import isolation_note
from autograder.core.i18n import LOCALE_DIR, use_language
from autograder.core import escape
from autograder.runner.course import DEMO_SUBMISSIONS
from autograder.report.class_reports import grade_and_report as grade_main
from autograder.runner.sandbox import isolation
from tests.support.korean import HANGUL

pytestmark = pytest.mark.slow

ASSIGNMENT = "hw3"
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")


@dataclass
class Deployment:
    """The bundle set up under ``root`` beside `make grade`'s reports of the same notebooks."""

    root: Path
    env: dict[str, str]
    baseline: Path
    """`make grade`'s output folder."""
    seconds: dict[str, float] = field(default_factory=dict)


def masked(text: str) -> str:
    """``text`` with every number replaced by "#"."""
    return NUMBER.sub("#", text)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Deployment:
    """Build the bundle, unpack it as Gradescope does, run setup.sh's Python part while `make grade`
    grades the demo class's hw3 in this process."""
    base = tmp_path_factory.mktemp("gradescope")
    root, seconds = base / "autograder", {}
    start = time.monotonic()
    bundle = build_bundle(assignment=ASSIGNMENT, out=base)
    seconds["build"] = time.monotonic() - start
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")  # where Gradescope puts it
    env = {key: value for key, value in os.environ.items()
           if key not in ("D2LMINI_DATA", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(AUTOGRADER_ROOT=str(root), TORCH_INDEX_URL="",
               PYTHON=getattr(sys, "_base_executable", sys.executable))
    log = base / "setup.log"
    start = time.monotonic()
    with log.open("wb") as output:
        setup = subprocess.Popen(["bash", str(root / "source" / "setup.sh"), "python"], env=env, cwd=root,
                                 stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            # with the release notebook the bundle carries (no cells): on Gradescope its own rubric grades the
            # questions graded by hand, so neither results.json lists them
            grade_main(submissions=DEMO_SUBMISSIONS, assignment=ASSIGNMENT, out=base / "make-grade", force=True,
                       progress=False, solutions=root / "source" / "solutions")
            returncode = setup.wait(timeout=1200)
        finally:
            if setup.poll() is None:
                setup.kill()
    seconds["setup"] = time.monotonic() - start
    assert returncode == 0, f"setup.sh python failed:\n{log.read_text(errors='replace')[-3000:]}"
    print(f"\nbundle built in {seconds['build']:.1f} s; setup.sh python (beside make grade) {seconds['setup']:.0f} s")
    return Deployment(root, env, base / "make-grade", seconds)


def test_is_the_bundle_laid_out_as_gradescope_runs_it(deployment):
    """The virtual environment imports the kit from source/ and has Fashion-MNIST in data/."""
    root = deployment.root
    found = subprocess.run([str(root / "venv" / "bin" / "python"), "-I", "-c",
                            "import autograder, d2lmini, torch; print(autograder.__file__, torch.__version__)"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert found[0] == str(root / "source" / "autograder" / "__init__.py")
    assert (root / "data" / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file()


@pytest.mark.parametrize("number, student", list(enumerate(s.id for s in STUDENTS)))
def test_does_run_autograder_grade_each_notebook_as_make_grade_does(deployment, number, student):
    """Same tests, scores, statuses, visibility and total; same diagnostics but for the numbers they quote;
    the top-level output is `make grade`'s, then which isolation was in force."""
    root = deployment.root
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    for notebook in (DEMO_SUBMISSIONS / student / ASSIGNMENT).glob("*.ipynb"):
        shutil.copy2(notebook, root / "submission")
    gradescope_id = str(1000 + number)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": int(gradescope_id)}]}))
    start = time.monotonic()
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=deployment.env, capture_output=True,
                          text=True, timeout=900)
    print(f"\nrun_autograder {student}: {time.monotonic() - start:.0f} s")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    got = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    made = deployment.baseline / "gradescope" / student / ASSIGNMENT / "results.json"
    expected = json.loads(made.read_text(encoding="utf-8"))

    assert got["score"] == expected["score"]
    assert len(got["tests"]) == len(expected["tests"])
    for mine, theirs in zip(got["tests"], expected["tests"]):
        for key in ("name", "max_score", "score", "status", "visibility", "tags", "output_format"):
            assert mine[key] == theirs[key], (student, theirs["name"], key)
        assert masked(mine["output"]) == masked(theirs["output"]), (student, theirs["name"])
    isolation_text = escape.markdown(isolation_note(isolation()))
    assert masked(got["output"]) == masked(f"{expected['output']}\n\n{isolation_text}")
    assert [e["name"] for e in got.get("leaderboard", [])] == [e["name"] for e in expected.get("leaderboard", [])]
    assert got["extra_data"] == {**expected["extra_data"], "student_id": gradescope_id}



def test_does_a_bundle_built_with_lang_ko_write_results_json_in_korean(deployment, tmp_path):
    """Built with --lang ko: the zip carries every compiled catalogue, its run_autograder bakes the language, and
    cora's results.json (every task a stub), graded by it in the set-up environment, says in Korean how her tasks
    did and ends with the isolation note in Korean, with no English one."""
    bundle = build_bundle(assignment=ASSIGNMENT, out=tmp_path, language="ko")
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        script = archive.read("run_autograder").decode("utf-8")
    catalogues = {f"autograder/locale/{po.relative_to(LOCALE_DIR).with_suffix('.mo').as_posix()}"
                  for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po")}
    assert catalogues and catalogues <= names
    assert '--lang "ko"' in script
    root = deployment.root
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    for notebook in (DEMO_SUBMISSIONS / "cora" / ASSIGNMENT).glob("*.ipynb"):
        shutil.copy2(notebook, root / "submission")
    (tmp_path / "run_autograder").write_text(script, encoding="utf-8")
    (tmp_path / "run_autograder").chmod(0o755)
    done = subprocess.run([str(tmp_path / "run_autograder")], cwd=root, env=deployment.env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "점 만점에" in done.stdout
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    output = results["output"]
    assert any(HANGUL.search(test["output"]) for test in results["tests"])
    with use_language("ko"):
        korean = escape.markdown(isolation_note(isolation()))
    assert output.endswith(korean) and korean.startswith("격리: ")
    assert "Isolation:" not in output and "your notebook ran" not in output
