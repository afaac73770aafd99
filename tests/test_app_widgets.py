"""The request-side widgets on their own, in a minimal host app: what they are given comes back
unchanged (no spurious edits), and what is typed comes out as the model expects."""

from __future__ import annotations

from typing import Any

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Input

from tui.core.collection.model import Auth, Body, Defaults, Download, MultipartPart, Pair
from tui.widgets.body_editor import BodyEditor
from tui.widgets.key_value_table import KeyValueTable
from tui.widgets.options_pane import OptionsPane, RequestOptions
from tui.widgets.url_bar import UrlBar, unknown_variables


class Host(App[None]):
    """Mounts one widget and records every message it posts up."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    @on(KeyValueTable.Changed)  # posted as RowTable.Changed (shared with the multipart rows)
    @on(BodyEditor.Changed)
    @on(OptionsPane.Changed)
    @on(UrlBar.UrlChanged)
    def _record(self, message: Any) -> None:
        self.messages.append(message)


BODIES = [
    None,
    Body(kind="text", text="data"),
    Body(kind="json", text='{"a": 1}', content_type="application/vnd.api+json"),
    Body(kind="form", form=[Pair("a", "1"), Pair("b", "2", enabled=False)]),
    Body(
        kind="multipart",
        parts=[
            MultipartPart("user", value="tom"),
            MultipartPart("file", file="f.txt", filename="x.txt", content_type="text/plain"),
        ],
    ),
    Body(kind="file", text="data/blob.bin"),
    Body(kind="stream", text="big.bin", chunk_size=10),
    Body(kind="base64", text="AAEC"),
]


@pytest.mark.parametrize("body", BODIES, ids=lambda b: b.kind if b else "none")
async def test_body_editor_gives_back_what_it_was_given(body: Body | None) -> None:
    editor = BodyEditor()
    target = object()
    editor.set_body(body, target=target)
    host = Host(editor)
    async with host.run_test() as pilot:
        await pilot.pause()
        assert editor.body == body
        # whatever the widgets posted while loading carries the same body (no spurious edit)
        assert all(m.body == body and m.target is target for m in host.messages)


OPTIONS = [
    RequestOptions(),
    RequestOptions(timeout=2.5, follow_redirects=False, verify=False, http2=True, encoding="latin-1"),
    RequestOptions(verify="certs/ca.pem", download=Download("out/x.bin", chunk_size=10, overwrite=True)),
    RequestOptions(auth=Auth(kind="basic", user="tom", password="{{env:PW}}")),
    RequestOptions(auth=Auth(kind="bearer", token="{{token}}")),
]


@pytest.mark.parametrize("options", OPTIONS)
async def test_options_pane_gives_back_what_it_was_given(options: RequestOptions) -> None:
    pane = OptionsPane()
    pane.set_options(options, defaults=Defaults(timeout=7))
    host = Host(pane)
    async with host.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert pane.options == options
        assert all(m.options == options for m in host.messages)
        if options.timeout is None:
            assert pane.query_one("#opt-timeout", Input).placeholder == "default 7"


async def test_key_value_table_new_row_appears_as_you_type() -> None:
    table = KeyValueTable([Pair("a", "1")])
    host = Host(table)
    async with host.run_test() as pilot:
        await pilot.pause()
        inputs = list(table.query(Input))
        assert len(inputs) == 4  # a/1 and the empty new row
        inputs[2].focus()
        await pilot.press("b")
        await pilot.pause()
        assert [(p.name, p.value) for p in table.items] == [("a", "1"), ("b", "")]
        assert len(table.query(Input)) == 6  # a fresh new row below
        assert host.messages[-1].items == table.items


async def test_url_bar_flags_unknown_variables() -> None:
    bar = UrlBar("POST", "{{base}}/x?t={{token}}&u={{env:RB_TEST_USER}}")
    host = Host(bar)
    async with host.run_test() as pilot:
        bar.known_variables = frozenset({"base"})
        await pilot.pause()
        assert bar.method == "POST"
        assert bar.unknown == ["token", "env:RB_TEST_USER"]
        assert bar.has_class("-unknown")
        bar.known_variables = frozenset({"base", "token"})
        await pilot.pause()
        assert bar.unknown == ["env:RB_TEST_USER"]


def test_unknown_variables_skips_escapes_and_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RB_TEST_SET", "1")
    text = "{{{{literal}} {{a}} {{env:RB_TEST_SET}} {{env:RB_TEST_UNSET}} {{a}}"
    assert unknown_variables(text, frozenset()) == ["a", "env:RB_TEST_UNSET"]
