"""The small cache of pooled `httpx.AsyncClient`s, one per set of options httpx fixes per client."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx

from tui.core import errors
from tui.core.engine.redirects import on_request
from tui.core.engine.resolved import ResolvedRequest

__all__ = ["USER_AGENT", "ClientCache", "ClientKey"]

USER_AGENT = "reqbench/0.1"

# verify (True / False / CA bundle path), http2, client cert, proxy. `ResolvedRequest` has no
# cert/proxy fields yet, so those are None (httpx still honours the *_PROXY environment vars).
ClientKey = tuple[bool | str, bool, str | None, str | None]


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
    return (verify, request.http2, None, None)


class ClientCache:
    """Creates a client the first time a key is seen and reuses it for the cache's lifetime."""

    def __init__(self, *, max_redirects: int) -> None:
        self.max_redirects = max_redirects
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
