#!/usr/bin/env bash
# setup.sh of the d2l coursework kit's Gradescope autograder for @ASSIGNMENT@
# (built by `python -m autograder gradescope @ASSIGNMENT@`). Gradescope runs it once, as root, when it
# builds the autograder's image; nothing here runs per submission.
#
#   bash setup.sh           system packages (apt), then the Python part
#   bash setup.sh python    the Python part only: virtual environment, pinned packages, the kit, Fashion-MNIST
#
# Environment: AUTOGRADER_ROOT (default /autograder); PYTHON, the interpreter of the virtual environment
# (default python@PYTHON_VERSION@, the build machine's, for which the versions below are pinned);
# TORCH_INDEX_URL, where torch's CPU build comes from (default PyTorch's CPU index; empty: pip's own index).
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/venv"
PYTHON="${PYTHON:-python@PYTHON_VERSION@}"
TORCH_INDEX_URL="${TORCH_INDEX_URL-https://download.pytorch.org/whl/cpu}"

system_packages() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Python @PYTHON_VERSION@ (Ubuntu 22.04 has it); bubblewrap and setpriv (util-linux) for the sandbox
    apt-get install -y -qq --no-install-recommends "python@PYTHON_VERSION@" "python@PYTHON_VERSION@-venv" \
        bubblewrap util-linux ca-certificates
    # Fashion-MNIST offline where the distribution packages it; otherwise python_packages downloads it, once, here
    apt-get install -y -qq --no-install-recommends dataset-fashion-mnist \
        || echo "setup.sh: no package dataset-fashion-mnist here; torchvision downloads Fashion-MNIST instead"
}

python_packages() {
    "$PYTHON" -m venv "$VENV"
    local pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
    "${pip[@]}" install --quiet "pip==@PIP_VERSION@"
    # torch's CPU build without its dependencies (the GPU build's would bring the CUDA runtime),
    # then every pinned version from pip's own index, torch's dependencies included
    local index=()
    if [ -n "$TORCH_INDEX_URL" ]; then index=(--index-url "$TORCH_INDEX_URL"); fi
    "${pip[@]}" install --quiet --no-deps "${index[@]}" @TORCH_PINS@
    "${pip[@]}" install --quiet -r "$SOURCE/requirements.txt"
    # the kit from this folder, editable: the grader finds solutions/ beside autograder/
    "${pip[@]}" install --quiet --no-deps -e "$SOURCE"
    "$VENV/bin/python" -I -m autograder.deploy.data "$ROOT/data"
    # the sandboxed notebook runs as a user of its own and reads these (read-only)
    chmod -R a+rX "$SOURCE" "$VENV" "$ROOT/data"
}

case "${1:-all}" in
    all) system_packages; python_packages ;;
    python) python_packages ;;
    *) echo "usage: setup.sh [python]" >&2; exit 2 ;;
esac
