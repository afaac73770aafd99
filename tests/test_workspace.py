"""The headless workspace (`tui.core.workspace`): the session state the workbench keeps, on real
temporary files — opening, dirty state, saving, changed-on-disk, variables, captures, results
per request and request CRUD. No Textual here."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tui.core import errors
from tui.core.collection import store
from tui.core.collection.model import Body, Pair, Request
from tui.core.workspace import Workspace, scratch_collection, unique_name

COLLECTION = """\
format = 1
name = "c"

[variables]
base = "http://a.test"

[environments.local]
base = "http://127.0.0.1:1"

[[requests]]
name = "one"
url = "{{base}}/items/{{id}}"

[[requests]]
name = "two"
url = "{{base}}/two"
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    file = tmp_path / "c.toml"
    file.write_text(COLLECTION)
    return file


@pytest.fixture
def ws(path: Path) -> Workspace:
    return Workspace.for_path(path)


def names(ws: Workspace) -> list[str]:
    return [r.name for r in ws.collection.requests]


# -- opening ---------------------------------------------------------------------------------
def test_for_path_loads_the_file_clean(ws: Workspace, path: Path) -> None:
    assert ws.path == path.resolve() or ws.path == path
    assert names(ws) == ["one", "two"]
    assert ws.current == 0 and ws.request.name == "one"
    assert not ws.dirty
    assert not ws.changed_on_disk()


def test_for_path_none_is_a_scratch_collection() -> None:
    ws = Workspace.for_path(None)
    assert ws.path is None
    assert names(ws) == ["request 1"]
    assert not ws.dirty
    assert ws.collection == scratch_collection()


def test_for_path_create_names_a_new_file_without_writing_it(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    ws = Workspace.for_path(target, create=True)
    assert ws.collection.name == "new" and ws.path == target.resolve()
    assert not target.exists() and not ws.dirty
    assert not ws.changed_on_disk()  # nothing on disk yet is not a change


def test_for_path_without_create_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.CollectionError, match="nope.toml"):
        Workspace.for_path(tmp_path / "nope.toml")


def test_for_path_refuses_an_unknown_environment(path: Path) -> None:
    with pytest.raises(errors.VariableError, match=r"unknown environment 'prod' \(known: local\)"):
        Workspace.for_path(path, environment="prod")


def test_a_collection_without_requests_gets_one_and_is_not_dirty(tmp_path: Path) -> None:
    file = tmp_path / "empty.toml"
    file.write_text('format = 1\nname = "e"\n')
    ws = Workspace.for_path(file)
    assert names(ws) == ["request 1"]
    assert not ws.dirty


def test_a_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text('format = 1\nname = "unterminated\n')
    with pytest.raises(errors.TomlSyntaxError) as caught:
        Workspace.for_path(file)
    assert caught.value.line == 2 and "bad.toml:2:" in str(caught.value)


# -- dirty and saving ------------------------------------------------------------------------
def test_an_edit_makes_it_dirty_and_saving_cleans_it(ws: Workspace, path: Path) -> None:
    ws.request.url = "http://b.test/x"
    assert ws.dirty
    assert ws.unsaved_requests() == (True, False)
    saved = ws.save()
    assert saved == ws.path
    assert not ws.dirty and ws.unsaved_requests() == (False, False)
    assert tomllib.loads(path.read_text())["requests"][0]["url"] == "http://b.test/x"
    # an edit back to what was loaded is no longer dirty after the save, but is dirty now
    ws.request.url = "{{base}}/items/{{id}}"
    assert ws.dirty


def test_undoing_an_edit_is_not_dirty(ws: Workspace) -> None:
    original = ws.request.method
    ws.request.method = "POST"
    assert ws.dirty
    ws.request.method = original
    assert not ws.dirty


def test_save_leaves_no_temporary_file_and_keeps_permissions(ws: Workspace, path: Path) -> None:
    os.chmod(path, 0o640)
    ws.request.method = "PUT"
    ws.save()
    assert sorted(p.name for p in path.parent.iterdir()) == ["c.toml"]
    assert path.stat().st_mode & 0o777 == 0o640
    assert store.load(path).requests[0].method == "PUT"


def test_a_scratch_collection_needs_a_path_to_save(tmp_path: Path) -> None:
    ws = Workspace.for_path(None)
    ws.request.url = "http://x.test/"
    with pytest.raises(errors.SaveError, match="nowhere to save"):
        ws.save()
    assert ws.dirty
    target = tmp_path / "chosen.toml"
    assert ws.save(target) == target
    assert ws.path == target and not ws.dirty
    assert store.load(target).requests[0].url == "http://x.test/"


def test_a_failed_save_keeps_the_file_and_the_dirty_state(ws: Workspace, path: Path) -> None:
    before = path.read_bytes()
    ws.collection.requests[1].name = "one"  # two requests with one name cannot be loaded again
    with pytest.raises(errors.SaveError, match="the file on disk was not changed"):
        ws.save()
    assert path.read_bytes() == before
    assert ws.dirty


def test_changed_on_disk_is_by_content(ws: Workspace, path: Path) -> None:
    os.utime(path, ns=(1, 1))  # touched, same bytes
    assert not ws.changed_on_disk()
    path.write_text(COLLECTION.replace("http://a.test", "http://other.test"))
    assert ws.changed_on_disk()
    ws.save()  # overwriting is what the user chose: the file is ours again
    assert not ws.changed_on_disk()
    assert "http://a.test" in path.read_text()


def test_a_deleted_file_counts_as_changed_on_disk(ws: Workspace, path: Path) -> None:
    path.unlink()
    assert ws.changed_on_disk()


def test_open_replaces_the_collection_and_forgets_results(ws: Workspace, tmp_path: Path) -> None:
    ws.environment = "local"
    ws.record(ws.request, errors.ConnectError("refused"))
    ws.captured["token"] = "t"
    ws.select(1)
    other = tmp_path / "other.toml"
    other.write_text('format = 1\nname = "o"\n\n[[requests]]\nname = "x"\nurl = "http://x.test/"\n')
    ws.open(other)
    assert names(ws) == ["x"] and ws.current == 0
    assert ws.environment is None  # the new collection has no "local"
    assert ws.result_of(ws.request) is None
    assert ws.captured == {"token": "t"}  # captured values belong to the session
    assert not ws.dirty


def test_open_keeps_an_environment_the_new_collection_has(ws: Workspace, tmp_path: Path) -> None:
    ws.environment = "local"
    other = tmp_path / "other.toml"
    other.write_text(COLLECTION.replace('name = "c"', 'name = "d"'))
    ws.open(other)
    assert ws.environment == "local"


def test_a_file_that_cannot_be_opened_leaves_the_open_one(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n[[requests]]\nurl = 3\n")
    ws.request.url = "edited"
    with pytest.raises(errors.CollectionError, match="bad.toml"):
        ws.open(bad)
    assert names(ws) == ["one", "two"] and ws.request.url == "edited" and ws.dirty


def test_other_files_lists_the_collections_next_to_it(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "b.toml").write_text("")
    (tmp_path / "a.toml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    assert [p.name for p in ws.other_files()] == ["a.toml", "b.toml"]
    assert Workspace.for_path(None).other_files() == ()


# -- variables -------------------------------------------------------------------------------
def test_scope_precedence_captured_over_overrides_over_environment(path: Path) -> None:
    ws = Workspace.for_path(path, environment="local", overrides={"base": "http://override.test", "id": "1"})
    assert ws.scope()["base"] == "http://override.test"
    ws.captured["base"] = "http://captured.test"
    assert ws.scope()["base"] == "http://captured.test"
    assert ws.scope_in(None)["id"] == "1"


def test_scope_in_previews_an_environment_without_choosing_it(ws: Workspace) -> None:
    assert ws.scope_in("local")["base"] == "http://127.0.0.1:1"
    assert ws.environment is None and ws.scope()["base"] == "http://a.test"


def test_known_variables_fall_back_when_the_environment_is_gone(path: Path) -> None:
    ws = Workspace.for_path(path, environment="local")
    ws.collection.environments.clear()
    known, error = ws.known_variables()
    assert known == frozenset({"base"})
    assert isinstance(error, errors.VariableError) and error.variable == "local"


def test_unknown_variables_and_url_preview(ws: Workspace) -> None:
    assert ws.unknown_variables() == ["{{id}} in url"]
    assert ws.url_preview() == "→ cannot resolve the URL: {{id}} is unknown"
    ws.captured["id"] = "7"
    assert ws.unknown_variables() == []
    assert ws.url_preview() == "→ http://a.test/items/7"
    ws.request.url = "http://plain.test/"
    assert ws.url_preview() == ""  # nothing to substitute: no preview


def test_url_preview_includes_params(ws: Workspace) -> None:
    ws.select(1)
    ws.request.params = [Pair("q", "{{base}}"), Pair("off", "x", enabled=False)]
    assert ws.url_preview() == "→ http://a.test/two?q=http://a.test"


def test_resolve_names_the_request_field_and_variable(ws: Workspace) -> None:
    with pytest.raises(errors.VariableError) as caught:
        ws.resolve()
    assert (caught.value.request, caught.value.field, caught.value.variable) == ("one", "url", "id")
    resolved = ws.resolve(ws.collection.requests[1])
    assert resolved.url == "http://a.test/two"


def test_resolve_refuses_a_file_outside_the_folder_unless_allowed(path: Path, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.bin"
    outside.write_bytes(b"x")
    try:
        ws = Workspace.for_path(path)
        ws.request.url = "http://x.test/"
        ws.request.body = Body(kind="file", text=str(outside))
        with pytest.raises(errors.PathError):
            ws.resolve()
        allowed = Workspace.for_path(path, allowed_paths=[outside.parent])
        allowed.request.url = "http://x.test/"
        allowed.request.body = Body(kind="file", text=str(outside))
        assert allowed.resolve().body is not None
    finally:
        outside.unlink()


async def test_capture_from_a_real_response_feeds_the_next_request(tmp_path: Path, httpbin_url: str) -> None:
    from tui.core.engine import Engine

    file = tmp_path / "cap.toml"
    file.write_text(
        f'format = 1\nname = "cap"\n\n[[requests]]\nname = "login"\nurl = "{httpbin_url}/get?token=abc"\n'
        '[requests.capture]\ntoken = "json:args.token"\nmissing = "json:args.nope"\n\n'
        f'[[requests]]\nname = "use"\nurl = "{httpbin_url}/get"\nheaders = {{ Authorization = "Bearer {{{{token}}}}" }}\n'
    )
    ws = Workspace.for_path(file)
    login, use = ws.collection.requests
    assert ws.unknown_variables(use) == ["{{token}} in headers.Authorization"]
    async with Engine() as engine:
        response = await engine.send(ws.resolve(login))
        values, problems = ws.capture(login, response)
        assert values == {"token": "abc"}
        assert [p.variable for p in problems] == ["missing"]
        assert ws.captured == {"token": "abc"}
        assert ws.unknown_variables(use) == []
        echoed = (await engine.send(ws.resolve(use))).json()
    assert echoed["headers"]["Authorization"] == "Bearer abc"


# -- results ---------------------------------------------------------------------------------
def test_results_are_kept_per_request_by_identity(ws: Workspace) -> None:
    one, two = ws.collection.requests
    error = errors.ConnectError("refused")
    ws.record(one, error)
    assert ws.result_of(one) is error and ws.last_error is error
    assert ws.result_of(two) is None
    ws.rename_request(one, "renamed")
    assert ws.result_of(one) is error  # a rename keeps the result
    ws.duplicate_request(0)
    assert ws.result_of(ws.request) is None  # an equal copy is another request


# -- requests --------------------------------------------------------------------------------
def test_new_requests_get_unique_names_and_the_base_url(ws: Workspace) -> None:
    assert ws.new_request() == 2 and ws.request.name == "new request"
    assert ws.request.url == "{{base}}/"
    assert ws.new_request(after=0) == 1
    assert names(ws) == ["one", "new request 2", "two", "new request"]
    assert ws.current == 1 and ws.dirty
    ws.save()
    assert [r.name for r in store.load(ws.path).requests] == names(ws)  # type: ignore[arg-type]


def test_new_request_without_base_has_an_empty_url() -> None:
    ws = Workspace.for_path(None)
    ws.new_request()
    assert ws.request.url == ""


def test_duplicate_is_a_deep_copy_named_copy(ws: Workspace) -> None:
    ws.request.headers = [Pair("A", "1")]
    assert ws.duplicate_request(0) == 1
    assert ws.request.name == "one copy"
    ws.request.headers[0].value = "2"
    assert ws.collection.requests[0].headers[0].value == "1"
    ws.duplicate_request(0)
    assert names(ws) == ["one", "one copy 2", "one copy", "two"]


def test_rename_refuses_empty_and_used_names(ws: Workspace) -> None:
    one = ws.collection.requests[0]
    assert ws.rename_problem(one, "") == "a name is required"
    assert ws.rename_problem(one, "two") == "'two' is already used in this collection"
    assert ws.rename_problem(one, "one") is None  # its own name is fine
    with pytest.raises(errors.RequestNameError, match="'two' is already used") as caught:
        ws.rename_request(one, "two")
    assert caught.value.name == "two" and one.name == "one"
    assert ws.rename_request(one, "one") is False and not ws.dirty
    assert ws.rename_request(one, "first") is True and ws.dirty


def test_delete_selects_the_neighbour(ws: Workspace) -> None:
    ws.new_request()  # one, two, new request (selected: 2)
    assert ws.delete_request(ws.collection.requests[0]) == 1  # the selection stays on "new request"
    assert ws.request.name == "new request"
    assert ws.delete_request(ws.request) == 0
    assert names(ws) == ["two"]


def test_deleting_the_last_request_leaves_a_new_one(ws: Workspace) -> None:
    for request in list(ws.collection.requests):
        ws.delete_request(request)
    assert names(ws) == ["new request"] and ws.current == 0


def test_deleting_a_request_that_is_gone_does_nothing(ws: Workspace) -> None:
    assert ws.delete_request(Request(name="one")) is None  # equal, but not this collection's
    assert names(ws) == ["one", "two"]


def test_move_swaps_and_the_selection_follows(ws: Workspace) -> None:
    ws.new_request()
    ws.select(0)
    assert ws.move_request(0, 1) == 1
    assert names(ws) == ["two", "one", "new request"] and ws.request.name == "one"
    assert ws.move_request(2, -1) == 1
    assert names(ws) == ["two", "new request", "one"] and ws.request.name == "one" and ws.current == 2
    assert ws.move_request(0, -1) is None and ws.move_request(2, 1) is None
    assert names(ws) == ["two", "new request", "one"]


def test_owns_is_by_identity(ws: Workspace) -> None:
    assert ws.owns(ws.request) is ws.request
    assert ws.owns(Request(name="one", url="{{base}}/items/{{id}}")) is None
    assert ws.owns("one") is None


@pytest.mark.parametrize(
    ("url", "expected_url", "expected_params"),
    [
        ("http://x.test/a?k=1&k=2", "http://x.test/a", [("k", "1", True), ("k", "2", True), ("off", "0", False)]),
        ("http://x.test/a", "http://x.test/a", [("off", "0", False)]),
        ("http://x.test/a?q=%7B%7Bid%7D%7D&e=", "http://x.test/a", [("q", "{{id}}", True), ("e", "", True), ("off", "0", False)]),
    ],
)
def test_apply_url_makes_the_query_the_enabled_params(
    ws: Workspace, url: str, expected_url: str, expected_params: list[tuple[str, str, bool]]
) -> None:
    request = ws.request
    request.params = [Pair("old", "x"), Pair("off", "0", enabled=False)]
    assert ws.apply_url(request, url) is True
    assert request.url == expected_url
    assert [(p.name, p.value, p.enabled) for p in request.params] == expected_params
    assert ws.apply_url(request, url) is False  # the same URL again changes nothing


def test_unique_name() -> None:
    assert unique_name([], "x") == "x"
    assert unique_name(["x", "x 2"], "x") == "x 3"
