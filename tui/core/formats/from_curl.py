"""Import curl command lines (as API docs and browsers' "Copy as cURL" write them).

One module on purpose: curl's option table, the bash tokenising it needs and the mapping of
each option onto the model are read together when checking an option against curl's manual.

    import_text(text, ctx) -> ImportResult     # every `curl …` command in text, one request per URL
    parse_curl(command, *, base_dir=None) -> tuple[Request, list[str]]
                                               # one command, for pasting into the URL bar

What curl would send is what the request sends (checked byte for byte against real curl in
`tests/test_import_curl_vs_curl.py`), with these documented differences the model cannot
express: reqbench always sends its own `User-Agent` and `Accept-Encoding` (curl sends
`Accept-Encoding` only with `--compressed`), cannot remove a header (`-H 'Accept:'`), sends a
`-T` upload with `Content-Type: application/octet-stream` where curl sends none, sends
`Content-Length: 0` on a body-less POST/PUT/PATCH (httpx does; curl sends none), and never sends
`Expect: 100-continue`. Header order is reqbench's (the imported headers keep their order).

Mapping (curl option -> request):
  -X/--request METHOD; -I/--head HEAD; -G/--get data into the query; -T/--upload-file PUT + file
  -H "Name: value", "Name;" (empty value); "Name:" removes (reported: reqbench cannot remove)
  -d/--data/--data-ascii (`@file`: newlines stripped by curl, reported), --data-raw,
  --data-binary, --data-urlencode (`content`, `=content`, `name=content`), --json
      pieces joined with `&` (`--json` pieces concatenated), as curl joins them; the body is a
      `form` when re-encoding the pairs gives the same bytes, else `json` / `text` / `base64`
      with curl's Content-Type; `@file` alone becomes a `file` body
  -F/--form name=value | name=@file[;type=…][;filename=…] | name=<file (reported), --form-string
  -u/--user user[:password] (and user:password@ in the URL) basic, --digest, --oauth2-bearer
  -A/--user-agent, -e/--referer, -b/--cookie "a=b" (a cookie *file* is reported, not read)
  -r/--range, --url-query, -k/--insecure, -L/--location (without it: follow_redirects = false,
  as curl), --compressed (reqbench always accepts compressed bodies), -m/--max-time,
  --http2, --cacert, -o FILE / -O (download), --url, several URLs, -:/--next
Shell `$NAME`/`${NAME}` become `{{env:NAME}}`; a literal `{{` is escaped.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote_plus, unquote, urlsplit, urlunsplit

from tui.core.collection.model import Auth, Body, Collection, Download, MultipartPart, Pair, Request
from tui.core.collection.variables import escape
from tui.core.formats.documents import literal_secrets
from tui.core.formats.imported import (
    source_stem,
    ImportContext,
    ImportResult,
    fail_at,
    host_matches,
    line_col,
    split_query,
    unique_name,
    urlencoded_pairs,
)
from tui.core.formats.shellwords import ENV_END, ENV_MARK, ENV_START, Command, Word, split_commands

__all__ = ["import_text", "parse_curl"]

# Long option -> takes an argument. Options not listed are reported as unknown.
_ARITY: dict[str, bool] = {
    "request": True, "header": True, "data": True, "data-ascii": True, "data-raw": True,
    "data-binary": True, "data-urlencode": True, "json": True, "form": True, "form-string": True,
    "get": False, "user": True, "user-agent": True, "referer": True, "cookie": True, "head": False,
    "upload-file": True, "url-query": True, "insecure": False, "location": False,
    "location-trusted": False, "compressed": False, "max-time": True, "range": True, "http2": False,
    "http2-prior-knowledge": False, "http1.1": False, "http1.0": False, "http3": False, "url": True,
    "digest": False, "basic": False, "ntlm": False, "negotiate": False, "anyauth": False,
    "oauth2-bearer": True, "output": True, "remote-name": False, "cacert": True, "globoff": False,
    "next": False,
    # accepted, no effect on what is sent
    "silent": False, "show-error": False, "verbose": False, "include": False, "fail": False,
    "fail-with-body": False, "progress-bar": False, "no-progress-meter": False, "no-buffer": False,
    "write-out": True, "dump-header": True, "trace": True, "trace-ascii": True, "stderr": True,
    "remote-header-name": False, "create-dirs": False, "remote-time": False, "styled-output": False,
    "no-styled-output": False, "tcp-nodelay": False, "ipv4": False, "ipv6": False, "disable": False,
    "cookie-jar": True, "path-as-is": False, "no-keepalive": False, "no-sessionid": False,
    "tlsv1": False, "tlsv1.0": False, "tlsv1.1": False, "tlsv1.2": False, "tlsv1.3": False,
    "sslv2": False, "sslv3": False, "ssl-no-revoke": False, "raw": False, "no-alpn": False,
    "no-npn": False, "junk-session-cookies": False, "output-dir": True, "show-headers": False,
    # accepted, reported as not imported
    "connect-timeout": True, "max-redirs": True, "retry": True, "retry-delay": True,
    "retry-max-time": True, "retry-all-errors": False, "retry-connrefused": False, "proxy": True,
    "proxy-user": True, "noproxy": True, "socks5": True, "socks5-hostname": True, "preproxy": True,
    "cert": True, "key": True, "cert-type": True, "key-type": True, "pass": True, "capath": True,
    "resolve": True, "connect-to": True, "interface": True, "limit-rate": True, "config": True,
    "netrc": False, "netrc-file": True, "netrc-optional": False, "unix-socket": True,
    "abstract-unix-socket": True, "request-target": True, "aws-sigv4": True, "continue-at": True,
    "time-cond": True, "speed-limit": True, "speed-time": True, "max-filesize": True,
    "keepalive-time": True, "expect100-timeout": True, "doh-url": True, "dns-servers": True,
    "local-port": True, "ciphers": True, "tls-max": True, "parallel": False, "parallel-max": True,
    "variable": True, "proto": True, "proto-redir": True, "delegation": True, "service-name": True,
    "sasl-ir": False, "crlf": False, "ignore-content-length": False, "use-ascii": False,
}  # fmt: skip
_SHORT = {
    "X": "request", "H": "header", "d": "data", "F": "form", "G": "get", "u": "user", "A": "user-agent",
    "e": "referer", "b": "cookie", "I": "head", "T": "upload-file", "k": "insecure", "L": "location",
    "m": "max-time", "r": "range", "o": "output", "O": "remote-name", "g": "globoff", ":": "next",
    "s": "silent", "S": "show-error", "v": "verbose", "i": "include", "f": "fail", "#": "progress-bar",
    "N": "no-buffer", "w": "write-out", "D": "dump-header", "J": "remote-header-name", "R": "remote-time",
    "4": "ipv4", "6": "ipv6", "q": "disable", "c": "cookie-jar", "j": "junk-session-cookies",
    "1": "tlsv1", "2": "sslv2", "3": "sslv3", "x": "proxy", "U": "proxy-user", "E": "cert", "K": "config",
    "n": "netrc", "C": "continue-at", "z": "time-cond", "Y": "speed-limit", "y": "speed-time",
    "Z": "parallel", "B": "use-ascii",
}  # fmt: skip
_SILENT = {
    "silent", "show-error", "verbose", "include", "fail", "fail-with-body", "progress-bar",
    "no-progress-meter", "no-buffer", "write-out", "dump-header", "trace", "trace-ascii", "stderr",
    "remote-header-name", "create-dirs", "remote-time", "styled-output", "no-styled-output",
    "tcp-nodelay", "ipv4", "ipv6", "disable", "cookie-jar", "path-as-is", "no-keepalive",
    "no-sessionid", "tlsv1", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3", "sslv2", "sslv3",
    "ssl-no-revoke", "raw", "no-alpn", "no-npn", "junk-session-cookies", "http1.1", "compressed",
    "show-headers", "basic",
}  # fmt: skip
_DATA = {"data": "text", "data-ascii": "text", "data-raw": "raw", "data-binary": "binary", "data-urlencode": "encode", "json": "json"}  # fmt: skip
# Headers curl sends itself; `-H 'Name:'` removes them in curl, which reqbench cannot do.
_INTERNAL = {"host", "user-agent", "accept", "content-type", "content-length", "expect", "accept-encoding", "connection", "transfer-encoding", "cookie", "referer", "range"}  # fmt: skip
# curl's own guess for a file part's Content-Type (tool_formparse.c), by file suffix.
_CURL_TYPES = {
    ".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".svg": "image/svg+xml", ".txt": "text/plain", ".htm": "text/html", ".html": "text/html",
    ".pdf": "application/pdf", ".xml": "application/xml",
}  # fmt: skip
_FORM_PARAM = re.compile(r";\s*(type|filename|headers|encoder)=", re.IGNORECASE)
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json\b", re.IGNORECASE)


@dataclass(slots=True)
class _Data:
    mode: str  # text | raw | binary | encode | json
    value: str


@dataclass(slots=True)
class _Options:
    """What one request's options said, before it becomes a `Request`."""

    offset: int
    method: str | None = None
    urls: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    data: list[_Data] = field(default_factory=list)
    form: list[MultipartPart] = field(default_factory=list)
    get: bool = False
    head: bool = False
    upload: str | None = None
    user: str | None = None
    auth_kind: str = "basic"
    bearer: str | None = None
    user_agent: str | None = None
    referer: str | None = None
    cookies: list[str] = field(default_factory=list)
    range: str | None = None
    url_queries: list[str] = field(default_factory=list)
    insecure: bool = False
    location: bool = False
    timeout: float | None = None
    http2: bool = False
    output: str | None = None
    remote_name: bool = False
    cacert: str | None = None
    globoff: bool = False
    notes: list[str] = field(default_factory=list)


# -- text helpers --------------------------------------------------------------------------


def _shown(text: str) -> str:
    """A word as the user typed it (env markers back as $NAME), for messages."""
    return ENV_MARK.sub(lambda m: f"${m.group(1)}", text)


def _field(text: str) -> str:
    """A word as a collection field: `{{` escaped, env markers as `{{env:NAME}}`."""
    out: list[str] = []
    last = 0
    for match in ENV_MARK.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"{{{{env:{match.group(1)}}}}}")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _urlencode(text: str) -> str:
    """curl's URL encoding (`+` for space, only A-Za-z0-9-._~ kept), env markers left whole."""
    out: list[str] = []
    last = 0
    for match in ENV_MARK.finditer(text):
        out.append(quote_plus(text[last : match.start()].encode("utf-8", "surrogateescape"), safe="~"))
        out.append(match.group())
        last = match.end()
    out.append(quote_plus(text[last:].encode("utf-8", "surrogateescape"), safe="~"))
    return "".join(out)


def _encode_piece(value: str, notes: list[str], what: str) -> str | None:
    """`--data-urlencode` / `--url-query` content: `content`, `=content`, `name=content`."""
    at = value.find("@")
    eq = value.find("=")
    if at >= 0 and (eq < 0 or at < eq):
        notes.append(f"{what} {_shown(value)!r} reads a file; not imported")
        return None
    if eq < 0:
        return _urlencode(value)
    name, content = value[:eq], value[eq + 1 :]
    return f"{name}={_urlencode(content)}" if name else _urlencode(content)


def _relative_path(path: str, notes: list[str], what: str) -> str | None:
    """A path curl would read, kept when relative to the collection's folder."""
    if path == "-":
        notes.append(f"{what} reads standard input; not imported")
        return None
    if ENV_START in path or ENV_END in path:
        notes.append(f"{what} {_shown(path)!r} depends on a shell variable; not imported")
        return None
    if PurePosixPath(path).is_absolute() or path.startswith("~") or re.match(r"^[A-Za-z]:[\\/]", path):
        notes.append(
            f"{what} reads {path!r}, an absolute path; not imported (copy the file next to the collection"
            " and point the request at it)"
        )
        return None
    if ".." in PurePosixPath(path).parts:
        notes.append(f"{what} reads {path!r}, outside the collection's folder: replay needs --allow-path")
    return path


# -- option parsing ------------------------------------------------------------------------


def _split_options(words: list[Word]) -> list[tuple[str | None, Word]]:
    """(long option name or None for a positional argument, its value word)."""
    items: list[tuple[str | None, Word]] = []
    index = 0
    only_args = False
    while index < len(words):
        word = words[index]
        text = word.text
        index += 1
        if only_args or not text.startswith("-") or text == "-":
            items.append((None, word))
            continue
        if text == "--":
            only_args = True
            continue
        if text.startswith("--"):
            name = text[2:]
            if name.startswith("no-") and name not in _ARITY and name[3:] in _ARITY:
                items.append((f"no-{name[3:]}", word))
                continue
            if name not in _ARITY:
                items.append((f"?{name}", word))
                continue
            if _ARITY[name]:
                if index >= len(words):
                    items.append((f"!{name}", word))
                    continue
                items.append((name, words[index]))
                index += 1
            else:
                items.append((name, word))
            continue
        position = 1
        while position < len(text):
            letter = text[position]
            short = _SHORT.get(letter)
            position += 1
            if short is None:
                items.append((f"?-{letter}", word))
                continue
            if _ARITY[short]:
                rest = text[position:]
                if rest:
                    items.append((short, Word(rest, word.offset + position, word.notes)))
                elif index < len(words):
                    items.append((short, words[index]))
                    index += 1
                else:
                    items.append((f"!{short}", word))
                break
            items.append((short, word))
    return items


def _header(opts: _Options, value: str) -> None:
    if value.startswith("@"):
        opts.notes.append(f"-H {_shown(value)!r} reads headers from a file; not imported")
        return
    colon, semi = value.find(":"), value.find(";")
    if semi >= 0 and (colon < 0 or semi < colon) and not value[semi + 1 :].strip():
        opts.headers.append((value[:semi].strip(), ""))  # "Name;" sends the header empty
        return
    if colon <= 0:
        opts.notes.append("a -H value without 'Name:' (not shown: it may hold a secret); curl ignores it")
        return
    name, header_value = value[:colon].strip(), value[colon + 1 :].strip()
    if header_value:
        opts.headers.append((name, header_value))
        return
    opts.removed.append(name)
    opts.headers = [(key, val) for key, val in opts.headers if key.lower() != name.lower()]
    if name.lower() in _INTERNAL:
        opts.notes.append(f"-H '{name}:' removes curl's {name} header; reqbench cannot remove it, sends its own")


def _form(opts: _Options, value: str, *, literal: bool) -> None:
    name, eq, content = value.partition("=")
    flag = "--form-string" if literal else "-F"
    if not eq:
        opts.notes.append(f"{flag} {_shown(value)!r} has no '='; curl refuses it; not imported")
        return
    if literal:
        opts.form.append(MultipartPart(name=_field(name), value=_field(content)))
        return
    if content.startswith('"'):
        text, rest = _quoted_form_value(content)
    elif content.startswith(("@", "<")):
        match = _FORM_PARAM.search(content)
        text, rest = (content, "") if match is None else (content[: match.start()], content[match.start() :])
    else:
        text, _, rest = content.partition(";")
        rest = ";" + rest if rest else ""
    params: dict[str, str] = {}
    for key, param in _form_params(rest):
        if key in ("type", "filename"):
            params[key] = param
        elif key in ("headers", "encoder"):
            opts.notes.append(f"-F part {name!r}: ;{key}= not imported")
        else:
            opts.notes.append(f"-F part {name!r}: ';{key}' ignored, as curl ignores it")
    if text.startswith("<"):
        opts.notes.append(f"-F part {name!r} sends the text of {text[1:]!r}; reqbench cannot read a file into a text part; not imported")
        return
    if text.startswith("@") and not content.startswith('"'):
        path = _relative_path(text[1:], opts.notes, f"-F part {name!r}")
        if path is None:
            return
        if "," in path:
            opts.notes.append(f"-F part {name!r}: several files in one part; not imported")
            return
        filename = params.get("filename")
        content_type = params.get("type") or _curl_file_type(filename or posixpath.basename(path))
        opts.form.append(
            MultipartPart(
                name=_field(name),
                file=_field(path),
                filename=_field(filename) if filename is not None else None,
                content_type=content_type,
            )
        )
        return
    if "filename" in params:
        opts.notes.append(f"-F part {name!r}: ;filename= on a text part not imported")
    opts.form.append(MultipartPart(name=_field(name), value=_field(text), content_type=params.get("type")))


def _form_params(rest: str) -> list[tuple[str, str]]:
    """`;type=a/b;filename="x;y"` -> [("type", "a/b"), ("filename", "x;y")] (quotes as curl reads them)."""
    params: list[tuple[str, str]] = []
    while rest:
        rest = rest.lstrip("; \t")
        if not rest:
            break
        key, eq, after = rest.partition("=")
        if not eq or ";" in key:
            key, _, rest = rest.partition(";")
            params.append((key.strip().lower(), ""))
            continue
        if after.startswith('"'):
            value, rest = _quoted_form_value(after)
        else:
            value, _, rest = after.partition(";")
        params.append((key.strip().lower(), value))
    return params


def _quoted_form_value(content: str) -> tuple[str, str]:
    out: list[str] = []
    index = 1
    while index < len(content):
        ch = content[index]
        if ch == "\\" and index + 1 < len(content) and content[index + 1] in '"\\':
            out.append(content[index + 1])
            index += 2
            continue
        if ch == '"':
            return "".join(out), content[index + 1 :]
        out.append(ch)
        index += 1
    return "".join(out), ""


def _curl_file_type(filename: str) -> str | None:
    """curl's Content-Type for a file part, when it differs from what reqbench would guess."""
    curl = _CURL_TYPES.get(posixpath.splitext(filename)[1].lower(), "application/octet-stream")
    ours = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return None if curl == ours else curl


def _apply(opts: _Options, name: str, word: Word, ctx: ImportContext) -> None:
    value = word.text
    if name == "request":
        opts.method = value
    elif name == "header":
        _header(opts, value)
    elif name in _DATA:
        opts.data.append(_Data(_DATA[name], value))
    elif name in ("form", "form-string"):
        _form(opts, value, literal=name == "form-string")
    elif name == "get":
        opts.get = True
    elif name == "head":
        opts.head = True
    elif name == "upload-file":
        opts.upload = value
    elif name == "user":
        opts.user = value
    elif name in ("digest", "ntlm", "negotiate", "anyauth"):
        opts.auth_kind = "digest" if name == "digest" else "basic"
        if name != "digest":
            opts.notes.append(f"--{name} not supported; basic auth used")
    elif name == "oauth2-bearer":
        opts.bearer = value
    elif name == "user-agent":
        opts.user_agent = value
    elif name == "referer":
        opts.referer = value.removesuffix(";auto") if value != ";auto" else None
    elif name == "cookie":
        if "=" in value:
            opts.cookies.append(value)
        else:
            opts.notes.append(f"-b {_shown(value)!r} is a cookie file; not read")
    elif name == "range":
        opts.range = value
    elif name == "url-query":
        opts.url_queries.append(value)
    elif name == "insecure":
        opts.insecure = True
    elif name in ("location", "location-trusted"):
        opts.location = True
    elif name == "max-time":
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if seconds > 0:
            opts.timeout = seconds
        else:
            opts.notes.append(f"-m {value!r} is not a positive number of seconds; ignored")
    elif name in ("http2", "http2-prior-knowledge"):
        opts.http2 = True
    elif name in ("http1.0", "http3"):
        opts.notes.append(f"--{name} not supported; HTTP/1.1 used")
    elif name == "url":
        opts.urls.append(value)
    elif name == "output":
        opts.output = value
    elif name == "remote-name":
        opts.remote_name = True
    elif name == "cacert":
        opts.cacert = value
    elif name == "globoff":
        opts.globoff = True
    elif name in _SILENT or name.startswith("no-"):
        pass
    else:
        opts.notes.append(f"--{name} not imported")


# -- building the request ------------------------------------------------------------------


def _joined_data(opts: _Options) -> tuple[str | None, str | None, bool]:
    """(literal text, relative file path, strip newlines) of the -d family pieces."""
    pieces: list[str] = []
    files: list[tuple[str, bool]] = []
    for index, item in enumerate(opts.data):
        value = item.value
        if item.mode in ("text", "binary", "json") and value.startswith("@"):
            flag = {"text": "-d", "binary": "--data-binary", "json": "--json"}[item.mode]
            path = _relative_path(value[1:], opts.notes, f"{flag} @{_shown(value[1:])}")
            if path is not None:
                files.append((path, item.mode == "text"))
            continue
        if item.mode == "encode":
            encoded = _encode_piece(value, opts.notes, "--data-urlencode")
            if encoded is None:
                continue
            value = encoded
        separator = "" if item.mode == "json" and index and opts.data[index - 1].mode == "json" else "&"
        pieces.append(value if not pieces else separator + value)
    if files and (pieces or len(files) > 1):
        opts.notes.append("data read from a file is combined with other data; only the typed data is imported")
        files = []
    if files:
        return None, files[0][0], files[0][1]
    return ("".join(pieces) if pieces else None), None, False


def _exact_pairs(text: str) -> list[Pair] | None:
    return None if ENV_START in text else urlencoded_pairs(text)


def _has(headers: list[tuple[str, str]], name: str) -> bool:
    return any(key.lower() == name.lower() for key, _ in headers)


def _header_value(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def _body(opts: _Options, headers: list[tuple[str, str]], text: str | None, path: str | None, strip: bool) -> Body | None:
    is_json = any(item.mode == "json" for item in opts.data)
    given_type = _header_value(headers, "Content-Type")
    removed_type = any(name.lower() == "content-type" for name in opts.removed)
    curl_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    content_type = None if given_type is not None or removed_type else curl_type
    if path is not None:
        if strip:
            opts.notes.append(f"-d @{path}: curl strips the file's newlines; the file is sent as is")
        return Body("file", text=_field(path), content_type=content_type)
    if text is None:
        return None
    raw = text.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return Body("base64", text=base64.b64encode(raw).decode("ascii"), content_type=content_type or None)
    effective = given_type or curl_type
    if _JSON_TYPE.match(effective) and ENV_START not in text:
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            # json's default Content-Type is application/json: say so only when curl's differs
            return Body("json", text=escape(text), content_type=None if content_type in (None, "application/json") else content_type)
    if effective.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        pairs = _exact_pairs(text)
        if pairs is not None:
            return Body("form", form=pairs)
    return Body("text", text=_field(text), content_type=content_type)


def _with_query(url: str, extra: list[str]) -> str:
    if not extra:
        return url
    base, hash_, fragment = url.partition("#")
    sep = "" if base.endswith(("?", "&")) else ("&" if "?" in base else "?")
    return base + sep + "&".join(extra) + hash_ + fragment


def _split_query(url: str) -> tuple[str, list[Pair]]:
    return (url, []) if ENV_START in url else split_query(url)


def _name(method: str, url: str) -> str:
    try:
        parts = urlsplit(url)
        where = (parts.hostname or "") + (parts.path or "/")
    except ValueError:
        where = url
    name = f"{method} {where}"
    return name if len(name) <= 80 else name[:79] + "…"


def _build(opts: _Options, url: str, ctx: ImportContext) -> tuple[Request, list[str]]:
    notes = opts.notes
    if "://" not in url.split("?")[0]:
        url = "http://" + url  # as curl guesses
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        notes.append(f"URL scheme {scheme!r} is not HTTP; imported as typed")
    after_host = url.split("://", 1)[1].partition("/")[2]  # an IPv6 host's [::1] is no glob
    if not opts.globoff and re.search(r"[\[\]{}]", after_host):
        notes.append("the URL holds [ ] or { }, which curl expands as a glob without -g; imported as typed")
    user = opts.user
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            if user is None:
                user = unquote(parts.username or "") + ":" + unquote(parts.password or "")
            netloc = parts.netloc.rpartition("@")[2]
            url = urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        notes.append("the URL does not parse; imported as typed")
    upload_path: str | None = None
    if opts.upload is not None:
        upload_path = _relative_path(opts.upload, notes, "-T")
        if upload_path is not None and url.split("?")[0].endswith("/"):
            base, mark, rest = url.partition("?")
            url = base + posixpath.basename(upload_path) + mark + rest  # curl appends the file name
    query: list[str] = []
    for piece in opts.url_queries:
        if piece.startswith("+"):
            query.append(piece[1:])
        else:
            encoded = _encode_piece(piece, notes, "--url-query")
            if encoded is not None:
                query.append(encoded)
    text, data_path, strip = _joined_data(opts)
    if opts.get and (text is not None or data_path is not None):
        if data_path is not None:
            notes.append("-G with data from a file; not imported")
        elif text:
            query.append(text)
        text, data_path = None, None
    # curl appends these through its URL API, which writes percent-escapes in lower case
    url = _with_query(url, [_PERCENT.sub(lambda m: m.group().lower(), piece) for piece in query])
    if opts.method is not None:
        method = opts.method.upper()
    elif opts.head:
        method = "HEAD"
    elif upload_path is not None or opts.upload is not None:
        method = "PUT"
    elif opts.get:
        method = "GET"
    elif opts.data or opts.form:
        method = "POST"
    else:
        method = "GET"

    headers: list[tuple[str, str]] = []
    derived = [
        ("User-Agent", opts.user_agent),
        ("Referer", opts.referer),
        ("Cookie", ";".join(opts.cookies) if opts.cookies else None),
        ("Range", f"bytes={opts.range}" if opts.range is not None and not opts.range.startswith("bytes=") else opts.range),
    ]
    for key, value in derived:
        if value is not None and not _has(opts.headers, key) and key not in opts.removed:
            headers.append((key, value))
    headers.extend(opts.headers)
    if any(item.mode == "json" for item in opts.data) and not _has(headers, "Accept") and "Accept" not in opts.removed:
        headers.append(("Accept", "application/json"))

    body: Body | None
    if opts.form:
        if opts.data:
            notes.append("both -F and -d given (curl refuses this); the -d data is not imported")
        body = Body("multipart", parts=opts.form)
    elif upload_path is not None:
        body = Body("file", text=_field(upload_path))
    else:
        body = _body(opts, headers, text, data_path, strip)

    url, params = _split_query(url)
    request = Request(name=_name(method, url), method=method, url=_field(url), params=params)
    request.headers = [Pair(_field(key), _field(value)) for key, value in headers]
    if opts.bearer is not None:
        request.auth = Auth("bearer", token=_field(opts.bearer))
    elif user is not None:
        name, colon, password = user.partition(":")
        if not colon:
            notes.append("-u without ':password' (curl would prompt for it); the password is left empty")
        request.auth = Auth("digest" if opts.auth_kind == "digest" else "basic", user=_field(name), password=_field(password))
    request.body = body
    if opts.insecure:
        request.verify = False
    elif opts.cacert is not None:
        path = _relative_path(opts.cacert, notes, "--cacert")
        if path is not None:
            request.verify = _field(path)
    request.follow_redirects = None if opts.location else False
    request.timeout = opts.timeout
    request.http2 = True if opts.http2 else None
    output = opts.output
    if opts.remote_name and output is None:
        output = posixpath.basename(urlsplit(url).path) or None
        if output is None:
            notes.append("-O but the URL has no file name; download not imported")
    if output is not None and output not in ("-", "/dev/null"):
        path = _relative_path(output, notes, "-o")
        if path is not None:
            request.download = Download(path=_field(path))
    return request, notes


def _command_requests(
    command: Command, text: str, ctx: ImportContext, taken: set[str]
) -> tuple[list[Request], list[str]]:
    line, _ = line_col(text, command.offset)
    words = list(command.words)
    if words and words[0].text == "$":
        words = words[1:]
    program = words[0].text if words else ""
    if PurePosixPath(program).name not in ("curl", "curl.exe"):
        return [], [f"line {line}: {_shown(program)!r} is not a curl command; skipped"]
    warnings: list[str] = []
    requests: list[Request] = []
    groups: list[_Options] = [_Options(offset=command.offset)]
    for name, word in _split_options(words[1:]):
        opts = groups[-1]
        opts.notes.extend(note for note in word.notes if note not in opts.notes)
        if name is None:
            opts.urls.append(word.text)
        elif name == "next":
            groups.append(_Options(offset=word.offset))
        elif name.startswith("?"):
            opts.notes.append(f"unknown option {name[1:] if name[1] == '-' else '--' + name[1:]}; ignored")
        elif name.startswith("!"):
            opts.notes.append(f"--{name[1:]} needs a value; ignored")
        else:
            _apply(opts, name, word, ctx)
    for opts in groups:
        if not opts.urls:
            warnings.append(f"line {line}: curl command without a URL; skipped")
            continue
        for url in opts.urls:
            notes_before = list(opts.notes)
            request, notes = _build(opts, url, ctx)
            if ctx.host and not host_matches(url, ctx.host):
                opts.notes = notes_before
                continue
            request.name = unique_name(request.name, taken)  # made up here: number repeats quietly
            requests.append(request)
            warnings.extend(f"{request.name} (line {line}): {note}" for note in notes)
            opts.notes = notes_before
    return requests, warnings


def import_text(text: str, ctx: ImportContext) -> ImportResult:
    """Every curl command in `text` (newline or `;` separated), one request per URL."""
    commands = split_commands(text, ctx)
    collection = Collection(name=source_stem(ctx, "curl"))
    warnings: list[str] = []
    taken: set[str] = set()
    for command in commands:
        requests, notes = _command_requests(command, text, ctx, taken)
        collection.requests.extend(requests)
        warnings.extend(notes)
    if not collection.requests:
        if not commands:
            fail_at(ctx, 1, 1, "no curl command found")
        line, column = line_col(text, commands[0].offset)
        if ctx.host:
            fail_at(ctx, line, column, f"no curl command sends to host {ctx.host!r}")
        fail_at(ctx, line, column, warnings[0].split(": ", 1)[-1] if warnings else "no request found")
    return ImportResult(collection, warnings + literal_secrets(collection))


def parse_curl(command: str, *, base_dir: Path | None = None) -> tuple[Request, list[str]]:
    """The request one pasted curl command describes, and what could not be mapped.

    For the workbench's URL bar: raises `ImportFailed` (position in the pasted text) when
    the text holds no usable curl command; extra commands are ignored with a warning.
    """
    ctx = ImportContext(source="pasted text", base_dir=base_dir or Path.cwd())
    result = import_text(command, ctx)
    warnings = result.warnings
    if len(result.collection.requests) > 1:
        warnings.append(f"{len(result.collection.requests)} requests pasted; only the first was used")
    return result.collection.requests[0], warnings
