"""`url_with_params`: the one text form of "URL plus params" shown by the viewer, the replay
report and the curl command."""

import pytest

from tui.core.engine.resolved import ResolvedRequest, url_with_params


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("http://h/get", (), "http://h/get"),
        ("http://h/get", (("a", "1"), ("a", "2")), "http://h/get?a=1&a=2"),
        ("http://h/get?x=1", (("a", "b c"),), "http://h/get?x=1&a=b+c"),
        ("http://h/get?", (("a", "1"),), "http://h/get?a=1"),
        ("http://h/get?x=1&", (("a", "1"),), "http://h/get?x=1&a=1"),
        ("http://h/get#top", (("a", "&"),), "http://h/get?a=%26#top"),
    ],
)
def test_url_with_params(url: str, params: tuple[tuple[str, str], ...], expected: str) -> None:
    assert url_with_params(url, params) == expected
    assert ResolvedRequest(name="r", method="GET", url=url, params=params).full_url == expected
