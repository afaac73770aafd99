"""The URL check made before anything is sent.

    check_url(url) -> None      raises errors.InvalidURL with a message naming the problem

httpx accepts some URLs it cannot send (a port over 65535 fails deep in the socket layer as an
OverflowError) and quietly rewrites others (`http://exa mple.com/` is sent to `exa%20mple.com`
and looked up in DNS). Checked here, in the terms a user typed: empty, no scheme, a scheme
other than http(s), no host, an unclosed `[`, whitespace in the host, a port that is not a
number from 1 to 65535, a host that is not valid IDNA.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import idna

from tui.core.errors import InvalidURL

__all__ = ["check_url"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")


def _invalid(url: str, problem: str) -> InvalidURL:
    return InvalidURL(f"invalid URL {url!r}: {problem}")


def check_url(url: str) -> None:
    """Raise `InvalidURL` unless `url` is an absolute http(s) URL that can be sent as typed."""
    text = url.strip()
    if not text:
        raise InvalidURL("invalid URL: it is empty")
    scheme = _SCHEME.match(text)
    if scheme is None or not text[scheme.end() :].startswith("//"):
        raise _invalid(url, "no scheme; start it with http:// or https://")
    if scheme.group(1).lower() not in ("http", "https"):
        raise _invalid(url, f"the scheme {scheme.group(1)!r} is not http or https")
    authority = text[scheme.end() + 2 :].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host_port = authority.rpartition("@")[2]
    if _SPACE.search(host_port):
        raise _invalid(url, "the host contains a space or a control character")
    if "[" in host_port and "]" not in host_port:
        raise _invalid(url, "the '[' of an IPv6 address is not closed")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:  # a bad IPv6 literal, a port that is not a number or over 65535
        message = str(error)
        if "Port" in message or "port" in message:
            raise _invalid(url, "the port must be a number from 1 to 65535") from None
        raise _invalid(url, message) from None
    if port == 0:
        raise _invalid(url, "the port must be a number from 1 to 65535")
    host = parts.hostname or ""
    if not host:
        raise _invalid(url, "there is no host")
    if host_port.startswith("["):
        return
    if host.isascii():  # underscores are allowed (docker service names); IDNA would refuse them
        if not re.fullmatch(r"[A-Za-z0-9._-]+", host):
            raise _invalid(url, "the host may hold only letters, digits, '.', '-' and '_'")
        if any(not 0 < len(label) < 64 for label in host.removesuffix(".").split(".")) or len(host) > 253:
            raise _invalid(url, "the host has an empty label or one over 63 characters")
        return
    try:
        idna.encode(host, uts46=True)
    except idna.IDNAError as error:
        raise _invalid(url, f"the host is not a valid international name ({error})") from None
