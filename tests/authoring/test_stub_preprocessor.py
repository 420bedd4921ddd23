"""Do the student stubs name the task they stand for?"""
from __future__ import annotations

import nbformat
from nbgrader.preprocessors import ClearSolutions, ComputeChecksums

from autograder.core.i18n import use_language
from autograder.authoring.stub_preprocessor import STUB, NamedStubs, generate_assignment_preprocessors, name_stubs, stub


def solution_cell(source: str, grade_id: str = "hw0_cell") -> nbformat.NotebookNode:
    """A code cell marked as an nbgrader solution cell."""
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.nbgrader = {"solution": True, "grade": False, "locked": False,
                              "grade_id": grade_id, "schema_version": 3}
    return cell


def clear(cell: nbformat.NotebookNode) -> str:
    """The cell's source after NamedStubs."""
    cell, _ = NamedStubs().preprocess_cell(cell, {"language": "python"}, 0)
    return cell.source


def test_is_a_function_stub_named_after_its_def():
    """The region inside `def softmax` becomes softmax's NotImplementedError, indented in place."""
    source = 'def softmax(X):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return X\n    ### END SOLUTION'
    assert clear(solution_cell(source)) == (
        'def softmax(X):\n    """Doc."""\n'
        '    raise NotImplementedError("softmax: replace this line with your code")')


def test_are_methods_named_with_their_class():
    """Methods, nested blocks and d2l's add_to_class all give Class.method."""
    source = "\n".join([
        "class Model(d2l.Classifier):",
        "    def forward(self, X):",
        "        if X.ndim:",
        "            ### BEGIN SOLUTION",
        "            X = X.flatten()",
        "            ### END SOLUTION",
        "        return X",
        "",
        "@d2l.add_to_class(Model)",
        "def loss(self, y_hat, y):",
        "    ### BEGIN SOLUTION",
        "    return 0",
        "    ### END SOLUTION",
    ])
    cleared = clear(solution_cell(source))
    assert '            raise NotImplementedError("Model.forward: replace this line with your code")' in cleared
    assert '    raise NotImplementedError("Model.loss: replace this line with your code")' in cleared


def test_does_top_level_code_name_no_internal_id():
    """A region outside any def, or a whole solution cell, says what to do without the cell's grade_id."""
    assert clear(solution_cell("### BEGIN SOLUTION\nlr = 0.1\n### END SOLUTION", "hw3_lr")) == (
        'raise NotImplementedError("replace this line with your code")')
    assert clear(solution_cell("lr = 0.1", "hw3_lr")) == (
        'raise NotImplementedError("replace this line with your code")')


def test_is_markdown_left_to_nbgrader():
    """Written answers keep nbgrader's text stub."""
    cell = nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nanswer\n### END SOLUTION")
    cell.metadata.nbgrader = {"solution": True, "grade": True, "points": 1, "locked": False,
                              "grade_id": "hw0_text", "schema_version": 3}
    assert clear(cell) == "YOUR ANSWER HERE"


def test_does_name_stubs_touch_only_stub_lines():
    """Other lines mentioning {task} are left alone; a top-level stub names no internal id."""
    assert name_stubs('print("{task}")\n' + STUB) == (
        'print("{task}")\nraise NotImplementedError("replace this line with your code")')
    assert name_stubs("def f(x):\n    " + STUB) == (
        'def f(x):\n    raise NotImplementedError("f: replace this line with your code")')


def test_is_the_pipeline_nbgraders_with_one_step_replaced():
    """Same steps, same order (checksums around hidden tests), NamedStubs for ClearSolutions."""
    steps = generate_assignment_preprocessors()
    assert NamedStubs in steps and ClearSolutions not in steps
    assert steps.index(NamedStubs) < steps.index(ComputeChecksums)
    assert len(steps) == 12


def test_does_a_korean_release_stub_say_in_korean_what_to_do():
    """stub() is STUB in the current language: English as it was, Korean named after its def like the English."""
    assert stub() == STUB
    with use_language("ko"):
        korean = stub()
    assert name_stubs("def f(x):\n    " + korean) == 'def f(x):\n    raise NotImplementedError("f: 이 줄을 여러분의 코드로 바꾸세요")'
    assert name_stubs(korean) == 'raise NotImplementedError("이 줄을 여러분의 코드로 바꾸세요")'
    cell, _resources = NamedStubs(code_stub={"python": korean}).preprocess_cell(
        solution_cell("def softmax(X):\n    ### BEGIN SOLUTION\n    return X\n    ### END SOLUTION"),
        {"language": "python"}, 0)
    assert cell.source == 'def softmax(X):\n    raise NotImplementedError("softmax: 이 줄을 여러분의 코드로 바꾸세요")'
