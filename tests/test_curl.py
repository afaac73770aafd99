"""`to_curl`: every argument shell-quoted, the whole request reproduced."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tui.core.formats.to_curl import to_curl
from tui.core.collection.model import Auth
from tui.core.engine.resolved import ResolvedBody, ResolvedDownload, ResolvedPart, ResolvedRequest
from tui.core.engine.response import SentRequest


def argv(command: str) -> list[str]:
    return shlex.split(command)


def test_simple_get() -> None:
    # --compressed: httpx accepts gzip, and curl would print the compressed bytes without it.
    assert to_curl(ResolvedRequest(name="r", method="GET", url="http://h/p")) == "curl -L --compressed --max-time 30 http://h/p"


@pytest.mark.parametrize(
    "value",
    ["it's", 'say "hi"', "$HOME `id` $(id)", "a b\tc", "line1\nline2", "ünïcödé ✓", "back\\slash", "!bang"],
)
def test_header_values_round_trip_through_the_shell(value: str) -> None:
    command = to_curl(ResolvedRequest(name="r", method="GET", url="http://h/", headers=(("X-V", value),)))
    args = argv(command)
    assert args[args.index("-H") + 1] == f"X-V: {value}"


def test_empty_header_value_uses_semicolon_form() -> None:
    args = argv(to_curl(ResolvedRequest(name="r", method="GET", url="http://h/", headers=(("X-Empty", ""),))))
    assert "X-Empty;" in args


def test_params_appended_and_encoded() -> None:
    request = ResolvedRequest(name="r", method="GET", url="http://h/p?a=1", params=(("b", "x y"), ("b", "&")))
    assert argv(to_curl(request))[-1] == "http://h/p?a=1&b=x+y&b=%26"
    request = ResolvedRequest(name="r", method="GET", url="http://h/p#frag", params=(("q", "1"),))
    assert argv(to_curl(request))[-1] == "http://h/p?q=1#frag"


def test_json_body_and_method() -> None:
    body = ResolvedBody(kind="json", text='{"name": "O\'Brien"}')
    args = argv(to_curl(ResolvedRequest(name="r", method="post", url="http://h/", body=body)))
    assert "-X" not in args  # curl infers POST from the body; -X POST -L would re-POST after a 302/303
    assert args[args.index("--data-raw") + 1] == '{"name": "O\'Brien"}'
    assert "Content-Type: application/json" in args


def test_explicit_content_type_header_is_not_duplicated() -> None:
    body = ResolvedBody(kind="json", text="{}")
    request = ResolvedRequest(name="r", method="POST", url="http://h/", headers=(("content-type", "application/vnd+json"),), body=body)
    args = argv(to_curl(request))
    assert [a for a in args if a.lower().startswith("content-type")] == ["content-type: application/vnd+json"]


def test_text_body_starting_with_at_is_sent_literally() -> None:
    args = argv(to_curl(ResolvedRequest(name="r", method="POST", url="http://h/", body=ResolvedBody(kind="text", text="@etc/passwd"))))
    assert args[args.index("--data-raw") + 1] == "@etc/passwd"  # --data-raw never reads a file
    assert "--data-binary" not in args


def test_form_multipart_file_stream() -> None:
    form = ResolvedBody(kind="form", form=(("a", "1 2"), ("b", "x&y")))
    args = argv(to_curl(ResolvedRequest(name="r", method="POST", url="http://h/", body=form)))
    assert ["--data-urlencode", "a=1 2", "--data-urlencode", "b=x&y"] == args[args.index("--data-urlencode") : args.index("--data-urlencode") + 4]
    parts = ResolvedBody(
        kind="multipart",
        parts=(
            ResolvedPart(name="field", value="v;1"),
            ResolvedPart(name="doc", file=Path("/tmp/my file.txt"), filename="a.txt", content_type="text/plain"),
        ),
    )
    args = argv(to_curl(ResolvedRequest(name="r", method="POST", url="http://h/", body=parts)))
    assert args[args.index("--form-string") + 1] == "field=v;1"
    # Path and filename double-quoted, so a ";" or "," in either cannot end them early.
    assert args[args.index("-F") + 1] == 'doc=@"/tmp/my file.txt";filename="a.txt";type=text/plain'
    assert not any(a.lower().startswith("content-type") for a in args)
    file_body = ResolvedBody(kind="file", path=Path("/data/big.bin"))
    args = argv(to_curl(ResolvedRequest(name="r", method="PUT", url="http://h/", body=file_body)))
    assert args[args.index("--data-binary") + 1] == "@/data/big.bin"
    stream = ResolvedBody(kind="stream", path=Path("/data/big.bin"))
    args = argv(to_curl(ResolvedRequest(name="r", method="PUT", url="http://h/", body=stream)))
    assert "Transfer-Encoding: chunked" in args


def test_base64_body_is_piped_through_base64_decode() -> None:
    command = to_curl(ResolvedRequest(name="r", method="POST", url="http://h/", body=ResolvedBody(kind="base64", text="AAEC/w==")))
    prefix, _, rest = command.partition(" | base64 -d | ")
    assert prefix == "printf %s AAEC/w=="
    args = argv(rest)
    assert args[0] == "curl" and args[args.index("--data-binary") + 1] == "@-"


def test_options_auth_and_download() -> None:
    request = ResolvedRequest(
        name="r",
        method="HEAD",
        url="https://h/",
        auth=Auth(kind="basic", user="u", password="p@ss word"),
        follow_redirects=False,
        verify=False,
        http2=True,
        timeout=2.5,
        download=ResolvedDownload(path=Path("/tmp/out file")),
    )
    args = argv(to_curl(request))
    assert args[:2] == ["curl", "--head"]
    assert "-L" not in args and "-k" in args and "--http2" in args
    assert args[args.index("--max-time") + 1] == "2.5"
    assert args[args.index("-u") + 1] == "u:p@ss word"
    assert args[args.index("-o") + 1] == "/tmp/out file"
    digest = ResolvedRequest(name="r", method="GET", url="https://h/", auth=Auth(kind="digest", user="u", password="p"), verify=Path("/ca.pem"))
    args = argv(to_curl(digest))
    assert "--digest" in args and args[args.index("--cacert") + 1] == "/ca.pem"
    bearer = ResolvedRequest(name="r", method="GET", url="https://h/", auth=Auth(kind="bearer", token="t0k"))
    assert "Authorization: Bearer t0k" in argv(to_curl(bearer))


def test_sent_request_skips_headers_curl_computes() -> None:
    sent = SentRequest(
        method="POST",
        url="http://h/x?a=1",
        headers=(("Host", "h"), ("Content-Length", "3"), ("Accept", "*/*"), ("X-A", "1"), ("X-A", "2")),
        body_size=3,
    )
    args = argv(to_curl(sent))
    assert args[:3] == ["curl", "-X", "POST"]
    headers = [args[i + 1] for i, a in enumerate(args) if a == "-H"]
    assert headers == ["Accept: */*", "X-A: 1", "X-A: 2"]
    assert args[-1] == "http://h/x?a=1"


def test_multiline_is_equivalent() -> None:
    request = ResolvedRequest(name="r", method="POST", url="http://h/", headers=(("A", "b c"),), body=ResolvedBody(kind="json", text="{}"))
    one = to_curl(request)
    many = to_curl(request, multiline=True)
    assert "\\\n" in many
    assert argv(many.replace("\\\n", " ")) == argv(one)
