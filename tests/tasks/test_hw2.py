"""Does hw2's grading (Book §4.2–4.3) give the solution full marks, the stub zero, and name each typical bug?

The correct code is the solution notebook's own; the stub is the same notebook after
the kit's NamedStubs (nbgrader's ClearSolutions); the buggy implementations live in files/hw2/.
"""
from __future__ import annotations

import inspect
import io
import re
from types import ModuleType

import matplotlib
import pytest
import torch

from autograder.core.diagnostic import parse
from autograder.core.probe import run_probe
from autograder.core.i18n import use_language
from autograder.tasks import get_task, tasks_for
from tests.support.fixture_modules import FILES as FIXTURES, import_file
from tests.support.grading import grade, messages

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

ASSIGNMENT = "hw2"
FILES = FIXTURES / ASSIGNMENT
TASK_IDS = tuple(task.id for task in tasks_for(ASSIGNMENT))


@pytest.fixture(scope="module")
def bugs() -> dict[str, object]:
    """Every buggy implementation in files/hw2, by function name."""
    found = {}
    for path in sorted(FILES.glob("*.py")):
        module = import_file(path, path.stem)
        found.update({name: f for name, f in vars(module).items() if inspect.isfunction(f)
                      and f.__module__ == module.__name__ and not name.startswith("_")})
    return found


def target(module: ModuleType, task_id: str) -> object:
    """The notebook global the task grades."""
    return getattr(module, get_task(task_id).target)


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_does_the_solution_earn_full_points(solution: ModuleType, task_id: str) -> None:
    """The solution notebook's function passes every check, hidden ones included."""
    result = grade(task_id, target(solution, task_id))
    assert result.score == result.points, messages(result)


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_does_the_stub_earn_zero_and_say_so(stub: ModuleType, task_id: str) -> None:
    """The untouched student version scores 0 on every check, each saying it is not implemented."""
    result = grade(task_id, target(stub, task_id))
    assert result.score == 0
    assert all("not implemented" in c.message for c in result.checks), messages(result)


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_do_probes_return_plain_data_only(solution: ModuleType, task_id: str) -> None:
    """Every probe's output survives torch.load(weights_only=True), as the runner sends it."""
    for check in get_task(task_id).checks:
        outcome = run_probe(check, target(solution, task_id))
        assert outcome.error is None, outcome.error
        buffer = io.BytesIO()
        torch.save(outcome.output, buffer)
        buffer.seek(0)
        torch.load(buffer, weights_only=True)


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


def test_do_loader_probes_leave_the_students_random_state_alone(solution: ModuleType) -> None:
    """Shuffling inside the probes does not move the notebook's global random generator."""
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    grade("hw2_get_dataloader", solution.get_dataloader)
    assert torch.equal(torch.rand(3), expected)


BUGS = [
    # (task, buggy function, words its diagnostics must contain)
    ("hw2_text_labels", "text_labels_one_based", ["one class off"]),
    ("hw2_text_labels", "text_labels_torchvision_names", ["torchvision's class names"]),
    ("hw2_text_labels", "text_labels_book_loop", ["iteration over a 0-d tensor"]),
    ("hw2_text_labels", "text_labels_bare_name", ["returned a str", "expected a list of 1 name"]),
    ("hw2_text_labels", "text_labels_library", ["d2l.FashionMNIST.text_labels"]),
    ("hw2_get_dataloader", "get_dataloader_shuffles_validation", ["validation loader", "shuffle=train"]),
    ("hw2_get_dataloader", "get_dataloader_never_shuffles", ["stored order (0, 1, 2, …)", "shuffle"]),
    ("hw2_get_dataloader", "get_dataloader_drops_last", ["drops the last partial batch", "drop_last"]),
    ("hw2_get_dataloader", "get_dataloader_shuffles_once", ["same order in both epochs"]),
    ("hw2_get_dataloader", "get_dataloader_batch_64", ["holds 64 images, expected 256", "self.batch_size"]),
    ("hw2_get_dataloader", "get_dataloader_notebook_global", ["not the images of the data module passed as self",
                                                             "not the notebook's `data`"]),
    ("hw2_get_dataloader", "get_dataloader_train_twice", ["val loader yields the train images"]),
    ("hw2_get_dataloader", "get_dataloader_library", ["d2l.FashionMNIST.get_dataloader"]),
    ("hw2_show_images", "show_images_swapped", ["rows and columns are swapped"]),
    ("hw2_show_images", "show_images_returns_none", ["returned None", "return axes"]),
    ("hw2_show_images", "show_images_titles_shifted", ["has the title 'picture 5' of image 5",
                                                       "expected 'picture 0'"]),
    ("hw2_show_images", "show_images_no_titles", ["has no title", "set_title"]),
    ("hw2_show_images", "show_images_figsize_swapped", ["width and height swapped"]),
    ("hw2_show_images", "show_images_every_axis", ["IndexError"]),
    ("hw2_show_images", "show_images_ticks_shown", ["shows its x and y ticks"]),
    ("hw2_show_images", "show_images_column_major", ["return the axes row by row"]),
    ("hw2_show_images", "show_images_transposed", ["transposed"]),
    ("hw2_show_images", "show_images_library", ["d2l.show_images"]),
    ("hw2_accuracy", "accuracy_max_values", ["not the largest scores (Y_hat.max)"]),
    ("hw2_accuracy", "accuracy_argmax_axis0", ["argmax over axis 0"]),
    ("hw2_accuracy", "accuracy_no_reshape", ["flat tensor of shape (24,)", "reshape"]),
    ("hw2_accuracy", "accuracy_integer_division", ["dtype torch.int64", "//"]),
    ("hw2_accuracy", "accuracy_label_dtype_mean", ["could not infer output dtype", "Long"]),
    ("hw2_accuracy", "accuracy_bool", ["dtype torch.bool, expected torch.float32"]),
    ("hw2_accuracy", "accuracy_always_averaged", ["one 0/1 value per example, not their mean"]),
    ("hw2_accuracy", "accuracy_count", ["number of correct predictions", "share (the mean)"]),
    ("hw2_accuracy", "accuracy_library", ["d2l.Classifier.accuracy"]),
]


@pytest.mark.parametrize("task_id, bug, words", BUGS, ids=[b for _, b, _ in BUGS])
def test_is_the_bug_caught_and_named(bugs: dict, task_id: str, bug: str, words: list[str]) -> None:
    """The buggy implementation loses points and a diagnostic names its mistake."""
    result = grade(task_id, bugs[bug])
    assert result.score < result.points
    text = messages(result)
    for word in words:
        assert word in text, text


def test_does_every_function_have_three_caught_bugs() -> None:
    """At least three plausible bugs per graded function (beyond calling the library)."""
    for task_id in TASK_IDS:
        assert sum(1 for t, b, _ in BUGS if t == task_id and not b.endswith("_library")) >= 3


# ----------------------------------------------------------------------------- the same diagnostics in Korean

HANGUL = re.compile("[\uac00-\ud7a3]")

KOREAN_BUGS = [
    # (task, buggy function, Korean its diagnostics must contain, English they must no longer contain)
    ("hw2_text_labels", "text_labels_one_based",
     ["이름 0이(가) 'bag'이지만, 'ankle boot'여야 합니다. 힌트: 모든 이름이 한 클래스씩 어긋나 있습니다"],
     ["one class off", "expected", "Hint: "]),
    ("hw2_get_dataloader", "get_dataloader_drops_last",
     ["train 로더가 예제 96개짜리 마지막 부분 배치를 버립니다 (608 = 2·256 + 96): drop_last=False를 유지하세요",
      "힌트: 마지막 부분 배치가 버려집니다"],
     ["drops the last partial batch", "training and", "Hint: "]),
    ("hw2_show_images", "show_images_swapped",
     ["격자가 3행 2열이지만, 2행 3열이어야 합니다: 행과 열이 뒤바뀌었습니다", "show_images(7×5 이미지 6개, num_rows=2"],
     ["rows and columns are swapped", "row(s)", "images of"]),
    ("hw2_accuracy", "accuracy_count",
     ["accuracy(모양이 (40, 10)인 Y_hat, 모양이 (40,)이고 dtype이 torch.int64인 Y)", "힌트: 이것은 맞은 예측의 개수입니다"],
     ["number of correct predictions", "of shape", "Hint: "]),
]


@pytest.mark.parametrize("task_id, bug, korean, english", KOREAN_BUGS, ids=[b for _t, b, _k, _e in KOREAN_BUGS])
def test_is_the_bug_named_in_korean(bugs: dict, task_id: str, bug: str, korean: list[str], english: list[str]) -> None:
    """Graded in Korean, the diagnostic and its hint are Korean with every placeholder filled, and so are the
    task's title and check names."""
    with use_language("ko"):
        result = grade(task_id, bugs[bug])
    text = messages(result)
    for words in korean:
        assert words in text, text
    for words in english:
        assert words not in text, text
    assert "{" not in text, text
    assert "(책 §4." in result.title and all(HANGUL.search(check.name) for check in result.checks)


def test_is_the_hint_found_in_both_languages_and_the_english_unchanged(bugs: dict) -> None:
    """The English diagnostic is the code's own text, byte for byte; in either language the feedback pages find
    its hint by the diagnostic's structure."""
    english = grade("hw2_text_labels", bugs["text_labels_one_based"]).checks[1].message
    assert english == ("text_labels([9, 8, 6, 3, 1, 7, 4, 2, 5, 0, 0, 1, 0, 3, 2]): name 0 is 'bag', expected "
                       "'ankle boot'. Hint: every name is one class off: class 0 is 't-shirt' and class 9 is "
                       "'ankle boot', so look the name up at index i itself")
    assert parse(english).hint.startswith("every name is one class off")
    with use_language("ko"):
        korean = grade("hw2_text_labels", bugs["text_labels_one_based"]).checks[1].message
        assert parse(korean).hint.startswith("모든 이름이 한 클래스씩 어긋나 있습니다")
