"""The URL as the URL bar shows it: the request's URL with its enabled params as a query
string, and back (what is typed after `?` becomes the enabled params).

`{{variables}}` stay readable: they are not percent-encoded here. What is sent is built by
the engine from the resolved request (`ResolvedRequest.full_url`), not from this text.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, unquote

from tui.core.collection.model import Pair, Request

__all__ = ["apply_url", "display_url", "parse_query", "query_string", "split_display_url"]

# Characters left as typed when a param is shown in the URL: `{{var}}` stays readable.
_QUERY_SAFE = "{}:/@!$'()*+,;?[]|~"


def query_string(params: Iterable[Pair]) -> str:
    """`a=1&b=2` of the enabled rows, percent-encoding all but `_QUERY_SAFE`."""
    return "&".join(
        quote(p.name, safe=_QUERY_SAFE) + "=" + quote(p.value, safe=_QUERY_SAFE)
        for p in params
        if p.enabled
    )


def parse_query(query: str) -> list[Pair]:
    """The pairs of a query string, in order, repeated names kept; empty pieces skipped."""
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append(Pair(unquote(name), unquote(value)))
    return pairs


def display_url(request: Request) -> str:
    """The URL as shown in the URL bar: the request's URL plus its enabled params."""
    query = query_string(request.params)
    if not query:
        return request.url
    return request.url + ("&" if "?" in request.url else "?") + query


def split_display_url(url: str, params: Iterable[Pair]) -> tuple[str, list[Pair]]:
    """What a typed URL means for the model: the URL before `?`, and the params — the typed
    query's pairs (enabled) followed by the disabled rows of `params`, which are kept."""
    base, has_query, query = url.partition("?")
    enabled = parse_query(query) if has_query else []
    return base, enabled + [p for p in params if not p.enabled]


def apply_url(request: Request, url: str) -> bool:
    """`url` typed for `request` (`split_display_url`); returns whether the params changed."""
    base, params = split_display_url(url, request.params)
    request.url = base
    if params == request.params:
        return False
    request.params = params
    return True
