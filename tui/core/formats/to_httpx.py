"""Requests as a runnable async Python script using httpx, one `AsyncClient` for all of them.

Each request is `await client.request(...)` with the method, the encoded URL httpx would
build anyway, the headers as a list of pairs (order and repeats kept, plus the Content-Type
reqbench adds), the body as reqbench sends it (text and JSON exactly as typed, form rows
urlencoded in order, multipart parts with their filename and type, a file read whole, a
stream body as an async generator so it goes chunked, base64 decoded), auth, redirects and
timeout per request. verify / http2 are per client in httpx: requests that differ in them
get one more client each (the engine does the same). Captured values fill `captured` and
`{{env:NAME}}` is `os.environ["NAME"]`. The script prints `# name: status reason` and the
body (or its size when it is not text) for every request; a download is written to its path.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui.core.engine.resolved import ResolvedRequest
from tui.core.formats.exported import ExportInput, ExportRequest
from tui.core.formats.pyscript import CAPTURE_HELPER, capture_lines, headers_expr, module_doc, multipart_type_reason, url_expr
from tui.core.formats.wire import part_filename, part_type, python_str

__all__ = ["check", "render"]

_HELPERS = '''
async def file_chunks(path, size):
    """A stream body: the file in `size`-byte pieces (sent with Transfer-Encoding: chunked)."""
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def show(name, response):
    print(f"# {name}: {response.status_code} {response.reason_phrase}")
    kind = response.headers.get("content-type", "")
    if response.content and any(t in kind for t in ("text", "json", "xml", "javascript", "urlencoded")):
        print(response.text)
    elif response.content:
        print(f"({len(response.content)} bytes of {kind or 'unknown type'})")
'''


def _client_key(request: ResolvedRequest) -> tuple[str, bool]:
    verify = request.verify
    return (repr(verify) if isinstance(verify, bool) else f"ssl.create_default_context(cafile={str(verify)!r})", request.http2)


def _body(request: ResolvedRequest) -> list[str]:
    body = request.body
    if body is None:
        return []
    if body.kind in ("text", "json"):
        return [f"content=({python_str(body.text)}).encode()"]
    if body.kind == "form":
        rows = ", ".join(f"({python_str(k)}, {python_str(v)})" for k, v in body.form)
        return [f"content=urlencode([{rows}]).encode()"]
    if body.kind == "multipart":
        parts: list[str] = []
        for part in body.parts:
            if part.file is None:
                value = f"({python_str(part.value or '')}).encode()"
                spec = f"(None, {value}, {part.content_type!r})" if part.content_type else f"(None, {value})"
            else:
                spec = f"({python_str(part_filename(part))}, Path({str(part.file)!r}).read_bytes(), {part_type(part)!r})"
            parts.append(f"({python_str(part.name)}, {spec})")
        return ["files=[" + ", ".join(parts) + "]"]
    if body.kind == "file":
        return [f"content=Path({str(body.path)!r}).read_bytes()"]
    if body.kind == "stream":
        return [f"content=file_chunks({str(body.path)!r}, {body.chunk_size})"]
    return [f"content=base64.b64decode({body.text.strip()!r})"]


def _auth(request: ResolvedRequest) -> list[str]:
    auth = request.auth
    if auth is None or auth.kind == "bearer":
        return []
    kind = "BasicAuth" if auth.kind == "basic" else "DigestAuth"
    return [f"auth=httpx.{kind}({python_str(auth.user)}, {python_str(auth.password)})"]


def _request(item: ExportRequest, client: str) -> list[str]:
    request = item.request
    name = request.name
    arguments = [
        repr(request.method.upper()),
        url_expr(request)[0],
        f"headers={headers_expr(request)}",
        *_body(request),
        *_auth(request),
        f"follow_redirects={request.follow_redirects!r}",
        f"timeout={request.timeout!r}",
    ]
    lines = [f"        # {name}"]
    indent = "        "
    if request.download is not None:
        lines.append(f"        async with {client}.stream(")
        lines += [f"            {a}," for a in arguments]
        lines += [
            "        ) as response:",
            f"            Path({str(request.download.path)!r}).parent.mkdir(parents=True, exist_ok=True)",
            f"            with open({str(request.download.path)!r}, {'wb' if request.download.overwrite else 'xb'!r}) as out:",
            "                async for chunk in response.aiter_bytes():",
            "                    out.write(chunk)",
            f"            print(\"# \" + {name!r} + f\": {{response.status_code}} {{response.reason_phrase}} saved to \" + {str(request.download.path)!r})",
        ]
        indent = "            "
    else:
        lines.append(f"        response = await {client}.request(")
        lines += [f"            {a}," for a in arguments]
        lines += ["        )", f"        show({name!r}, response)"]
    lines += capture_lines(
        item,
        indent,
        "response.status_code",
        lambda header: f"response.headers[{header!r}]",
        "response.json()",
    )
    return lines


def check(item: ExportRequest) -> str | None:
    if item.request.download is not None and any(s.strip().startswith("json") for s in item.captures.values()):
        return "a JSON capture from a downloaded body"
    return multipart_type_reason(item.request)


def render(data: ExportInput, options: Mapping[str, object]) -> str:
    keys: dict[tuple[str, bool], str] = {}
    for item in data.requests:
        key = _client_key(item.request)
        if key not in keys:
            keys[key] = "client" if not keys else f"client{len(keys) + 1}"
    lines = module_doc(data, "httpx (and h2 for HTTP/2)" if any(k[1] for k in keys) else "httpx", "python3 this_file.py")
    lines += [
        "import asyncio",
        "import base64",
        "import json",
        "import os",
        "import ssl",
        "from pathlib import Path",
        "from urllib.parse import urlencode",
        "",
        "import httpx",
        "",
        "# Values captured from responses ([requests.capture]), for the requests after them.",
        "captured = {}",
        CAPTURE_HELPER,
        _HELPERS,
        "",
        "async def main():",
    ]
    managers = ", ".join(
        f"httpx.AsyncClient(verify={verify}, http2={http2!r}) as {name}" for (verify, http2), name in keys.items()
    )
    lines.append(f"    async with {managers}:")
    for index, item in enumerate(data.requests):
        if index:
            lines.append("")
        lines += _request(item, keys[_client_key(item.request)])
    lines += ["", "", 'if __name__ == "__main__":', "    asyncio.run(main())", ""]
    return "\n".join(lines)
