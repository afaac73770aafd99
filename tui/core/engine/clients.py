"""The small cache of pooled `httpx.AsyncClient`s, one per set of options httpx fixes per client."""

from __future__ import annotations

import http.cookiejar
import ssl
from pathlib import Path

import httpx

from tui.core import errors
from tui.core.engine.redirects import on_request
from tui.core.engine.resolved import ResolvedRequest

__all__ = ["USER_AGENT", "ClientCache", "ClientKey", "NoCookies"]

USER_AGENT = "reqbench/0.1"

# verify (True / False / CA bundle path), http2, client cert, proxy, cookies on. `ResolvedRequest`
# has no cert/proxy fields yet, so those are None (httpx still honours the *_PROXY environment vars).
ClientKey = tuple[bool | str, bool, str | None, str | None, bool]


class NoCookies(http.cookiejar.CookiePolicy):
    """The policy of the jar given to clients of `cookies = false` requests: accept none, send none."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def domain_return_ok(self, domain: str, request: object) -> bool:
        return False

    def path_return_ok(self, path: str, request: object) -> bool:
        return False


def _verify_for(verify: bool | Path) -> ssl.SSLContext | bool:
    if isinstance(verify, bool):
        return verify
    try:
        return ssl.create_default_context(cafile=str(verify))
    except FileNotFoundError as exc:
        raise errors.TLSError(f'CA bundle {verify} not found (verify = "{verify}")') from exc
    except (ssl.SSLError, OSError) as exc:
        raise errors.TLSError(f"cannot load CA bundle {verify}: {exc}") from exc


def client_key(request: ResolvedRequest) -> ClientKey:
    verify: bool | str = request.verify if isinstance(request.verify, bool) else str(request.verify)
    return (verify, request.http2, None, None, request.cookies)


class ClientCache:
    """Creates a client the first time a key is seen and reuses it for the cache's lifetime.
    Every client with cookies on shares `cookies` (one jar for the whole engine)."""

    def __init__(self, *, max_redirects: int, cookies: http.cookiejar.CookieJar | None = None) -> None:
        self.max_redirects = max_redirects
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self.created = 0
        self._clients: dict[ClientKey, httpx.AsyncClient] = {}

    def __len__(self) -> int:
        return len(self._clients)

    def get(self, request: ResolvedRequest) -> httpx.AsyncClient:
        key = client_key(request)
        client = self._clients.get(key)
        if client is None:
            client = self._make(request)
            self._clients[key] = client
            self.created += 1
        return client

    def _make(self, request: ResolvedRequest) -> httpx.AsyncClient:
        try:
            return httpx.AsyncClient(
                verify=_verify_for(request.verify),
                http2=request.http2,
                follow_redirects=False,  # decided per request in send()
                max_redirects=self.max_redirects,
                headers={"User-Agent": USER_AGENT},
                # httpx.Cookies(jar) wraps this very jar (a Cookies or dict would be copied)
                cookies=self.cookies if request.cookies else http.cookiejar.CookieJar(NoCookies()),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                event_hooks={"request": [on_request]},  # checks each redirect hop
            )
        except ImportError as exc:
            raise errors.RequestError(
                "HTTP/2 needs the h2 package: pip install 'reqbench[http2]' (or set http2 = false)"
            ) from exc

    async def aclose(self) -> None:
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            await client.aclose()
