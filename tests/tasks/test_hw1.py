"""Do the hw1 checks give the solution full marks, the stub zero, and name the bugs of plausible wrong answers?"""
from __future__ import annotations

import random

import nbformat
import pytest
import torch

from autograder.core.i18n import use_language
from autograder.tasks import get_task
from autograder.tasks.hw1 import TASKS
from tests.support.fixture_modules import FILES, import_file
from tests.support.grading import grade, messages
from tests.support.solution_notebooks import SOLUTIONS

ASSIGNMENT = "hw1"
NOTEBOOK = SOLUTIONS / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
# The fixture files, imported at collection: each case below is the fixture object itself, its test id its docstring
# (so hw1 does not use the shared `bugs` fixture). hw1_models imports from hw1_optimizers, so that one comes first.
generators, loaders, optimizers, models, permutations = (
    import_file(FILES / ASSIGNMENT / f"hw1_{name}.py", f"hw1_{name}")
    for name in ("generators", "loaders", "optimizers", "models", "permutations"))


TRAINING = {"hw1_train_scratch", "hw1_concise"}


@pytest.mark.parametrize("task_id", [pytest.param(t.id, marks=pytest.mark.slow if t.id in TRAINING else ())
                                     for t in TASKS])
def test_does_the_solution_earn_every_point(solution, task_id):
    """The notebook's own answer passes every check, hidden ones included."""
    result = grade(task_id, getattr(solution, get_task(task_id).target))
    assert result.score == result.points, messages(result)


@pytest.mark.parametrize("task_id", [t.id for t in TASKS])
def test_does_the_untouched_stub_earn_zero(stub, task_id):
    """The released stub raises NotImplementedError naming what to write, and every check says so."""
    result = grade(task_id, getattr(stub, get_task(task_id).target))
    assert result.score == 0, messages(result)
    assert all("not implemented yet" in c.message and "replace this line with your code" in c.message
               for c in result.checks), messages(result)


# (task, wrong answer, words its diagnostic must contain): the question each case answers is the docstring of the fixture.
BUGS = [
    ("hw1_get_dataloader", loaders.NoShuffle, "reads the examples in order"),
    ("hw1_get_dataloader", loaders.ShufflesValidation, "keep validation in its original order"),
    ("hw1_get_dataloader", loaders.DropsLastBatch, "last partial batch of 8 examples was dropped"),
    ("hw1_get_dataloader", loaders.WithReplacement, "more than once"),
    ("hw1_get_dataloader", loaders.SameOrderEveryEpoch, "same order"),
    ("hw1_get_dataloader", loaders.ReadsGlobalData, "notebook global (such as `data`)"),
    ("hw1_get_dataloader", loaders.MismatchedRows, "pairs rows of X with other rows of y"),
    ("hw1_get_dataloader", loaders.TrainsOnValidation, "outside its split"),
    ("hw1_iterate_minibatches", loaders.inverted_drop_last, "drop_last test looks inverted"),
    ("hw1_iterate_minibatches", loaders.always_drops, "drop_last=False keeps it"),
    ("hw1_iterate_minibatches", loaders.pads_by_wrapping, "more than once"),
    ("hw1_iterate_minibatches", loaders.ignores_shuffle, "reads the examples in order"),
    ("hw1_iterate_minibatches", loaders.always_shuffles, "with shuffle=False keep them in order"),
    ("hw1_fresh_data", generators.reseeds, "do not seed it inside the function"),
    ("hw1_fresh_data", generators.unscaled_noise, "multiply the standard normal noise by `noise`"),
    ("hw1_fresh_data", generators.uniform_features, "use torch.randn"),
    ("hw1_fresh_data", generators.flat_labels, "keep y a column of shape (n, 1)"),
    ("hw1_same_data", generators.seeds_globally, "changed torch's global random state"),
    ("hw1_same_data", generators.never_seeded, "draw from a torch.Generator of your own"),
    ("hw1_same_data", generators.ignores_seed, "pass `seed` to your generator"),
    ("hw1_same_data", generators.same_but_unscaled, "multiply the standard normal noise by `noise`"),
    ("hw1_permuted_index", permutations.feistel_modulo, "cycle-walk"),
    ("hw1_permuted_index", permutations.identity, "give the same order"),
    ("hw1_permuted_index", permutations.rotation, "a shift or a stride"),
    ("hw1_permuted_index", permutations.global_random, "not from a global random generator"),
    ("hw1_permuted_index", permutations.sorted_table, "ran out of memory (MemoryError)"),
    ("hw1_forward", models.NoBias, "the bias is missing"),
    ("hw1_forward", models.TransposedWeights, "the output is transposed"),
    ("hw1_forward", models.FlatOutput, "keep the output a column"),
    ("hw1_forward", models.DetachedWeights, "no gradient reached self.w"),
    ("hw1_loss", models.NoHalf, "twice the squared loss"),
    ("hw1_loss", models.SummedLoss, "the sum over the minibatch"),
    ("hw1_loss", models.Broadcasting, "reshape y to y_hat.shape"),
    ("hw1_loss", models.PerExample, "not the per-example losses"),
    ("hw1_sgd", optimizers.WrongSign, "the step goes uphill"),
    ("hw1_sgd", optimizers.Rebinds, "only rebinds a name"),
    ("hw1_sgd", optimizers.ReplacesParams, "in place"),
    ("hw1_sgd", optimizers.NoZeroGrad, "left the gradients as they were"),
    ("hw1_sgd", optimizers.GradToNone, "set the gradient of parameter 0 to None"),
    ("hw1_sgd", optimizers.BookStep, "skip parameters whose .grad is None"),
    ("hw1_sgd", optimizers.FixedLearningRate, "lr=0.5"),
    ("hw1_concise", models.FixedLayer, "use nn.LazyLinear(1)"),
    ("hw1_concise", models.TwoOutputs, "exactly one output"),
    ("hw1_concise", models.HalvedMSE, "without the 1/2 factor"),
    ("hw1_concise", models.ScratchOptimizer, "expected torch.optim.SGD"),
    ("hw1_concise", models.FixedLearningRate, "pass self.lr"),
    ("hw1_concise", models.SwappedWB, "returned (bias, weight)"),
]
SLOW_BUGS = [
    ("hw1_train_scratch", models.TrainsUphill, "check the sign of the SGD step"),
    ("hw1_train_scratch", models.AccumulatesGradients, "zero_grad runs before each backward pass"),
    ("hw1_train_scratch", models.TinySteps, "allowed error 0.3"),
]


def _case_id(case: tuple) -> str:
    """The test id: the task and the bug, as the fixture's docstring states it."""
    return f"{case[0]}: {case[1].__doc__.strip().splitlines()[0].rstrip('.')}"


@pytest.mark.parametrize("task_id, wrong, words",
                         [pytest.param(*c, id=_case_id(c)) for c in BUGS]
                         + [pytest.param(*c, id=_case_id(c), marks=pytest.mark.slow) for c in SLOW_BUGS])
def test_is_the_bug_caught_and_named(task_id, wrong, words):
    """Is this plausible wrong answer (see its docstring) caught, and does the diagnostic name the cause?"""
    result = grade(task_id, wrong)
    assert result.score < result.points, f"{wrong.__doc__} earned {result.score}/{result.points}"
    assert words in messages(result), messages(result)


@pytest.mark.parametrize("task_id, wrong, words", [
    ("hw1_sgd", optimizers.TorchSGD, "torch.optim.SGD"),
    ("hw1_forward", models.LayerForward, "nn.functional.linear"),
    ("hw1_loss", models.MSELossScratch, "nn.MSELoss"),
    ("hw1_get_dataloader", loaders.ConciseLoader, "torch.utils.data.DataLoader"),
    ("hw1_iterate_minibatches", loaders.uses_dataloader, "torch.utils.data.DataLoader"),
    ("hw1_permuted_index", permutations.randperm_table, "torch.randperm"),
], ids=["torch.optim.SGD", "F.linear", "nn.MSELoss", "DataLoader-in-get_dataloader",
        "DataLoader-in-iterate_minibatches", "torch.randperm"])
def test_does_a_library_shortcut_score_zero(task_id, wrong, words):
    """Does a from-scratch task that calls the library's version score 0, naming the call?"""
    result = grade(task_id, wrong)
    assert result.score == 0 and words in messages(result), messages(result)


# (task, wrong answer, Korean words its diagnostic must hold, the English of the same diagnostic): a message
# composed with placeholders, a known-bug hint appended by compare, and the phrases the judges pass in.
KOREAN_BUGS = [
    ("hw1_loss", models.Broadcasting, ("(32, 32) 행렬", "먼저 y의 모양을 y_hat.shape로 바꾸세요"),
     "reshape y to y_hat.shape first"),
    ("hw1_iterate_minibatches", loaders.inverted_drop_last, ("drop_last 조건이 뒤집힌 것 같습니다", "[3 ×3, 1]"),
     "the drop_last test looks inverted"),
    ("hw1_get_dataloader", loaders.DropsLastBatch, ("예제 8개로 된 마지막 부분 배치가 버려졌습니다",),
     "last partial batch of 8 examples was dropped"),
    ("hw1_sgd", optimizers.BookStep, ("스텝 1번 후의 SGD(params, lr=0.1)", ".grad가 None인 매개변수는 건너뛰세요"),
     "skip parameters whose .grad is None"),
    ("hw1_permuted_index", permutations.sorted_table, ("메모리가 부족했습니다 (MemoryError)", "순열표를 만들지 말고"),
     "ran out of memory (MemoryError)"),
]


@pytest.mark.parametrize("task_id, wrong, korean, english", KOREAN_BUGS,
                         ids=[_case_id(c) for c in KOREAN_BUGS])
def test_is_the_bug_named_in_korean(task_id, wrong, korean, english):
    """Graded in Korean, does the diagnostic say the same in Korean (placeholders filled, hint kept, no English
    sentence left), and does English come back once the block ends?"""
    with use_language("ko"):
        result = grade(task_id, wrong)
    text = messages(result)
    assert all(words in text for words in korean), text
    assert english not in text and "{" not in text, text
    assert english in messages(grade(task_id, wrong))


def test_are_the_task_title_and_check_names_korean():
    """A check() in Korean names the task and each of its checks in Korean, with the glossary's terms."""
    with use_language("ko"):
        result = grade("hw1_sgd", optimizers.WrongSign)
    assert result.title == "SGD, 밑바닥부터 구현하는 미니배치 확률적 경사 하강법 (책 §3.4.3)"
    assert [c.name for c in result.checks][:2] == ["step()이 모든 매개변수를 제자리에서 p − lr·grad로 바꿈",
                                                   "zero_grad()가 모든 기울기를 0으로 만듦"]


def test_does_another_correct_feistel_shuffle_pass():
    """A correct permutation written differently (other round function) earns every point."""
    result = grade("hw1_permuted_index", permutations.feistel_cycle_walking)
    assert result.score == result.points, messages(result)


def test_do_the_checks_leave_the_students_random_state_alone(solution):
    """Probes seed torch and Python for themselves and give the generators back as they were."""
    torch.manual_seed(123)
    random.seed(123)
    expected = (torch.rand(3), random.random())
    torch.manual_seed(123)
    random.seed(123)
    grade("hw1_get_dataloader", solution.SyntheticRegressionData)
    grade("hw1_same_data", solution.same_data)
    assert torch.equal(torch.rand(3), expected[0]) and random.random() == expected[1]


def test_is_the_notebook_saved_clean():
    """No outputs or execution counts; the first code cell imports d2lmini and check; solution cells as nbgrader wants."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "import d2lmini as d2l" in code[0].source and "from autograder import check" in code[0].source
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta and meta["solution"]:
            assert "### BEGIN SOLUTION" in cell.source or cell.cell_type == "markdown", meta["grade_id"]
            assert meta["grade"] == (cell.cell_type == "markdown"), meta["grade_id"]
