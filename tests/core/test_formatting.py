"""Do long lists read the same way everywhere, in both languages ("a, b, c and 2 more")?"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from autograder.core.formatting import first_few
from autograder.core.i18n import use_language

NAMES = st.lists(st.text(alphabet="abcxyz_.", min_size=1, max_size=6), max_size=12)


@given(items=NAMES, limit=st.integers(min_value=1, max_value=8), separator=st.sampled_from([", ", "; "]))
def test_are_the_first_few_shown_and_the_rest_counted(items, limit, separator):
    """Up to ``limit`` items are shown whole, in order; a longer list ends with how many were left out."""
    text = first_few(items, limit, separator=separator)
    shown = separator.join(items[:limit])
    if len(items) <= limit:
        assert text == shown
    else:
        assert text == f"{shown} and {len(items) - limit} more"


def test_does_the_count_read_in_korean_and_take_a_noun_of_its_own():
    """The count is a translated phrase; a caller may give it its own words (a family's "more forms")."""
    assert first_few(list("abcdefg"), 5) == "a, b, c, d, e and 2 more"
    with use_language("ko"):
        assert first_few(list("abcdefg"), 5) == "a, b, c, d, e 외 2개"
    assert first_few(list("abcd"), 2, more=lambda shown, count: f"{shown} (+{count})") == "a, b (+2)"
    assert first_few(list("ab"), 2, more=lambda shown, count: "never called") == "a, b"
