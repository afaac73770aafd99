"""Split POSIX shell text (as docs and browsers write curl commands) into commands of words.

Why not `shlex`: it does not know bash's `$'…'` (ANSI-C quoting, which browsers' "Copy as
cURL" emits for bodies with newlines or quotes), it starts a comment at a `#` inside a word
(`http://h/#frag`), and it reports no positions, which bad input must name (line:col).

What is understood: `'…'`, `"…"` (backslash escapes `$ \\` " \\\\` and newline), `$'…'` (every
bash escape: `\\n \\t \\xHH \\uHHHH \\NNN \\cX` …), `$"…"` (as `"…"`), backslash outside quotes,
line continuations (`\\` + newline), `#` comments at the start of a word, and command
separators (newline, `;`, `&&`, `||`, `|`, `&`). Redirections (`> file`, `2>&1`, `< file`) are
dropped with their target. Nothing is executed: `$NAME` and `${NAME}` outside single quotes
become `ENV_START + NAME + ENV_END` markers (reqbench turns them into `{{env:NAME}}`, which is
what the shell would have substituted); `$(…)`, backticks and other expansions are kept as
typed and reported in `Word.notes`.

Bytes that `$'\\xHH'` produces and are not UTF-8 are kept as surrogate escapes
(`text.encode("utf-8", "surrogateescape")` gives the exact bytes back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.core.formats.imported import ImportContext, fail_at, line_col

__all__ = ["ENV_END", "ENV_MARK", "ENV_START", "Command", "Word", "split_commands"]

ENV_START = "\ue000"
ENV_END = "\ue001"
#: Finds the markers in a word: group 1 is the variable name.
ENV_MARK = re.compile(f"{ENV_START}([A-Za-z_][A-Za-z0-9_]*){ENV_END}")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SIMPLE_ESCAPES = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
    "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"[0-9A-Fa-f]{1,2}")
_SPACE = " \t"
_BREAK = " \t\n;&|<>"


@dataclass(slots=True)
class Word:
    text: str
    offset: int  # where the word starts in the source text
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Command:
    words: list[Word]
    offset: int


class _Splitter:
    def __init__(self, text: str, ctx: ImportContext) -> None:
        self.text = text
        self.ctx = ctx
        self.i = 0
        self.commands: list[Command] = []
        self.words: list[Word] = []

    def fail(self, offset: int, message: str) -> None:
        line, column = line_col(self.text, offset)
        fail_at(self.ctx, line, column, message)

    def end_command(self) -> None:
        if self.words:
            self.commands.append(Command(self.words, self.words[0].offset))
        self.words = []

    def run(self) -> list[Command]:
        text, n = self.text, len(self.text)
        skip_next = False  # the word after a redirection is its target, not an argument
        while self.i < n:
            ch = text[self.i]
            if ch in _SPACE or ch == "\r":
                self.i += 1
            elif text.startswith("\\\n", self.i) or text.startswith("\\\r\n", self.i):
                self.i += 2 if text[self.i + 1] == "\n" else 3
            elif ch == "\n" or ch in ";&|":
                self.i += 2 if text.startswith(("&&", "||", ";;"), self.i) else 1
                skip_next = False
                self.end_command()
            elif ch == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            elif ch in "<>":
                j = self.i
                while j < n and text[j] in "<>":
                    j += 1
                if j < n and text[j] == "&":  # `2>&1`, `>&2`: a descriptor, no file word follows
                    j += 1
                    while j < n and (text[j].isdigit() or text[j] == "-"):
                        j += 1
                    skip_next = False
                else:
                    skip_next = True
                self.i = j
            else:
                word = self.word()
                if re.fullmatch(r"\d+", word.text) and self.i < n and text[self.i] in "<>":
                    continue  # the "2" of "2>": a file descriptor, not an argument
                if skip_next:
                    skip_next = False
                    continue
                self.words.append(word)
        self.end_command()
        return self.commands

    def word(self) -> Word:
        text, n = self.text, len(self.text)
        start = self.i
        out: list[str] = []
        notes: list[str] = []
        while self.i < n:
            ch = text[self.i]
            if ch in _BREAK or ch == "\r":
                break
            if ch == "\\":
                if self.i + 1 >= n:
                    self.i += 1
                    break
                nxt = text[self.i + 1]
                if nxt == "\n" or text.startswith("\r\n", self.i + 1):
                    self.i += 2 if nxt == "\n" else 3  # a continuation inside a word joins it
                    continue
                out.append(nxt)
                self.i += 2
            elif ch == "'":
                end = text.find("'", self.i + 1)
                if end < 0:
                    self.fail(self.i, "unterminated ' quote")
                out.append(text[self.i + 1 : end])
                self.i = end + 1
            elif ch == '"':
                self.i += 1
                self.double_quoted(out, notes)
            elif ch == "$":
                self.dollar(out, notes, quoted=False)
            elif ch == "`":
                notes.append("a `command` substitution was kept as typed")
                out.append(ch)
                self.i += 1
            else:
                out.append(ch)
                self.i += 1
        return Word("".join(out), start, notes)

    def double_quoted(self, out: list[str], notes: list[str]) -> None:
        text, n = self.text, len(self.text)
        opened = self.i - 1
        while True:
            if self.i >= n:
                self.fail(opened, 'unterminated " quote')
            ch = text[self.i]
            if ch == '"':
                self.i += 1
                return
            if ch == "\\" and self.i + 1 < n and text[self.i + 1] in '$`"\\\n':
                if text[self.i + 1] != "\n":
                    out.append(text[self.i + 1])
                self.i += 2
            elif ch == "$":
                self.dollar(out, notes, quoted=True)
            elif ch == "`":
                notes.append("a `command` substitution was kept as typed")
                out.append(ch)
                self.i += 1
            else:
                out.append(ch)
                self.i += 1

    def dollar(self, out: list[str], notes: list[str], *, quoted: bool) -> None:
        text = self.text
        rest = text[self.i + 1 : self.i + 2]
        if not quoted and rest == "'":
            self.i += 2
            out.append(self.ansi_c())
            return
        if not quoted and rest == '"':
            self.i += 2
            self.double_quoted(out, notes)
            return
        name = _NAME.match(text, self.i + 1)
        if name:
            out.append(f"{ENV_START}{name.group()}{ENV_END}")
            self.i = name.end()
            return
        braced = _BRACED.match(text, self.i + 1)
        if braced:
            out.append(f"{ENV_START}{braced.group(1)}{ENV_END}")
            self.i = braced.end()
            return
        if rest in ("(", "{"):
            notes.append(f"a ${rest}…{')' if rest == '(' else '}'} expansion was kept as typed")
        out.append("$")
        self.i += 1

    def ansi_c(self) -> str:
        """The body of `$'…'` (self.i just past the quote); leaves self.i past the closing quote."""
        text, n = self.text, len(self.text)
        opened = self.i - 2
        data = bytearray()
        while True:
            if self.i >= n:
                self.fail(opened, "unterminated $' quote")
            ch = text[self.i]
            if ch == "'":
                self.i += 1
                return data.decode("utf-8", "surrogateescape")
            if ch != "\\" or self.i + 1 >= n:
                data += ch.encode("utf-8", "surrogateescape")
                self.i += 1
                continue
            esc = text[self.i + 1]
            self.i += 2
            if esc in _SIMPLE_ESCAPES:
                data += _SIMPLE_ESCAPES[esc].encode()
            elif esc in "01234567":
                match = _OCTAL.match(text, self.i - 1)
                assert match is not None
                data.append(int(match.group(), 8) & 0xFF)
                self.i = match.end()
            elif esc == "x" and (match := _HEX.match(text, self.i)):
                data.append(int(match.group(), 16))
                self.i = match.end()
            elif esc in "uU" and (match := re.compile(rf"[0-9A-Fa-f]{{1,{4 if esc == 'u' else 8}}}").match(text, self.i)):
                code = int(match.group(), 16)
                data += (chr(code) if code <= 0x10FFFF else "\ufffd").encode("utf-8", "surrogatepass")
                self.i = match.end()
            elif esc == "c" and self.i < n:
                data.append(ord(text[self.i]) & 0x1F)
                self.i += 1
            else:
                data += ("\\" + esc).encode("utf-8", "surrogateescape")


def split_commands(text: str, ctx: ImportContext) -> list[Command]:
    """The commands in `text`, each a list of words. Raises `ImportFailed` for an open quote."""
    return _Splitter(text, ctx).run()
