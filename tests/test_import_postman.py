"""Postman collection v2.0/v2.1 and environment import (`tui.core.formats.from_postman`), on
Postman-exported files under tests/data/import, replayed against the local httpbin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Auth, Collection, Pair, Request
from tui.core.errors import ImportFailed
from tui.core.formats.from_postman import import_environment
from tui.core.formats.imported import ImportContext
from tui.core.formats.importers import detect, import_path, import_text
from tui.core.replay import Outcome, RunOptions, run

DATA = Path(__file__).resolve().parent / "data" / "import"
SHOP = DATA / "shop.postman_collection.json"
LEGACY = DATA / "legacy.postman_collection.json"
ENVIRONMENT = DATA / "shop.postman_environment.json"


def _round_trip(collection: Collection) -> Collection:
    text = store.dumps(collection)
    again = store.loads(text)
    assert store.dumps(again) == text
    assert again == collection
    return again


def test_detected_as_postman() -> None:
    for path in (SHOP, LEGACY, ENVIRONMENT):
        assert detect(path.read_text(encoding="utf-8"), source=str(path)) == "postman"


def test_v21_folders_variables_and_descriptions() -> None:
    result = import_path(SHOP)
    c = _round_trip(result.collection)
    assert c.name == "Shop API"
    assert c.description == "Orders and customers of the demo shop."
    assert c.variables == {
        "base": "https://shop.example.com", "user": "ada", "password": "s3cret", "api_key": "k-123",
        "customer_id": "c-42", "token": "t0k3n",
    }  # fmt: skip
    folders = {r.name: r.folder for r in c.requests}
    assert folders["Login (basic)"] == "Auth/Tokens"
    assert folders["List orders"] == "Orders"
    assert folders["Who am I (bearer)"] == ""
    assert c.request("List orders").description == "All open orders, newest first."


def test_v21_auth_is_inherited_as_postman_does() -> None:
    c = import_path(SHOP).collection
    assert c.request("Login (basic)").auth == Auth("basic", user="{{user}}", password="{{password}}")
    assert c.request("Digest check").auth == Auth("digest", user="{{user}}", password="{{password}}")
    # The Orders folder's API key (a header) replaces the collection's bearer token...
    orders = c.request("Get order")
    assert orders.auth is None and Pair("X-Api-Key", "{{api_key}}") in orders.headers
    # ...a request's own key in the query replaces the folder's...
    search = c.request("Search orders (query key)")
    assert Pair("api_key", "{{api_key}}") in search.params
    assert all(h.name != "X-Api-Key" for h in search.headers)
    # ...a folder without auth passes the collection's bearer down, and noauth stops it.
    assert c.request("Upload avatar").auth == Auth("bearer", token="{{token}}")
    assert c.request("Health (no auth)").auth is None
    assert c.defaults.auth is None


def test_v21_rows_bodies_and_path_variables() -> None:
    result = import_path(SHOP)
    c = result.collection
    listing = c.request("List orders")
    assert listing.url == "{{base}}/anything/orders"  # the query lives in params, not twice
    assert listing.params == [Pair("status", "open"), Pair("limit", "20"), Pair("page", "2", False)]
    assert Pair("X-Debug", "1", False) in listing.headers
    assert c.request("Get order").url == "{{base}}/anything/orders/1001"
    create = c.request("Create order")
    assert create.body is not None and create.body.kind == "json" and '"{{customer_id}}"' in create.body.text
    form = c.request("Update customer (form)").body
    assert form is not None and form.kind == "form"
    assert form.form[-1] == Pair("newsletter", "yes", False)
    upload = c.request("Upload avatar").body
    assert upload is not None and upload.kind == "multipart"
    assert [(p.name, p.value, p.file, p.content_type) for p in upload.parts] == [
        ("customer", "{{customer_id}}", None, None),
        ("note", "profile picture", None, "text/plain"),
        ("avatar", None, "avatar.png", None),
    ]
    binary = c.request("Upload invoice (binary)").body
    assert binary is not None and (binary.kind, binary.path) == ("file", "invoice.pdf")
    graph = c.request("Customer graph").body
    assert graph is not None and graph.kind == "json"
    sent = json.loads(graph.text.replace("{{customer_id}}", "c-42"))
    assert sent["variables"] == {"id": "c-42"} and sent["query"].startswith("query Customer")
    assert "List orders: test script not imported" in result.warnings
    assert "Upload avatar: disabled multipart part 'old' not imported" in result.warnings
    # Literal credentials are named (never shown) so the user can move them to {{env:NAME}}.
    (secrets,) = [w for w in result.warnings if w.startswith("credentials written")]
    assert "variable 'password'" in secrets and "variable 'token'" in secrets and "s3cret" not in secrets


def test_v20_auth_objects_string_headers_and_id_variables() -> None:
    result = import_path(LEGACY)
    c = _round_trip(result.collection)
    assert c.variables == {"host": "https://legacy.example.com"}
    assert any("Basic v2.0: auth, Bearer v2.0: auth" in w and "oldpass" not in w for w in result.warnings)
    assert c.request("Basic v2.0").auth == Auth("basic", user="olduser", password="oldpass")
    bearer = c.request("Bearer v2.0")
    assert bearer.auth == Auth("bearer", token="legacy-token")
    assert bearer.headers == [Pair("X-Trace", "abc"), Pair("X-Off", "1")]
    post = c.request("Post text")
    assert (post.url, post.params) == ("{{host}}/post", [Pair("x", "1")])
    assert post.body is not None and (post.body.kind, post.body.text) == ("text", "hello from v2.0")


def test_environment_file_merges_into_a_collection() -> None:
    collection = import_path(SHOP).collection
    warnings = import_environment(ENVIRONMENT.read_text(encoding="utf-8"), collection, ImportContext(str(ENVIRONMENT)))
    assert collection.environments == {
        "Shop local": {"base": "http://127.0.0.1:8080", "user": "grace", "api_key": "live-key-do-not-commit"}
    }
    assert any("'old_flag' is disabled" in w for w in warnings)
    assert any("'api_key' is a Postman secret" in w for w in warnings)
    _round_trip(collection)


def test_environment_file_alone_imports_its_values() -> None:
    result = import_path(ENVIRONMENT)
    assert result.collection.requests == []
    assert result.collection.environments["Shop local"]["user"] == "grace"
    assert any("--env-file" in w for w in result.warnings)


def test_environment_without_a_name_is_named_after_its_file() -> None:
    collection = Collection()
    text = json.dumps({"values": [{"key": "a", "value": 1}]})
    import_environment(text, collection, ImportContext("envs/staging.postman_environment.json"))
    import_environment(text, collection)
    assert collection.environments == {"staging": {"a": "1"}, "postman": {"a": "1"}}
    collection.requests.append(Request("r", url="{{my host}}/x"))
    warnings = import_environment(json.dumps({"name": "e", "values": [{"key": "my host", "value": "h"}]}), collection)
    assert collection.environments["e"] == {"my_host": "h"} and collection.requests[0].url == "{{my_host}}/x"
    assert warnings == ["environment 'e': 'my host' renamed to 'my_host', and its uses in the requests"]


def test_environment_refuses_a_collection() -> None:
    with pytest.raises(ImportFailed, match=r"\$\.values"):
        import_environment(SHOP.read_text(encoding="utf-8"), Collection(), ImportContext("shop.json"))


def test_names_braces_cannot_hold_are_renamed_with_their_uses() -> None:
    doc = {
        "info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "r", "request": {"method": "GET", "url": "{{my host}}/get?id={{$guid}}"}}],
        "variable": [{"key": "my host", "value": "http://h"}],
    }
    result = import_text(json.dumps(doc), fmt="postman")
    assert result.collection.variables == {"my_host": "http://h"}
    assert result.collection.requests[0].url == "{{my_host}}/get?id={{$guid}}"
    assert "r: Postman dynamic variables {{$guid}} are sent as typed" in result.warnings
    _round_trip(result.collection)


def test_behaviour_settings_several_files_absolute_paths_and_raw_languages() -> None:
    parts = [{"key": "docs", "type": "file", "src": ["a.txt", "/home/ada/b.txt"]}, {"key": "none", "type": "file", "src": None}]
    doc = {
        "info": {"name": "x"},
        "item": [
            {"name": "xml", "protocolProfileBehavior": {"followRedirects": False, "strictSSL": False},
             "request": {"method": "POST", "url": "http://h/post",
                         "body": {"mode": "raw", "raw": "<a/>", "options": {"raw": {"language": "xml"}}}}},
            {"name": "files", "request": {"method": "POST", "url": "http://h/post", "body": {"mode": "formdata", "formdata": parts}}},
            {"name": "folder/with slash", "item": [{"name": "inner", "request": "http://h/get"}]},
        ],
    }  # fmt: skip
    result = import_text(json.dumps(doc), fmt="postman")
    xml, files, inner = result.collection.requests
    assert (xml.follow_redirects, xml.verify) == (False, False)
    assert xml.body is not None and (xml.body.kind, xml.body.content_type) == ("text", "application/xml")
    assert files.body is not None and [(p.name, p.file) for p in files.body.parts] == [("docs", "a.txt"), ("docs", "/home/ada/b.txt")]
    assert "files: file '/home/ada/b.txt' is outside the collection's folder; replay needs --allow-path" in result.warnings
    assert "files: file part 'none' has no file chosen; not imported" in result.warnings
    assert (inner.folder, inner.method, inner.url) == ("folder-with slash", "GET", "http://h/get")
    _round_trip(result.collection)


def test_query_rows_are_decoded_as_the_server_would_read_them() -> None:
    url = {"raw": "http://h/get?q=a+b&t=%7B%7D&v={{v}}", "query": [
        {"key": "q", "value": "a+b"}, {"key": "t", "value": "%7B%7D"}, {"key": "v", "value": "{{v}}"}]}  # fmt: skip
    doc = {"info": {"name": "x"}, "item": [{"name": "q", "request": {"method": "GET", "url": url}}]}
    (request,) = import_text(json.dumps(doc), fmt="postman").collection.requests
    assert request.params == [Pair("q", "a b"), Pair("t", "{}"), Pair("v", "{{v}}")]


def test_json_bodies_that_do_not_parse_come_in_as_text() -> None:
    def item(name: str, raw: str) -> dict[str, object]:
        body = {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}
        return {"name": name, "request": {"method": "POST", "url": "http://h/post", "body": body}}

    doc = {"info": {"name": "x"}, "item": [item("unquoted", '{"n": {{n}}}'), item("comment", '{"a": 1 // why\n}')]}
    result = import_text(json.dumps(doc), fmt="postman")
    unquoted, comment = (r.body for r in result.collection.requests)
    assert unquoted is not None and (unquoted.kind, unquoted.text) == ("json", '{"n": {{n}}}')
    assert comment is not None and (comment.kind, comment.content_type) == ("text", "application/json")
    assert "comment: the JSON body does not parse; imported as text, sent as typed" in result.warnings


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"info": {"name": "x"},\n "item": [1,]}', r"^shop\.json:2:13: not valid JSON"),
        ('{"item": []}', r"^shop\.json: \$\.info: missing"),
        ('{"info": {}, "item": [{"name": "a", "request": 5}]}', r"^shop\.json: \$\.item\[0\]\.request: "),
        ('{"info": {}, "item": [{"name": "f", "item": [{"name": "z"}]}]}', r"^shop\.json: \$\.item\[0\]\.item\[0\]: neither"),
        ('{"info": {}, "item": [{"request": {"url": "x", "header": 3}}]}', r"\$\.item\[0\]\.request\.header: must be"),
        ('{"requests": [], "order": []}', "v1 export"),
    ],
)
def test_bad_input_names_where(text: str, where: str) -> None:
    with pytest.raises(ImportFailed, match=where):
        import_text(text, fmt="postman", source="shop.json")


async def test_imported_collection_replays_against_httpbin(httpbin_url: str, tmp_path: Path) -> None:
    result = import_path(SHOP)
    for name in ("avatar.png", "invoice.pdf"):
        shutil.copy(DATA / name, tmp_path / name)
    path = tmp_path / "shop.toml"
    path.write_text(store.dumps(result.collection), encoding="utf-8")
    collection = store.load(path)
    summary = await run(collection, RunOptions(overrides={"base": httpbin_url}))
    by_name = {r.name: r for r in summary.results}
    for r in summary.results:
        assert r.outcome is Outcome.PASSED, (r.name, r.message)
        assert r.response is not None and r.response.status == 200, (r.name, r.response and r.response.status)
    echoed = {name: json.loads(r.response.content) for name, r in by_name.items() if r.response and r.response.content}
    listing = echoed["List orders"]
    assert listing["args"] == {"status": "open", "limit": "20"}
    assert listing["headers"]["X-Api-Key"] == "k-123" and "X-Debug" not in listing["headers"]
    assert echoed["Search orders (query key)"]["args"] == {"q": "shoes", "api_key": "k-123"}
    assert echoed["Get order"]["url"].endswith("/anything/orders/1001")
    assert echoed["Create order"]["json"] == {"customer": "c-42", "items": [{"sku": "A-1", "qty": 2}]}
    assert echoed["Update customer (form)"]["form"] == {"name": "Ada Lovelace", "email": "ada@example.com"}
    avatar = echoed["Upload avatar"]
    assert avatar["form"] == {"customer": "c-42", "note": "profile picture"} and "avatar" in avatar["files"]
    assert echoed["Upload invoice (binary)"]["data"].startswith("%PDF-1.4")
    assert echoed["Customer graph"]["json"]["variables"] == {"id": "c-42"}
    assert echoed["Who am I (bearer)"] == {"authenticated": True, "token": "t0k3n"}
    assert "Authorization" not in echoed["Health (no auth)"]["headers"]
    assert echoed["Login (basic)"] == {"authenticated": True, "user": "ada"}
    assert echoed["Digest check"] == {"authenticated": True, "user": "ada"}
