"""``python -m autograder gradescope ASSIGNMENT``: the zip Gradescope's autograder takes for one assignment.

Layout of the zip (Gradescope unpacks it into /autograder/source)::

    setup.sh            once, when Gradescope builds the image: apt packages, the virtual
                        environment at the pinned versions, the kit, Fashion-MNIST
    run_autograder      once per submission: ``python -m autograder.deploy.run``
    requirements.txt    what grading imports, at this interpreter's exact versions (pins.py)
    pyproject.toml, README.md, autograder/, d2lmini/
                        the kit as this checkout has it (working tree, not the last commit)
    solutions/<assignment>/<notebook>.ipynb
                        the release notebook's metadata and name only (which release is current):
                        no solution travels to a machine where student code may run unsandboxed

The language of every message a student reads on Gradescope is chosen when the bundle is built and baked
into ``run_autograder`` (``--lang``); the compiled catalogues (``autograder/locale/*/LC_MESSAGES/*.mo``)
travel with the kit, compiled here first when a catalogue is newer than its ``.mo``, since the bundle's
environment has no Babel to compile them.
"""
from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

from autograder.deploy.pins import MissingDistribution, pinned_versions, pip_version, python_version
from autograder.core.notebook import dumps, read
from autograder.core.i18n import LOCALE_DIR, _, use_language
from autograder.runner.course import REPO, SOLUTIONS, choose_language, release_notebook
from autograder.runner.errors import GradingError
from autograder.tasks.registry import DEFAULT_TASKS, assignments_of

__all__ = ["BundleError", "build_bundle", "bundle_name"]

KIT_FOLDERS = ("autograder", "d2lmini")
"""The kit's packages, copied whole (without byte code)."""
_KIT_FILES = ("pyproject.toml", "README.md")
"""What ``pip install -e`` of the kit reads besides the packages."""
_TEMPLATES = Path(__file__).parent / "templates"
_EXECUTABLE = 0o100755 << 16
_FILE = 0o100644 << 16
_TORCH = ("torch", "torchvision")
"""Installed from PyTorch's CPU index by setup.sh; everything else from pip's own index."""


class BundleError(Exception):
    """The bundle cannot be built: an unknown assignment, no release notebook, a dependency missing here.

    The message is one sentence saying what to do; the command line prints it and exits with status 2.
    """


def bundle_name(assignment: str) -> str:
    """The zip's file name ("gradescope-hw3.zip")."""
    return f"gradescope-{assignment}.zip"


def build_bundle(*, assignment: str, out: Path, language: str | None = None) -> Path:
    """Write ``out/gradescope-<assignment>.zip``, the autograder to upload to Gradescope.

    Args:
        assignment: the assignment the bundle grades ("hw3").
        out: the folder for the zip (made if missing).
        language: the language of what the bundle writes for students ("en", "ko"); None chooses as ``grade``
            does (KIT_LANG, the release notebook's ``kit.language``, English).

    Returns:
        The zip's path. The same checkout and environment give the same bytes.

    Raises:
        BundleError: the assignment is unknown or has no release notebook in solutions/, ``out`` is a
            file, the language is not one the kit speaks, or a dependency of the grader (Babel too, when a
            catalogue must be compiled) is not installed in this interpreter.
    """
    try:
        chosen = choose_language(lang=language, assignments=[assignment])
    except GradingError as error:
        raise BundleError(str(error)) from None
    with use_language(chosen):
        release, pins = _checked(assignment, out)
        _compile_catalogues()
    values = {"ASSIGNMENT": assignment, "PYTHON_VERSION": python_version(), "PIP_VERSION": pip_version(),
              "TORCH_PINS": " ".join(f"{name}=={pins[name]}" for name in _TORCH), "LANGUAGE": chosen}
    entries: dict[str, tuple[bytes, int]] = {
        "setup.sh": (_filled("setup.sh", values), _EXECUTABLE),
        "run_autograder": (_filled("run_autograder", values), _EXECUTABLE),
        "requirements.txt": (_requirements(pins), _FILE),
        f"solutions/{assignment}/{release.name}": (_release_only(release), _FILE),
    }
    for name in _KIT_FILES:
        entries[name] = ((REPO / name).read_bytes(), _FILE)
    for folder in KIT_FOLDERS:
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                mode = _EXECUTABLE if path.stat().st_mode & 0o111 else _FILE
                entries[path.relative_to(REPO).as_posix()] = (path.read_bytes(), mode)
    out.mkdir(parents=True, exist_ok=True)
    target = out / bundle_name(assignment)
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            data, mode = entries[name]
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed: same checkout, same bytes
            info.external_attr, info.compress_type = mode, zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.replace(target)
    return target


def _checked(assignment: str, out: Path) -> tuple[Path, dict[str, str]]:
    """The assignment's release notebook and the grader's pinned versions; BundleError for what stops the build."""
    known = assignments_of(DEFAULT_TASKS)
    if assignment not in known:
        close = difflib.get_close_matches(assignment, known, n=1)
        hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
        raise BundleError(_("unknown assignment {name!r}{hint}: the kit grades {known}").format(
            name=assignment, hint=hint, known=", ".join(known)))
    release = release_notebook(assignment)
    if release is None:
        raise BundleError(_("{folder} holds no release notebook of {assignment}: restore {notebook} from git").format(
            folder=SOLUTIONS / assignment, assignment=assignment,
            notebook=f"solutions/{assignment}/{assignment}.ipynb"))
    if out.exists() and not out.is_dir():
        raise BundleError(_("--out {out} is a file: give a folder for the zip").format(out=out))
    try:
        return release, pinned_versions()
    except MissingDistribution as error:
        raise BundleError(str(error)) from None


def _compile_catalogues() -> None:
    """Compile every catalogue whose ``.mo`` is missing or older than it, so that the bundle carries them current."""
    stale = [po for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
             if not po.with_suffix(".mo").is_file() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if not stale:
        return
    try:
        from autograder.authoring.catalogues import compile_catalogue
    except ImportError as error:
        raise BundleError(_("{catalogue} must be compiled for the bundle, and Babel is missing here ({error}): build "
                            "the bundle with the kit's environment (.venv/bin/python -m autograder gradescope …)")
                          .format(catalogue=stale[0], error=error)) from None
    for po in stale:
        compile_catalogue(po)


def _filled(template: str, values: dict[str, str]) -> bytes:
    """A template of ``templates/`` with each ``@NAME@`` replaced by ``values[NAME]``."""
    text = (_TEMPLATES / template).read_text(encoding="utf-8")
    text = re.sub(r"@([A-Z_]+)@", lambda match: values[match.group(1)], text)
    return text.encode("utf-8")


def _requirements(pins: dict[str, str]) -> bytes:
    """requirements.txt: one ``name==version`` per line."""
    header = (f"# What grading imports, at the versions of the environment the bundle was built in "
              f"(Python {python_version()}).\n")
    return (header + "".join(f"{name}=={version}\n" for name, version in pins.items())).encode("utf-8")


def _release_only(path: Path) -> bytes:
    """The release notebook without its cells: the grader reads only its metadata (the release number)."""
    notebook = read(path)
    notebook["cells"] = []
    return dumps(notebook)
