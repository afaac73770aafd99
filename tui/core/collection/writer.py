"""A small, deterministic TOML layout on top of `tomli_w`'s value formatting.

Private to `store`. `tomli_w` does the escaping of every string and key (the hard part);
this module only decides the layout, because `tomli_w` alone writes every array one item
per line (a header pair takes four lines) and turns a collection of short requests into one
inline array. Here:

- `Table` values are always `[section]`s and `AoT` values always `[[arrays of tables]]`;
- a plain dict is an inline table when it fits on one line and holds no multi-line text,
  otherwise a `[section]`;
- a list is an inline array when it fits on one line, otherwise one item per line;
- strings holding `"` or `\\` are written as literal strings ('...') when TOML allows it,
  and multi-line text as multi-line strings, so JSON bodies stay readable.

The output is read back by `tomllib`; the tests check the round trip on random data.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import tomli_w

__all__ = ["AoT", "Entry", "Table", "render", "render_entry"]

MAX_WIDTH = 100
_INDENT = "    "


class Table(dict[str, Any]):
    """Always written as a `[section]`."""


class AoT(list[dict[str, Any]]):
    """Always written as `[[section]]` entries."""


class Entry(dict[str, Any]):
    """An `AoT` item with comment lines written above its `[[section]]` header.

    `comment` is ready-made `#` lines; a trailing newline leaves a blank line before the header.
    """

    def __init__(self, items: dict[str, Any], *, comment: str = "") -> None:
        super().__init__(items)
        self.comment = comment


def _has_control(text: str, allowed: str) -> bool:
    return any((ch < " " or ch == "\x7f") and ch not in allowed for ch in text)


# Fast paths (a 5,000-request import spent most of its save in tomli_w.dumps per value): a bare
# key is written as is, and a string with no quote, backslash or control character is the same
# text between double quotes — exactly what tomli_w would write for both.
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_PLAIN_STRING = re.compile(r'[^"\\\x00-\x1f\x7f]*')


@functools.lru_cache(maxsize=4096)  # the same few keys (name, url, Accept, ...) over and over
def format_key(key: str) -> str:
    if _BARE_KEY.fullmatch(key):
        return key
    rendered = tomli_w.dumps({key: 0})
    return rendered[: -len(" = 0\n")]


def format_string(text: str, *, multiline: bool) -> str:
    if _PLAIN_STRING.fullmatch(text):
        return f'"{text}"'
    wants_literal = '"' in text or "\\" in text
    if multiline and "\n" in text:
        if (
            wants_literal
            and "'''" not in text
            and not text.endswith("'")
            and not _has_control(text, "\t\n")
        ):
            return "'''\n" + text + "'''"
        if "\r\n" not in text:  # tomli_w would write CRLF as LF
            return tomli_w.dumps({"k": text}, multiline_strings=True)[4:-1]
    if wants_literal and "'" not in text and not _has_control(text, "\t"):
        return "'" + text + "'"
    return tomli_w.dumps({"k": text})[4:-1]


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return format_string(value, multiline=False)
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)  # what tomli_w writes for an int, without a dumps() call per value
    return tomli_w.dumps({"k": value})[4:-1]


def _inline(value: Any) -> str:
    """One line, however long."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{format_key(k)} = {_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return _scalar(value)


def _has_newline(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" in value
    if isinstance(value, dict):
        return any(_has_newline(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_newline(v) for v in value)
    return False


def _fits(key: str, rendered: str) -> bool:
    return len(format_key(key)) + 3 + len(rendered) <= MAX_WIDTH


def _value_line(key: str, value: Any) -> str:
    """`key = value` for anything that is not a section."""
    if isinstance(value, str):
        return f"{format_key(key)} = {format_string(value, multiline=True)}"
    if isinstance(value, list):
        rendered = _inline(value)
        if _fits(key, rendered) or not value:
            return f"{format_key(key)} = {rendered}"
        items = "".join(f"{_INDENT}{_inline(item)},\n" for item in value)
        return f"{format_key(key)} = [\n{items}]"
    if isinstance(value, dict):
        return f"{format_key(key)} = {_inline(value)}"
    return f"{format_key(key)} = {_scalar(value)}"


def _table(lines: list[str], path: list[str], table: dict[str, Any], *, aot: bool) -> None:
    literals: list[str] = []
    sections: list[tuple[str, Any]] = []
    for key, value in table.items():
        if type(value) is str:  # most values: the same line _value_line writes, sooner
            literals.append(f"{format_key(key)} = {format_string(value, multiline=True)}")
        elif isinstance(value, (Table, AoT)):
            sections.append((key, value))
        elif isinstance(value, dict):
            if _has_newline(value):
                sections.append((key, Table(value)))
                continue
            rendered = _inline(value)  # once: it is the line when it fits
            if _fits(key, rendered):
                literals.append(f"{format_key(key)} = {rendered}")
            else:
                sections.append((key, Table(value)))
        else:
            literals.append(_value_line(key, value))
    name = ".".join(format_key(part) for part in path)
    if aot or (path and (literals or not sections)):
        if lines:
            lines.append("")
        comment = table.comment if isinstance(table, Entry) else ""
        if comment:
            lines.extend(comment.rstrip("\n").split("\n"))
            if comment.endswith("\n"):
                lines.append("")
        lines.append(f"[[{name}]]" if aot else f"[{name}]")
    lines.extend(literals)
    for key, value in sections:
        if isinstance(value, AoT):
            for item in value:
                _table(lines, [*path, key], item, aot=True)
        else:
            _table(lines, [*path, key], value, aot=False)


def render(document: dict[str, Any]) -> str:
    """The TOML text of `document` (dicts, lists, str, int, float, bool; `Table`/`AoT` markers)."""
    lines: list[str] = []
    _table(lines, [], document, aot=False)
    return "\n".join(lines) + "\n"


def render_entry(name: str, table: dict[str, Any]) -> str:
    """`render({name: AoT([table])})`: one `[[name]]` entry, without the wrapping document."""
    lines: list[str] = []
    _table(lines, [name], table, aot=True)
    return "\n".join(lines) + "\n"
