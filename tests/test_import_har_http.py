"""The HAR and .http importers on hand-written files of each kind (tests/data/import/), and the
registry around them: detection, finish(), add_to(), path rebasing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Body, Collection, MultipartPart, Pair, Request
from tui.core.errors import ImportFailed
from tui.core.formats.imported import ImportResult, host_matches
from tui.core.formats.importers import add_to, detect, import_path, import_text

DATA = Path(__file__).parent / "data" / "import"


# -- HAR -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def har() -> ImportResult:
    return import_path(DATA / "devtools.har")


def test_har_entries_become_requests(har: ImportResult) -> None:
    collection = har.collection
    assert collection.name == "Shop checkout"
    assert [r.name for r in collection.requests] == [
        "GET shop.example.test/api/products",
        "POST shop.example.test/api/cart",
        "POST shop.example.test/login",
        "POST upload.example.test/files",
        "GET shop.example.test/api/products (2)",
        "PUT shop.example.test/api/raw",
    ]
    assert har.warnings == [
        "POST upload.example.test/files (entries[3]): multipart file part 'photo': the HAR does not hold the file; not imported",
        "entries[4]: no URL; skipped",
        "entries[5]: wss URL, not HTTP; skipped",
        "credentials written to the collection as they are in the source (GET shop.example.test/api/products:"
        " header cookie, POST shop.example.test/api/cart: header Authorization, POST shop.example.test/api/cart:"
        " header Cookie, PUT shop.example.test/api/raw: param sig); consider {{env:NAME}}",
    ]
    assert not any("abc123" in w or "eyJ" in w for w in har.warnings)  # names only, never values
    store.loads(store.dumps(collection))


def test_har_headers_drop_what_the_client_computes(har: ImportResult) -> None:
    products, cart = har.collection.requests[:2]
    assert [(h.name, h.value) for h in products.headers] == [
        ("accept", "application/json"),
        ("cookie", "session=abc123; theme=dark"),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64)"),
    ]
    assert [h.name for h in cart.headers] == ["Content-Type", "Authorization", "Cookie"]  # cookie from `cookies`
    assert products.params == [Pair("page", "2"), Pair("sort", "price")]
    assert products.description == "first page load"
    assert {r.folder for r in har.collection.requests} == {"shop.example.test", "upload.example.test"}


def test_har_bodies(har: ImportResult) -> None:
    cart, login, upload = har.collection.requests[1:4]
    raw = har.collection.requests[5]
    assert cart.body == Body("json", text='{"sku": "A-1", "qty": 2}')
    assert login.body == Body("form", form=[Pair("user", "tom"), Pair("password", "p&ss word")])
    assert upload.body == Body("multipart", parts=[MultipartPart("title", value="Holiday photo")])
    assert upload.headers[0].enabled is False  # its boundary was the browser's
    assert raw.body == Body("base64", text="AAECAwQF/w==", content_type="application/octet-stream")


def test_har_host_filter_and_one_host_has_no_folders() -> None:
    result = import_path(DATA / "devtools.har", host="shop.example.test")
    assert len(result.collection.requests) == 5
    assert {r.folder for r in result.collection.requests} == {""}
    with pytest.raises(ImportFailed, match=r"no entry goes to host 'x.test' \(hosts here: shop.example.test, upload.example.test\)"):
        import_path(DATA / "devtools.har", host="x.test")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"nolog": 1}, "h.har: $.log: missing: a HAR file is a JSON object with a 'log' object"),
        ({"log": {"entries": {}}}, "h.har: $.log.entries: missing or not an array"),
        ({"log": {"entries": [{"request": {"url": "http://h/", "headers": "x"}}]}}, "h.har: $.log.entries[0].request.headers: must be an array, got str"),
    ],
)
def test_har_structure_errors_name_the_json_path(document: object, message: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        import_text(json.dumps(document), fmt="har", source="h.har")
    assert str(caught.value) == message
    assert caught.value.json_path is not None


# -- .http -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http() -> ImportResult:
    return import_path(DATA / "http" / "api.http")


def test_http_requests_names_and_variables(http: ImportResult) -> None:
    collection = http.collection
    assert [r.name for r in collection.requests] == [
        "List notes", "createNote", "PUT {{base}}/notes/{{createNote.response.body.$.id}}",
        "Upload attachment", "Multipart form", "Login form", "Only a URL",
    ]  # fmt: skip
    assert collection.variables == {"host": "127.0.0.1:8080", "base": "http://127.0.0.1:8080/api"}
    assert collection.environments == {
        "dev": {"host": "127.0.0.1:8080", "ownerId": "7"},
        "prod": {"host": "notes.example.test", "ownerId": "1"},
    }
    listing, create, put = collection.requests[:3]
    assert listing.url == "{{base}}/notes?limit=10&offset=20"
    # @token = {{$processEnv NOTES_TOKEN}} is written into the request, as reqbench substitutes once
    assert listing.headers[1] == Pair("Authorization", "Bearer {{env:NOTES_TOKEN}}")
    assert create.description == "Create a note" and create.body is not None and create.body.kind == "json"
    assert put.follow_redirects is False
    store.loads(store.dumps(collection))


def test_http_bodies(http: ImportResult) -> None:
    put, upload, multipart, login, health = http.collection.requests[2:]
    assert put.body == Body("text", text="plain text body\nsecond line")
    assert upload.body == Body("file", text="./attachment.bin")
    assert multipart.body == Body(
        "multipart",
        parts=[
            MultipartPart("caption", value="A caption"),
            MultipartPart("file", file="./attachment.bin", filename="note.txt", content_type="text/plain"),
        ],
    )
    assert multipart.headers[0].enabled is False
    assert login.url == "http://auth.example.test/login" and [h.name for h in login.headers] == ["Content-Type"]
    assert login.body == Body("text", text="user=tom&password=secret")
    assert (health.method, health.url, health.body) == ("GET", "https://status.example.test/health", None)


def test_http_reports_what_it_does_not_import(http: ImportResult) -> None:
    assert http.warnings == [
        "createNote (line 14): dynamic variable {{$uuid}} not imported; left as typed",
        "createNote (line 14): response handler script (line 25) not imported",
        "PUT {{base}}/notes/{{createNote.response.body.$.id}} (line 31): request reference"
        " {{createNote.response.body.$.id}} not imported (use [requests.capture]); left as typed",
        "Login form (line 59): response redirect '>> ./login-response.json' not imported",
        "variable 'base' was written with the [variables] value of host, which an environment overrides;"
        " reqbench does not expand variables inside variables",
    ]


def test_http_bad_header_line_fails_at_its_line() -> None:
    with pytest.raises(ImportFailed, match=r"^x.http:3:1: expected a header 'Name: value', got 'not a header'$"):
        import_text("### one\nGET http://h/\nnot a header\n", fmt="http", source="x.http")


# -- the registry ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "fmt"),
    [
        ("curl http://h/", "-", "curl"),
        ("# comment\n$ curl -s http://h/", "-", "curl"),
        ('{"log": {"entries": []}}', "-", "har"),
        ("### a\nGET http://h/\n", "-", "http"),
        ("# @name x\nPOST http://h/\n", "-", "http"),
        ("@base = http://h\n", "-", "http"),
        ('{"openapi": "3.1.0"}', "-", "openapi"),
        ("swagger: '2.0'\ninfo: {}\n", "-", "openapi"),
        ('{"info": {"_postman_id": "x"}, "item": []}', "-", "postman"),
        ('{"_type": "export", "__export_format": 4}', "-", "insomnia"),
        ("_type: export\n__export_format: 4\n", "-", "insomnia"),
        ("{openapi: 3.0.0, info: {title: t}}", "-", "openapi"),
        ("{_type: export, __export_format: 4}", "-", "insomnia"),
        ("{}", "capture.har", "har"),
        ("weird", "notes.rest", "http"),
    ],
)
def test_detect(text: str, source: str, fmt: str) -> None:
    assert detect(text, source=source) == fmt


def test_finish_makes_names_unique_and_cleans_folders() -> None:
    def fake(text: str, ctx: object) -> ImportResult:
        requests = [Request("a", folder=" Auth / Tokens "), Request("a"), Request("  ")]
        return ImportResult(Collection(requests=requests))

    from tui.core.formats import importers

    importers.IMPORTERS["fake"] = fake  # type: ignore[assignment]
    try:
        result = import_text("", fmt="fake", name="Named")
    finally:
        del importers.IMPORTERS["fake"]
    assert [r.name for r in result.collection.requests] == ["a", "a (2)", "request"]
    assert result.collection.requests[0].folder == "Auth/Tokens"
    assert result.warnings == ["a: name already used; imported as 'a (2)'"]
    assert result.collection.name == "Named"


def test_add_to_an_open_collection() -> None:
    open_collection = Collection(variables={"base": "http://mine", "token": "t"}, requests=[Request("login")])
    imported = ImportResult(
        Collection(variables={"base": "http://theirs", "new": "1"}, requests=[Request("login"), Request("other")])
    )
    added = add_to(open_collection, imported)
    assert [r.name for r in open_collection.requests] == ["login", "login (2)", "other"]
    assert added == open_collection.requests[1:]
    assert open_collection.variables == {"base": "http://mine", "token": "t", "new": "1"}
    assert imported.warnings == [
        "login: name already used in this collection; added as 'login (2)'",
        "variable 'base' already set; kept the existing value, not the imported one",
    ]


def test_paths_are_rebased_to_the_output_folder(tmp_path: Path) -> None:
    result = import_text(
        "curl -d @data/body.json http://h/\n", fmt="curl", base_dir=tmp_path / "src", out_dir=tmp_path / "out"
    )
    assert result.collection.requests[0].body == Body(
        "file", text="../src/data/body.json", content_type="application/x-www-form-urlencoded"
    )
    assert result.warnings[-1] == "POST h/: '../src/data/body.json' lies outside the collection's folder: replay needs --allow-path"


def test_an_importer_not_written_yet_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.core.formats import importers

    monkeypatch.setitem(importers.IMPORTERS, "curl", importers._lazy("nope"))
    with pytest.raises(ImportFailed, match="importing nope is not available yet"):
        import_text("curl http://h/", fmt="curl")


@pytest.mark.parametrize(
    ("url", "host", "expected"),
    [
        ("http://a.test/x", "a.test", True),
        ("https://A.test:443/x", "a.test:443", True),
        ("http://a.test/x", "a.test:80", True),
        ("http://a.test:8080/", "a.test", True),
        ("http://a.test:8080/", "a.test:80", False),
        ("a.test/x", "a.test", True),
        ("http://b.test/", "a.test", False),
    ],
)
def test_host_matches(url: str, host: str, expected: bool) -> None:
    assert host_matches(url, host) is expected
