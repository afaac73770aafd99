"""`{{var}}` substitution and request resolution (tui.core.collection.variables)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.errors import BodyError, PathError, VariableError
from tui.core.collection.model import (
    Auth,
    Body,
    Collection,
    Defaults,
    Download,
    MultipartPart,
    Pair,
    Request,
)
from tui.core.engine.resolved import ResolvedBody, ResolvedDownload, ResolvedPart
from tui.core.collection.variables import (
    Span,
    find_spans,
    find_variables,
    resolve,
    scope,
    substitute,
    unresolved,
)

SCOPE = {"base": "http://h", "user": "tom", "a.b-c": "dotted", "empty": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{base}}/get", "http://h/get"),
        ("{{ base }}/get", "http://h/get"),
        ("{{\tbase  }}", "http://h"),
        ("{{user}}:{{user}}", "tom:tom"),
        ("{{a.b-c}}", "dotted"),
        ("[{{empty}}]", "[]"),
        ("{{{{base}}", "{{base}}"),
        ("{{{{ not a var", "{{ not a var"),
        ("{{{{{{base}}", "{{http://h"),
        ("{{{base}}}", "{http://h}"),
        ('{"a": {"b": 1}}', '{"a": {"b": 1}}'),
        ("{{not valid}}", "{{not valid}}"),
        ("{{1x}}", "{{1x}}"),
        ("no vars at all", "no vars at all"),
        ("{{env:HOME_DIR}}/x", "/home/tom/x"),
        ("{{ env:HOME_DIR }}", "/home/tom"),
    ],
)
def test_substitute(text: str, expected: str) -> None:
    assert substitute(text, SCOPE, request="r", field="url", environ={"HOME_DIR": "/home/tom"}) == expected


def test_substituted_values_are_not_expanded_again() -> None:
    assert substitute("{{a}}", {"a": "{{b}}", "b": "no"}, request="r", field="url") == "{{b}}"


def test_substitute_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQBENCH_TEST_TOKEN", "s3cret")
    assert substitute("Bearer {{env:REQBENCH_TEST_TOKEN}}", {}, request="r", field="auth.token") == "Bearer s3cret"


@pytest.mark.parametrize(
    ("text", "variable", "message"),
    [
        ("{{base}}/{{nope}}", "nope", "request 'get it', headers.Authorization: unknown variable {{nope}}"),
        ("{{ missing }}", "missing", "request 'get it', headers.Authorization: unknown variable {{missing}}"),
        (
            "{{env:NOT_SET_ANYWHERE}}",
            "env:NOT_SET_ANYWHERE",
            ("request 'get it', headers.Authorization: the environment variable NOT_SET_ANYWHERE is not set"
            " ({{env:NOT_SET_ANYWHERE}})"),
        ),
    ],
)
def test_unknown_variables_name_request_field_and_variable(text: str, variable: str, message: str) -> None:
    with pytest.raises(VariableError) as info:
        substitute(text, SCOPE, request="get it", field="headers.Authorization", environ={})
    assert str(info.value) == message
    assert (info.value.request, info.value.field, info.value.variable) == ("get it", "headers.Authorization", variable)


def test_find_variables_and_spans() -> None:
    text = "{{base}}/{{ user }}?t={{env:TOKEN}}&{{{{lit}}&{{base}}"
    assert find_variables(text) == ["base", "user", "env:TOKEN"]
    spans = find_spans(text)
    assert spans[0] == Span(0, 8, "base")
    assert [text[s.start : s.end] for s in spans] == ["{{base}}", "{{ user }}", "{{env:TOKEN}}", "{{base}}"]


# -- scope --------------------------------------------------------------------------------


def _collection() -> Collection:
    return Collection(
        variables={"v": "variables", "e": "variables", "o": "variables", "c": "variables"},
        environments={"local": {"e": "environment", "o": "environment", "c": "environment"}, "prod": {}},
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("v", "variables"), ("e", "environment"), ("o", "override"), ("c", "captured")],
)
def test_precedence_captured_overrides_environment_variables(name: str, expected: str) -> None:
    values = scope(
        _collection(),
        environment="local",
        overrides={"o": "override", "c": "override"},
        captured={"c": "captured"},
    )
    assert values[name] == expected


def test_without_environment_variables_apply() -> None:
    assert scope(_collection())["e"] == "variables"


def test_unknown_environment_lists_known_ones() -> None:
    with pytest.raises(VariableError, match=r"unknown environment 'staging' \(known: local, prod\)") as info:
        scope(_collection(), environment="staging")
    assert info.value.field == "environment"
    with pytest.raises(VariableError, match="known: none defined"):
        scope(Collection(), environment="x")


# -- resolve ------------------------------------------------------------------------------


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "myfile.txt").write_text("hello", encoding="utf-8")
    (root / "ca.pem").write_text("-----", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    return root


def _in(folder: Path, *requests: Request, **kwargs: object) -> Collection:
    collection = Collection(variables={"base": "http://h", "user": "tom", "dir": "data"}, requests=list(requests))
    for key, value in kwargs.items():
        setattr(collection, key, value)
    collection.path = folder / "c.toml"
    return collection


def test_resolve_merges_defaults_and_substitutes_everything(folder: Path) -> None:
    request = Request(
        name="r",
        method="post",
        url="{{base}}/post?x=1",
        params=[Pair("u", "{{user}}"), Pair("off", "{{nope}}", False), Pair("u", "2")],
        headers=[Pair("user-agent", "mine/{{user}}"), Pair("X-Off", "{{nope}}", False)],
        body=Body("form", form=[Pair("username", "{{user}}"), Pair("x", "{{nope}}", False)]),
        download=Download("{{dir}}/out.bin", chunk_size=10, overwrite=True),
        encoding="latin-1",
        timeout=5.0,
    )
    defaults = Defaults(
        headers=[Pair("User-Agent", "reqbench"), Pair("Accept", "*/*"), Pair("X-Gone", "1", False)],
        auth=Auth("basic", user="{{user}}", password="{{env:PW}}"),
        timeout=30.0,
        follow_redirects=False,
        verify="ca.pem",
        http2=True,
    )
    collection = _in(folder, request, defaults=defaults)
    resolved = resolve(collection, request, environ={"PW": "pw"})
    assert resolved.method == "POST"
    assert resolved.url == "http://h/post?x=1"
    assert resolved.params == (("u", "tom"), ("u", "2"))
    assert resolved.headers == (("Accept", "*/*"), ("user-agent", "mine/tom"))
    assert resolved.auth == Auth("basic", user="tom", password="pw")
    assert resolved.body == ResolvedBody("form", form=(("username", "tom"),))
    assert resolved.download == ResolvedDownload(folder / "data" / "out.bin", chunk_size=10, overwrite=True)
    assert (resolved.encoding, resolved.timeout, resolved.follow_redirects, resolved.http2) == (
        "latin-1", 5.0, False, True,
    )  # fmt: skip
    assert resolved.verify == folder / "ca.pem"


def test_request_values_override_defaults(folder: Path) -> None:
    request = Request(
        name="r",
        auth=Auth("bearer", token="{{user}}"),
        follow_redirects=True,
        verify=False,
        http2=False,
    )
    collection = _in(folder, request, defaults=Defaults(auth=Auth("basic", "a", "b"), verify="ca.pem", http2=True))
    resolved = resolve(collection, request)
    assert resolved.auth == Auth("bearer", token="tom")
    assert (resolved.follow_redirects, resolved.verify, resolved.http2, resolved.timeout) == (True, False, False, 30.0)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (Request("r", url="{{x}}"), "url"),
        (Request("r", params=[Pair("a", "1"), Pair("b", "{{x}}")]), "params.b"),
        (Request("r", params=[Pair("a", "1"), Pair("{{x}}", "1")]), "params[1]"),
        (Request("r", headers=[Pair("Authorization", "Bearer {{x}}")]), "headers.Authorization"),
        (Request("r", auth=Auth("basic", "u", "{{x}}")), "auth.password"),
        (Request("r", auth=Auth("bearer", token="{{x}}")), "auth.token"),
        (Request("r", body=Body("text", text="hi {{x}}")), "body.text"),
        (Request("r", body=Body("json", text='{"a": "{{x}}"}')), "body.json"),
        (Request("r", body=Body("form", form=[Pair("username", "{{x}}")])), "body.form.username"),
        (Request("r", body=Body("multipart", parts=[MultipartPart("a", value="{{x}}")])), "body.multipart[0].value"),
        (Request("r", body=Body("file", text="{{x}}.bin")), "body.file"),
        (Request("r", download=Download("{{x}}/out")), "download.path"),
        (Request("r", verify="{{x}}.pem"), "verify"),
    ],
)
def test_resolve_names_the_field_of_an_unknown_variable(folder: Path, request_: Request, field: str) -> None:
    collection = _in(folder, request_)
    with pytest.raises(VariableError) as info:
        resolve(collection, request_)
    assert (info.value.request, info.value.field, info.value.variable) == ("r", field, "x")
    assert str(info.value) == f"request 'r', {field}: unknown variable {{{{x}}}}"
    problems = unresolved(collection, request_)
    assert [(p.field, p.variable) for p in problems] == [(field, "x")]


def test_default_header_variables_are_named_as_defaults(folder: Path) -> None:
    request = Request("r")
    collection = _in(folder, request, defaults=Defaults(headers=[Pair("X-Key", "{{env:NO_SUCH_KEY}}")]))
    with pytest.raises(VariableError, match="defaults.headers.X-Key: the environment variable NO_SUCH_KEY is not set"):
        resolve(collection, request, environ={})


def test_unresolved_lists_every_problem_without_raising(folder: Path) -> None:
    request = Request(
        "r",
        url="{{a}}/{{base}}",
        headers=[Pair("H", "{{b}}"), Pair("Off", "{{ignored}}", False)],
        body=Body("json", text="{{c}} not json"),
        download=Download("/etc/{{d}}"),
    )
    collection = _in(folder, request)
    problems = unresolved(collection, request, environ={})
    assert [(p.field, p.variable) for p in problems] == [
        ("url", "a"),
        ("headers.H", "b"),
        ("body.json", "c"),
        ("download.path", "d"),
    ]
    assert unresolved(collection, Request("ok", url="{{base}}")) == []
    assert [p.field for p in unresolved(collection, request, environment="nope")] == ["environment"]


def test_environment_and_captured_values_reach_the_request(folder: Path) -> None:
    request = Request("r", url="{{base}}/{{token}}")
    collection = _in(folder, request, environments={"local": {"base": "http://local"}})
    resolved = resolve(collection, request, environment="local", captured={"token": "t1"})
    assert resolved.url == "http://local/t1"


# -- bodies -------------------------------------------------------------------------------


def test_json_body_is_validated_with_line_and_column(folder: Path) -> None:
    request = Request("post json", body=Body("json", text='{\n  "a": 1,\n  "b": {{v}}\n}'))
    collection = _in(folder, request)
    with pytest.raises(BodyError) as info:
        resolve(collection, request, overrides={"v": "nope"})
    assert str(info.value) == "request 'post json', body.json is not valid JSON: Expecting value at line 3, column 8"
    resolved = resolve(collection, request, overrides={"v": "[1, 2]"})
    assert resolved.body == ResolvedBody("json", text='{\n  "a": 1,\n  "b": [1, 2]\n}')


def test_base64_body_is_validated_and_compacted(folder: Path) -> None:
    request = Request("bin", body=Body("base64", text="AAEC\nAw==\n", content_type="image/png"))
    resolved = resolve(_in(folder, request), request)
    assert resolved.body == ResolvedBody("base64", text="AAECAw==", content_type="image/png")
    bad = Request("bad", body=Body("base64", text="not base64!"))
    with pytest.raises(BodyError, match="request 'bad', body.base64 is not valid base64"):
        resolve(_in(folder, bad), bad)


def test_text_body_and_content_type(folder: Path) -> None:
    request = Request("t", body=Body("text", text="hi {{user}}", content_type="text/x"))
    assert resolve(_in(folder, request), request).body == ResolvedBody("text", text="hi tom", content_type="text/x")


def test_file_stream_and_multipart_paths_are_absolute(folder: Path) -> None:
    file = Request("f", body=Body("file", text="{{dir}}/myfile.txt"))
    stream = Request("s", body=Body("stream", text="data/../data/myfile.txt", chunk_size=10))
    parts = Request(
        "m",
        body=Body(
            "multipart",
            parts=[
                MultipartPart("username", value="{{user}}"),
                MultipartPart("file", file="data/myfile.txt", filename="{{user}}.txt", content_type="text/plain"),
            ],
        ),
    )
    collection = _in(folder, file, stream, parts)
    target = folder / "data" / "myfile.txt"
    assert resolve(collection, file).body == ResolvedBody("file", path=target)
    assert resolve(collection, stream).body == ResolvedBody("stream", path=target, chunk_size=10)
    assert resolve(collection, parts).body == ResolvedBody(
        "multipart",
        parts=(
            ResolvedPart("username", value="tom"),
            ResolvedPart("file", file=target, filename="tom.txt", content_type="text/plain"),
        ),
    )


# -- paths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda p: Request("r", body=Body("file", text=p)),
        lambda p: Request("r", body=Body("stream", text=p)),
        lambda p: Request("r", body=Body("multipart", parts=[MultipartPart("f", file=p)])),
        lambda p: Request("r", download=Download(p)),
    ],
    ids=["file", "stream", "multipart", "download"],
)
@pytest.mark.parametrize("path", ["../outside.txt", "data/../../outside.txt", "{{up}}/outside.txt", "ABSOLUTE"])
def test_paths_leaving_the_folder_are_refused_unless_allowed(folder: Path, make: object, path: str) -> None:
    outside = folder.parent / "outside.txt"
    path = path.replace("ABSOLUTE", str(outside))
    request = make(path)  # type: ignore[operator]
    collection = _in(folder, request)
    with pytest.raises(PathError, match="is outside the collection's folder .*move it into that folder, or allow its folder with --allow-path") as info:
        resolve(collection, request, overrides={"up": ".."})
    assert info.value.path == outside
    resolved = resolve(collection, request, overrides={"up": ".."}, allowed_paths=[folder.parent])
    used = resolved.download.path if resolved.download else resolved.body.path or resolved.body.parts[0].file  # type: ignore[union-attr]
    assert used == outside
    # a preview may skip the checks altogether
    assert resolve(collection, request, overrides={"up": ".."}, check_paths=False).name == "r"


def test_symlink_escaping_the_folder_is_refused(folder: Path) -> None:
    (folder / "data" / "link.txt").symlink_to(folder.parent / "outside.txt")
    (folder / "linkdir").symlink_to(folder.parent)
    for path in ("data/link.txt", "linkdir/outside.txt"):
        request = Request("r", body=Body("file", text=path))
        with pytest.raises(PathError, match="outside the collection's folder"):
            resolve(_in(folder, request), request)
    download = Request("d", download=Download("linkdir/new.bin"))
    with pytest.raises(PathError, match="outside the collection's folder"):
        resolve(_in(folder, download), download)


def test_symlink_inside_the_folder_is_fine(folder: Path) -> None:
    (folder / "alias.txt").symlink_to(folder / "data" / "myfile.txt")
    request = Request("r", body=Body("file", text="alias.txt"))
    assert resolve(_in(folder, request), request).body == ResolvedBody("file", path=folder / "data" / "myfile.txt")


def test_missing_files_are_named(folder: Path) -> None:
    for body in (Body("file", text="nope.bin"), Body("stream", text="nope.bin"),
                 Body("multipart", parts=[MultipartPart("f", file="nope.bin")])):  # fmt: skip
        request = Request("r", body=body)
        with pytest.raises(PathError, match=f"no such file {folder / 'nope.bin'}"):
            resolve(_in(folder, request), request)
    directory = Request("r", body=Body("file", text="data"))
    with pytest.raises(PathError, match="is not a regular file"):
        resolve(_in(folder, directory), directory)
    empty = Request("r", body=Body("file", text=""))
    with pytest.raises(PathError, match="no path given"):
        resolve(_in(folder, empty), empty)


def test_download_into_a_folder_that_does_not_exist_yet(folder: Path) -> None:
    request = Request("d", download=Download("new/deeper/out.bin"))
    resolved = resolve(_in(folder, request), request)
    assert resolved.download is not None
    assert resolved.download.path == folder / "new" / "deeper" / "out.bin"


def test_ca_bundle_may_live_anywhere_but_must_exist(folder: Path) -> None:
    outside = Request("r", verify=str(folder.parent / "outside.txt"))
    assert resolve(_in(folder, outside), outside).verify == folder.parent / "outside.txt"
    missing = Request("r", verify="missing.pem")
    with pytest.raises(PathError, match="CA bundle .*missing.pem not found"):
        resolve(_in(folder, missing), missing)


def test_paths_resolve_against_the_loaded_collection_file(folder: Path) -> None:
    path = folder / "c.toml"
    path.write_text('format = 1\n[[requests]]\nname = "up"\nmethod = "POST"\nbody = { file = "data/myfile.txt" }\n')
    collection = store.load(path)
    resolved = resolve(collection, collection.request("up"))
    assert resolved.body is not None and resolved.body.path == folder / "data" / "myfile.txt"
    cwd = os.getcwd()
    try:
        os.chdir(folder.parent)
        relative = store.load(Path("project") / "c.toml")
        again = resolve(relative, relative.request("up"))
        assert again.body is not None and again.body.path == folder / "data" / "myfile.txt"
    finally:
        os.chdir(cwd)
