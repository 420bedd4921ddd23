"""What hw1's grading does beyond what every task gets (tests/tasks/test_every_task.py: the solution, the stub and
the known bugs of files/hw1/)."""
from __future__ import annotations

from autograder.core.i18n import use_language
from tests.support.grading import grade, messages

ASSIGNMENT = "hw1"


def test_are_the_task_title_and_check_names_korean(bugs):
    """A check() in Korean names the task and each of its checks in Korean, with the glossary's terms."""
    with use_language("ko"):
        result = grade("hw1_sgd", bugs["optimizers"].WrongSign)
    assert result.title == "SGD, 밑바닥부터 구현하는 미니배치 확률적 경사 하강법 (책 §3.4.3)"
    assert [c.name for c in result.checks][:2] == ["step()이 모든 매개변수를 제자리에서 p − lr·grad로 바꿈",
                                                   "zero_grad()가 모든 기울기를 0으로 만듦"]


def test_does_another_correct_feistel_shuffle_pass(bugs):
    """A correct permutation written differently (other round function) earns every point."""
    result = grade("hw1_permuted_index", bugs["permutations"].feistel_cycle_walking)
    assert result.score == result.points, messages(result)
