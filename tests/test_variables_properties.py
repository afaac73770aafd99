"""Property tests for `{{var}}` substitution."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.collection.variables import escape, find_variables, substitute

braces = st.text(alphabet=st.sampled_from(list("{} a:_-.\n")) | st.characters(), max_size=40)
name = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.\-]{0,10}\Z")


@settings(max_examples=300, deadline=None)
@given(braces)
def test_escaped_text_substitutes_back_to_itself(text: str) -> None:
    assert substitute(escape(text), {}, request="r", field="url", environ={}) == text
    assert find_variables(escape(text)) == []


@settings(max_examples=300, deadline=None)
@given(braces, name, st.text(max_size=20), braces)
def test_a_variable_between_any_escaped_texts(before: str, variable: str, value: str, after: str) -> None:
    text = escape(before) + "{{ " + variable + " }}" + escape(after)
    assert substitute(text, {variable: value}, request="r", field="url", environ={}) == before + value + after
    assert find_variables(text) == [variable]


@settings(max_examples=300, deadline=None)
@given(braces)
def test_text_without_double_braces_is_untouched(text: str) -> None:
    text = text.replace("{{", "{")
    while "{{" in text:
        text = text.replace("{{", "{")
    assert substitute(text, {}, request="r", field="url", environ={}) == text
