"""Values and servers that used to crash `reqbench run` with a traceback (exit 1, the "an expect
failed" code): each must now be a clear, typed error with the documented exit code."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from servers.recording import recording_server
from tui.cli import main
from tui.core import errors
from tui.core.collection import store
from tui.core.engine import Engine, ResolvedBody, ResolvedRequest, Response, Started
from tui.core.engine.from_httpx import detect_encoding  # noqa: F401 - imported to prove it exists
from tui.core.replay.capture import capture
from tui.core.replay.expect import check
from tui.core.collection.model import Expect


def _write(tmp_path: Path, body: str, base: str = "http://127.0.0.1:1") -> Path:
    path = tmp_path / "c.toml"
    path.write_text(f'format = 1\n[variables]\nbase = "{base}"\n\n' + body, encoding="utf-8")
    return path


def _run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *map(str, args)], env=env, catch_exceptions=False)


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "field"),
    [('{ X-Name = "café" }', "headers.X-Name"), ('{ "X-Café" = "1" }', "headers"), ('{ X-A = "a\\u0000b" }', "headers.X-A")],
)
def test_a_header_that_cannot_be_sent_is_refused_before_sending(tmp_path: Path, headers: str, field: str) -> None:
    with recording_server() as server:
        path = _write(tmp_path, f'[[requests]]\nname = "ok"\nurl = "{{{{base}}}}/a"\n\n[[requests]]\nname = "h"\nurl = "{{{{base}}}}/b"\nheaders = {headers}\n', server.url)
        result = _run(path)
        assert server.requests == []
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "request 'h'" in result.output and field in result.output


# -- ports and URLs -----------------------------------------------------------------------


def test_a_port_out_of_range_is_refused_before_sending(tmp_path: Path) -> None:
    result = _run(_write(tmp_path, '[[requests]]\nname = "p"\nurl = "http://127.0.0.1:99999/"\n'))
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "request 'p', url" in result.output and "99999" in result.output


def test_a_redirect_to_a_port_out_of_range_is_a_request_error(tmp_path: Path) -> None:
    body = '[[requests]]\nname = "r"\nurl = "{{base}}/redirect?to=http://127.0.0.1:99999/"\n'
    with recording_server() as server:
        result = _run(_write(tmp_path, body, server.url))
    _no_traceback(result)
    assert result.exit_code == 3, result.output
    assert "✗ r" in result.output and "99999" in result.output


# -- bodies and paths ---------------------------------------------------------------------


def test_a_json_body_with_a_huge_integer_is_a_body_error(tmp_path: Path) -> None:
    result = _run(_write(tmp_path, f"[[requests]]\nname = \"j\"\nmethod = \"POST\"\nurl = \"{{{{base}}}}/\"\nbody = {{ json = '{'9' * 5000}' }}\n"))
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "request 'j'" in result.output and "body.json" in result.output


LONG = "a" * 300


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("verify", f'verify = "{LONG}.pem"'),
        ("body.file", f'body = {{ file = "{LONG}.bin" }}'),
        ("download.path", f'download = {{ path = "{LONG}.bin" }}'),
        ("body.file", 'body = { file = "a\\u0000b" }'),
        ("download.path", 'download = { path = "a\\u0000b" }'),
        ("verify", 'verify = "ca\\u0000.pem"'),
    ],
)
def test_a_path_too_long_or_with_nul_is_a_path_error(tmp_path: Path, key: str, line: str) -> None:
    result = _run(_write(tmp_path, f'[[requests]]\nname = "p"\nmethod = "POST"\nurl = "{{{{base}}}}/"\n{line}\n'))
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "request 'p'" in result.output and key in result.output


# -- encodings ----------------------------------------------------------------------------


def test_nul_in_encoding_is_a_collection_error_with_a_position() -> None:
    with pytest.raises(errors.CollectionError, match=r"c\.toml:4:\d+: .*encoding"):
        store.loads('format = 1\n[[requests]]\nname = "e"\nencoding = "utf\\u00008"\n', path="c.toml")


@pytest.mark.parametrize("codec", ["rot13", "base64", "hex", "zlib_codec", "bz2", "uu", "quopri", "idna", "undefined"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(codec: str) -> None:
    with pytest.raises(errors.SchemaError, match="not a text encoding"):
        store.loads(f'format = 1\n[[requests]]\nname = "e"\nencoding = "{codec}"\n', path="c.toml")


@pytest.mark.parametrize("charset", ["rot13", "base64", "undefined", "idna", "hex"])
def test_a_server_charset_that_is_not_a_text_encoding_is_never_used(fault_url: str, tmp_path: Path, charset: str) -> None:
    body = f'[[requests]]\nname = "c"\nurl = "{{{{base}}}}/charset?declared={charset}"\nexpect = {{ body_contains = "héllo" }}\n'
    result = _run(_write(tmp_path, body, fault_url), "-v")
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "héllo wörld" in result.output


def test_a_user_encoding_override_that_is_not_text_is_ignored_when_decoding() -> None:
    response = Response(200, "OK", "HTTP/1.1", (), "http://x/", content=b"hello", encoding="rot13")
    assert response.text() == "hello"


# -- deeply nested JSON from a server ----------------------------------------------------


def _deep_response() -> Response:
    deep = b"[" * 100_000 + b"]" * 100_000
    return Response(200, "OK", "HTTP/1.1", (("content-type", "application/json"),), "http://x/", content=deep)


def test_deep_json_in_an_expect_is_a_failure_not_a_recursion_error() -> None:
    failures = check(Expect(json={"a": 1}), _deep_response())
    assert len(failures) == 1 and "nested too deeply" in failures[0].message


def test_deep_json_in_a_capture_is_a_problem_not_a_recursion_error() -> None:
    values, problems = capture({"v": "json:a"}, _deep_response())
    assert values == {} and "nested too deeply" in problems[0].message


# -- bodies that do not match their Content-Length ----------------------------------------


def test_a_content_length_header_that_does_not_match_the_body_is_refused(tmp_path: Path) -> None:
    with recording_server() as server:
        body = '[[requests]]\nname = "cl"\nmethod = "POST"\nurl = "{{base}}/"\nheaders = { Content-Length = "5" }\nbody = { text = "hello world" }\n'
        result = _run(_write(tmp_path, body, server.url))
        assert server.requests == []
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "request 'cl'" in result.output and "Content-Length" in result.output


@pytest.mark.parametrize("change", ["shrink", "grow"])
def test_a_file_body_that_changes_size_during_upload_is_a_request_error(fault_url: str, tmp_path: Path, change: str) -> None:
    upload = tmp_path / "up.bin"
    upload.write_bytes(b"x" * 100_000)

    def on_event(event: object) -> None:
        if isinstance(event, Started):  # after Content-Length was taken, before the body is read
            upload.write_bytes(b"x" * (10 if change == "shrink" else 200_000))

    async def send() -> None:
        async with Engine() as engine:
            request = ResolvedRequest(name="f", method="POST", url=f"{fault_url}/sink", body=ResolvedBody("file", path=upload))
            await engine.send(request, on_event)

    with pytest.raises(errors.RequestError, match="changed size|Content-Length"):
        asyncio.run(send())


# -- found by the value fuzzer ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{ text = "hi", content_type = "\\u0080" }', "body.content_type"),
        ('{ multipart = [{ name = "f", value = "1", content_type = "a\\r\\nX-Injected: 1" }] }', "body.multipart[0].content_type"),
    ],
)
def test_a_content_type_http_cannot_carry_is_refused_before_sending(tmp_path: Path, body: str, field: str) -> None:
    with recording_server() as server:
        result = _run(_write(tmp_path, f'[[requests]]\nname = "ct"\nmethod = "POST"\nurl = "{{{{base}}}}/"\nbody = {body}\n', server.url))
        assert server.requests == []
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert f"request 'ct', {field}" in result.output


@pytest.mark.parametrize("table", ['body = { stream = "up.bin", chunk_size = 18446744073709551616 }', 'download = { path = "o.bin", chunk_size = 9223372036854775807 }'])
def test_a_chunk_size_too_large_to_read_is_a_schema_error(table: str) -> None:
    with pytest.raises(errors.SchemaError, match=r"chunk_size' must be at most 67108864"):
        store.loads(f'format = 1\n[[requests]]\nname = "s"\nurl = "http://127.0.0.1/"\n{table}\n', path="c.toml")


@pytest.mark.parametrize("target", ["http://xn--a.com/", "ftp://x/", "http://127.0.0.1:0/", "http://[::1/"])
def test_a_redirect_to_an_unusable_url_is_a_request_error(tmp_path: Path, target: str) -> None:
    from urllib.parse import quote

    body = f'[[requests]]\nname = "r"\nurl = "{{{{base}}}}/redirect?to={quote(target, safe="")}"\n'
    with recording_server() as server:
        result = _run(_write(tmp_path, body, server.url))
    _no_traceback(result)
    assert result.exit_code == 3, result.output
    assert "✗ r" in result.output
