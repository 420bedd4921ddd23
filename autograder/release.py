"""Build the student notebooks in assignments/ from solutions/ with nbgrader generate_assignment.

Run as ``python -m autograder.release [--kit-install URL]`` (``make assignments KIT_INSTALL=URL``).
The build is deterministic (same solutions and URL, same bytes), so assignments/ can be committed
and checked for staleness by a test. Each notebook's first code cell starts with the setup block
of ``autograder/setup_cell.py``, which installs the student package from the URL outside the
course's environment; the URL is also kept in the notebook metadata ``kit.install``, and a build
without ``--kit-install`` keeps the one the committed release has.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import SaveCells
from nbgrader.utils import capture_log
from traitlets.config import Config, PyFileConfigLoader

from autograder.setup_cell import add_setup

__all__ = ["ROOT", "ReleaseError", "build", "assignments_in", "released_kit_install", "main"]

ROOT = Path(__file__).resolve().parent.parent
"""The course directory: the repository root, where nbgrader_config.py lives."""


class ReleaseError(RuntimeError):
    """A solution notebook could not be turned into a student notebook."""


def assignments_in(source: Path) -> list[str]:
    """The assignment folders of a source directory that hold notebooks, sorted."""
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def released_kit_install(release: Path = ROOT / "assignments") -> str:
    """The ``kit.install`` URL the first notebook of ``release`` carries; "" when none does."""
    for notebook in sorted(release.glob("*/*.ipynb")):
        return json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("kit", {}).get("install", "")
    return ""


def build(*, source: Path = ROOT / "solutions", release: Path = ROOT / "assignments",
          kit_install: str | None = None) -> list[Path]:
    """Generate every assignment of ``source`` into ``release`` (replacing it); returns the notebooks written.

    ``kit_install`` is where the setup cell installs the student package from (None: what the
    committed release in assignments/ says).

    nbgrader runs in a temporary course directory, so nothing (gradebook.db, logs) is left
    beside the sources. Outputs are stripped and notebook metadata kept; each notebook must
    carry ``{"kit": {"assignment": <folder name>, ...}}``. Raises ReleaseError naming the
    notebook and nbgrader's log when a notebook cannot be generated.
    """
    names = assignments_in(source)
    url = released_kit_install() if kit_install is None else kit_install
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kit-release-") as tmp:
        course = Path(tmp)
        for name in names:
            shutil.copytree(source / name, course / "solutions" / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            _generate(course, name)
        for name in names:
            target = release / name
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            for generated in sorted((course / "assignments" / name).rglob("*")):
                if generated.is_file():
                    destination = target / generated.relative_to(course / "assignments" / name)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    if generated.suffix == ".ipynb":
                        _write_normalized(generated, destination, name, url)
                        written.append(destination)
                    else:
                        shutil.copyfile(generated, destination)
    return written


def _config(course: Path) -> Config:
    """The repository's nbgrader config, pointed at a temporary course directory without a database."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    config.CourseDirectory.root = str(course)
    # the student notebooks do not depend on the gradebook: skip it (and its alembic setup)
    config.GenerateAssignment.no_database = True
    config.GenerateAssignment.preprocessors = [
        step for step in config.GenerateAssignment.preprocessors if step is not SaveCells]
    config.GenerateAssignment.force = True
    return config


def _generate(course: Path, assignment: str) -> None:
    """Run nbgrader generate_assignment for one assignment inside ``course``."""
    config = _config(course)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    result = capture_log(GenerateAssignment(coursedir=coursedir, config=config))
    if not result["success"]:
        raise ReleaseError(
            f"nbgrader could not generate assignment {assignment} from solutions/{assignment}: "
            f"fix the notebook and run `python -m autograder.release` again.\n"
            f"{result.get('log', '')}\n{result.get('error', '')}")


def _write_normalized(generated: Path, destination: Path, assignment: str, url: str) -> None:
    """Write a generated notebook with its setup block and ``kit.install``, without outputs or execution
    counts, in nbformat's canonical JSON."""
    nb = nbformat.read(generated, as_version=4)
    kit = nb.metadata.get("kit", {})
    if kit.get("assignment") != assignment:
        raise ReleaseError(
            f"solutions/{assignment}/{generated.name} has notebook metadata kit={dict(kit)!r}: "
            f'add {{"kit": {{"assignment": "{assignment}", "release": 1}}}} to its metadata')
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if not code:
        raise ReleaseError(f"solutions/{assignment}/{generated.name} has no code cell for the setup block: "
                           f"start it with a cell of its imports")
    fashion_mnist = any("FashionMNIST" in cell.source for cell in code)
    code[0].source = add_setup(code[0].source, url, fashion_mnist=fashion_mnist)
    kit["install"] = url
    for cell in code:
        cell.outputs = []
        cell.execution_count = None
    nbformat.write(nb, destination)


def main(argv: list[str] | None = None) -> int:
    """Parse ``--kit-install`` and build; print the notebooks written."""
    parser = argparse.ArgumentParser(prog="python -m autograder.release", description=__doc__.splitlines()[0])
    parser.add_argument("--kit-install", default=None, metavar="URL",
                        help="where the notebooks' setup cell installs the student package from (a wheel's URL or "
                             "path, or any pip requirement); default: what assignments/ has now")
    args = parser.parse_args(argv)
    for path in build(kit_install=args.kit_install):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
