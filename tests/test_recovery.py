"""`write_recovery_copy`: what the workbench writes before exiting on an unexpected error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Collection, Request
from tui.core.collection.recovery import recovery_path, write_recovery_copy
from tui.core.errors import SaveError

TEXT = 'format = 1\nname = "api"\n\n[[requests]]\nname = "get"\nurl = "http://127.0.0.1/get"\n'


def test_writes_the_unsaved_state_beside_the_file_and_leaves_the_original(tmp_path: Path) -> None:
    original = tmp_path / "api.toml"
    original.write_text(TEXT, encoding="utf-8")
    collection = store.load(original)
    collection.requests.append(Request(name="unsaved edit", url="http://127.0.0.1/post", method="POST"))
    written = write_recovery_copy(collection)
    assert written == tmp_path / ".api.recovery.toml"
    assert original.read_text(encoding="utf-8") == TEXT
    again = store.load(written)
    assert [r.name for r in again.requests] == ["get", "unsaved edit"]
    assert os.stat(written).st_mode & 0o077 == 0  # may hold secrets typed in: owner only
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_invalid_collection_is_kept_too(tmp_path: Path) -> None:
    collection = Collection(name="dup", requests=[Request(name="a"), Request(name="a")], path=tmp_path / "dup.toml")
    written = write_recovery_copy(collection)
    assert written.read_text(encoding="utf-8").count('name = "a"') == 2


def test_a_symlink_planted_at_the_recovery_name_never_redirects_the_write_to_the_original(tmp_path: Path) -> None:
    original = tmp_path / "api.toml"
    original.write_text(TEXT, encoding="utf-8")
    collection = store.load(original)
    collection.name = "changed"
    recovery_path(collection).symlink_to(original)
    written = write_recovery_copy(collection)
    assert original.read_text(encoding="utf-8") == TEXT
    assert written != recovery_path(collection) and 'name = "changed"' in written.read_text(encoding="utf-8")
    written.unlink()


def test_an_unwritable_folder_falls_back_to_the_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")  # (a read-only folder would not stop root, who runs CI here)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(temp))
    collection = Collection(name="x", path=not_a_folder / "x.toml")
    assert write_recovery_copy(collection) == temp / ".x.recovery.toml"
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(not_a_folder))
    with pytest.raises(SaveError, match="cannot write a recovery copy"):
        write_recovery_copy(collection)
