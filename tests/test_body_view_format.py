"""tui.core.display.bodyfmt: lazy lines, piecewise splitting and out-of-process JSON indenting."""

from __future__ import annotations

import json
import threading

import pytest
from textual.app import App, ComposeResult

from _pilot import settle

from tui.core.display.bodyfmt import OUT_OF_PROCESS_MIN, ByteLines, Formatter, JsonFormatError, format_json, split_lines
from tui.widgets.body_view import BodyView


def test_byte_lines_decode_one_line_at_a_time() -> None:
    lines = ByteLines.from_text("first\nsécond ✓\n\nlast")
    assert len(lines) == 4
    assert lines[1] == "sécond ✓" and lines[2] == "" and lines[-1] == "last"
    assert lines[0:2] == ["first", "sécond ✓"]
    assert list(lines) == ["first", "sécond ✓", "", "last"]
    assert lines.line_of(0) == 0 and lines.line_of(len("first\n")) == 1
    with pytest.raises(IndexError):
        lines[4]


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 64])
def test_split_lines_matches_splitlines(piece: int) -> None:
    text = "a\r\nbb\n\nccc\r\n\rdd\x0bee\nlast-no-newline" * 3
    assert split_lines(text, piece=piece) == text.splitlines()
    assert split_lines("", piece=piece) == [""]
    assert split_lines("x\n" * 10, piece=piece) == ["x"] * 10


def big_document(count: int) -> str:
    return json.dumps({"items": [{"id": i, "name": f"näme {i}", "big": 123456789012345678901234567890 + i} for i in range(count)]}, ensure_ascii=False)


def test_large_documents_are_indented_out_of_process_exactly() -> None:
    text = big_document(6000)
    assert len(text) > OUT_OF_PROCESS_MIN
    lines, width = format_json(text)
    assert isinstance(lines, ByteLines)
    expected = json.dumps(json.loads(text), indent=2, ensure_ascii=False).split("\n")
    assert len(lines) == len(expected)
    assert lines[:8] == expected[:8]
    assert lines[-3:] == expected[-3:]
    assert '      "big": 123456789012345678901234567890' in lines[:10]  # no float rounding
    assert width >= max(map(len, expected))


def test_invalid_large_document_reports_where() -> None:
    text = big_document(6000)[:-1]
    with pytest.raises(JsonFormatError) as caught:
        format_json(text)
    assert "line 1" in str(caught.value) or "char" in str(caught.value)


def test_small_documents_stay_in_process() -> None:
    lines, width = format_json('{"a":1}')
    assert lines == ["{", '  "a": 1', "}"] and width == 8


def test_cancel_kills_the_child() -> None:
    formatter = Formatter()
    text = json.dumps([list(range(50))] * 60_000)  # big enough to take a while
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(formatter.run(text))
        except JsonFormatError as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    formatter.cancel()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert formatter.cancelled
    assert len(outcome) == 1


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield BodyView()


async def test_search_over_byte_lines_reports_character_columns() -> None:
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(BodyView)
        view.set_lines(ByteLines.from_text("ééé needle\nplain Needle\nnothing"))
        view.search("needle")
        await settle(pilot)
        assert view.matches == [(0, 4, 10), (1, 6, 12)]
        view.search("Needle")
        await settle(pilot)
        assert view.matches == [(1, 6, 12)]
