"""Build the student notebooks in assignments/ from solutions/ with nbgrader generate_assignment.

Run as ``python -m autograder.release``. The build is deterministic (same solutions, same
bytes), so assignments/ can be committed and checked for staleness by a test.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import SaveCells
from nbgrader.utils import capture_log
from traitlets.config import Config, PyFileConfigLoader

__all__ = ["ROOT", "ReleaseError", "build", "assignments_in"]

ROOT = Path(__file__).resolve().parent.parent
"""The course directory: the repository root, where nbgrader_config.py lives."""


class ReleaseError(RuntimeError):
    """A solution notebook could not be turned into a student notebook."""


def assignments_in(source: Path) -> list[str]:
    """The assignment folders of a source directory that hold notebooks, sorted."""
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def build(*, source: Path = ROOT / "solutions", release: Path = ROOT / "assignments") -> list[Path]:
    """Generate every assignment of ``source`` into ``release`` (replacing it); returns the notebooks written.

    nbgrader runs in a temporary course directory, so nothing (gradebook.db, logs) is left
    beside the sources. Outputs are stripped and notebook metadata kept; each notebook must
    carry ``{"kit": {"assignment": <folder name>, ...}}``. Raises ReleaseError naming the
    notebook and nbgrader's log when a notebook cannot be generated.
    """
    names = assignments_in(source)
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
                        _write_normalized(generated, destination, name)
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


def _write_normalized(generated: Path, destination: Path, assignment: str) -> None:
    """Write a generated notebook without outputs or execution counts, in nbformat's canonical JSON."""
    nb = nbformat.read(generated, as_version=4)
    kit = nb.metadata.get("kit", {})
    if kit.get("assignment") != assignment:
        raise ReleaseError(
            f"solutions/{assignment}/{generated.name} has notebook metadata kit={dict(kit)!r}: "
            f'add {{"kit": {{"assignment": "{assignment}", "release": 1}}}} to its metadata')
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, destination)


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
