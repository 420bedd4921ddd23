"""Build the student notebooks in assignments/ from solutions/ with nbgrader generate_assignment.

Run as ``python -m autograder release [--kit-install URL] [--language ko]`` (``make assignments
KIT_INSTALL=URL KIT_LANG=ko``). The build is deterministic (same solutions, URL and language, same
bytes), so assignments/ can be committed and checked for staleness by a test. Each notebook's first
code cell starts with the setup block of ``autograder/authoring/setup_cell.py``, which installs the student
package from the URL outside the course's environment; the URL is also kept in the notebook metadata
``kit.install``, and a build without ``--kit-install`` keeps the one the committed release has. The
language is kept in ``kit.language`` the same way (English when the committed release has none): the
setup block is written in it and sets ``KIT_LANG`` to it, so ``check()`` speaks it, and the stubs of
the solution regions say in it what to do.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import SaveCells
from nbgrader.utils import capture_log
from traitlets.config import Config, PyFileConfigLoader

from autograder.core import notebook
from autograder.core.i18n import LANGUAGES, _, check_language, use_language
from autograder.authoring.stub_preprocessor import stub
from autograder.authoring.setup_cell import add_setup

__all__ = ["ROOT", "ReleaseError", "build", "assignments_in", "released_kit_install", "released_language", "main"]

ROOT = Path(__file__).resolve().parents[2]
"""The course directory: the repository root, where nbgrader_config.py lives."""


class ReleaseError(RuntimeError):
    """A solution notebook could not be turned into a student notebook."""


def assignments_in(source: Path) -> list[str]:
    """The assignment folders of a source directory that hold notebooks, sorted."""
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def _released_kit(release: Path) -> dict:
    """The notebook metadata ``kit`` of the first notebook of ``release``; {} when there is none."""
    for path in sorted(release.glob("*/*.ipynb")):
        return notebook.read(path).get("metadata", {}).get("kit", {})
    return {}


def released_kit_install(release: Path = ROOT / "assignments") -> str:
    """The ``kit.install`` URL the first notebook of ``release`` carries; "" when none does."""
    return _released_kit(release).get("install", "")


def released_language(release: Path = ROOT / "assignments") -> str:
    """The ``kit.language`` the first notebook of ``release`` carries; "en" when none does."""
    return _released_kit(release).get("language", "en")


def build(*, source: Path = ROOT / "solutions", release: Path = ROOT / "assignments",
          kit_install: str | None = None, language: str | None = None) -> list[Path]:
    """Generate every assignment of ``source`` into ``release`` (replacing it); returns the notebooks written.

    ``kit_install`` is where the setup cell installs the student package from (None: what the
    committed release in assignments/ says); ``language`` the notebooks' ``kit.language`` (None: the
    committed release's, else English; a language the kit does not speak is a ValueError).

    nbgrader runs in a temporary course directory, so nothing (gradebook.db, logs) is left
    beside the sources. Outputs are stripped and notebook metadata kept; each notebook must
    carry ``{"kit": {"assignment": <folder name>, ...}}``. Raises ReleaseError naming the
    notebook and nbgrader's log when a notebook cannot be generated.
    """
    names = assignments_in(source)
    url = released_kit_install() if kit_install is None else kit_install
    lang = check_language(released_language() if language is None else language)
    with use_language(lang):
        code_stub = stub()
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kit-release-") as tmp:
        course = Path(tmp)
        for name in names:
            shutil.copytree(source / name, course / "solutions" / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            _generate(course, name, code_stub)
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
                        _write_normalized(generated, destination, name, url, lang)
                        written.append(destination)
                    else:
                        shutil.copyfile(generated, destination)
    return written


def _config(course: Path, code_stub: str) -> Config:
    """The repository's nbgrader config, pointed at a temporary course directory without a database, its
    solution regions replaced by ``code_stub`` (:data:`autograder.authoring.stub_preprocessor.STUB` in the notebooks' language)."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    config.CourseDirectory.root = str(course)
    config.NamedStubs.code_stub = {"python": code_stub}
    # the student notebooks do not depend on the gradebook: skip it (and its alembic setup)
    config.GenerateAssignment.no_database = True
    config.GenerateAssignment.preprocessors = [
        step for step in config.GenerateAssignment.preprocessors if step is not SaveCells]
    config.GenerateAssignment.force = True
    return config


def _generate(course: Path, assignment: str, code_stub: str) -> None:
    """Run nbgrader generate_assignment for one assignment inside ``course``."""
    config = _config(course, code_stub)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    result = capture_log(GenerateAssignment(coursedir=coursedir, config=config))
    if not result["success"]:
        raise ReleaseError(
            _("nbgrader could not generate assignment {assignment} from solutions/{assignment}: fix the notebook "
              "and run `python -m autograder release` again.").format(assignment=assignment)
            + f"\n{result.get('log', '')}\n{result.get('error', '')}")


def _write_normalized(generated: Path, destination: Path, assignment: str, url: str, language: str) -> None:
    """Write a generated notebook with its setup block, ``kit.install`` and ``kit.language``, without outputs or
    execution counts, in nbformat's canonical JSON."""
    nb = notebook.read(generated)
    kit = nb.get("metadata", {}).get("kit", {})
    if kit.get("assignment") != assignment:
        raise ReleaseError(
            _("{notebook} has notebook metadata kit={kit}: add {wanted} to its metadata").format(
                notebook=f"solutions/{assignment}/{generated.name}", kit=repr(dict(kit)),
                wanted=json.dumps({"kit": {"assignment": assignment, "release": 1}})))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    if not code:
        raise ReleaseError(_("{notebook} has no code cell for the setup block: start it with a cell of its "
                             "imports").format(notebook=f"solutions/{assignment}/{generated.name}"))
    fashion_mnist = any("FashionMNIST" in notebook.cell_source(cell) for cell in code)
    setup = add_setup(notebook.cell_source(code[0]), url, fashion_mnist=fashion_mnist, language=language)
    code[0]["source"] = setup.splitlines(keepends=True)  # as nbgrader (and Jupyter) save every other source
    kit["install"] = url
    kit["language"] = language
    for cell in code:
        cell["outputs"] = []
        cell["execution_count"] = None
    notebook.write(destination, nb)


def main(argv: list[str] | None = None, prog: str = "python -m autograder release") -> int:
    """Parse ``--kit-install`` and ``--language`` and build; print the notebooks written."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_("Build the student notebooks in assignments/ from solutions/ with nbgrader generate_assignment."))
    parser.add_argument("--kit-install", default=None, metavar="URL",
                        help=_("where the notebooks' setup cell installs the student package from (a wheel's URL or "
                               "path, or any pip requirement); default: what assignments/ has now"))
    parser.add_argument("--language", default=None, metavar="LANG",
                        help=_("the notebooks' language ({languages}): of check()'s messages, the setup cell and the "
                               "stubs; default: what assignments/ has now, else en").format(
                            languages=", ".join(LANGUAGES)))
    args = parser.parse_args(argv)
    try:
        language = None if args.language is None else check_language(args.language)
    except ValueError as error:
        parser.error(str(error))
    for path in build(kit_install=args.kit_install, language=language):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
