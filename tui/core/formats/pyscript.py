"""Pieces shared by the Python script exporters (httpx, aiohttp): header, helpers, literals.

The generated scripts keep `{{env:NAME}}` as `os.environ["NAME"]` and fill values captured
from a response (`[requests.capture]`) at run time into a `captured` dict, with the same
rules as `reqbench run` (json:dotted.path, header:Name, status).
"""

from __future__ import annotations

from collections.abc import Callable

from tui.core.engine.resolved import ResolvedRequest
from tui.core.formats.exported import ExportInput, ExportRequest
from tui.core.formats.wire import content_type, python_str

__all__ = ["CAPTURE_HELPER", "header_lines", "headers_expr", "capture_lines", "module_doc", "multipart_type_reason"]

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


def header_lines(indent: str, items: list[str]) -> list[str]:
    return [f"{indent}{item}," for item in items]


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


def multipart_type_reason(request: ResolvedRequest) -> str | None:
    body = request.body
    if body is not None and body.kind == "multipart" and body.content_type and not any(
        k.lower() == "content-type" for k, _ in request.headers
    ):
        return f"a multipart body with its own content_type ({body.content_type!r}) keeping the generated boundary"
    return None
