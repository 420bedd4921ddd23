"""Build the student package: d2lmini and the ``check`` side of the autograder, nothing of the grader.

Run as ``python -m autograder wheel [--out dist]`` (``make student-wheel``). A student needs
``import d2lmini as d2l`` and ``from autograder import check``; the full kit (``pyproject.toml``)
also carries the grading runner, its reports and the course tools (nbgrader, jupyter, pytest, dask,
rich), whose pins clash with Colab's. The student package is a second distribution built from the
same source tree: the files below are copied into a staging folder beside a generated
``pyproject.toml`` and built with setuptools (``pip wheel``, no build isolation, so it works offline).
The package speaks every language of the kit: it carries the message catalogues compiled to ``.mo``
files, which the standard library's :mod:`gettext` reads, and none of the authoring tools that keep
the ``.po`` files (``autograder/authoring/catalogues.py`` needs Babel).
"""
from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.authoring.catalogues import compile_catalogue
from autograder.core.i18n import _

__all__ = ["DISTRIBUTION", "VERSION", "DEPENDENCIES", "ENTRY_MODULES", "GRADER_ONLY", "ROOT", "StudentWheelError",
           "check_side", "student_files", "catalogues", "build_wheel", "main"]

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "d2l-coursework-student"
"""A name nobody else uses on PyPI (``autograder`` and ``d2lmini`` are not ours there)."""
VERSION = "0.1.0"
DEPENDENCIES = ("torch>=2.1", "torchvision>=0.16", "matplotlib>=3.7")
"""All that ``d2lmini`` and ``check`` import beyond the standard library."""
ENTRY_MODULES = ("autograder", "autograder.check.setup", "autograder.tasks")
"""Where a student's code enters the autograder: ``from autograder import check`` (and what the package
exports), the setup cell's helper, and the task registry (which loads every ``tasks/hwN`` package)."""
GRADER_ONLY = ("autograder.runner", "autograder.report", "autograder.deploy", "autograder.cli",
               "autograder.authoring")
"""What a student package must never hold; an import of one of these from the check side stops the build,
unless it is optional: inside a ``try`` that catches ImportError (``autograder/core/i18n.py`` compiles a stale
catalogue with ``autograder.authoring.catalogues`` where the authoring tools are there; a student's package has ``.mo``
files instead). An optional import is not followed."""


class StudentWheelError(RuntimeError):
    """The student wheel could not be built."""


def _module_file(root: Path, module: str) -> Path | None:
    """The source file of a dotted module under ``root`` (a package's ``__init__.py``), or None."""
    base = root.joinpath(*module.split("."))
    return next((p for p in (base / "__init__.py", base.with_suffix(".py")) if p.is_file()), None)


def _optional(tree: ast.AST) -> set[int]:
    """The ids of the import statements inside a ``try`` that catches ImportError (or ModuleNotFoundError)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(handler) for handler in node.handlers):
            found |= {id(inner) for statement in node.body for inner in ast.walk(statement)
                      if isinstance(inner, (ast.Import, ast.ImportFrom))}
    return found


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    """Whether an ``except`` clause names ImportError or ModuleNotFoundError."""
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in ("ImportError", "ModuleNotFoundError") for t in types)


def _imports(path: Path, module: str) -> set[str]:
    """The autograder modules one file imports anywhere in it (in functions too), relative imports resolved;
    optional imports (see GRADER_ONLY) left out."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    optional = _optional(tree)
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module or ""
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "autograder" or name.startswith("autograder.")}


def check_side(root: Path = ROOT) -> list[str]:
    """The autograder modules the student package needs: ENTRY_MODULES, everything in the task registry's
    folder, and every autograder module these import, transitively, with the packages that hold them. Raises StudentWheelError naming the
    importer when that reaches a GRADER_ONLY module."""
    tasks = [".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
             for p in sorted((root / "autograder" / "tasks").rglob("*.py"))]
    todo, seen = [*ENTRY_MODULES, *tasks], {}
    while todo:
        module = todo.pop()
        path = _module_file(root, module)
        if module in seen or path is None:  # `from autograder import check` names a function, not a module
            continue
        seen[module] = path
        parents = [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
        for imported in [*_imports(path, module), *parents]:  # importing a.b.c runs a/__init__ and a/b/__init__
            if any(imported == g or imported.startswith(g + ".") for g in GRADER_ONLY):
                raise StudentWheelError(
                    _("{path} imports {module}, which is the grader's: the student package cannot hold it; move what "
                      "the check side needs out of it").format(path=path.relative_to(root), module=imported))
            todo.append(imported)
    return sorted(seen)


def student_files(root: Path = ROOT) -> list[Path]:
    """The source files the student package holds, relative to ``root``: all of d2lmini, the check side."""
    files = sorted((root / "d2lmini").rglob("*.py")) + [_module_file(root, m) for m in check_side(root)]
    return sorted({p.relative_to(root) for p in files if "__pycache__" not in p.parts})


def catalogues(root: Path = ROOT) -> list[Path]:
    """The message catalogues (``.po``, relative to ``root``) whose compiled ``.mo`` the student package holds."""
    return sorted(p.relative_to(root) for p in (root / "autograder" / "locale").glob("*/LC_MESSAGES/*.po"))


def _pyproject() -> str:
    """The student distribution's pyproject.toml."""
    dependencies = "".join(f'    "{d}",\n' for d in DEPENDENCIES)
    return (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{DISTRIBUTION}"\nversion = "{VERSION}"\n'
        'description = "What a student of the D2L coursework kit installs: d2lmini and check()."\n'
        f'requires-python = ">=3.10"\ndependencies = [\n{dependencies}]\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["d2lmini*", "autograder*"]\n\n'
        '[tool.setuptools.package-data]\nautograder = ["locale/*/LC_MESSAGES/*.mo"]\n')


def build_wheel(*, out: Path = ROOT / "dist", root: Path = ROOT) -> Path:
    """Build the student wheel into ``out``; return its path. Raises StudentWheelError with pip's output.

    The catalogues are compiled in the staging folder, from the ``.po`` files as they are now."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kit-student-") as tmp:
        stage = Path(tmp) / "src"
        for relative in student_files(root):
            (stage / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / relative, stage / relative)
        for relative in catalogues(root):
            (stage / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / relative, stage / relative)
            compile_catalogue(stage / relative)
            (stage / relative).unlink()
        (stage / "pyproject.toml").write_text(_pyproject(), encoding="utf-8")
        built = Path(tmp) / "wheel"
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
             "--wheel-dir", str(built), str(stage)], capture_output=True, text=True)
        wheels = sorted(built.glob("*.whl"))
        if result.returncode or len(wheels) != 1:
            raise StudentWheelError(
                _("pip wheel could not build {distribution} (exit {code}): is setuptools installed in {prefix}?")
                .format(distribution=DISTRIBUTION, code=result.returncode, prefix=sys.prefix)
                + f"\n{result.stdout}{result.stderr}")
        target = out / wheels[0].name
        shutil.copyfile(wheels[0], target)
    return target


def main(argv: list[str] | None = None, prog: str = "python -m autograder wheel") -> int:
    """Parse ``--out`` and build the wheel; print where it is."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_("Build the student package: d2lmini and the ``check`` side of the autograder, nothing of the "
                      "grader."))
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help=_("folder for the wheel (default: dist/)"))
    args = parser.parse_args(argv)
    try:
        wheel = build_wheel(out=args.out)
    except StudentWheelError as error:
        print(error, file=sys.stderr)
        return 1
    print(wheel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
