"""What hw2's grading (Book §4.2–4.3) does beyond what every task gets (tests/tasks/test_every_task.py: the
solution, the stub and the known bugs of files/hw2/)."""
from __future__ import annotations

from types import ModuleType

import matplotlib
import torch

from autograder.core.diagnostic import parse
from autograder.core.i18n import use_language
from autograder.core.probe import run_probe
from autograder.tasks import get_task, tasks_for
from tests.support.bugs import bugs_of
from tests.support.grading import grade

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

ASSIGNMENT = "hw2"


def test_does_the_grid_probe_render_a_small_picture_and_close_its_figures(solution: ModuleType) -> None:
    """The feedback page gets an RGB uint8 picture at most 360 pixels on a side; no figure is left open."""
    open_before = plt.get_fignums()
    outputs = [run_probe(check, solution.show_images).output for check in get_task("hw2_show_images").checks]
    pictures = [out["picture"] for out in outputs if "picture" in out]
    assert len(pictures) == 3  # one per grid the checks draw
    for picture in pictures:
        assert picture.dtype == torch.uint8 and picture.shape[-1] == 3
        assert max(picture.shape[:2]) <= 360 and picture.float().std() > 0  # not a blank canvas
    assert plt.get_fignums() == open_before


def test_does_every_function_have_three_caught_bugs() -> None:
    """At least three plausible bugs per graded function (beyond calling the library)."""
    for task in tasks_for(ASSIGNMENT):
        assert sum(1 for bug in bugs_of(task.id) if not bug.name.endswith("_library")) >= 3, task.id


def test_is_the_hint_found_in_both_languages_and_the_english_unchanged(bugs: dict) -> None:
    """The English diagnostic is the code's own text, byte for byte; in either language the feedback pages find
    its hint by the diagnostic's structure."""
    one_based = bugs["text_labels_bugs"].text_labels_one_based
    english = grade("hw2_text_labels", one_based).checks[1].message
    assert english == ("text_labels([9, 8, 6, 3, 1, 7, 4, 2, 5, 0, 0, 1, 0, 3, 2]): name 0 is 'bag', expected "
                       "'ankle boot'. Hint: every name is one class off: class 0 is 't-shirt' and class 9 is "
                       "'ankle boot', so look the name up at index i itself")
    assert parse(english).hint.startswith("every name is one class off")
    with use_language("ko"):
        korean = grade("hw2_text_labels", one_based).checks[1].message
        assert parse(korean).hint.startswith("모든 이름이 한 클래스씩 어긋나 있습니다")
