"""Loading, canonical saving and atomic writing of TOML collections (tui.core.collection.store)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.errors import CollectionError, SaveError, SchemaError, TomlSyntaxError
from tui.core.collection.model import (
    Auth,
    Body,
    Collection,
    Defaults,
    Download,
    Expect,
    MultipartPart,
    Pair,
    Request,
)

# Every key of the format, written as reqbench writes it (canonical).
FULL = """\
format = 1
name = "everything"
description = "every key of the format"

[variables]
base = "http://127.0.0.1:8080"
user = "tom"

[environments.local]
base = "http://localhost:9000"

[environments.empty]

[defaults]
headers = { User-Agent = "reqbench", X-Trace = "on" }
auth = { bearer = "{{env:TOKEN}}" }
timeout = 12.5
follow_redirects = false
verify = "certs/ca.pem"
http2 = true

[[requests]]
name = "get with query"
url = "{{base}}/get"
params = { username = "{{user}}", password = "123" }

[[requests]]
name = "pairs"
method = "DELETE"
url = "{{base}}/anything?keep=1"
params = [["a", "1"], ["a", "2"], ["off", "x", false]]
headers = [["Accept", "text/plain"], ["X-Off", "1", false]]
auth = { basic = ["tom", "{{env:PASSWORD}}"] }
encoding = "latin-1"
timeout = 3
follow_redirects = true
verify = false
http2 = false

[[requests]]
name = "post json"
method = "POST"
url = "{{base}}/post"
body = { json = '{"username": "tom", "password": 123}', content_type = "application/vnd.x+json" }
expect = { status = 200, body_contains = "tom", max_ms = 2000 }
capture = { token = "json:json.username", session = "header:Set-Cookie", code = "status" }

[[requests]]
name = "text"
method = "PUT"
url = "{{base}}/put"
auth = { digest = ["tom", "pw"] }

[requests.body]
text = '''
line one
line "two"
'''

[requests.expect]
status = [200, 201]
headers = { Content-Type = "json" }

[requests.expect.json]
"args.username" = "tom"
"json.password" = 123
"json.list" = [1, "a", true]
"json.f" = 1.5

[[requests]]
name = "form"
method = "POST"
url = "{{base}}/post"
body = { form = [["a", "1"], ["a", "2"], ["b", "3", false]] }

[[requests]]
name = "multipart"
method = "POST"
url = "{{base}}/post"

[requests.body]
multipart = [
    { name = "username", value = "tom" },
    { name = "file", file = "data/myfile.txt", filename = "tom.txt", content_type = "text/plain" },
]
content_type = "multipart/mixed"

[[requests]]
name = "file"
method = "POST"
url = "{{base}}/post"
body = { file = "data/myfile.txt" }

[[requests]]
name = "stream"
method = "POST"
url = "{{base}}/post"
body = { stream = "data/myfile.txt", chunk_size = 10 }

[[requests]]
name = "binary"
method = "POST"
url = "{{base}}/post"
body = { base64 = "AAECAw==" }

[[requests]]
name = "download"
url = "{{base}}/bytes/1000"
download = { path = "downloads/out.bin", chunk_size = 1024, overwrite = true }
"""


def test_full_collection_loads_every_key() -> None:
    c = store.loads(FULL, path="cols/full.toml")
    assert c.path == Path("cols/full.toml")
    assert (c.format, c.name, c.description) == (1, "everything", "every key of the format")
    assert c.variables == {"base": "http://127.0.0.1:8080", "user": "tom"}
    assert c.environments == {"local": {"base": "http://localhost:9000"}, "empty": {}}
    assert c.defaults == Defaults(
        headers=[Pair("User-Agent", "reqbench"), Pair("X-Trace", "on")],
        auth=Auth("bearer", token="{{env:TOKEN}}"),
        timeout=12.5,
        follow_redirects=False,
        verify="certs/ca.pem",
        http2=True,
    )
    get, pairs, post, text, form, multipart, file, stream, binary, download = c.requests
    assert get == Request(
        name="get with query",
        url="{{base}}/get",
        params=[Pair("username", "{{user}}"), Pair("password", "123")],
    )
    assert pairs.method == "DELETE"
    assert pairs.params == [Pair("a", "1"), Pair("a", "2"), Pair("off", "x", False)]
    assert pairs.headers == [Pair("Accept", "text/plain"), Pair("X-Off", "1", False)]
    assert pairs.auth == Auth("basic", user="tom", password="{{env:PASSWORD}}")
    assert (pairs.encoding, pairs.timeout, pairs.follow_redirects, pairs.verify, pairs.http2) == (
        "latin-1", 3.0, True, False, False,
    )  # fmt: skip
    assert post.body == Body("json", text='{"username": "tom", "password": 123}', content_type="application/vnd.x+json")
    assert post.expect == Expect(status=[200], body_contains="tom", max_ms=2000.0)
    assert post.capture == {"token": "json:json.username", "session": "header:Set-Cookie", "code": "status"}
    assert text.auth == Auth("digest", user="tom", password="pw")
    assert text.body == Body("text", text='line one\nline "two"\n')
    assert text.expect == Expect(
        status=[200, 201],
        headers=[Pair("Content-Type", "json")],
        json={"args.username": "tom", "json.password": 123, "json.list": [1, "a", True], "json.f": 1.5},
    )
    assert form.body == Body("form", form=[Pair("a", "1"), Pair("a", "2"), Pair("b", "3", False)])
    assert multipart.body == Body(
        "multipart",
        parts=[
            MultipartPart("username", value="tom"),
            MultipartPart("file", file="data/myfile.txt", filename="tom.txt", content_type="text/plain"),
        ],
        content_type="multipart/mixed",
    )
    assert file.body == Body("file", text="data/myfile.txt")
    assert stream.body == Body("stream", text="data/myfile.txt", chunk_size=10)
    assert binary.body == Body("base64", text="AAECAw==")
    assert download.download == Download("downloads/out.bin", chunk_size=1024, overwrite=True)


def test_full_collection_is_canonical() -> None:
    """The text above is exactly what reqbench writes: load -> dumps gives the same bytes."""
    collection = store.loads(FULL)
    assert store.dumps(collection) == FULL
    assert store.loads(store.dumps(collection)) == collection


def test_seed_example_from_the_format_doc_round_trips() -> None:
    seed = """\
format = 1
name = "aiohttp quickstart"

[variables]
base = "https://httpbin.org"

[[requests]]
name = "post form and file"
method = "POST"
url = "{{base}}/post"
[[requests.body.multipart]]
name = "username"
value = "tom"
[[requests.body.multipart]]
name = "file"
file = "myfile.txt"
filename = "tom.txt"
"""
    collection = store.loads(seed)
    text = store.dumps(collection)
    assert store.loads(text) == collection
    assert store.dumps(store.loads(text)) == text


def test_defaults_are_omitted() -> None:
    collection = Collection(requests=[Request(name="r", body=Body("stream", text="f", chunk_size=65536))])
    collection.requests[0].download = Download("out")
    collection.requests[0].expect = Expect()
    assert store.dumps(collection) == (
        'format = 1\n\n[[requests]]\nname = "r"\nbody = { stream = "f" }\ndownload = { path = "out" }\n'
    )
    assert store.dumps(Collection()) == "format = 1\n"


def test_method_is_uppercased_and_written_uppercase() -> None:
    collection = store.loads('format = 1\n[[requests]]\nname = "a"\nmethod = "post"\n')
    assert collection.requests[0].method == "POST"
    collection.requests[0].method = "patch"
    assert 'method = "PATCH"' in store.dumps(collection)


@pytest.mark.parametrize(
    ("pairs", "written"),
    [
        ([Pair("a", "1"), Pair("b", "2")], 'params = { a = "1", b = "2" }'),
        ([Pair("a", "1"), Pair("a", "2")], 'params = [["a", "1"], ["a", "2"]]'),
        ([Pair("a", "1"), Pair("b", "2", False)], 'params = [["a", "1"], ["b", "2", false]]'),
        ([Pair("odd key", "x")], 'params = { "odd key" = "x" }'),
    ],
)
def test_pairs_use_table_form_only_when_lossless(pairs: list[Pair], written: str) -> None:
    collection = Collection(requests=[Request(name="r", params=pairs)])
    text = store.dumps(collection)
    assert written in text
    assert store.loads(text) == collection


def test_scalars_in_tables_are_kept_as_text() -> None:
    collection = store.loads(
        'format = 1\n[variables]\nport = 8080\nratio = 1.5\non = true\n'
        '[[requests]]\nname = "r"\nparams = { page = 2 }\n'
    )
    assert collection.variables == {"port": "8080", "ratio": "1.5", "on": "true"}
    assert collection.requests[0].params == [Pair("page", "2")]


def test_long_values_are_split_over_lines_and_still_round_trip() -> None:
    long = "x" * 120
    collection = Collection(
        requests=[
            Request(
                name="r",
                headers=[Pair("A", long), Pair("B", "2", False)],
                params=[Pair(f"k{i}", long) for i in range(3)],
                body=Body("text", text="multi\nline\r\nwith CRLF"),
            )
        ]
    )
    text = store.dumps(collection)
    assert "headers = [\n" in text
    assert "[requests.params]\n" in text
    assert max(len(line) for line in text.splitlines() if long not in line) <= 100
    assert store.loads(text) == collection


# -- malformed input ------------------------------------------------------------------------

HEAD = 'format = 1\n[[requests]]\nname = "a"\n'


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ('format = 1\nname = "x"\nurl = = 1\n', ["c.toml:3:7:", "Invalid value"]),
        ('format = 1\n[[requests]]\nname = "a"\n  body = { text = "x" \n', ["c.toml:4:"]),
        ('format = 1\nname = "unterminated\n', ["c.toml:2:"]),
        ("format = 1\n[a]\n[a]\n", ["c.toml:3:", "twice"]),
        ("format = 1\nx = [1,", ["c.toml:2:", "end of file"]),
    ],
)
def test_syntax_errors_name_file_line_and_column(text: str, needles: list[str]) -> None:
    with pytest.raises(TomlSyntaxError) as info:
        store.loads(text, path="c.toml")
    for needle in needles:
        assert needle in str(info.value)
    assert info.value.file == "c.toml"
    assert info.value.line == int(str(info.value).split(":")[1])


def test_syntax_error_position_is_exact() -> None:
    with pytest.raises(TomlSyntaxError) as info:
        store.loads('format = 1\n\n[[requests]]\nname = "a"\n    url = nope\n', path="collections/x.toml")
    assert (info.value.line, info.value.column) == (5, 11)
    assert str(info.value).startswith("collections/x.toml:5:11: ")


@pytest.mark.parametrize(
    ("text", "needles", "key"),
    [
        ('name = "x"\n', ["c.toml", "missing 'format = 1'"], "format"),
        ("format = 2\n", ["format 2 is newer than this reqbench understands (1)"], "format"),
        ('format = "1"\n', ["'format' must be an integer, got string"], "format"),
        ("format = 1\nnmae = 'typo'\n", ["unknown key 'nmae'"], "nmae"),
        ("format = 1\n[defaults]\ntimout = 3\n", ["unknown key 'defaults.timout'"], "defaults.timout"),
        ("format = 1\n[defaults]\ntimeout = 'x'\n", ["'defaults.timeout' must be a number, got string"], "defaults.timeout"),
        ("format = 1\n[defaults]\nverify = 3\n", ["'defaults.verify' must be true, false or a CA bundle path"], "defaults.verify"),
        ("format = 1\n[variables]\n'a b' = 'x'\n", ["'variables.a b'", "not a usable variable name"], "variables.a b"),
        ("format = 1\n[variables]\nx = [1]\n", ["'variables.x' must be a string, number or boolean, got array"], "variables.x"),
        ("format = 1\n[environments]\nlocal = 3\n", ["'environments.local' must be a table, got integer"], "environments.local"),
        ("format = 1\nrequests = 3\n", ["'requests' must be an array of tables"], "requests"),
    ],
)
def test_top_level_schema_errors(text: str, needles: list[str], key: str) -> None:
    with pytest.raises(SchemaError) as info:
        store.loads(text, path="c.toml")
    message = str(info.value)
    assert message.startswith("c.toml")
    for needle in needles:
        assert needle in message
    assert info.value.key == key
    assert info.value.request_index is None


@pytest.mark.parametrize(
    ("extra", "needle", "key"),
    [
        ("timeout = 'slow'\n", "'timeout' must be a number, got string", "timeout"),
        ("timeout = -1\n", "'timeout' must be a positive number, got -1", "timeout"),
        ("metod = 'GET'\n", "unknown key 'metod' in a request", "metod"),
        ("method = 'GE T'\n", "'method' must be an HTTP method token", "method"),
        ("url = 3\n", "'url' must be a string, got integer", "url"),
        ("params = 'a=1'\n", "'params' must be a table or an array of", "params"),
        ("params = [['a']]\n", "'params[0]' must be [name, value] or [name, value, false], got an array of 1", "params[0]"),
        ("params = [['a', 'b', 'no']]\n", "'params[0][2]' must be true or false, got string", "params[0][2]"),
        ("headers = { A = [1] }\n", "'headers.A' must be a string, got array", "headers.A"),
        ("body = { text = 'a', json = '{}' }\n", "body has both 'text' and 'json'", "body"),
        ("body = { xml = '<a/>' }\n", "unknown body kind 'xml'", "body.xml"),
        ("body = { content_type = 'x' }\n", "body needs one of: text, json, form", "body"),
        ("body = { text = 'a', chunk_size = 5 }\n", "'chunk_size' applies only to a stream body", "body.chunk_size"),
        ("body = { stream = 'a', chunk_size = 0 }\n", "'body.chunk_size' must be a positive integer, got 0", "body.chunk_size"),
        ("body = { text = 3 }\n", "'body.text' must be a string, got integer", "body.text"),
        ("body = { multipart = [{ value = 'x' }] }\n", "'body.multipart[0]' needs a 'name'", "body.multipart[0]"),
        ("body = { multipart = [{ name = 'a' }] }\n", "needs exactly one of 'value' and 'file' (has neither)", "body.multipart[0]"),
        ("body = { multipart = [{ name = 'a', value = 'x', file = 'f' }] }\n", "(has both)", "body.multipart[0]"),
        ("body = { multipart = [{ name = 'a', vlaue = 'x' }] }\n", "unknown key 'body.multipart[0].vlaue'", "body.multipart[0].vlaue"),
        ("auth = { basic = 'tom' }\n", "'auth.basic' must be [\"user\", \"password\"], got string", "auth.basic"),
        ("auth = { basic = ['a', 'b'], bearer = 'x' }\n", "needs exactly one of basic, digest, bearer", "auth"),
        ("auth = { oauth = 'x' }\n", "unknown key 'auth.oauth'", "auth.oauth"),
        ("download = { chunk_size = 5 }\n", "download needs a 'path'", "download.path"),
        ("download = { path = 'x', overwrite = 'yes' }\n", "'download.overwrite' must be true or false, got string", "download.overwrite"),
        ("expect = { status = '200' }\n", "'expect.status' must be a status code (100-999) or an array of them, got string", "expect.status"),
        ("expect = { status = [200, 42] }\n", "got 42", "expect.status"),
        ("expect = { stauts = 200 }\n", "unknown key 'expect.stauts'", "expect.stauts"),
        ("expect = { max_ms = 'fast' }\n", "'expect.max_ms' must be a number, got string", "expect.max_ms"),
        ("expect = { json = { a = 1979-05-27 } }\n", "'expect.json.a' must be a JSON-like value", "expect.json.a"),
        ("capture = { token = 'jsn:a' }\n", "'capture.token' must be \"status\", \"json:<dotted.path>\" or \"header:<Name>\"", "capture.token"),
        ("encoding = 'klingon'\n", "'encoding': unknown encoding 'klingon'", "encoding"),
        ("verify = ''\n", "'verify' must be true, false or a CA bundle path, got an empty string", "verify"),
        ("follow_redirects = 1\n", "'follow_redirects' must be true or false, got integer", "follow_redirects"),
    ],
)
def test_request_schema_errors_name_file_request_and_key(extra: str, needle: str, key: str) -> None:
    text = 'format = 1\n\n[[requests]]\nname = "first"\n\n[[requests]]\nname = "post json"\n' + extra
    with pytest.raises(SchemaError) as info:
        store.loads(text, path="collections/x.toml")
    message = str(info.value)
    assert message.startswith("collections/x.toml:8:1: requests[1] ('post json'): "), message
    assert needle in message
    assert (info.value.request_index, info.value.request_name, info.value.key) == (1, "post json", key)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('format = 1\n[[requests]]\nurl = "x"\n', "requests[0]: a request needs a 'name'"),
        ('format = 1\n[[requests]]\nname = ""\n', "requests[0]: 'name' must not be empty"),
        ("format = 1\n[[requests]]\nname = 3\n", "requests[0]: 'name' must be a string, got integer"),
        (
            'format = 1\n[[requests]]\nname = "a"\n[[requests]]\nname = "a"\n',
            "requests[1] ('a'): duplicate request name 'a' (also requests[0])",
        ),
        ("format = 1\nrequests = [1]\n", "requests[0]: each request must be a table"),
    ],
)
def test_request_names_are_required_and_unique(text: str, needle: str) -> None:
    with pytest.raises(SchemaError) as info:
        store.loads(text, path="c.toml")
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("format = 1\n\n[[requests]]\nname = 'a'\n  timeout = 'x'\n", "c.toml:5:3: requests[0] ('a'): "),
        (
            ("format = 1\n[[requests]]\nname = 'a'\n[[requests]]\nname = 'b'\nurl = 'u'\n\n"
            "[requests.body]\ntext = 'x'\n    chunk_size = 3\n"),
            "c.toml:10:5: requests[1] ('b'): ",
        ),
        ("format = 1\n[[requests]]\nname = 'a'\n[requests.body]\nxml = 'x'\n", "c.toml:5:1: requests[0] ('a'): "),
        (
            ("format = 1\n[[requests]]\nname = 'a'\n[[requests.body.multipart]]\nname = 'x'\n"
            "[[requests.body.multipart]]\nname = 'y'\n"),
            "c.toml:4:1: requests[0] ('a'): ",
        ),
        ("format = 1\n[[requests]]\nname = 'a'\nbody.xml = 'x'\n", "c.toml:4:1: requests[0] ('a'): "),
        ("format = 1\n[[requests]]\nname = 'a'\n'auth' = { oauth = 1 }\n", "c.toml:4:1: requests[0] ('a'): "),
        ("# hi\nformat = 1\nname = 'n'\n[variables]\nok = 'x'\n[defaults]\nhttp2 = 'yes'\n", "c.toml:7:1: "),
        ("name = 'n'\nformat = 9\n", "c.toml:2:1: format 9"),
        ("format = 1\n[environments.local]\n'bad name' = 1\n", "c.toml:3:1: "),
    ],
)
def test_schema_errors_point_at_the_key(text: str, location: str) -> None:
    with pytest.raises(SchemaError) as info:
        store.loads(text, path="c.toml")
    assert str(info.value).startswith(location), str(info.value)


def test_schema_error_without_header_lines_still_names_the_request() -> None:
    with pytest.raises(SchemaError) as info:
        store.loads('format = 1\nrequests = [{ name = "a", timeout = "x" }]\n', path="c.toml")
    assert str(info.value) == "c.toml: requests[0] ('a'): 'timeout' must be a number, got string"


def test_unreadable_files_are_collection_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(CollectionError, match="nope.toml: no such file"):
        store.load(missing)
    with pytest.raises(CollectionError, match="is a directory"):
        store.load(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'format = 1\nname = "caf\xe9"\n')
    with pytest.raises(CollectionError) as info:
        store.load(latin)
    assert str(info.value) == f"{latin}:2:12: not UTF-8 text (byte 0xe9); collections are UTF-8"
    assert not isinstance(info.value, (SchemaError, TomlSyntaxError))


def test_load_accepts_a_byte_order_mark_and_sets_path(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfformat = 1\nname = "x"\n')
    collection = store.load(path)
    assert collection.name == "x"
    assert collection.path == path
    assert collection.folder == tmp_path


# -- save -----------------------------------------------------------------------------------


def _sample() -> Collection:
    return store.loads(FULL)


def test_save_writes_canonical_text_and_sets_path(tmp_path: Path) -> None:
    collection = _sample()
    target = tmp_path / "c.toml"
    assert store.save(collection, target) == target
    assert collection.path == target
    assert target.read_text(encoding="utf-8") == FULL
    assert store.load(target) == collection
    assert [p.name for p in tmp_path.iterdir()] == ["c.toml"]


def test_saving_an_unchanged_file_is_byte_identical(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text(FULL, encoding="utf-8")
    before = store.fingerprint(target)
    store.save(store.load(target))
    after = store.fingerprint(target)
    assert (before.size, before.sha256) == (after.size, after.sha256)


def test_save_without_any_path_is_a_save_error() -> None:
    with pytest.raises(SaveError, match="nowhere to save"):
        store.save(Collection())


def test_save_keeps_permission_bits(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    store.save(_sample(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    target.chmod(0o604)
    store.save(_sample(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_new_file_gets_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = store.save(_sample(), tmp_path / "new.toml")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_save_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    store.save(_sample(), link)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == FULL


@pytest.mark.parametrize("failing", ["fsync", "write", "replace"])
def test_failed_save_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    target = tmp_path / "c.toml"
    target.write_text("precious", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(SaveError) as info:
        store.save(_sample(), target)
    monkeypatch.undo()
    assert str(info.value) == f"cannot save {target}: No space left on device; the file on disk was not changed"
    assert target.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["c.toml"], "the temp file must be removed"


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write

    def one_byte(fd: int, data: bytes | memoryview) -> int:
        return real_write(fd, bytes(data[:1]))

    monkeypatch.setattr(os, "write", one_byte)
    target = store.save(_sample(), tmp_path / "c.toml")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == FULL


def test_save_into_a_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(SaveError, match="cannot save .*file/c.toml: Not a directory"):
        store.save(_sample(), blocker / "c.toml")
    collection = _sample()
    with pytest.raises(SaveError):
        store.save(collection, tmp_path)  # a directory cannot be replaced by a file
    assert collection.path is None


def test_save_into_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root, chmod cannot make a folder read-only; simulate it where the temp file is created."""
    target = tmp_path / "c.toml"
    target.write_text("precious", encoding="utf-8")
    real_open = os.open

    def read_only(path: object, flags: int, *args: int) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(SaveError, match="Permission denied; the file on disk was not changed"):
        store.save(_sample(), target)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "precious"


def test_fingerprint_tells_a_changed_file(tmp_path: Path) -> None:
    target = store.save(_sample(), tmp_path / "c.toml")
    first = store.fingerprint(target)
    assert first == store.fingerprint(target)
    assert first.size == len(FULL.encode())
    target.write_text(FULL.replace("everything", "something"), encoding="utf-8")
    second = store.fingerprint(target)
    assert second.sha256 != first.sha256
    with pytest.raises(CollectionError, match="cannot read"):
        store.fingerprint(tmp_path / "gone.toml")


def test_save_refuses_a_collection_it_could_not_open_again(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text("precious", encoding="utf-8")
    collection = Collection(requests=[Request(name="same"), Request(name="same")])
    with pytest.raises(SaveError) as info:
        store.save(collection, target)
    assert str(info.value) == (
        f"cannot save {target}: requests[1] ('same'): duplicate request name 'same' (also requests[0]);"
        " names must be unique; the file on disk was not changed"
    )
    assert target.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["c.toml"]


def test_numbers_too_long_to_read_are_a_clear_error() -> None:
    with pytest.raises(CollectionError, match=r"^c.toml: a number is too long to read$"):
        store.loads("format = 1\nname = " + "1" * 5000, path="c.toml")


def test_nesting_too_deep_is_a_clear_error() -> None:
    with pytest.raises(CollectionError, match=r"^c.toml: nested too deeply to read$"):
        store.loads("x = " + "[" * 100_000, path="c.toml")


def test_the_leading_comment_block_is_kept() -> None:
    text = "# My API\n#\n#   reqbench run this.toml\n\n# second paragraph\n\n" + FULL
    collection = store.loads(text)
    assert collection.comment == "# My API\n#\n#   reqbench run this.toml\n\n# second paragraph"
    assert store.dumps(collection) == text
    assert store.loads(text) == store.loads(FULL)  # a comment is not part of the model's equality


def test_a_comment_set_in_code_is_written_as_comment_lines() -> None:
    collection = Collection(comment="made by the importer\n# already a comment\n\nline\r")
    text = store.dumps(collection)
    assert text == "# made by the importer\n# already a comment\n\n# line\n\nformat = 1\n"
    assert store.dumps(store.loads(text)) == text


def test_comments_above_requests_are_kept() -> None:
    text = (
        'format = 1\n\n# --- Section -----\n\n[[requests]]\nname = "a"\n'
        'body = { text = "x" }  # trailing comments are not kept\n\n'
        '# fetches b\n# (two lines)\n[[requests]]\nname = "b"\n'
    )
    collection = store.loads(text)
    assert [r.comment for r in collection.requests] == ["# --- Section -----\n", "# fetches b\n# (two lines)"]
    written = store.dumps(collection)
    assert written == (
        'format = 1\n\n# --- Section -----\n\n[[requests]]\nname = "a"\nbody = { text = "x" }\n\n'
        '# fetches b\n# (two lines)\n[[requests]]\nname = "b"\n'
    )
    assert store.dumps(store.loads(written)) == written


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_hash_lines_inside_multiline_strings_are_not_comments(quote: str) -> None:
    text = (
        f'format = 1\n[[requests]]\nname = "a"\n[requests.body]\ntext = {quote}\n# not a comment\n'
        f"[[requests]]\n# still text{quote}\n\n[[requests]]\nname = \"b\"\n"
    )
    collection = store.loads(text)
    assert collection.requests[0].body is not None
    assert collection.requests[0].body.text == "# not a comment\n[[requests]]\n# still text"
    assert [r.comment for r in collection.requests] == ["", ""]
    written = store.dumps(collection)
    assert store.dumps(store.loads(written)) == written
    with pytest.raises(SchemaError) as info:
        store.loads(text.replace('name = "b"', 'name = "b"\ntimeout = "x"'), path="c.toml")
    assert str(info.value).startswith("c.toml:12:1: requests[1] ('b'): ")
