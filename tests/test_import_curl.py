"""The curl importer's mapping and its warnings (what it sends is checked against real curl in
test_import_curl_vs_curl.py); the shell word splitter on its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Auth, Body, MultipartPart, Pair
from tui.core.errors import ImportFailed
from tui.core.formats.from_curl import parse_curl
from tui.core.formats.imported import ImportContext
from tui.core.formats.importers import import_text
from tui.core.formats.shellwords import ENV_END, ENV_START, split_commands

DATA = Path(__file__).parent / "data" / "import"


def _words(text: str) -> list[list[str]]:
    return [[w.text for w in c.words] for c in split_commands(text, ImportContext(source="t"))]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("curl 'a b' \"c $d\" e\\ f", [["curl", "a b", f"c {ENV_START}d{ENV_END}", "e f"]]),
        ("curl $'a\\nb\\x41\\u00e9\\'q' $\"x\"", [["curl", "a\nbAé'q", "x"]]),
        ("curl http://h/#frag # a comment\ncurl x", [["curl", "http://h/#frag"], ["curl", "x"]]),
        ("curl a \\\n  b\\\r\n c", [["curl", "a", "b", "c"]]),
        ("curl a > out.txt 2>&1 | jq . && echo ok; curl b", [["curl", "a"], ["jq", "."], ["echo", "ok"], ["curl", "b"]]),
        ("curl ${TOKEN}x '$NOPE'", [["curl", f"{ENV_START}TOKEN{ENV_END}x", "$NOPE"]]),
        ("curl 'it'\"'\"'s'", [["curl", "it's"]]),
        ("curl $'\\xff'", [["curl", "\udcff"]]),
    ],
)
def test_shell_words(text: str, words: list[list[str]]) -> None:
    assert _words(text) == words


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("curl 'open", "t:1:6: unterminated ' quote"),
        ('curl x\n  -d "open', 't:2:6: unterminated " quote'),
        ("curl $'open", "t:1:6: unterminated $' quote"),
    ],
)
def test_open_quotes_fail_at_their_position(text: str, message: str) -> None:
    with pytest.raises(ImportFailed, match=f"^{re.escape(message)}$"):
        split_commands(text, ImportContext(source="t"))


def _one(command: str) -> tuple[object, list[str]]:
    return parse_curl(command)


def test_browser_copy_as_curl_file() -> None:
    text = (DATA / "browser-copy.curl").read_text(encoding="utf-8")
    result = import_text(text, fmt="curl", source="browser-copy.curl")
    first, second = result.collection.requests
    assert first.method == "POST" and first.url == "https://shop.example.test/api/graphql"
    assert first.body is not None and first.body.kind == "json"
    assert '"query": "query { me { id } }"' in first.body.text
    assert ("cookie", "session=abc; theme=dark") in [(h.name, h.value) for h in first.headers]
    assert first.follow_redirects is False  # no -L: curl does not follow
    assert second.method == "GET" and [(p.name, p.value) for p in second.params] == [("q", "red shoes"), ("page", "2")]
    assert second.follow_redirects is None and second.timeout == 10.0
    assert result.warnings == [
        "credentials written to the collection as they are in the source"
        " (POST shop.example.test/api/graphql: header cookie); consider {{env:NAME}}"
    ]
    store.loads(store.dumps(result.collection))  # loads back as it is


def test_env_variables_and_literal_braces() -> None:
    request, warnings = _one("curl -H \"Authorization: Bearer $API_TOKEN\" 'http://h/{{not-a-var}}' -g")
    assert request.headers == [Pair("Authorization", "Bearer {{env:API_TOKEN}}")]
    assert request.url == "http://h/{{{{not-a-var}}"
    assert warnings == []


def test_files_relative_and_absolute() -> None:
    request, warnings = _one("curl -d @body.json -o out/result.json http://h/p")
    assert request.body == Body("file", text="body.json", content_type="application/x-www-form-urlencoded")
    assert request.download is not None and request.download.path == "out/result.json"
    assert warnings == ["POST h/p (line 1): -d @body.json: curl strips the file's newlines; the file is sent as is"]
    request, warnings = _one("curl --data-binary @/etc/hostname -F 'f=@/tmp/x.png' http://h/p")
    assert request.body is None
    assert any("reads '/etc/hostname', an absolute path; not imported" in w for w in warnings)
    assert any("-F part 'f' reads '/tmp/x.png', an absolute path" in w for w in warnings)
    request, warnings = _one("curl -d @- http://h/p")
    assert request.body is None and warnings == ["POST h/p (line 1): -d @- reads standard input; not imported"]


def test_form_parts() -> None:
    request, warnings = _one("curl -F 'a=@pic.png;filename=me.png' -F 'n=v;type=text/x' -F 'doc=<notes.txt' http://h/")
    assert request.body is not None
    assert request.body.parts == [
        MultipartPart("a", file="pic.png", filename="me.png"),
        MultipartPart("n", value="v", content_type="text/x"),
    ]
    assert warnings == [
        "POST h/ (line 1): -F part 'doc' sends the text of 'notes.txt'; reqbench cannot read a file into a text part; not imported"
    ]
    # curl's own type for a .json file part is application/octet-stream; reqbench would guess json
    request, _ = _one("curl -F 'j=@d.json' http://h/")
    assert request.body is not None and request.body.parts[0].content_type == "application/octet-stream"


def test_auth_forms() -> None:
    assert _one("curl -u tom:pw http://h/")[0].auth == Auth("basic", user="tom", password="pw")  # type: ignore[attr-defined]
    assert _one("curl --digest -u tom:pw http://h/")[0].auth == Auth("digest", user="tom", password="pw")  # type: ignore[attr-defined]
    request, warnings = _one("curl http://tom:p%40ss@h/x")
    assert request.auth == Auth("basic", user="tom", password="p@ss") and request.url == "http://h/x"  # type: ignore[attr-defined]
    request, warnings = _one("curl -u tom http://h/")
    assert request.auth == Auth("basic", user="tom", password="")  # type: ignore[attr-defined]
    assert warnings == ["GET h/ (line 1): -u without ':password' (curl would prompt for it); the password is left empty"]


def test_reported_options_name_the_request_and_never_show_values() -> None:
    _, warnings = _one(
        "curl -H 'Accept:' -b cookies.txt -x http://proxy:3128 --frobnicate -H 'Authorization Bearer s3cr3t' http://h/r"
    )
    assert warnings == [
        "GET h/r (line 1): -H 'Accept:' removes curl's Accept header; reqbench cannot remove it, sends its own",
        "GET h/r (line 1): -b 'cookies.txt' is a cookie file; not read",
        "GET h/r (line 1): --proxy not imported",
        "GET h/r (line 1): unknown option --frobnicate; ignored",
        "GET h/r (line 1): a -H value without 'Name:' (not shown: it may hold a secret); curl ignores it",
    ]
    assert not any("s3cr3t" in w for w in warnings)


def test_several_urls_and_next() -> None:
    result = import_text("curl -H 'X: 1' http://h/a http://h/b -: -d z=1 http://h/c", fmt="curl")
    a, b, c = result.collection.requests
    assert (a.url, b.url, c.url) == ("http://h/a", "http://h/b", "http://h/c")
    assert a.headers == b.headers == [Pair("X", "1")] and c.headers == []
    assert c.method == "POST" and a.method == "GET"


def test_repeated_commands_get_numbered_names_quietly() -> None:
    result = import_text("curl http://h/a\ncurl http://h/a\n", fmt="curl")
    assert [r.name for r in result.collection.requests] == ["GET h/a", "GET h/a (2)"]
    assert result.warnings == []


def test_upload_appends_file_name_and_head() -> None:
    request, _ = _one("curl -T up.bin http://h/dir/")
    assert (request.method, request.url, request.body) == ("PUT", "http://h/dir/up.bin", Body("file", text="up.bin"))  # type: ignore[attr-defined]
    assert _one("curl -I http://h/")[0].method == "HEAD"  # type: ignore[attr-defined]


def test_non_utf8_data_becomes_base64() -> None:
    request, _ = _one("curl --data-binary $'\\xff\\x00' -H 'Content-Type: application/octet-stream' http://h/")
    assert request.body == Body("base64", text="/wA=")  # type: ignore[attr-defined]


def test_no_curl_command_is_an_error_with_a_position() -> None:
    with pytest.raises(ImportFailed, match=r"^pasted text:1:1: no curl command found$"):
        parse_curl("   \n# only a comment\n")
    with pytest.raises(ImportFailed, match=r"^pasted text:2:1: curl command without a URL; skipped$"):
        parse_curl("\ncurl -X POST")


def test_host_filter() -> None:
    result = import_text("curl http://a.test/1\ncurl http://b.test:8080/2\n", fmt="curl", host="b.test:8080")
    assert [r.url for r in result.collection.requests] == ["http://b.test:8080/2"]
