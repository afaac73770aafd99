"""Insomnia v4 export import (`tui.core.formats.from_insomnia`), JSON and YAML, on exports
under tests/data/import, replayed against the local httpbin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Auth, Collection, Pair
from tui.core.errors import ImportFailed
from tui.core.formats.importers import detect, import_path, import_text
from tui.core.replay import Outcome, RunOptions, run

DATA = Path(__file__).resolve().parent / "data" / "import"
JSON_EXPORT = DATA / "insomnia_export.json"
YAML_EXPORT = DATA / "insomnia_export.yaml"


def _round_trip(collection: Collection) -> Collection:
    text = store.dumps(collection)
    again = store.loads(text)
    assert store.dumps(again) == text
    assert again == collection
    return again


def test_detected_as_insomnia() -> None:
    for path in (JSON_EXPORT, YAML_EXPORT):
        assert detect(path.read_text(encoding="utf-8"), source=str(path)) == "insomnia"


def test_json_export_groups_order_and_environments() -> None:
    result = import_path(JSON_EXPORT)
    c = _round_trip(result.collection)
    assert (c.name, c.description) == ("Catalog", "The catalog service")
    # Insomnia's order (metaSortKey within each group), groups as folder paths.
    assert [(r.folder, r.name) for r in c.requests] == [
        ("", "Search products"),
        ("Auth/Tokens", "Issue token"),
        ("Products", "Products graph"),
        ("Products", "Upload photo"),
        ("Products", "Signup form"),
    ]
    assert c.variables == {
        "base": "https://catalog.example.com", "user": "ada", "password": "pw", "page": "1", "token": "t-abc",
        "api_key": "k-1",
    }  # fmt: skip
    assert c.environments == {"Staging": {"base": "https://staging.catalog.example.com", "user": "stage", "limits.rate": "10"}}


def test_json_export_requests() -> None:
    result = import_path(JSON_EXPORT)
    c = result.collection
    search = c.request("Search products")
    assert search.url == "{{base}}/get"  # {{ _.base }} is ours now
    assert search.params == [Pair("q", "lamp"), Pair("page", "{{page}}"), Pair("debug", "true", False)]
    assert Pair("X-Old", "1", False) in search.headers
    assert search.auth == Auth("bearer", token="{{token}}")
    assert search.follow_redirects is False
    token = c.request("Issue token")
    assert token.auth == Auth("basic", user="{{user}}", password="{{password}}")
    assert token.description == "Exchange credentials for a token."
    assert token.body is not None and token.body.kind == "json" and '"{{user}}"' in token.body.text
    signup = c.request("Signup form")
    assert signup.body is not None and signup.body.form[-1] == Pair("coupon", "X", False)
    assert Pair("X-Api-Key", "{{api_key}}") in signup.headers
    upload = c.request("Upload photo")
    assert upload.body is not None and [(p.name, p.value, p.file) for p in upload.body.parts] == [
        ("title", "Lamp", None),
        ("photo", None, "avatar.png"),
    ]
    assert all(h.name.lower() != "content-type" for h in upload.headers)  # the boundary is ours to pick
    graph = c.request("Products graph")
    assert graph.body is not None and json.loads(graph.body.text)["query"].startswith("query {")
    assert graph.auth is None
    assert "Products graph: oauth2 auth not imported; add it by hand" in result.warnings
    assert "Issue token: Insomnia template tags {% uuid %} not imported (sent as typed)" in result.warnings


def test_yaml_export() -> None:
    c = _round_trip(import_path(YAML_EXPORT).collection)
    assert c.name == "Notes service"
    assert c.environments == {"Local dev": {"base": "http://127.0.0.1:5000"}}
    read = c.request("Read note")
    assert (read.folder, read.url) == ("Notes", "{{base}}/anything/notes/{{note_id}}")
    assert read.description == "Fetch one note.\nMarkdown allowed."
    assert Pair("Authorization", "Token {{token}}") in read.headers and read.auth is None  # custom prefix
    assert read.follow_redirects is True
    edit = c.request("Edit note")
    assert edit.auth is None  # disabled in Insomnia
    assert edit.body is not None and (edit.body.kind, edit.body.text) == ("text", "new body for {{note_id}}")
    attach = c.request("Replace attachment")
    assert attach.body is not None and (attach.body.kind, attach.body.path) == ("file", "invoice.pdf")
    assert attach.params == [Pair("version", "2"), Pair("key", "{{api_key}}")]


def test_bracket_references_and_several_workspaces() -> None:
    resources = [
        {"_type": "workspace", "_id": "wrk_a", "name": "First"},
        {"_type": "workspace", "_id": "wrk_b", "name": "Second"},
        {"_type": "request", "_id": "req_1", "parentId": "wrk_a", "name": "one", "method": "get",
         "url": "{{ _['base url'] }}/x", "headers": [{"name": "X", "value": "{{ plain }}"}]},
        {"_type": "request_group", "_id": "fld_1", "parentId": "wrk_b", "name": "G"},
        {"_type": "request", "_id": "req_2", "parentId": "fld_1", "name": "two", "url": "http://h/"},
        {"_type": "request", "_id": "req_3", "parentId": "fld_gone", "name": "orphan", "url": "http://h/"},
        {"_type": "grpc_request", "_id": "greq_1", "parentId": "wrk_a", "name": "stream"},
    ]  # fmt: skip
    result = import_text(json.dumps({"_type": "export", "__export_format": 4, "resources": resources}), fmt="insomnia")
    one, two, orphan = result.collection.requests
    assert (one.folder, one.method, one.url, one.headers) == ("First", "GET", "{{base_url}}/x", [Pair("X", "{{plain}}")])
    assert (two.folder, orphan.folder) == ("Second/G", "")
    assert "stream: gRPC request not imported" in result.warnings
    _round_trip(result.collection)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("_type: export\n__export_format: 4\nresources:\n  - _id: [unclosed\n", r"^ins\.yaml:5:1: not valid YAML"),
        ('{"_type": "export", "__export_format": 5, "resources": []}', r"\$\.__export_format: 5: only"),
        ("type: collection.insomnia.rest/5.0\nname: x\n", r"\$\.type: an Insomnia v5 export; export it .* v4"),
        ('{"_type": "export", "__export_format": 4, "resources": {}}', r"\$\.resources: must be a list"),
        ('{"_type": "export", "__export_format": 4, "resources": [{"_id": "x"}]}', r"\$\.resources\[0\]: each resource"),
        (
            '{"_type": "export", "__export_format": 4, "resources": [{"_type": "request", "_id": "r", "headers": 1}]}',
            r"\$\.resources\[0\]\.headers: must be",
        ),
    ],
)
def test_bad_input_names_where(text: str, where: str) -> None:
    with pytest.raises(ImportFailed, match=where):
        import_text(text, fmt="insomnia", source="ins.yaml")


async def test_imported_export_replays_against_httpbin(httpbin_url: str, tmp_path: Path) -> None:
    result = import_path(JSON_EXPORT)
    shutil.copy(DATA / "avatar.png", tmp_path / "avatar.png")
    path = tmp_path / "catalog.toml"
    path.write_text(store.dumps(result.collection), encoding="utf-8")
    collection = store.load(path)
    names = ("Search products", "Issue token", "Upload photo", "Signup form", "Products graph")
    summary = await run(collection, RunOptions(names=names, overrides={"base": httpbin_url}))
    echoed = {}
    for r in summary.results:
        assert r.outcome is Outcome.PASSED, (r.name, r.message)
        assert r.response is not None and r.response.status == 200, r.name
        echoed[r.name] = json.loads(r.response.content)
    assert echoed["Search products"]["args"] == {"q": "lamp", "page": "1"}
    assert echoed["Search products"]["headers"]["Authorization"] == "Bearer t-abc"
    assert echoed["Issue token"]["json"] == {"user": "ada", "scope": "read"}
    assert echoed["Issue token"]["headers"]["Authorization"].startswith("Basic ")
    assert echoed["Upload photo"]["form"] == {"title": "Lamp"} and "photo" in echoed["Upload photo"]["files"]
    assert echoed["Signup form"]["form"] == {"email": "ada@example.com", "plan": "pro"}
    assert echoed["Signup form"]["headers"]["X-Api-Key"] == "k-1"
    assert echoed["Products graph"]["json"]["query"] == "query { products(first: 5) { name } }"


async def test_yaml_export_replays_against_httpbin(httpbin_url: str, tmp_path: Path) -> None:
    shutil.copy(DATA / "invoice.pdf", tmp_path / "invoice.pdf")
    path = tmp_path / "notes.toml"
    path.write_text(store.dumps(import_path(YAML_EXPORT).collection), encoding="utf-8")
    summary = await run(store.load(path), RunOptions(environment="Local dev", overrides={"base": httpbin_url}))
    echoed = {}
    for r in summary.results:
        assert r.outcome is Outcome.PASSED, (r.name, r.message)
        assert r.response is not None and r.response.status == 200, r.name
        echoed[r.name] = json.loads(r.response.content)
    read = echoed["Read note"]
    assert read["args"] == {"fields": "title,body"} and "/anything/notes/n-7?" in read["url"]
    assert read["headers"]["Authorization"] == "Token tk"
    assert echoed["Edit note"]["data"] == "new body for n-7" and "Authorization" not in echoed["Edit note"]["headers"]
    attach = echoed["Replace attachment"]
    assert attach["args"] == {"version": "2", "key": "k9"}
    assert attach["data"].startswith("%PDF-1.4") and attach["headers"]["Content-Type"] == "application/octet-stream"
