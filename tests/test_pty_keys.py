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


def started(path: Path, size: tuple[int, int] = (80, 24), term_name: str = "xterm-256color") -> PtyApp:
    term = PtyApp([str(path)], size=size, cwd=path.parent, term=term_name)
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



def test_a_burst_of_multipart_fields_lands_field_by_field(post_json: Path) -> None:
    """Multipart mode and a file part chosen at human speed, then name, path, filename and
    content type in one write: each in its own field (a path once landed in the name)."""
    with started(post_json) as term:
        term.write(XTERM["alt+y"])
        term.wait_for("JSON")
        term.press("enter")  # the body mode, at human speed, each step seen on the screen
        term.wait_for("binary")
        term.press("m")
        term.wait_quiet()
        term.press("enter")
        term.wait_until(lambda: "binary" not in term.text and "multipart" in term.text, what="multipart mode")
        term.press("tab", "tab")  # content type, then the first part's kind
        term.wait_quiet()
        term.press("enter")
        term.wait_until(lambda: term.line_with("file") is not None, what="the kinds")
        term.press("f")
        term.wait_quiet()
        term.press("enter")
        term.wait_until(lambda: re.match(r"\s*file\s+▼", term.display[5]) is not None, what="a file part")
        term.write("\tupload\tmyfile.txt\tf.txt\ttext/plain")
        term.wait_until(lambda: (term.line_with("text/plain") or "").count("txt") == 2, what="the part's fields")
        assert term.line_with("text/plain").split() == ["file", "▼", "upload", "myfile.txt", "f.txt", "text/plain"]

def test_a_pasted_value_goes_to_the_field_with_focus(post_json: Path) -> None:
    with started(post_json) as term:
        term.write(XTERM["alt+h"] + bracketed_paste("X-Pasted") + "\r" + bracketed_paste("yes please"))
        term.wait_until(lambda: term.line_with("X-Pasted") is not None, what="the pasted header")
        term.wait_quiet()
        row = term.line_with("X-Pasted")
        assert row is not None and "yes please" in row, term.text


# -- bug 1: keys that arrive intact over xterm, tmux and SSH -----------------------------------
TERMINALS = [
    pytest.param("xterm-256color", (80, 24), id="xterm-80x24"),
    pytest.param("screen-256color", (80, 24), id="tmux-80x24"),
    pytest.param("screen-256color", (60, 20), id="tmux-60x20"),
]


@pytest.mark.parametrize(("term_name", "size"), TERMINALS)
def test_alt_y_shows_the_body_and_alt_g_formats_the_json(post_json: Path, term_name: str, size: tuple[int, int]) -> None:
    """`ESC y` / `ESC g` (alt+y / alt+g as xterm and tmux send them) reach the Body tab and
    format-JSON; alt+b and alt+f cannot: those bytes are ctrl+left / ctrl+right."""
    with started(post_json, size, term_name) as term:
        assert '{"a":1,"b":[1,2]}' not in term.text  # the Params tab is shown
        term.write(XTERM["alt+y"])
        term.wait_for('{"a":1,"b":[1,2]}')
        term.write(XTERM["alt+g"])
        # indented over 7 lines (the editor shows the last ones, where the cursor is)
        term.wait_until(lambda: re.search(r"7 +\}", term.text) is not None, what="the formatted JSON")
        assert '{"a":1,"b":[1,2]}' not in term.text
        assert "post" in url_line(term)


@pytest.mark.parametrize(("term_name", "size"), TERMINALS[:2])
def test_word_motion_in_the_url_also_in_a_burst(post_json: Path, term_name: str, size: tuple[int, int]) -> None:
    """`ESC b` (alt+b) and `ESC [1;5D` (ctrl+left) move a word left in the URL, and keys typed
    right behind them in the same write land after the motion, not before it."""
    with started(post_json, size, term_name) as term:
        term.write(XTERM["ctrl+l"] + XTERM["alt+b"] + "X")
        term.wait_for("9/Xpost")
        term.write(XTERM["ctrl+left"] + "Y" + XTERM["ctrl+right"] + "Z")
        term.wait_for("9/YXpostZ")
        assert '{"a":1' not in term.text  # alt+b did not open the Body tab


def test_editing_keys_in_a_burst_apply_in_order(post_json: Path) -> None:
    """Backspaces and arrows written together with text: the result is what slow typing gives."""
    with started(post_json) as term:
        term.write(XTERM["ctrl+l"] + XTERM["backspace"] * 4 + "get" + XTERM["left"] + "x" + XTERM["right"] + "!")
        term.wait_for("9/gext!")


# -- bug 2: the save-body dialog takes the keys typed after `s` ---------------------------------
def test_save_body_dialog_takes_a_path_typed_in_the_same_burst(tmp_path: Path, httpbin_url: str) -> None:
    path = write_collection(
        tmp_path,
        f"""
        [[requests]]
        name = "get"
        url = "{httpbin_url}/get?saved=yes"
        """,
    )
    target = tmp_path / "saved.json"
    with started(path) as term:
        term.write(XTERM["ctrl+j"])
        term.wait_for("200")
        term.wait_quiet()
        # alt+r (focus the response), s (save), a path and enter, all in one read
        term.write(XTERM["alt+r"] + "s" + XTERM["ctrl+u"] + str(target) + "\r")
        term.wait_until(target.exists, what="the saved body")
        term.wait_until(lambda: b'"saved": "yes"' in target.read_bytes(), what="the body in the file")


# -- bug 3: keys typed right after `n` (new request) --------------------------------------------
@pytest.mark.parametrize("gap", [0.0, 0.3], ids=["burst", "typed-after-0.3s"])
def test_a_url_typed_right_after_n_lands_in_the_new_request(post_json: Path, gap: float) -> None:
    with started(post_json) as term:
        term.write(XTERM["ctrl+b"])
        term.wait_until(lambda: term.line_with("post json") is not None, what="the sidebar")
        term.wait_quiet()
        if gap:
            term.write("n")
            term.pump(gap)
            term.write("http://new.test/{{x}}/y")
        else:
            term.write("nhttp://new.test/{{x}}/y")  # "n" again in the URL: typed, not a second request
        # the status line is computed from the model: the request got the URL, not only the bar
        term.wait_until(lambda: "unknown: {{x}} in url" in term.display[0], what="the URL in the new request")
        term.wait_quiet()
        assert "http://new.test/{{x}}/y" in url_line(term)
        assert "1/2" in term.display[0] or "2/2" in term.display[0], term.display[0]  # one new request
        assert sum("new request" in line for line in term.display[1:]) == 1


def test_an_alt_key_followed_by_a_long_burst_is_still_the_alt_key(post_json: Path) -> None:
    """Textual typed `ESC h` + 31 or more bytes of the same read as "^h…" (it gave up on the
    escape sequence); the app reads ESC + letter as alt+letter at once."""
    with started(post_json) as term:
        term.write(XTERM["alt+h"] + "X-A-Rather-Long-Header-Name\tand-a-long-enough-value")
        term.wait_until(lambda: term.line_with("X-A-Rather-Long-Header-Name") is not None, what="the header row")
        term.wait_quiet()
        row = term.line_with("X-A-Rather-Long-Header-Name")
        assert row is not None and "and-a-long-enough-value" in row
        assert "^" not in url_line(term) and "X-A-Rather" not in url_line(term)
