"""Pieces shared by the Python script exporters (httpx, aiohttp): header, helpers, literals.

The generated scripts keep `{{env:NAME}}` as `os.environ["NAME"]` and fill values captured
from a response (`[requests.capture]`) at run time into a `captured` dict, with the same
rules as `reqbench run` (json:dotted.path, header:Name, status).
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core.engine.resolved import ResolvedRequest
from tui.core.formats.exported import ExportInput, ExportRequest, has_refs, url_of
from tui.core.formats.wire import content_type, multipart_type_reason, python_str

__all__ = [
    "CAPTURE_HELPER",
    "capture_lines",
    "headers_expr",
    "module_doc",
    "multipart_type_reason",
    "url_expr",
]

# `lookup` follows reqbench's dotted paths (tui.core.replay.expect.lookup): a numeric segment
# indexes a list, keys holding dots are found too.
CAPTURE_HELPER = '''
def lookup(data, path):
    """Follow a dotted path ("a.b.0") into parsed JSON, as reqbench's captures do."""
    if path in ("", "."):
        return data
    segments = path.split(".")
    i = 0
    while i < len(segments):
        if isinstance(data, dict):
            for j in range(len(segments), i, -1):
                key = ".".join(segments[i:j])
                if key in data:
                    data, i = data[key], j
                    break
            else:
                raise KeyError(f"no key {segments[i]!r} in the response")
        elif isinstance(data, list):
            data, i = data[int(segments[i])], i + 1
        else:
            raise KeyError(f"cannot follow {path!r} in the response")
    return data


def with_params(url, params):
    """`params` urlencoded onto `url`'s query, as reqbench appends them (for values known
    only at run time; the client percent-encodes the rest)."""
    if not params:
        return url
    base, hash_, fragment = url.partition("#")
    sep = "?" if "?" not in base else ("" if base.endswith(("?", "&")) else "&")
    return f"{base}{sep}{urlencode(params)}{hash_}{fragment}"


def as_variable(value):
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
'''


def module_doc(data: ExportInput, tool: str, run_hint: str) -> list[str]:
    env = data.env_names()
    lines = [
        "#!/usr/bin/env python3",
        f'"""{data.title}: exported by reqbench' + (f" from {data.source}" if data.source else "") + ".",
        "",
        f"Run: {run_hint}   (needs {tool})",
    ]
    if env:
        lines.append("Reads from the environment: " + ", ".join(env))
    lines += ['"""', ""]
    return lines


def headers_expr(request: ResolvedRequest, extra: list[tuple[str, str]] | None = None) -> str:
    """A list-of-pairs literal: the request's headers plus the Content-Type the engine adds."""
    pairs = list(request.headers)
    default_type = content_type(request)
    if default_type is not None:
        pairs.append(("Content-Type", default_type))
    auth = request.auth
    if auth is not None and auth.kind == "bearer" and not any(k.lower() == "authorization" for k, _ in pairs):
        pairs.append(("Authorization", f"Bearer {auth.token}"))
    pairs += extra or []
    if not pairs:
        return "[]"
    return "[" + ", ".join(f"({python_str(k)}, {python_str(v)})" for k, v in pairs) + "]"


def capture_lines(item: ExportRequest, indent: str, status: str, header: Callable[[str], str], body_json: str) -> list[str]:
    """Assignments into `captured` for the request's [requests.capture] (same sources as run)."""
    lines: list[str] = []
    for variable, source in item.captures.items():
        source = source.strip()
        if source == "status":
            expr = f"str({status})"
        elif source.startswith("header:"):
            expr = header(source.partition(":")[2].strip())
        else:
            expr = f"as_variable(lookup({body_json}, {source.partition(':')[2].strip()!r}))"
        lines.append(f"{indent}captured[{variable!r}] = {expr}")
    return lines


def url_expr(request: ResolvedRequest) -> tuple[str, bool]:
    """(a Python expression for the URL, whether it is already encoded). Without references,
    the encoded URL httpx sends, as a literal; with some, built at run time by `with_params`."""
    if not has_refs(request.url) and not any(has_refs(k) or has_refs(v) for k, v in request.params):
        return python_str(url_of(request)), True
    rows = ", ".join(f"({python_str(k)}, {python_str(v)})" for k, v in request.params)
    return f"with_params({python_str(request.url)}, [{rows}])", False
