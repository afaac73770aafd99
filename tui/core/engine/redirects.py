"""Per-hop checks when httpx follows redirects: the target must be a URL we can send, and headers
carrying secrets are not forwarded to another origin.

httpx itself drops Authorization and Cookie when a redirect leaves the origin, but forwards every
other header (X-Api-Key, Proxy-Authorization, ...). The engine attaches a `RedirectGuard` to each
request's extensions; `on_request` (an httpx "request" event hook, run for the first request and
every redirect) removes the guarded headers once the scheme, host or port differs from the
first request's, unless the request opted in with `forward_secrets = true`.

    RedirectGuard(origin, first_url, strip)    # strip: header names (any case) not to forward
    guard_for(url, headers, env_values, forward_secrets) -> RedirectGuard
    on_request(request)                         # the hook; raises InvalidURL for a bad target
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from tui.core.engine.checks import check_parsed_url
from tui.core.errors import InvalidURL
from tui.core.replay.masking import is_secret_name

__all__ = ["GUARD_KEY", "RedirectGuard", "guard_for", "on_request", "origin_of"]

GUARD_KEY = "reqbench.redirect_guard"

Origin = tuple[str, str, int]


def origin_of(url: httpx.URL) -> Origin:
    port = url.port or {"http": 80, "https": 443}.get(url.scheme, 0)
    return (url.scheme, url.host, port)


@dataclass(frozen=True, slots=True)
class RedirectGuard:
    origin: Origin
    first_url: str
    strip: tuple[str, ...]


def guard_for(url: httpx.URL, headers: Iterable[tuple[str, str]], env_values: Iterable[str], forward_secrets: bool) -> RedirectGuard:
    """The headers not to forward across origins: secret-looking names, and any whose value holds
    a value that came from `{{env:...}}` (all kept when `forward_secrets`)."""
    strip: tuple[str, ...] = ()
    if not forward_secrets:
        secrets = [value for value in env_values if value]
        strip = tuple(
            dict.fromkeys(
                name for name, value in headers if is_secret_name(name) or any(secret in value for secret in secrets)
            )
        )
    return RedirectGuard(origin_of(url), str(url), strip)


async def on_request(request: httpx.Request) -> None:
    guard = request.extensions.get(GUARD_KEY)
    if not isinstance(guard, RedirectGuard):
        return
    if str(request.url) == guard.first_url:
        return
    try:
        check_parsed_url(request.url, str(request.url))
    except InvalidURL as error:
        raise InvalidURL(f"the server redirected to an unusable URL: {error}") from None
    if guard.strip and origin_of(request.url) != guard.origin:
        for name in guard.strip:
            if name in request.headers:
                del request.headers[name]
