"""A save changes only the bytes of what was edited; stale temp files; files that appear."""

from __future__ import annotations

import difflib
import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Body, Collection, Pair, Request
from tui.core.errors import SaveError, SaveTargetExists

STYLED = '''\
# Team API collection
# kept in git

format = 1
name = "styled"   # inline comment on name

[variables]
# where the server is
base = "http://127.0.0.1:8080"  # local
"user" = 'tom'

# the first request
[[requests]]
name = "get"   # fetch it
url = "{{base}}/get"
headers = { Accept = "application/json", "X-Trace" = "on" }  # inline table
# a comment inside the request
params.q = "1"

[[requests]]
name = "post json"
method = "POST"
url = "{{base}}/post"
body = { json = "{\\n  \\"a\\": 1\\n}" }
expect = { status = 200 }

[[requests]]
url = "{{base}}/post"
name = "upload"
method = "POST"

[[requests.body.multipart]]
name = "field"
value = "v"

[[requests.body.multipart]]
name = "file"
file = "data.txt"

[[requests]]
name = "text"
body.text = """
line one
"""

# end of file comment
'''


def _blocks(text: str) -> dict[str, str]:
    """Each request's text (from its comment lines to the blank line after it), by name."""
    collection = store.loads(text)
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line == "[[requests]]"]
    found: dict[str, str] = {}
    for number, start in enumerate(starts):
        while start > 0 and lines[start - 1].startswith("#"):
            start -= 1
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        while lines[end - 1].startswith("#") or not lines[end - 1]:
            end -= 1
        found[collection.requests[number].name] = "\n".join(lines[start:end])
    return found


def _save_edited(tmp_path: Path, edit: Callable[[Collection], None], text: str = STYLED) -> tuple[str, Collection]:
    target = tmp_path / "c.toml"
    target.write_text(text, encoding="utf-8")
    collection = store.load(target)
    edit(collection)
    store.save(collection)
    saved = target.read_text(encoding="utf-8")
    assert store.load(target) == collection  # what was written reads back as edited
    return saved, collection


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm=""):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:])
    return removed, added


def test_unchanged_styled_file_is_written_back_byte_for_byte(tmp_path: Path) -> None:
    saved, _ = _save_edited(tmp_path, lambda c: None)
    assert saved == STYLED


def test_editing_one_key_changes_only_that_line(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.requests[0].url = "{{base}}/anything"

    saved, _ = _save_edited(tmp_path, edit)
    assert _changed_lines(STYLED, saved) == (['url = "{{base}}/get"'], ['url = "{{base}}/anything"'])
    # the edited request kept its comment above, its inline comments and the comment inside
    assert '# the first request\n[[requests]]\nname = "get"   # fetch it\n' in saved
    assert '"X-Trace" = "on" }  # inline table\n# a comment inside the request\nparams.q = "1"\n' in saved


def test_renaming_a_request_changes_only_its_name_line(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.request("upload").name = "upload file"

    saved, _ = _save_edited(tmp_path, edit)
    assert _changed_lines(STYLED, saved) == (['name = "upload"'], ['name = "upload file"'])
    assert saved.count("[[requests.body.multipart]]") == 2  # its sections kept their style


def test_untouched_requests_and_tables_keep_their_text_when_others_change(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.requests[1].body = Body("json", text='{"b": 2}')
        c.requests[1].headers = [Pair("X-New", "1")]

    saved, _ = _save_edited(tmp_path, edit)
    before, after = _blocks(STYLED), _blocks(saved)
    for name in ("get", "upload", "text"):
        assert after[name] == before[name]
    assert saved.startswith(STYLED[: STYLED.index("# the first request")])  # preamble and [variables]
    assert saved.endswith('"""\nline one\n"""\n\n# end of file comment\n')
    removed, added = _changed_lines(STYLED, saved)
    assert removed == ['body = { json = "{\\n  \\"a\\": 1\\n}" }']
    assert sorted(added) == sorted(["headers = { X-New = \"1\" }", "body = { json = '{\"b\": 2}' }"])


def test_editing_variables_rewrites_only_that_table(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.variables["base"] = "http://example.test"

    saved, _ = _save_edited(tmp_path, edit)
    removed, added = _changed_lines(STYLED, saved)
    assert all(line in STYLED[STYLED.index("[variables]") : STYLED.index("# the first request")] for line in removed)
    assert 'base = "http://example.test"' in added
    assert saved.startswith("# Team API collection\n# kept in git\n\nformat = 1\nname = \"styled\"   # inline")
    assert saved[saved.index("# the first request") :] == STYLED[STYLED.index("# the first request") :]


def test_renaming_the_collection_keeps_everything_below(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.name = "renamed"

    saved, _ = _save_edited(tmp_path, edit)
    assert saved[saved.index("[variables]") :] == STYLED[STYLED.index("[variables]") :]


def test_moving_a_request_moves_its_exact_text(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.requests.insert(2, c.requests.pop(0))  # the sidebar's move: "get" goes below "upload"

    saved, _ = _save_edited(tmp_path, edit)
    assert [r.name for r in store.loads(saved).requests] == ["post json", "upload", "get", "text"]
    before, after = _blocks(STYLED), _blocks(saved)
    assert after == before
    assert saved.endswith("# end of file comment\n")
    assert sorted(STYLED.splitlines()) == sorted(saved.splitlines())  # same lines, other order


def test_deleting_a_request_removes_only_its_lines(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        del c.requests[1]

    saved, _ = _save_edited(tmp_path, edit)
    removed, added = _changed_lines(STYLED, saved)
    assert added == []
    block = _blocks(STYLED)["post json"]
    assert "\n".join(removed).strip() == block
    assert len(removed) == len(block.split("\n")) + 1  # its lines and one blank line


def test_adding_a_request_appends_it_canonically_before_the_closing_comment(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.requests.append(Request(name="new", method="DELETE", url="{{base}}/delete", comment="# added"))

    saved, _ = _save_edited(tmp_path, edit)
    removed, added = _changed_lines(STYLED, saved)
    assert removed == []
    assert added == ["# added", "[[requests]]", 'name = "new"', 'method = "DELETE"', 'url = "{{base}}/delete"', ""]
    assert saved.endswith('url = "{{base}}/delete"\n\n# end of file comment\n')


def test_adding_an_environment_inserts_only_its_table(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.environments["dev"] = {"base": "http://dev.test"}

    saved, _ = _save_edited(tmp_path, edit)
    assert _changed_lines(STYLED, saved) == ([], ["", "[environments.dev]", 'base = "http://dev.test"'])


def test_a_changed_comment_above_a_request_is_written(tmp_path: Path) -> None:
    def edit(c: Collection) -> None:
        c.requests[0].comment = "# first of all"

    saved, _ = _save_edited(tmp_path, edit)
    assert _changed_lines(STYLED, saved) == (["# the first request"], ["# first of all"])


def test_several_saves_in_a_row_keep_splicing(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text(STYLED, encoding="utf-8")
    collection = store.load(target)
    collection.requests[0].url = "{{base}}/one"
    store.save(collection)
    collection.requests[3].name = "text body"
    collection.requests.append(Request(name="later", url="{{base}}/later"))
    store.save(collection)
    del collection.requests[-1]
    collection.requests[0].url = "{{base}}/get"
    collection.requests[3].name = "text"
    store.save(collection)
    assert target.read_text(encoding="utf-8") == STYLED


def test_a_replaced_but_equal_request_object_keeps_its_text(tmp_path: Path) -> None:
    import dataclasses

    def edit(c: Collection) -> None:
        c.requests[2] = dataclasses.replace(c.requests[2])  # the UI may swap in a copy

    saved, _ = _save_edited(tmp_path, edit)
    assert saved == STYLED


def test_a_spliced_save_still_refuses_what_would_not_load(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text(STYLED, encoding="utf-8")
    collection = store.load(target)
    collection.requests[1].name = "get"  # duplicate name
    with pytest.raises(SaveError, match="duplicate request name 'get'"):
        store.save(collection)
    collection.requests[1].name = "fine"
    collection.requests[2].method = "NOT A METHOD"
    with pytest.raises(SaveError, match="method"):
        store.save(collection)
    assert target.read_text(encoding="utf-8") == STYLED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]


def test_unusual_layouts_fall_back_to_canonical_for_what_changed(tmp_path: Path) -> None:
    odd = 'format = 1\nvariables = { base = "x" }  # inline\n\n[[requests]]\nname = "a"  # keep\n'

    def edit(c: Collection) -> None:
        c.variables["base"] = "y"

    saved, collection = _save_edited(tmp_path, edit, odd)
    assert saved == store.dumps(collection)

    def edit_request(c: Collection) -> None:
        c.requests.append(Request(name="b"))

    saved, _ = _save_edited(tmp_path, edit_request, odd)
    assert saved.startswith(odd)


def test_a_file_without_final_newline_gets_one_only_where_needed(tmp_path: Path) -> None:
    text = 'format = 1\n\n[[requests]]\nname = "a"'
    saved, _ = _save_edited(tmp_path, lambda c: None, text)
    assert saved == text

    def edit(c: Collection) -> None:
        c.requests.append(Request(name="b"))

    saved, _ = _save_edited(tmp_path, edit, text)
    assert saved == 'format = 1\n\n[[requests]]\nname = "a"\n\n[[requests]]\nname = "b"\n'


# -- stale temporary files ----------------------------------------------------------------


def _old(path: Path) -> None:
    past = time.time() - store.STALE_TEMP_AGE - 5
    os.utime(path, (past, past))


def test_next_save_removes_our_stale_temp_files_only(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    store.save(store.loads(STYLED), target)
    stale = tmp_path / ".c.toml.0badf00d.tmp"
    fresh = tmp_path / ".c.toml.0123abcd.tmp"
    other_name = tmp_path / ".d.toml.0badf00d.tmp"
    not_our_pattern = tmp_path / ".c.toml.backup.tmp"
    for path in (stale, fresh, other_name, not_our_pattern):
        path.write_text("half a file")
    for path in (stale, other_name, not_our_pattern):
        _old(path)
    store.save(store.load(target))
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["c.toml", fresh.name, other_name.name, not_our_pattern.name])


def test_a_temp_file_locked_by_a_live_save_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    store.save(store.loads(STYLED), target)
    live = tmp_path / ".c.toml.deadbeef.tmp"
    live.write_text("being written")
    _old(live)
    with open(live, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # as a save in another process holds it
        store.save(store.load(target))
        assert live.exists()
    store.save(store.load(target))
    assert not live.exists()


def test_a_symlink_with_our_temp_name_is_not_followed_or_removed(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    store.save(store.loads(STYLED), target)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / ".c.toml.00000000.tmp"
    link.symlink_to(victim)
    store.save(store.load(target))
    assert link.is_symlink() and victim.read_text() == "keep me"


_KILLED_SAVE = textwrap.dedent(
    """
    import os, sys, time
    from tui.core.collection import store
    collection = store.load(sys.argv[1])
    collection.name = "half saved"
    def hang(fd):
        print("writing", flush=True)
        time.sleep(60)
    os.fsync = hang
    store.save(collection)
    """
)


def test_kill_9_during_save_leaves_a_temp_file_that_the_next_save_removes(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text(STYLED, encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-c", _KILLED_SAVE, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        temps = [p for p in tmp_path.iterdir() if p.name.startswith(".c.toml.")]
        assert len(temps) == 1
        # while the save is alive (it holds the lock), another save leaves its file alone
        _old(temps[0])
        store.save(store.load(target))
        assert temps[0].exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert target.read_text(encoding="utf-8") == STYLED  # the old file, untouched
    store.save(store.load(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]


# -- a new file whose path was taken meanwhile ----------------------------------------------


def test_expect_absent_refuses_a_file_that_appeared(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    collection = Collection(requests=[Request(name="a")])
    target.write_text("someone else's file\n")
    with pytest.raises(SaveTargetExists, match="created there by another program"):
        store.save(collection, target, expect_absent=True)
    assert target.read_text() == "someone else's file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.toml"]
    assert collection.path is None
    assert isinstance(SaveTargetExists("x"), SaveError)
    store.save(collection, target)  # the user said "overwrite"
    assert store.load(target) == collection


def test_expect_absent_refuses_a_dangling_symlink_too(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    target.symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(SaveTargetExists):
        store.save(Collection(), target, expect_absent=True)
    assert not (tmp_path / "elsewhere.toml").exists()


def test_expect_absent_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    collection = Collection(requests=[Request(name="a")])
    assert store.save(collection, target, expect_absent=True) == target
    assert store.load(target) == collection
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.toml"]


def test_a_value_nested_too_deeply_for_the_loader_is_refused(tmp_path: Path) -> None:
    """The fast check's parser reads deeper nesting than the loader's: the save must not pass it."""
    from tui.core.collection.model import Expect

    value: list[object] = []
    for _ in range(600):
        value = [value]
    target = tmp_path / "deep.toml"
    with pytest.raises(SaveError, match="nested too deeply"):
        store.save(Collection(requests=[Request(name="a", expect=Expect(json={"x": value}))]), target)
    assert not target.exists()


def test_a_refused_save_leaves_the_next_one_splicing_as_before(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text(STYLED, encoding="utf-8")
    collection = store.load(target)
    collection.requests.insert(0, collection.requests.pop(2))
    collection.requests[1].name = "upload"  # duplicate of the moved request
    with pytest.raises(SaveError):
        store.save(collection)
    collection.requests[1].name = "get"
    collection.requests.insert(2, collection.requests.pop(0))
    store.save(collection)
    assert target.read_text(encoding="utf-8") == STYLED


def test_a_deep_copy_of_a_loaded_collection_saves_spliced_too(tmp_path: Path) -> None:
    import copy

    target = tmp_path / "c.toml"
    target.write_text(STYLED, encoding="utf-8")
    duplicate = copy.deepcopy(store.load(target))  # what the workbench keeps as "last saved"
    duplicate.requests[3].name = "text body"
    store.save(duplicate)
    assert _changed_lines(STYLED, target.read_text(encoding="utf-8")) == (['name = "text"'], ['name = "text body"'])


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c.requests.insert(0, c.requests.pop()),  # the last request to the top
        lambda c: c.requests.append(c.requests.pop(0)),  # the first to the end
        lambda c: c.requests.pop(),  # the last one deleted
        lambda c: c.requests.pop(0),
        lambda c: c.requests.append(Request(name="new")),
        lambda c: c.variables.clear(),
    ],
    ids=["last-to-top", "first-to-end", "delete-last", "delete-first", "add", "clear-variables"],
)
@pytest.mark.parametrize(
    "text",
    [STYLED, STYLED.rstrip("\n"), store.dumps(store.loads(STYLED))],
    ids=["styled", "no-final-newline", "canonical"],
)
def test_a_second_save_without_changes_is_byte_identical(
    tmp_path: Path, text: str, edit: Callable[[Collection], None]
) -> None:
    target = tmp_path / "c.toml"
    target.write_text(text, encoding="utf-8")
    collection = store.load(target)
    edit(collection)
    store.save(collection)
    first = target.read_text(encoding="utf-8")
    store.save(collection)
    assert target.read_text(encoding="utf-8") == first
    assert store.load(target) == collection
