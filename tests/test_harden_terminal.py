"""What `reqbench run` prints never drives the terminal: escape sequences from a server or a
file are shown as `cat -v` shows them, and user text is never read as Rich markup."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

from click.testing import CliRunner, Result
from rich.console import Console

from tui.cli import main
from tui.core.collection import store
from tui.core.display import caret_escape
from tui.core.replay import RunOptions, run
from tui.run_render import RunPrinter

HOSTILE = b"title\x1b]0;pwned\x07 clip\x1b]52;c;ZWNobyBoaQ==\x07 clear\x1b[2J nul\x00 del\x7f c1\xc2\x9b end\n"


def _write(tmp_path: Path, body: str, base: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(f'format = 1\n[variables]\nbase = "{base}"\n\n' + body, encoding="utf-8")
    return path


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["run", *map(str, args)], catch_exceptions=False)


def test_caret_escape_is_cat_v() -> None:
    assert caret_escape("a\x1b[31mb\x00\x7f\tc\nd\x9b\u202e") == "a^[[31mb^@^?\tc\nd" + "M-^[" + "<U+202E>"
    assert caret_escape("plain ünïcode") == "plain ünïcode"


def test_a_response_body_with_escape_sequences_is_shown_escaped(httpbin_url: str, tmp_path: Path) -> None:
    encoded = base64.urlsafe_b64encode(HOSTILE).decode()
    result = _run(_write(tmp_path, f'[[requests]]\nname = "b"\nurl = "{{{{base}}}}/base64/{encoded}"\n', httpbin_url), "-v")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out and "\x7f" not in out and "\x9b" not in out
    assert "^[]52;c;ZWNobyBoaQ==^G" in out and "^[]0;pwned^G" in out and "^[[2J" in out


def test_a_request_name_with_escapes_and_markup_is_shown_as_typed(httpbin_url: str, tmp_path: Path) -> None:
    body = '[[requests]]\nname = "red\\u001b[31m [bold]x[/bold]"\nurl = "{{base}}/get"\n'
    result = _run(_write(tmp_path, body, httpbin_url), "--repeat", "2")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "red^[[31m [bold]x[/bold]" in result.output  # in the result lines and the stats table
    table = [line for line in result.output.splitlines() if "│" in line or "┃" in line]
    assert any("[bold]x[/bold]" in line for line in table)


def test_a_nul_in_a_url_is_not_printed_raw(tmp_path: Path) -> None:
    result = _run(_write(tmp_path, '[[requests]]\nname = "n\\u001b]0;t\\u0007"\nurl = "http://a\\u0000b/"\n', "http://x"))
    assert result.exit_code == 2
    assert "\x00" not in result.output and "\x1b" not in result.output and "\x07" not in result.output
    assert "request 'n\\x1b]0;t\\x07', url: invalid URL" in result.output  # (shown as Python writes it)


async def test_on_a_colour_terminal_only_our_own_styling_reaches_it(httpbin_url: str, tmp_path: Path) -> None:
    encoded = base64.urlsafe_b64encode(HOSTILE).decode()
    body = f'[[requests]]\nname = "b\\u001b]52;c;eA==\\u0007"\nurl = "{{{{base}}}}/base64/{encoded}"\n'
    collection = store.load(_write(tmp_path, body, httpbin_url))
    buffer = io.StringIO()
    printer = RunPrinter(Console(file=buffer, force_terminal=True, color_system="truecolor", width=200), verbose=True)
    with printer:
        summary = await run(collection, RunOptions(on_event=printer.on_event), printer.on_result)
    printer.summary(summary)
    out = buffer.getvalue()
    # Rich's own SGR colours and cursor/erase-line codes of its live display are fine;
    # nothing else: no OSC (ESC ]), no clear screen (ESC [2J), no raw NUL or BEL.
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x00" not in out and "\x07" not in out
    others = re.sub(r"\x1b\[[0-9;?]*[mKAGlhD]", "", out)
    assert "\x1b" not in others
    assert "^[]52;c;ZWNobyBoaQ==^G" in out
