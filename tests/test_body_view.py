"""BodyView / BodyPanel on their own, and the headless helpers they use (hex dump, body
classification, JSON indenting)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from _pilot import settle

from tui.core.display.hexdump import HexLines, bytes_per_line_for, hexdump_line, is_probably_binary, line_width
from tui.core.engine.response import Response
from tui.core.display.bodyfmt import pretty_json_lines
from tui.widgets.body_view import BodyView, classify_body


def response(content_type: str, body: bytes = b"", **kwargs: object) -> Response:
    headers = (("Content-Type", content_type),) if content_type else ()
    return Response(status=200, reason="OK", http_version="HTTP/1.1", headers=headers, url="http://h/", content=body, decoded_size=len(body), **kwargs)  # type: ignore[arg-type]


def test_hexdump_lines() -> None:
    data = bytes(range(256)) + b"tail"
    lines = HexLines(data)
    assert len(lines) == 17
    assert lines[0] == "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"
    assert lines[4] == "00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|"
    assert lines[-1] == "00000100  74 61 69 6c" + " " * 39 + "|tail|"
    assert len(lines[-1].split("|")[0]) == len(lines[0].split("|")[0])  # ASCII column aligned
    assert list(lines)[:2] == lines[0:2]
    with pytest.raises(IndexError):
        lines[17]
    assert len(HexLines(b"")) == 0
    assert hexdump_line(0x10, b"\xff") .startswith("00000010  ff ")


@pytest.mark.parametrize(("per_line", "width"), [(16, 78), (8, 45), (4, 29)])
def test_hexdump_line_width(per_line: int, width: int) -> None:
    assert line_width(per_line) == width
    assert len(hexdump_line(0, bytes(per_line), per_line)) == width
    assert HexLines(bytes(100), bytes_per_line=per_line).width == width


@pytest.mark.parametrize(
    ("width", "per_line"),
    [(200, 16), (78, 16), (77, 8), (76, 8), (45, 8), (44, 4), (29, 4), (28, 4), (0, 4), (-5, 4)],
)
def test_bytes_per_line_for_width(width: int, per_line: int) -> None:
    """16 bytes when a 78-column line fits, else 8 (45 columns), else 4 however narrow."""
    assert bytes_per_line_for(width) == per_line


def test_hexdump_lines_at_8_bytes() -> None:
    data = bytes(range(0x40, 0x54))  # 20 bytes: two full lines and a short one
    lines = HexLines(data, bytes_per_line=8)
    assert len(lines) == 3
    assert lines[0] == "00000000  40 41 42 43 44 45 46 47  |@ABCDEFG|"
    assert lines[1] == "00000008  48 49 4a 4b 4c 4d 4e 4f  |HIJKLMNO|"
    assert lines[2] == "00000010  50 51 52 53" + " " * 14 + "|PQRS|"
    assert len(lines[2].split("|")[0]) == len(lines[0].split("|")[0])  # ASCII column aligned
    assert hexdump_line(0x10, b"\x00\xff\x7f", 4) == "00000010  00 ff 7f     |...|"


def test_hexdump_lines_at_16_bytes() -> None:
    data = b"Hello, world\n\x00\xff\x7f" + b"tail"
    lines = HexLines(data, bytes_per_line=16)
    assert lines[0] == "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 ff 7f  |Hello, world....|"
    assert lines[1] == "00000010  74 61 69 6c" + " " * 39 + "|tail|"
    assert lines[0] == hexdump_line(0, data[:16])  # 16 is the default


def test_hexdump_reflow_shares_the_data() -> None:
    data = bytes(range(256))
    lines = HexLines(data, base_offset=0x100)
    narrow = lines.with_bytes_per_line(8)
    assert lines.with_bytes_per_line(16) is lines
    assert (narrow.bytes_per_line, len(narrow), narrow.size) == (8, 32, 256)
    assert narrow[3] == "00000118  18 19 1a 1b 1c 1d 1e 1f  |........|"
    assert narrow.line_of(0x43) == 8 and lines.line_of(0x43) == 4
    assert "".join(line.split("|")[1] for line in narrow) == "".join(line.split("|")[1] for line in lines)
    with pytest.raises(ValueError):
        HexLines(data, bytes_per_line=0)


def test_hexdump_is_lazy_for_big_bodies() -> None:
    lines = HexLines(b"\x00" * (64 * 2**20))
    assert len(lines) == 4 * 2**20
    assert lines[len(lines) - 1].startswith("03fffff0  00 00")


@pytest.mark.parametrize(
    ("sample", "binary"),
    [(b"", False), (b"hello\r\n\tworld", False), ("ünïcode".encode(), False), (b"a\x00b", True), (bytes(range(1, 32)) * 3, True)],
)
def test_is_probably_binary(sample: bytes, binary: bool) -> None:
    assert is_probably_binary(sample) is binary


@pytest.mark.parametrize(
    ("content_type", "body", "kwargs", "kind"),
    [
        ("application/json", b"{}", {}, "json"),
        ("application/problem+json; charset=utf-8", b"{}", {}, "json"),
        ("text/plain", b' [1, 2]', {}, "json"),  # sniffed
        ("text/html; charset=utf-8", b"<p>hi</p>", {}, "text"),
        ("image/png", b"\x89PNG", {}, "binary"),
        ("image/svg+xml", b"<svg/>", {}, "text"),
        ("application/octet-stream", b"abc", {}, "binary"),
        ("", b"\xff\xfe\xfa", {}, "binary"),  # not UTF-8, no charset anywhere
        ("", "é".encode("latin-1"), {"detected_encoding": "latin-1"}, "text"),
        ("text/plain", b"a\x00b", {"encoding": "utf-16-le"}, "text"),  # the user's choice wins
        ("text/plain", b"", {}, "empty"),
    ],
)
def test_classify_body(content_type: str, body: bytes, kwargs: dict[str, object], kind: str) -> None:
    assert classify_body(response(content_type, body, **kwargs), body) == kind


def test_pretty_json_lines() -> None:
    assert pretty_json_lines('{"a":[1,{"b":null}],"é":"ü"}') == ["{", '  "a": [', "    1,", "    {", '      "b": null', "    }", "  ],", '  "é": "ü"', "}"]
    # Beyond 64-bit integers orjson refuses; the stdlib takes over.
    assert pretty_json_lines('{"big": 123456789012345678901234567890}')[1] == '  "big": 123456789012345678901234567890'
    with pytest.raises(ValueError):
        pretty_json_lines("{nope")


class ViewHost(App[None]):
    def compose(self) -> ComposeResult:
        yield BodyView()


async def test_body_view_standalone_sanitises_and_searches() -> None:
    app = ViewHost()
    app.animation_level = "none"
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(BodyView)
        view.set_lines(["a\tb", "bell\x07here\x1b[31m", "x" * 5000, "last"])
        await pilot.pause()
        assert view.render_line(0).text.startswith("a   b")
        assert "\x07" not in view.render_line(1).text and "\x1b" not in view.render_line(1).text
        assert view.virtual_size.height == 4 and view.virtual_size.width >= 5000
        messages: list[BodyView.SearchUpdated] = []
        view.search("zzz")
        await settle(pilot)
        assert view.matches == [] and view.current_match == -1
        view.search("x" * 10)
        await settle(pilot)
        assert len(view.matches) == 500 and view.matches[0] == (2, 0, 10)
        view.select_match(300)  # column 3000: scrolls right to show it
        await pilot.pause()
        assert view.scroll_offset.x <= 3000 < view.scroll_offset.x + view.size.width
        view.select_match(-1)  # wraps around
        assert view.current_match == 499
        del messages


async def test_match_highlight_follows_tab_expansion() -> None:
    app = ViewHost()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(BodyView)
        view.set_lines(["\tkey\tneedle here", "x" * 10])
        view.search("needle")
        await settle(pilot)
        assert view.matches == [(0, 5, 11)]  # raw character offsets
        strip = view.render_line(0)
        assert strip.text.startswith("    key needle here")
        base = list(strip)[0].style.bgcolor
        highlighted = [seg.text for seg in strip if seg.style and seg.style.bgcolor != base]
        assert highlighted == ["needle"]
