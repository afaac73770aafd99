"""Property tests: random collections round-trip; random input never crashes the loader."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui.core.collection import store
from tui.core.collection.locate import Locator
from tui.core.errors import CollectionError
from tui.core.collection.model import (
    BODY_KINDS,
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

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODEL_SETTINGS = settings(SETTINGS, max_examples=80)  # building random collections is the slow part

# Any text TOML can carry (everything but lone surrogates), with the awkward characters
# (quotes, backslashes, newlines, CR, tabs, control characters) made likely.
_chars = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'\\\n\r\t{}[]=#. \x00\x7fé€😀")),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
)
# Pieces that look like TOML structure, to catch anything that reads the text line by line.
_tricky = st.sampled_from(
    ["\n[[requests]]\n", "\n# comment\n", "'''", '"""', "\\\n", "\n[requests.body]\nx = 1\n", "{{base}}", "'"]
)
text = st.lists(st.one_of(_chars, _tricky), max_size=3).map("".join)
short_text = st.text(st.characters(codec="utf-8"), max_size=8)
variable_name = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.\-]{0,8}\Z")
method = st.from_regex(r"\A[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,8}\Z").map(str.upper)
positive = st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False)
positive_int = st.integers(min_value=1, max_value=64 * 2**20)  # chunk sizes: at most 64 MiB
pair = st.builds(Pair, short_text, text, st.booleans())
pairs = st.lists(pair, max_size=4)
auth = st.one_of(
    st.builds(Auth, st.sampled_from(["basic", "digest"]), user=text, password=text),
    st.builds(Auth, st.just("bearer"), token=text),
)
json_scalar = st.one_of(
    text,
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(short_text, inner, max_size=3)),
    max_leaves=6,
)


@st.composite
def part(draw: st.DrawFn) -> MultipartPart:
    name = draw(text)
    if draw(st.booleans()):
        return MultipartPart(name, value=draw(text), content_type=draw(st.none() | text))
    return MultipartPart(name, file=draw(text), filename=draw(st.none() | text), content_type=draw(st.none() | text))


@st.composite
def body(draw: st.DrawFn) -> Body:
    kind = draw(st.sampled_from(BODY_KINDS))
    result = Body(kind, content_type=draw(st.none() | text))
    if kind == "form":
        result.form = draw(pairs)
    elif kind == "multipart":
        result.parts = draw(st.lists(part(), max_size=3))
    else:
        result.text = draw(text)
    if kind == "stream":
        result.chunk_size = draw(st.none() | positive_int.filter(lambda n: n != 65536))
    return result


@st.composite
def expect(draw: st.DrawFn) -> Expect | None:
    result = Expect(
        status=draw(st.lists(st.integers(100, 999), max_size=3)),
        headers=draw(pairs),
        json=draw(st.dictionaries(text, json_value, max_size=3)),
        body_contains=draw(st.none() | text),
        max_ms=draw(st.none() | positive),
    )
    return None if result.is_empty() else result


comment = st.one_of(
    st.just(""),
    st.builds(
        lambda lines, gap: "\n".join(lines) + ("\n" if gap else ""),
        st.lists(text, max_size=3),
        st.booleans(),
    ),
)


@st.composite
def request(draw: st.DrawFn, name: str) -> Request:
    return Request(
        comment=draw(comment),
        name=name,
        method=draw(method),
        url=draw(text),
        params=draw(pairs),
        headers=draw(pairs),
        auth=draw(st.none() | auth),
        body=draw(st.none() | body()),
        download=draw(st.none() | st.builds(Download, text, positive_int, st.booleans())),
        expect=draw(expect()),
        capture=draw(
            st.dictionaries(
                variable_name,
                st.one_of(st.just("status"), text.map("json:".__add__), short_text.map(lambda s: "header:X" + s)),
                max_size=3,
            )
        ),
        encoding=draw(st.none() | st.sampled_from(["utf-8", "latin-1", "cp1252", "UTF-16"])),
        timeout=draw(st.none() | positive),
        follow_redirects=draw(st.none() | st.booleans()),
        verify=draw(st.none() | st.booleans() | text.filter(bool)),
        http2=draw(st.none() | st.booleans()),
        description=draw(text),
        folder=draw(st.lists(text.filter(lambda t: bool(t.strip()) and "/" not in t), max_size=3).map("/".join)),
    )


@st.composite
def collection(draw: st.DrawFn) -> Collection:
    names = draw(st.lists(text.filter(bool), unique=True, max_size=3))
    return Collection(
        comment=draw(comment),
        name=draw(text),
        description=draw(text),
        variables=draw(st.dictionaries(variable_name, text, max_size=3)),
        environments=draw(st.dictionaries(short_text, st.dictionaries(variable_name, text, max_size=2), max_size=2)),
        defaults=Defaults(
            headers=draw(pairs),
            auth=draw(st.none() | auth),
            timeout=draw(positive),
            follow_redirects=draw(st.booleans()),
            verify=draw(st.booleans() | text.filter(bool)),
            http2=draw(st.booleans()),
        ),
        requests=[draw(request(name)) for name in names],
    )


@MODEL_SETTINGS
@given(collection())
def test_random_collections_round_trip(original: Collection) -> None:
    written = store.dumps(original)
    assert tomllib.loads(written)["format"] == 1  # plain TOML, for any reader
    loaded = store.loads(written)
    assert loaded == original
    assert store.dumps(loaded) == written
    assert store.dumps(store.loads(store.dumps(loaded))) == written
    assert Locator(written, len(original.requests)).request_starts is not None, "a [[requests]] header was missed"


@MODEL_SETTINGS
@given(collection())
def test_comments_survive_and_stay_put(original: Collection) -> None:
    """Comments come back where they were, and `#` lines inside strings never become comments."""
    first = store.loads(store.dumps(original))
    for before, after in zip(original.requests, first.requests):
        assert bool(after.comment.strip()) == bool(before.comment.strip())
    again = store.loads(store.dumps(first))
    assert [r.comment for r in again.requests] == [r.comment for r in first.requests]
    assert again.comment == first.comment


def _only_collection_errors(call: Any) -> None:
    try:
        call()
    except CollectionError as error:
        assert str(error)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_never_crashes_the_loader(source: str) -> None:
    _only_collection_errors(lambda: store.loads(source, path="x.toml"))


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_loader(tmp_path_factory: Any, data: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("bytes") / "c.toml"
    path.write_bytes(data)
    _only_collection_errors(lambda: store.load(path))


toml_scalar = st.one_of(text, st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.datetimes())
toml_value = st.recursive(
    toml_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(short_text, inner, max_size=3)),
    max_leaves=8,
)
keys = st.sampled_from(
    ["format", "name", "description", "variables", "environments", "defaults", "requests", "method", "url",
     "params", "headers", "auth", "body", "download", "expect", "capture", "encoding", "timeout",
     "follow_redirects", "verify", "http2", "text", "json", "form", "multipart", "file", "stream", "base64",
     "content_type", "chunk_size", "path", "overwrite", "status", "body_contains", "max_ms", "basic",
     "digest", "bearer", "value", "filename"]
)  # fmt: skip
# Values shaped like a collection: the known keys, any types, nested where tables are expected.
shaped = st.recursive(
    toml_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(keys, inner, max_size=5),
        st.lists(st.dictionaries(keys, inner, max_size=5), max_size=2),
    ),
    max_leaves=14,
)


@SETTINGS
@given(st.dictionaries(keys, shaped, max_size=6), st.booleans())
def test_random_documents_give_a_collection_or_a_clear_error(document: dict[str, Any], with_format: bool) -> None:
    if with_format:
        document["format"] = 1
    source = tomli_w.dumps(document)
    _only_collection_errors(lambda: store.loads(source, path="x.toml"))


@MODEL_SETTINGS
@given(collection(), st.data())
def test_a_damaged_valid_collection_gives_a_clear_error(original: Collection, data: st.DataObject) -> None:
    """Replace one value of a valid file by a random one: the loader copes or explains."""
    document = tomllib.loads(store.dumps(original))
    assume(document.get("requests"))
    target = data.draw(st.sampled_from(document["requests"]))
    key = data.draw(st.sampled_from(sorted(target)))
    target[key] = data.draw(shaped)
    _only_collection_errors(lambda: store.loads(tomli_w.dumps(document), path="x.toml"))


# -- saves that keep what was written -------------------------------------------------------

_EDITS: dict[str, st.SearchStrategy[Any]] = {
    "url": text,
    "method": method,
    "name": text.filter(bool),
    "params": pairs,
    "headers": pairs,
    "auth": st.none() | auth,
    "body": st.none() | body(),
    "timeout": st.none() | positive,
    "description": text,
    "encoding": st.none() | st.sampled_from(["utf-8", "latin-1"]),
}


def _quiet(locator: Locator, line: int) -> bool:
    stripped = locator.lines[line].strip()
    return locator.code[line] and (not stripped or stripped.startswith("#"))


def _outside(text: str, count: int, index: int) -> tuple[str, str]:
    """The text before request `index`'s header line, and after its last line of its own."""
    locator = Locator(text, count)
    assert locator.request_starts is not None
    lines = text.split("\n")
    start = locator.request_starts[index]
    stop = locator.request_starts[index + 1] if index + 1 < count else len(lines)
    while stop - 1 > start and _quiet(locator, stop - 1):
        stop -= 1
    prefix = "".join(line + "\n" for line in lines[:start])
    return prefix, "\n".join(lines[stop:])


@MODEL_SETTINGS
@given(collection(), st.booleans(), st.data())
def test_an_edited_save_changes_only_the_edited_request(
    tmp_path_factory: Any, original: Collection, restyle: bool, data: st.DataObject
) -> None:
    """For a canonical file and the same file as tomli-w lays it out (sections, one array item
    per line): after one random edit of one field of one request, the text outside that
    request is unchanged and the file loads back as the edited model."""
    assume(original.requests)
    source = store.dumps(original)
    if restyle:
        source = tomli_w.dumps(tomllib.loads(source))
        # tomli-w writes short requests as an inline array; a save rewrites that canonically
        assume(Locator(source, len(original.requests)).request_starts is not None)
    path: Path = tmp_path_factory.mktemp("edit") / "c.toml"
    path.write_text(source, encoding="utf-8")
    loaded = store.load(path)
    index = data.draw(st.integers(0, len(loaded.requests) - 1))
    field_name = data.draw(st.sampled_from(sorted(_EDITS)))
    value = data.draw(_EDITS[field_name])
    if field_name == "name":
        assume(value not in {r.name for r in loaded.requests})
    setattr(loaded.requests[index], field_name, value)
    store.save(loaded)
    saved = path.read_text(encoding="utf-8")
    prefix, suffix = _outside(source, len(original.requests), index)
    assert saved.startswith(prefix)
    assert saved.endswith(suffix)
    assert store.load(path) == loaded
    store.save(loaded)  # saving again without a change is a no-op
    assert path.read_text(encoding="utf-8") == saved
