"""Hide credentials in what reqbench prints and writes (verbose output, reports).

    is_secret_name(name) -> bool         # Authorization, Proxy-Authorization, Cookie, Set-Cookie,
                                         # or a name containing token / secret / key / password
    is_secret_param(name) -> bool        # query parameters: stricter about "key" (api_key, not key1)
    mask_value(value) -> str             # "Bearer abc" -> "Bearer ***", anything else -> "***"
    Masker                               # remembers secret values and hides them anywhere in text

Every value read from `{{env:NAME}}` is a secret wherever it lands (`Masker.add_env`: a path,
a `q` param, a body, an expected value), in any case when it is `min_length` long or more.
A `Masker` learns secrets from what it masks by name (header values, query parameters,
credentials of `auth`, captured values whose variable name looks secret), so the same value
echoed back in a response body (httpbin's `/headers` does exactly that) is hidden too.
Values shorter than `min_length` are only masked by name, never searched for in free text,
so that masking a 3-character password does not shred every "123" in a body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from tui.core.collection.model import Auth

__all__ = ["MASK", "Masker", "is_secret_name", "is_secret_param", "mask_value"]

MASK = "***"
_SECRET_NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_WORDS = ("token", "secret", "key", "password", "passwd")
_SECRET_PARAM = re.compile(r"token|secret|passw|auth|signature|(api|access|private|client|secret|app)[-_]?key|^sig$", re.IGNORECASE)
# Anything `_SECRET_PARAM` can find in a decoded parameter name contains one of these.
_MAYBE_SECRET_QUERY = re.compile(r"token|secret|passw|auth|signature|key|sig", re.IGNORECASE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s+(\S.*)$")
# An http(s) URL that urlsplit + urlunsplit give back unchanged and that can hold no secret to
# mask: no userinfo ("@"), no escapes ("%"), no fragment, no empty query; the query is then
# checked for secret-looking names. (Sent URLs usually look like this and are each new.)
_CUT = re.compile(r"\.\.\.|…")
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.:-]+(?:/[A-Za-z0-9._~!$&'()*+,;=:/-]*)?(?:\?([A-Za-z0-9._~!$&'()*+,;=:/?-]+))?")


@lru_cache(maxsize=1024)  # header names repeat on every request
def is_secret_name(name: str) -> bool:
    lower = name.lower()
    return lower in _SECRET_NAMES or any(word in lower for word in _SECRET_WORDS)


@lru_cache(maxsize=1024)  # parameter names repeat on every request too
def is_secret_param(name: str) -> bool:
    """A query parameter that carries a credential: `api_key`, `access_token`, `password`, ...
    but not an ordinary `key1` (query strings use "key" for much else)."""
    return _SECRET_PARAM.search(name) is not None


def mask_value(value: str) -> str:
    """Keep an auth scheme ("Basic", "Bearer") visible, hide the credential."""
    match = _SCHEME.match(value)
    if match and match.group(1).lower() in ("basic", "bearer", "digest", "token"):
        return f"{match.group(1)} {MASK}"
    return MASK if value else value


class Masker:
    def __init__(self, *, min_length: int = 4) -> None:
        self.min_length = min_length
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._urls: dict[str, str] = {}  # url -> its rewrite before text(); learning is done by then

    def add(self, value: str) -> None:
        """Remember a secret value (and the credential part of "Scheme credential")."""
        candidates = {value.strip()}
        match = _SCHEME.match(value.strip())
        if match:
            candidates.add(match.group(2).strip())
        for piece in value.split(";"):  # cookies: "a=1; b=2" and "sid=abc; Path=/"
            name, sep, cookie_value = piece.strip().partition("=")
            if sep and name.lower() not in ("path", "domain", "expires", "max-age", "samesite"):
                candidates.add(cookie_value.strip())
        fresh = {c for c in candidates if len(c) >= self.min_length and c not in self._secrets}
        if fresh:
            self._secrets |= fresh
            self._pattern = None

    def add_env(self, value: str) -> None:
        """Remember a value read from `{{env:...}}`, also as it looks percent-encoded in a URL
        or form and escaped inside a JSON string (how servers echo it back)."""
        value = value.strip()
        if len(value) < self.min_length:
            return
        forms = {value, quote(value, safe=""), quote(value), quote_plus(value), quote_plus(value, safe="/"), json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}
        fresh = {form for form in forms if form and form not in self._secrets}
        if fresh:
            self._secrets |= fresh
            self._pattern = None

    def add_auth(self, auth: Auth | None) -> None:
        if auth is not None:
            for value in (auth.password, auth.token):
                if value:
                    self.add(value)

    def header(self, name: str, value: str) -> str:
        if is_secret_name(name):
            self.add(value)
            return mask_value(value)
        return self.text(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Mask secret-named headers (and learn their values) first, then the rest by value."""
        pairs = list(headers)
        for name, value in pairs:
            if is_secret_name(name):
                self.add(value)
        return [(name, self.header(name, value)) for name, value in pairs]

    def learn_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        for name, value in headers:
            if is_secret_name(name):
                self.add(value)

    def url(self, url: str) -> str:
        """Mask query parameters with secret-looking names and any userinfo password."""
        rewritten = self._urls.get(url)
        if rewritten is None:
            rewritten = self._rewrite_url(url)
            if len(self._urls) >= 512:
                self._urls.clear()
            self._urls[url] = rewritten
        return self.text(rewritten)

    def _rewrite_url(self, url: str) -> str:
        """`url` with secret parameters and the userinfo password replaced (values learnt)."""
        plain = _PLAIN_URL.fullmatch(url)
        if plain is not None and (plain.group(1) is None or not _MAYBE_SECRET_QUERY.search(plain.group(1))):
            return url  # nothing to mask, nothing to learn: no need to take it apart
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        netloc = parts.netloc
        if parts.password:
            self.add(parts.password)
            netloc = netloc.replace(":" + parts.password + "@", ":" + MASK + "@")
        query = parts.query
        if query and ("%" in query or _MAYBE_SECRET_QUERY.search(query)):  # else no secret name
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(is_secret_param(name) for name, _ in pairs):
                for name, value in pairs:
                    if is_secret_param(name):
                        self.add(value)
                query = "&".join(
                    f"{quote(name, safe='')}={MASK if is_secret_param(name) else quote(value, safe='')}" for name, value in pairs
                )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def text(self, text: str) -> str:
        """Replace every remembered secret in free text, and the start of one cut off by a
        shortened preview ("...", "…")."""
        if not self._secrets or not text:
            return text
        if self._pattern is None:
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))
        masked = self._pattern.sub(MASK, text)
        if "..." in masked or "…" in masked:
            masked = self._mask_cut(masked)
        return masked

    def _mask_cut(self, text: str) -> str:
        """`text` with the start of a secret that a preview cut off right before "..." masked."""
        pieces: list[str] = []
        last = 0
        for match in _CUT.finditer(text):
            start = match.start()
            cut = self._cut_length(text, last, start)
            pieces.append(text[last : start - cut])
            if cut:
                pieces.append(MASK)
            pieces.append(match.group())
            last = match.end()
        pieces.append(text[last:])
        return "".join(pieces)

    def _cut_length(self, text: str, low: int, end: int) -> int:
        best = 0
        for secret in self._secrets:
            for length in range(min(len(secret) - 1, end - low), max(self.min_length, best + 1) - 1, -1):
                if text.startswith(secret[:length], end - length):
                    best = length
                    break
        return best
