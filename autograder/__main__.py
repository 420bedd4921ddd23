"""``python -m autograder``: see autograder/cli.py."""
import sys

from autograder.cli import run

sys.exit(run())
