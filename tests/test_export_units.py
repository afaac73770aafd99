"""The export contract's pure parts: references, shell words, URLs, masking, Hurl strings."""

from __future__ import annotations

import json
import shlex
import subprocess

import pytest

from tui.core.collection import loads
from tui.core.engine import ResolvedRequest
from tui.core.errors import ExportError
from tui.core.formats.exported import Ref, pieces, prepare, shell_word, url_of
from tui.core.formats.exporters import export, export_request

COLLECTION = """
format = 1
[variables]
base = "http://h.test"

[[requests]]
name = "login"
method = "POST"
url = "{{base}}/login"
capture = { token = "json:json.token" }

[[requests]]
name = "use"
url = "{{base}}/items?api_key={{env:API_KEY}}&q=a b"
headers = { Authorization = "Bearer {{token}}", "X-Literal" = "{{{{not a var}}" }

[[requests]]
name = "env host"
url = "http://{{env:HOST}}/x"
"""


def test_env_and_captured_values_become_references_never_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", "real-key-value")
    data = prepare(loads(COLLECTION), ["login", "use"])
    use = data.requests[1].request
    assert pieces(use.headers[0][1]) == ["Bearer ", Ref("capture", "token")]
    assert use.headers[1][1] == "{{not a var}}"
    assert "real-key-value" not in json.dumps([use.url, use.headers])
    assert data.env_names() == ["API_KEY"]
    assert data.requests[0].captures == {"token": "json:json.token"}


def test_url_is_encoded_as_httpx_sends_it_with_references_kept() -> None:
    data = prepare(loads(COLLECTION), ["login", "use"])
    url = url_of(data.requests[1].request)
    assert pieces(url) == ["http://h.test/items?api_key=", Ref("env", "API_KEY"), "&q=a%20b"]


def test_a_reference_in_the_host_is_refused() -> None:
    data = prepare(loads(COLLECTION), ["env host"])
    with pytest.raises(ExportError, match="host"):
        url_of(data.requests[0].request)


def test_shell_word_expands_only_the_reference() -> None:
    word = shell_word("it's $HOME " + Ref("env", "TOKEN").marker + " `id`")
    done = subprocess.run(["sh", "-c", f"printf %s {word}"], env={"TOKEN": "v@l ue", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert done.stdout == "it's $HOME v@l ue `id`"
    with pytest.raises(ValueError):
        shell_word(Ref("capture", "x").marker)
    with pytest.raises(ValueError):  # dash drops such names from the environment it passes on
        shell_word(Ref("env", "my.token").marker)
    assert shlex.split(shell_word("")) == [""]
    request = ResolvedRequest(name="r", method="GET", url="http://h.test/", headers=(("X", Ref("env", "a.b").marker),))
    with pytest.raises(ExportError, match="cannot read an environment variable named 'a.b'"):
        export_request("curl", request)


def test_export_request_refuses_what_a_format_cannot_express() -> None:
    request = ResolvedRequest(name="h2", method="GET", url="http://h.test/", http2=True)
    with pytest.raises(ExportError, match="request 'h2': httpie cannot express HTTP/2"):
        export_request("httpie", request)
    assert export_request("curl", request).startswith("curl -L --compressed --http2 ")
    with pytest.raises(ExportError, match="unknown export format 'nope'"):
        export_request("nope", request)


def test_har_masks_literal_credentials_too() -> None:
    request = ResolvedRequest(
        name="r", method="GET", url="http://h.test/x?access_token=abc123456&page=2",
        headers=(("Authorization", "Bearer abc123456"), ("Cookie", "sid=s3ss10n"), ("X-Echo", "has abc123456 in it")),
    )
    data = prepare(loads('format = 1\n[[requests]]\nname = "x"\nurl = "http://h.test/"\n'))
    text = export("har", type(data)(title="t", requests=(type(data.requests[0])(request),))).text
    assert "abc123456" not in text and "s3ss10n" not in text
    entry = json.loads(text)["log"]["entries"][0]["request"]
    assert {"name": "page", "value": "2"} in entry["queryString"]
    assert {"name": "Authorization", "value": "Bearer ***"} in entry["headers"]


def test_hurl_strings_never_become_comments_or_templates() -> None:
    request = ResolvedRequest(
        name="r", method="POST", url="http://h.test/a#frag",
        headers=(("X-Hash", "a # b {{c}}"),),
        body=__import__("tui.core.engine", fromlist=["ResolvedBody"]).ResolvedBody(kind="text", text="`tick` #1\n{x}\\"),
    )
    text = export_request("hurl", request)
    assert "X-Hash: a \\# b \\u{7b}\\u{7b}c}}" in text
    assert "`\\`tick\\` \\#1\\n\\u{7b}x}\\\\`" in text


def test_what_curl_and_httpie_cannot_carry_is_refused_not_mangled() -> None:
    from tui.core.engine import ResolvedBody, ResolvedPart

    parts = ResolvedBody(kind="multipart", parts=(ResolvedPart(name="a=b", value="1"),))
    request = ResolvedRequest(name="eq", method="POST", url="http://h.test/", body=parts)
    with pytest.raises(ExportError, match=r"request 'eq': curl cannot express multipart part 0 named 'a=b'"):
        export_request("curl", request)
    assert "(None, ('1').encode())" in export_request("httpx", request)  # the Python scripts can
    slash = ResolvedRequest(name="bs", method="GET", url="http://h.test/", headers=(("X", "a\\:b"),))
    with pytest.raises(ExportError, match="backslash"):
        export_request("httpie", slash)
    assert "'X: a\\:b'" in export_request("curl", slash)


@pytest.mark.parametrize("fmt", ["curl", "httpie", "httpx", "aiohttp", "hurl"])
def test_a_multipart_content_type_override_is_refused(fmt: str) -> None:
    # reqbench keeps its boundary under multipart/mixed; curl would also turn the parts into
    # "attachment"s, and the others cannot keep the generated boundary.
    from tui.core.engine import ResolvedBody, ResolvedPart

    body = ResolvedBody(kind="multipart", parts=(ResolvedPart(name="a", value="1"),), content_type="multipart/mixed")
    with pytest.raises(ExportError, match="multipart body with its own content_type"):
        export_request(fmt, ResolvedRequest(name="m", method="POST", url="http://h.test/", body=body))
