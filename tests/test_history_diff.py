"""`tui.core.history.diff`: pure comparisons of two entries (no I/O, no server needed)."""

from __future__ import annotations

import pytest

from tui.core.history import Entry, EntrySummary, RecordedRequest, RecordedResponse, diff_bodies, diff_entries


def _entry(entry_id: int, status: int | None, headers: tuple[tuple[str, str], ...], body: bytes, *, complete: bool = True) -> Entry:
    summary = EntrySummary(entry_id, 0.0, "", "r", "GET", "http://x/", status, 1.0, len(body), None if status else "refused")
    response = None if status is None else RecordedResponse(status, "OK", "HTTP/1.1", headers, "http://x/")
    return Entry(summary, RecordedRequest("GET", "http://x/", ()), response, body, len(body) * (1 if complete else 10), complete)


@pytest.mark.parametrize(
    ("a", "b", "mode", "changed"),
    [
        (b'{"a": 1, "b": [1, 2]}', b'{"b": [1, 2], "a": 1}', "json", 0),  # key order is no difference
        (b'{"a": 1, "b": 2}', b'{"a": 1, "b": 3}', "json", 2),  # one line out, one in
        (b"one\ntwo\nthree\n", b"one\n2\nthree\n", "text", 2),
        (b"same", b"same", "text", 0),
        (b"\xff\x00\x01", b"\xff\x00\x02", "binary", 2),
        (b"\xff\x00", b"\xff\x00", "binary", 0),
    ],
)
def test_bodies(a: bytes, b: bytes, mode: str, changed: int) -> None:
    result = diff_bodies(a, b)
    assert (result.mode, result.changed, result.same) == (mode, changed, changed == 0)


def test_changed_lines_keep_their_line_numbers() -> None:
    result = diff_bodies(b"a\nb\nc\n", b"a\nB\nc\nd\n")
    assert [(l.kind, l.text, l.a_line, l.b_line) for l in result.lines] == [
        (" ", "a", 1, 1), ("-", "b", 2, None), ("+", "B", None, 2), (" ", "c", 3, 3), ("+", "d", None, 4),
    ]  # fmt: skip


def test_entries_status_headers_and_notes() -> None:
    a = _entry(1, 200, (("content-type", "application/json"), ("date", "Mon"), ("x-a", "1"), ("set", "v")), b'{"n": 1}')
    b = _entry(2, 201, (("content-type", "application/json"), ("date", "Tue"), ("x-b", "2"), ("set", "w")), b'{"n": 1}', complete=False)
    diff = diff_entries(a, b)
    assert diff.status_changed and not diff.same
    assert [(h.name, h.kind) for h in diff.headers] == [("set", "changed"), ("x-a", "removed"), ("x-b", "added")]
    assert diff.same_headers == ("content-type",)  # Date is noise, left out
    assert diff.body.same and "b keeps only the first" in diff.body.note


def test_an_error_entry_compares_by_its_message() -> None:
    diff = diff_entries(_entry(1, None, (), b""), _entry(2, 200, (), b"ok"))
    assert diff.a_status is None and diff.status_changed and diff.body.changed == 2


def test_a_big_json_diff_stays_quick_and_exact() -> None:
    """12,000 objects (~0.8 MiB, ~100,000 pretty lines, many repeated ones like "},"): a few
    changes are found exactly, in seconds rather than the minutes autojunk=False took."""
    import json
    import time

    doc = [{"id": i, "name": f"item {i}", "tags": ["a", "b"], "price": i * 1.5} for i in range(12000)]
    changed = [dict(d) for d in doc]
    for i in (10, 5000, 11990):
        changed[i]["price"] = -1
    started = time.perf_counter()
    result = diff_bodies(json.dumps(doc).encode(), json.dumps(changed).encode())
    assert time.perf_counter() - started < 30
    assert result.changed == 6
    assert [(l.kind, l.text.strip(), l.a_line) for l in result.lines if l.kind == "-"][0] == ("-", '"price": 15.0,', 5 + 9 * 10)
    assert all(l.a_line == l.b_line for l in result.lines if l.kind == " ")
