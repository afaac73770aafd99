"""Which values count as credentials, and how they are hidden (pure logic)."""

from __future__ import annotations

import pytest

from tui.core.replay.masking import Masker, is_secret_name, is_secret_param, mask_value
from tui.core.collection.model import Auth


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("proxy-authorization", True),
        ("Cookie", True),
        ("Set-Cookie", True),
        ("X-Api-Key", True),
        ("X-Auth-Token", True),
        ("X-Client-Secret", True),
        ("X-Password", True),
        ("Content-Type", False),
        ("Keep-Alive", False),
        ("Accept", False),
    ],
)
def test_secret_header_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


@pytest.mark.parametrize(("name", "secret"), [("api_key", True), ("access_token", True), ("password", True), ("key1", False), ("key", False), ("monkey", False), ("q", False)])
def test_secret_query_parameter_names(name: str, secret: bool) -> None:
    assert is_secret_param(name) is secret


def test_mask_value_keeps_the_scheme() -> None:
    assert mask_value("Bearer abc.def") == "Bearer ***"
    assert mask_value("Basic dG9tOnB3") == "Basic ***"
    assert mask_value("sid=123; Path=/") == "***"
    assert mask_value("") == ""


def test_masker_hides_learned_values_everywhere() -> None:
    masker = Masker()
    headers = masker.headers([("Authorization", "Bearer s3cr3t-value"), ("Cookie", "sid=abcdef; theme=dark"), ("Accept", "*/*")])
    assert headers == [("Authorization", "Bearer ***"), ("Cookie", "***"), ("Accept", "*/*")]
    echoed = '{"Authorization": "Bearer s3cr3t-value", "Cookie": "sid=abcdef; theme=dark", "token": "s3cr3t-value"}'
    masked = masker.text(echoed)
    assert "s3cr3t-value" not in masked and "abcdef" not in masked
    assert "theme=dark" not in masked  # the whole cookie header value was learned too


def test_masker_urls_and_auth() -> None:
    masker = Masker()
    assert masker.url("https://u:hunter22@example.org/p?api_key=k-123456&page=2") == "https://u:***@example.org/p?api_key=***&page=2"
    assert masker.text("k-123456 and hunter22") == "*** and ***"
    masker.add_auth(Auth("basic", user="tom", password="pa55word"))
    assert masker.text("pa55word") == "***"


def test_short_values_are_masked_by_name_only() -> None:
    masker = Masker()
    assert masker.header("X-Password", "123") == "***"
    assert masker.text("/bytes/123") == "/bytes/123"
