"""A request's `folder` and `description` (format version 1 additions): load, canonical save,
round trip, old files unchanged, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.collection.model import Collection, Request
from tui.core.errors import SchemaError

WITH_FOLDERS = """\
format = 1
name = "folders"

[[requests]]
name = "login"
folder = "Auth"
description = "Logs in with a password."
method = "POST"
url = "http://127.0.0.1/login"

[[requests]]
name = "refresh"
folder = "Auth/Tokens"
description = '''
Swaps a refresh token.
Second line with "quotes".
'''
method = "POST"
url = "http://127.0.0.1/token"

[[requests]]
name = "top level"
url = "http://127.0.0.1/get"
"""


def test_folder_and_description_load() -> None:
    collection = store.loads(WITH_FOLDERS)
    login, refresh, top = collection.requests
    assert (login.folder, login.description) == ("Auth", "Logs in with a password.")
    assert refresh.folder == "Auth/Tokens"
    assert refresh.description == 'Swaps a refresh token.\nSecond line with "quotes".\n'
    assert (top.folder, top.description) == ("", "")


def test_canonical_save_is_byte_identical() -> None:
    assert store.dumps(store.loads(WITH_FOLDERS)) == WITH_FOLDERS


def test_keys_come_right_after_name_and_are_omitted_when_empty() -> None:
    collection = Collection(
        name="c",
        requests=[
            Request(name="a", url="http://x/", method="PUT", folder="One/Two", description="d"),
            Request(name="b", url="http://x/"),
        ],
    )
    text = store.dumps(collection)
    block_a, block_b = text.split("[[requests]]")[1:]
    assert block_a.split("\n")[1:5] == ['name = "a"', 'folder = "One/Two"', 'description = "d"', 'method = "PUT"']
    assert "folder" not in block_b and "description" not in block_b
    assert store.loads(text) == collection


def test_old_file_without_the_keys_still_loads_and_saves_unchanged() -> None:
    old = 'format = 1\nname = "old"\n\n[[requests]]\nname = "g"\nurl = "http://127.0.0.1/get"\n'
    collection = store.loads(old)
    assert collection.requests[0].folder == ""
    assert store.dumps(collection) == old


def test_save_and_load_through_a_file(tmp_path: Path) -> None:
    collection = Collection(
        name="c",
        requests=[Request(name="r", url="http://x/", folder="Ünïcode/Sub folder", description="multi\nline\n")],
    )
    path = store.save(collection, tmp_path / "c.toml")
    loaded = store.load(path)
    assert loaded.requests[0].folder == "Ünïcode/Sub folder"
    assert loaded.requests[0].description == "multi\nline\n"


@pytest.mark.parametrize("folder", ["/Auth", "Auth/", "Auth//Tokens", " /x", "/"])
def test_bad_folder_is_refused_with_position(folder: str) -> None:
    text = f'format = 1\n\n[[requests]]\nname = "r"\nfolder = "{folder}"\n'
    with pytest.raises(SchemaError) as caught:
        store.loads(text, path="c.toml")
    message = str(caught.value)
    assert message.startswith("c.toml:5:1: requests[0] ('r'): 'folder' must be a group path")
    assert caught.value.key == "folder"


@pytest.mark.parametrize(("key", "value"), [("folder", "3"), ("description", "true"), ("folder", "['a']")])
def test_wrong_types_are_refused(key: str, value: str) -> None:
    text = f'format = 1\n\n[[requests]]\nname = "r"\n{key} = {value}\n'
    with pytest.raises(SchemaError, match=rf"c.toml:5:1: requests\[0\] \('r'\): '{key}' must be a string"):
        store.loads(text, path="c.toml")
