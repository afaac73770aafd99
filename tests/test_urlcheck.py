"""The pre-send URL check (tui/core/engine/urlcheck.py): what httpx would reject deep in the
socket layer or quietly rewrite is refused with a message naming the problem."""

from __future__ import annotations

import pytest

from tui.core import errors
from tui.core.engine.urlcheck import check_url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("example.com/get", "no scheme"),
        ("localhost:8080/get", "no scheme"),
        ("ftp://example.com/", "'ftp' is not http"),
        ("http://exa mple.com/", "space"),
        ("http://exa\tmple.com/", "space"),
        ("http://127.0.0.1:99999/get", "port"),
        ("http://127.0.0.1:0/get", "port"),
        ("http://127.0.0.1:http/get", "port"),
        ("http://[::1/get", "'[' of an IPv6"),
        ("http:///get", "no host"),
        ("http://a..b/", "empty label"),
        ("http://" + "a" * 64 + ".com/", "over 63"),
        ("http://exa%20mple.com/", "only letters"),
        ("http://☃.net/", "international name"),
    ],
)
def test_invalid_urls_are_refused_with_the_problem(url: str, problem: str) -> None:
    with pytest.raises(errors.InvalidURL) as caught:
        check_url(url)
    assert problem in str(caught.value)
    assert str(caught.value).startswith("invalid URL")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/get?q=a b",  # a space in the query is encoded, not a host problem
        "https://example.com",
        "HTTPS://EXAMPLE.COM:443/x#frag",
        "http://[::1]:8080/x",
        "http://user:secret@host.test/x",
        "http://my_service:8000/",
        "http://bücher.example/",
        "http://xn--bcher-kva.example/",
        "http://example.com./",
        "http://127.0.0.1:65535/",
    ],
)
def test_valid_urls_pass(url: str) -> None:
    check_url(url)
