"""Keys as real terminals send them: the workbench in a pseudo-terminal, fed the bytes xterm
and tmux write, read back through a terminal emulator (see tests/ptyterm.py).

Pilot delivers Textual key events one at a time; these tests write bytes, several keys in one
write where a burst or a paste would arrive that way, so they catch what Pilot cannot.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from ptyterm import XTERM, PtyApp, bracketed_paste

pytestmark = pytest.mark.timeout(120)


def write_collection(folder: Path, body: str) -> Path:
    path = folder / "keys.toml"
    path.write_text("format = 1\n\n" + textwrap.dedent(body))
    return path


@pytest.fixture
def post_json(tmp_path: Path) -> Path:
    return write_collection(
        tmp_path,
        """
        [[requests]]
        name = "post json"
        method = "POST"
        url = "http://127.0.0.1:9/post"
        body = { json = '{"a":1,"b":[1,2]}' }
        """,
    )


def started(path: Path, size: tuple[int, int] = (80, 24)) -> PtyApp:
    term = PtyApp([str(path)], size=size, cwd=path.parent)
    term.wait_for("Params")
    term.wait_quiet(0.5)  # the lazily mounted editors are in place
    return term


def url_line(term: PtyApp) -> str:
    return term.display[1]


def test_a_burst_of_rows_lands_field_by_field(post_json: Path) -> None:
    """`k1<CR>v1<TAB>k2<TAB>v2` in one write: each text in its own field, as typed slowly."""
    with started(post_json) as term:
        term.write(XTERM["alt+p"] + "k1\rv1\tk2\tv2\rk3\rv3")
        term.wait_until(lambda: "k3=v3" in url_line(term), what="the third param in the URL")
        assert "?k1=v1&k2=v2&k3=v3" in url_line(term)
        rows = [line for line in term.display if re.match(r"\s*▐X▌", line)]
        assert [row.split()[1:3] for row in rows] == [["k1", "v1"], ["k2", "v2"], ["k3", "v3"]]


def test_a_pasted_value_goes_to_the_field_with_focus(post_json: Path) -> None:
    with started(post_json) as term:
        term.write(XTERM["alt+h"] + bracketed_paste("X-Pasted") + "\r" + bracketed_paste("yes please"))
        term.wait_until(lambda: term.line_with("X-Pasted") is not None, what="the pasted header")
        term.wait_quiet()
        row = term.line_with("X-Pasted")
        assert row is not None and "yes please" in row, term.text
