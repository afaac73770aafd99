"""Request-body decoding the way httpbin (Flask + werkzeug under gunicorn) shows it.

- query strings and urlencoded forms: repeated keys become lists, single keys plain strings;
- multipart: parts with a filename are files (first one per name, echoed as text when it is
  UTF-8, else as a `data:` URL), the others form fields;
- header names title-cased (`x-api-key` -> `X-Api-Key`), repeats joined with ",", names with
  "_" dropped (gunicorn does);
- `url` as werkzeug rebuilds it (an IRI: UTF-8 percent-escapes decoded, reserved ones kept).
"""

from __future__ import annotations

import base64
import codecs
import re
from email.message import Message
from email.parser import HeaderParser
from email.utils import collapse_rfc2231_value
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, unquote_to_bytes

__all__ = ["semiflatten", "parse_query", "parse_urlencoded", "parse_multipart", "json_safe", "echo_headers", "iri_url", "mimetype"]

Multi = list[tuple[str, str]]


def semiflatten(pairs: Multi) -> dict[str, Any]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def parse_query(query: str) -> Multi:
    """Pairs of a query string; an escape that is not UTF-8 (`%FF`) is kept as written, as
    werkzeug keeps it."""
    return parse_qsl(query, keep_blank_values=True, errors="reqbench.echo.url_quote")


def parse_urlencoded(body: bytes) -> Multi:
    pairs: Multi = []
    for item in body.split(b"&"):
        if not item:
            continue
        key, _, value = item.partition(b"=")
        pairs.append((_form_unquote(key), _form_unquote(value)))
    return pairs


def _form_unquote(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "reqbench.echo.url_quote")


def json_safe(data: bytes, content_type: str = "application/octet-stream") -> str:
    """UTF-8 text as is; anything else as an RFC 2397 `data:` URL (httpbin's `json_safe`)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def mimetype(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _param(message: Message, name: str) -> str | None:
    value = message.get_param(name, header="content-disposition")
    if value is None:
        return None
    return collapse_rfc2231_value(value)


def parse_multipart(body: bytes, content_type: str) -> tuple[Multi, dict[str, str]]:
    """Form fields (in order) and files (first per name) of a multipart/form-data body."""
    holder = Message()
    holder["content-type"] = content_type
    boundary = holder.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        return [], {}
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    form: Multi = []
    files: dict[str, str] = {}
    for section in (b"\r\n" + body).split(delimiter)[1:]:
        if section.startswith(b"--"):
            break  # the close delimiter
        head_end = section.find(b"\r\n\r\n")
        if head_end < 0:
            continue
        line_end = section.find(b"\r\n")  # the rest of the delimiter line (transport padding)
        raw_headers = section[line_end + 2 : head_end + 2] if line_end < head_end else b""
        content = section[head_end + 4 :]
        headers = HeaderParser().parsestr(raw_headers.decode("utf-8", "replace"))
        name = _param(headers, "name")
        if name is None:
            continue
        filename = _param(headers, "filename")
        if filename is None:
            form.append((name, content.decode("utf-8", "replace")))
        elif name not in files:
            files[name] = json_safe(content, headers.get("content-type") or "application/octet-stream")
    return form, files


def echo_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in headers:
        if "_" in name:
            continue
        key = name.title()
        result[key] = f"{result[key]},{value}" if key in result else value
    return result


def _unquote_except(chars: str) -> Any:
    choices = "|".join(f"{ord(c):02X}" for c in sorted(chars))
    pattern = re.compile(f"((?:%(?:{choices}))+)", re.I)

    def unquote_partial(value: str) -> str:
        parts = iter(pattern.split(value))
        out = []
        for part in parts:
            out.append(unquote(part, "utf-8", "reqbench.echo.url_quote"))
            out.append(next(parts, ""))
        return "".join(out)

    return unquote_partial


def _requote_error(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return quote(error.object[error.start : error.end], safe=""), error.end


codecs.register_error("reqbench.echo.url_quote", _requote_error)
_ALWAYS_UNSAFE = bytes((*range(0x21), 0x25, 0x7F)).decode()
_unquote_path = _unquote_except(_ALWAYS_UNSAFE + "/?#")
_unquote_query = _unquote_except(_ALWAYS_UNSAFE + "&=+#")


def iri_url(scheme: str, host: str, path: str, query: str) -> str:
    """The request URL as werkzeug's `request.url` shows it."""
    url_path = _unquote_path(quote(unquote(path, "utf-8", "replace"), safe="!$&'()*+,/:;=@%"))
    url = f"{scheme}://{host}{url_path}"
    if query:
        url += "?" + _unquote_query(quote(query, safe="!$&'()*+,/:;=?@%", encoding="latin-1"))
    return url
