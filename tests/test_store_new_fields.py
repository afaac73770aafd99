"""Every key the format gained this round survives dumps -> loads and an edit-and-save of a
loaded file (the splice path): a field the writer forgets is silently dropped on ctrl+s."""

from __future__ import annotations

from pathlib import Path

from tui.core.collection import store
from tui.core.collection.model import Collection, Defaults, Request

TEXT = """format = 1

[env]
allow = ["TOKEN"]  # what this collection may read

[defaults]
cookies = false
forward_secrets = true
max_size = 1048576

[[requests]]
name = "events"
folder = "Streams/SSE"
description = "Five events."
url = "http://127.0.0.1:9/sse?token={{env:TOKEN}}"
stream = "sse"
cookies = true
forward_secrets = false
max_size = 4096
"""


def _every_new_field() -> Collection:
    return Collection(
        env_allow=["TOKEN"],
        defaults=Defaults(cookies=False, forward_secrets=True, max_size=2**20),
        requests=[
            Request(
                name="events", folder="Streams/SSE", description="Five events.", url="http://127.0.0.1:9/sse",
                stream="sse", cookies=True, forward_secrets=False, max_size=4096,
            )
        ],
    )


def test_new_fields_round_trip_through_the_canonical_text() -> None:
    collection = _every_new_field()
    assert store.loads(store.dumps(collection)) == collection


def test_an_edit_keeps_every_new_field_and_the_comment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(TEXT)
    loaded = store.load(path)
    loaded.requests[0].url += "&n=5"
    store.save(loaded, path)
    again = store.load(path)
    assert again == loaded
    assert again.env_allow == ["TOKEN"] and again.defaults.max_size == 2**20 and again.requests[0].stream == "sse"
    assert "# what this collection may read" in path.read_text()
