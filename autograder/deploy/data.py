"""Fashion-MNIST for a deployment, put in a fixed folder when the image is built (``setup.sh``).

``python -m autograder.deploy.data FOLDER`` leaves torchvision's layout in FOLDER, from the first
source d2lmini finds (its lookup: $D2LMINI_DATA, the system package ``dataset-fashion-mnist``,
torchvision's download into FOLDER). ``run_autograder`` sets D2LMINI_DATA to FOLDER, so grading
reads it there and never downloads anything.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from autograder.core.i18n import _
from d2lmini.datasets import DataNotFoundError, locate_fashion_mnist

__all__ = ["prepare"]


def prepare(folder: Path) -> Path:
    """Make ``folder`` hold Fashion-MNIST in torchvision's layout; returns ``folder``.

    Raises:
        DataNotFoundError: no source has the data and the download failed (the message says where
            d2lmini looked and how to get it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    found = locate_fashion_mnist(folder)
    if found.resolve() != folder.resolve():  # the system package, unpacked into d2lmini's cache
        shutil.copytree(found / "FashionMNIST" / "raw", folder / "FashionMNIST" / "raw", dirs_exist_ok=True)
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(_("usage: python -m autograder.deploy.data FOLDER"))
    try:
        print(_("Fashion-MNIST is ready in {folder}").format(folder=prepare(Path(sys.argv[1]))))
    except DataNotFoundError as error:
        sys.exit(str(error))
