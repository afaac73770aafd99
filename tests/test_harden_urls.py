"""Invalid URLs are found before anything is sent: `check_url` (public, for the URL bar) and
replay's plan, which reuses the engine's check so `reqbench run` exits 2 naming request and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from servers.recording import recording_server
from tui.cli import main
from tui.core.engine import check_url
from tui.core.errors import InvalidURL

BAD = [
    "",
    "   ",
    "example.com/path",
    "//example.com/",
    "ftp://example.com/",
    "file:///etc/passwd",
    "http://xn--a.com/",
    "http://[::1/",
    "http://exa mple.com/",
    "http://127.0.0.1:99999/",
    "http://127.0.0.1:0/",
    "http:///path",
    "http://a\x00b/",
    "http://ex%41mple.com/",
]
GOOD = ["http://127.0.0.1:8080/get?a=1", "https://example.com", "http://[::1]:8080/", "HTTP://Example.COM/x#frag", "http://user:pw@host/"]


@pytest.mark.parametrize("url", BAD)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(InvalidURL) as caught:
        check_url(url)
    assert caught.value.field == "url"
    assert "invalid URL" in str(caught.value)


@pytest.mark.parametrize("url", GOOD)
def test_check_url_accepts(url: str) -> None:
    check_url(url)


@pytest.mark.parametrize("url", [u for u in BAD if u.strip() and "\x00" not in u])
def test_run_exits_2_naming_request_and_field_and_sends_nothing(tmp_path: Path, url: str) -> None:
    with recording_server() as server:
        path = tmp_path / "c.toml"
        path.write_text(
            f'format = 1\n[[requests]]\nname = "first"\nurl = "{server.url}/first"\n\n'
            f'[[requests]]\nname = "later"\nurl = "{url}"\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["run", str(path)], catch_exceptions=False)
        assert server.requests == []  # not even the valid first request was sent
    assert result.exit_code == 2, result.output
    assert "request 'later', url: invalid URL" in result.output
    assert "nothing was sent" in result.output
