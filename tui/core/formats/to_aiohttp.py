"""Requests as a runnable async Python script in the style of the aiohttp client quickstart:
one `ClientSession` for all of them, `async with session.request(...) as resp`.

The URL is passed as `yarl.URL(..., encoded=True)`: the encoded URL httpx sends, not
re-quoted by yarl (a URL holding values known only at run time is built then and quoted by yarl). Headers are a list of pairs (order and repeats kept) with the Content-Type
reqbench adds; bodies as reqbench sends them (text and JSON as typed, form rows urlencoded in
order, multipart through `aiohttp.FormData(default_to_multipart=True)` with each file part's
filename and type, a file read whole, a stream body as an async generator so it goes
chunked, base64 decoded); basic auth as `aiohttp.BasicAuth`, digest through
`aiohttp.DigestAuthMiddleware` (aiohttp 3.12+); `allow_redirects`, `ClientTimeout(total=)` and
`ssl=` per request. Captured values fill `captured`; `{{env:NAME}}` is `os.environ["NAME"]`.

Redirects: aiohttp turns POST into GET after 301/302/303 as httpx does, but keeps PUT, PATCH
and DELETE after a 302 where httpx sends GET.

Refused (`check`): HTTP/2 (aiohttp's client speaks HTTP/1.1), a multipart body with its own
content_type override.
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


async def show(name, resp):
    print(f"# {name}: {resp.status} {resp.reason}")
    body = await resp.read()
    kind = resp.headers.get("Content-Type", "")
    if body and any(t in kind for t in ("text", "json", "xml", "javascript", "urlencoded")):
        print(body.decode(resp.get_encoding(), errors="replace"))
    elif body:
        print(f"({len(body)} bytes of {kind or 'unknown type'})")
    return body
'''


def _body(request: ResolvedRequest) -> tuple[list[str], list[str]]:
    """(lines to run before the request, keyword arguments)."""
    body = request.body
    if body is None:
        return [], []
    if body.kind in ("text", "json"):
        return [], [f"data=({python_str(body.text)}).encode()"]
    if body.kind == "form":
        rows = ", ".join(f"({python_str(k)}, {python_str(v)})" for k, v in body.form)
        return [], [f"data=urlencode([{rows}]).encode()"]
    if body.kind == "multipart":
        lines = ["        form = aiohttp.FormData(default_to_multipart=True)"]
        for part in body.parts:
            if part.file is None:
                extra = f", content_type={part.content_type!r}" if part.content_type else ""
                lines.append(f"        form.add_field({python_str(part.name)}, {python_str(part.value or '')}{extra})")
            else:
                lines.append(
                    f"        form.add_field({python_str(part.name)}, Path({str(part.file)!r}).read_bytes(),"
                    f" filename={python_str(part_filename(part))}, content_type={part_type(part)!r})"
                )
        return lines, ["data=form"]
    if body.kind == "file":
        return [], [f"data=Path({str(body.path)!r}).read_bytes()"]
    if body.kind == "stream":
        return [], [f"data=file_chunks({str(body.path)!r}, {body.chunk_size})"]
    return [], [f"data=base64.b64decode({body.text.strip()!r})"]


def _options(request: ResolvedRequest) -> list[str]:
    out: list[str] = []
    auth = request.auth
    if auth is not None and auth.kind == "basic":
        out.append(f"auth=aiohttp.BasicAuth({python_str(auth.user)}, {python_str(auth.password)})")
    elif auth is not None and auth.kind == "digest":
        out.append(f"middlewares=(aiohttp.DigestAuthMiddleware({python_str(auth.user)}, {python_str(auth.password)}),)")
    out.append(f"allow_redirects={request.follow_redirects!r}")
    out.append(f"timeout=aiohttp.ClientTimeout(total={request.timeout!r})")
    if request.verify is False:
        out.append("ssl=False")
    elif request.verify is not True:
        out.append(f"ssl=ssl.create_default_context(cafile={str(request.verify)!r})")
    return out


def _request(item: ExportRequest) -> list[str]:
    request = item.request
    before, body = _body(request)
    url, encoded = url_expr(request)
    arguments = [
        repr(request.method.upper()),
        f"URL({url}, encoded=True)" if encoded else f"URL({url})",
        f"headers={headers_expr(request)}",
        *body,
        *_options(request),
    ]
    if request.body is None and not any(k.lower() == "content-type" for k, _ in request.headers):
        arguments.append('skip_auto_headers=["Content-Type"]')  # aiohttp would add octet-stream
    lines = [f"        # {request.name}", *before, "        async with session.request("]
    lines += [f"            {a}," for a in arguments]
    lines.append("        ) as resp:")
    if request.download is not None:
        path = str(request.download.path)
        lines += [
            f"            Path({path!r}).parent.mkdir(parents=True, exist_ok=True)",
            f"            with open({path!r}, {'wb' if request.download.overwrite else 'xb'!r}) as out:",
            f"                async for chunk in resp.content.iter_chunked({request.download.chunk_size}):",
            "                    out.write(chunk)",
            f"            print(\"# \" + {request.name!r} + f\": {{resp.status}} {{resp.reason}} saved to \" + {path!r})",
        ]
        body_json = "None"
    else:
        lines.append(f"            body = await show({request.name!r}, resp)")
        body_json = "json.loads(body)"
    lines += capture_lines(item, "            ", "resp.status", lambda header: f"resp.headers[{header!r}]", body_json)
    return lines


def check(item: ExportRequest) -> str | None:
    if item.request.http2:
        return "HTTP/2 (aiohttp's client speaks HTTP/1.1 only)"
    if item.request.download is not None and any(s.startswith("json") for s in item.captures.values()):
        return "a JSON capture from a downloaded body"
    return multipart_type_reason(item.request)


def render(data: ExportInput, options: Mapping[str, object]) -> str:
    lines = module_doc(data, "aiohttp 3.12+", "python3 this_file.py")
    lines += [
        "import asyncio",
        "import base64",
        "import json",
        "import os",
        "import ssl",
        "from pathlib import Path",
        "from urllib.parse import urlencode",
        "",
        "import aiohttp",
        "from yarl import URL",
        "",
        "# Values captured from responses ([requests.capture]), for the requests after them.",
        "captured = {}",
        CAPTURE_HELPER,
        _HELPERS,
        "",
        "async def main():",
        "    async with aiohttp.ClientSession() as session:",
    ]
    for index, item in enumerate(data.requests):
        if index:
            lines.append("")
        lines += _request(item)
    lines += ["", "", 'if __name__ == "__main__":', "    asyncio.run(main())", ""]
    return "\n".join(lines)
