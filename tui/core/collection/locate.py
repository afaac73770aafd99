"""Find the line and column of a key in collection text, to point schema errors at it.

Private to `store`/`schema`. `tomllib` returns plain dicts without positions, so this scans
the text for the key the way a person would: the request's `[[requests]]` block, then a
`[requests.body]`-style section or a `body = ...` line inside it. It is a best effort: when
the text is unusual (the key sits in an inline table, a header hides in a multi-line
string) it answers the request's header line, or nothing at all.
"""

from __future__ import annotations

import re

__all__ = ["Locator", "code_lines"]

_HEADER = re.compile(r"^[ \t]*\[")
_REQUESTS = re.compile(r"^[ \t]*\[\[[ \t]*[\"']?requests[\"']?[ \t]*\]\]")
_PART = re.compile(r"[^.\[\]]+")


_NORMAL_STOP = re.compile(r"[#\"'\n\[\]{}]")
_BASIC_STOP = re.compile(r'[\\"\n]')
_ML_STOP = {'"""': re.compile(r'\\|\n|"""'), "'''": re.compile(r"\n|'''")}


def code_lines(text: str) -> list[bool]:
    """For each line: does it start a statement, outside multi-line strings and outside the
    brackets of a value spread over lines (so that `#` and `[` there mean something)?

    A small TOML lexer: multi-line strings and bracketed values span lines; single-line
    strings and comments are skipped so that quotes inside them do not confuse it. The text
    is valid TOML.
    """
    starts = [True]
    i, n = 0, len(text)
    state = ""
    depth = 0  # [ and { open in values
    line_start = 0
    while i < n:
        if not state:
            match = _NORMAL_STOP.search(text, i)
            if match is None:
                break
            i = match.start()
            ch = text[i]
            if ch == "\n":
                starts.append(depth == 0)
                i += 1
                line_start = i
            elif ch == "#":
                end = text.find("\n", i)
                i = n if end < 0 else end
            elif ch == "[" and depth == 0 and not text[line_start:i].strip():
                end = text.find("\n", i)  # a [table] header: nothing after it but a comment
                i = n if end < 0 else end
            elif ch in "[{":
                depth += 1
                i += 1
            elif ch in "]}":
                depth = max(depth - 1, 0)
                i += 1
            elif text.startswith('"""', i) or text.startswith("'''", i):
                state = text[i : i + 3]
                i += 3
            elif ch == "'":
                end = text.find("'", i + 1)
                i = n if end < 0 else end + 1
            else:  # a basic string: skip escapes up to the closing quote
                i += 1
                while True:
                    stop = _BASIC_STOP.search(text, i)
                    if stop is None or text[stop.start()] == "\n":
                        i = n if stop is None else stop.start()
                        break
                    if text[stop.start()] == "\\":
                        i = stop.start() + 2
                        continue
                    i = stop.start() + 1
                    break
            continue
        match = _ML_STOP[state].search(text, i)
        if match is None:
            break
        i = match.start()
        token = match.group()
        if token == "\n":
            starts.append(False)
            i += 1
            line_start = i
        elif token == "\\":
            if text.startswith("\n", i + 1):
                starts.append(False)
                line_start = i + 2
            i += 2
        else:
            i += 3
            while i < n and text[i] == state[0]:  # up to two more quotes end the content
                i += 1
            state = ""
    return starts


def _key(name: str) -> str:
    return "[\"']?" + re.escape(name) + "[\"']?"


class Locator:
    """Answers `(line, column)` (1-based) for a request index and a dotted key."""

    def __init__(self, text: str, request_count: int) -> None:
        self.lines = text.split("\n")
        self.code = code_lines(text)
        self.headers = [i for i, line in enumerate(self.lines) if self.code[i] and _HEADER.match(line)]
        starts = [i for i in self.headers if _REQUESTS.match(self.lines[i])]
        self.request_starts = starts if len(starts) == request_count else None

    def _next_header(self, after: int, end: int) -> int:
        return next((i for i in self.headers if after < i < end), end)

    def _find(self, pattern: re.Pattern[str], start: int, end: int) -> tuple[int, int] | None:
        for i in range(start, end):
            match = pattern.match(self.lines[i])
            if match:
                return i + 1, match.start(1) + 1
        return None

    def _assignment(self, name: str, start: int, end: int) -> tuple[int, int] | None:
        return self._find(re.compile(rf"^[ \t]*({_key(name)})[ \t]*[=.]"), start, end)

    def comment_above(self, index: int, floor: int) -> str:
        """The `#` lines right above request `index`'s header (not above line `floor`).

        Blank lines between comment lines are kept; a trailing "\n" means a blank line
        separated the comment from the header.
        """
        if self.request_starts is None:
            return ""
        header = self.request_starts[index]
        kept: list[str] = []
        i = header - 1
        while i >= floor and self.code[i] and (not self.lines[i].strip() or self.lines[i].lstrip().startswith("#")):
            kept.append(self.lines[i].strip())
            i -= 1
        kept.reverse()
        while kept and not kept[0]:
            kept.pop(0)
        if not kept:
            return ""
        gap = not kept[-1]
        while kept and not kept[-1]:
            kept.pop()
        return "\n".join(kept) + ("\n" if gap else "")

    def request_line(self, index: int) -> int | None:
        if self.request_starts is None or index >= len(self.request_starts):
            return None
        return self.request_starts[index] + 1

    def find(self, index: int | None, key: str | None) -> tuple[int, int] | None:
        parts = _PART.findall(key or "")
        if index is not None:
            if self.request_starts is None or index >= len(self.request_starts):
                return None
            start = self.request_starts[index]
            end = next((s for s in self.request_starts if s > start), len(self.lines))
            found = self._in_block(["requests"], parts, start, end) if parts else None
            return found or (start + 1, 1)
        if not parts:
            return None
        first_header = self.headers[0] if self.headers else len(self.lines)
        if len(parts) == 1:
            found = self._assignment(parts[0], 0, first_header)
            if found:
                return found
        return self._in_block([], parts, 0, len(self.lines))

    def _section(self, path: list[str], start: int, end: int) -> tuple[int, int] | None:
        dotted = r"[ \t]*\.[ \t]*".join(_key(part) for part in path)
        return self._find(re.compile(rf"^[ \t]*(\[\[?)[ \t]*{dotted}[ \t]*\]"), start, end)

    def _in_block(self, prefix: list[str], parts: list[str], start: int, end: int) -> tuple[int, int] | None:
        """The deepest `[prefix.a.b]` section holding the key, then `c = ` inside it; else `a = `."""
        for depth in range(len(parts), 0, -1):
            header = self._section(prefix + parts[:depth], start, end)
            if header is None:
                continue
            line = header[0] - 1
            if depth < len(parts):
                inner = self._assignment(parts[depth], line + 1, self._next_header(line, end))
                if inner:
                    return inner
            return header
        stop = self._next_header(start, end)
        return self._assignment(parts[0], start + 1 if prefix else start, stop)
