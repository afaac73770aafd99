"""Issue 15: saving a body (the workbench's `s`) is atomic and asks before replacing; `max_size`
is a collection option that round-trips and bounds `reqbench run`."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.core.collection import dumps, load, loads, resolve
from tui.core.engine import save_body_atomically
from tui.core.errors import FileWriteError, SchemaError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_save_body_writes_a_new_file_and_returns_its_full_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    written = save_body_atomically(Path("body.bin"), b"hello", overwrite=False)
    assert written == tmp_path / "body.bin" and written.read_bytes() == b"hello"
    assert _leftovers(tmp_path) == []


def test_save_body_refuses_an_existing_file_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "body.bin"
    target.write_bytes(b"old")
    with pytest.raises(FileWriteError, match=f"{target} already exists") as caught:
        save_body_atomically(target, b"new", overwrite=False)
    assert caught.value.path == target and target.read_bytes() == b"old"
    save_body_atomically(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new" and _leftovers(tmp_path) == []


def test_save_body_never_writes_through_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "body.bin"
    link.symlink_to(victim)
    with pytest.raises(FileWriteError, match="already exists"):
        save_body_atomically(link, b"new", overwrite=False)
    dangling = tmp_path / "dangling.bin"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    with pytest.raises(FileWriteError, match="already exists"):
        save_body_atomically(dangling, b"new", overwrite=False)
    save_body_atomically(link, b"new", overwrite=True)  # replaces the link itself
    assert not link.is_symlink() and link.read_bytes() == b"new" and victim.read_text() == "precious"


def test_a_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "body.bin"
    target.write_bytes(b"old")

    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            raise OSError(28, "No space left on device")

    with pytest.raises(FileWriteError, match=f"cannot write {target}: No space left on device; the old file, if any, is unchanged"):
        save_body_atomically(target, Failing(), overwrite=True)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_save_body_copies_a_spilled_file_and_names_the_path_on_errors(tmp_path: Path) -> None:
    spill = tmp_path / "spill.body"
    spill.write_bytes(os.urandom(3 * 2**20))
    target = tmp_path / "copy.bin"
    save_body_atomically(target, spill, overwrite=False)
    assert target.read_bytes() == spill.read_bytes()
    with pytest.raises(FileWriteError, match=f"cannot write {tmp_path / 'missing' / 'x.bin'}"):
        save_body_atomically(tmp_path / "missing" / "x.bin", b"x", overwrite=False)
    with pytest.raises(FileWriteError, match="is a folder"):
        save_body_atomically(tmp_path, b"x", overwrite=True)


def test_max_size_loads_saves_and_resolves(tmp_path: Path) -> None:
    text = 'format = 1\n[defaults]\nmax_size = 1000\n[[requests]]\nname = "a"\nurl = "http://x/"\nmax_size = 50\n[[requests]]\nname = "b"\nurl = "http://x/"\n'
    collection = loads(text, path=tmp_path / "c.toml")
    assert collection.defaults.max_size == 1000 and collection.requests[0].max_size == 50 and collection.requests[1].max_size is None
    again = loads(dumps(collection), path=tmp_path / "c.toml")
    assert again == collection
    assert resolve(collection, collection.requests[0]).max_size == 50
    assert resolve(collection, collection.requests[1]).max_size == 1000


@pytest.mark.parametrize("value", ["0", "-5", '"1GiB"', "1.5", "true"])
def test_a_bad_max_size_is_a_schema_error(value: str) -> None:
    with pytest.raises(SchemaError, match="max_size"):
        loads(f'format = 1\n[[requests]]\nname = "a"\nurl = "http://x/"\nmax_size = {value}\n')


def test_run_stops_an_endless_body_at_max_size(fault_url: str, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f'format = 1\n[[requests]]\nname = "endless"\nurl = "{fault_url}/endless"\nmax_size = 2000000\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(path)])
    assert result.exit_code == 3, result.output
    assert "over max_size = 2000000 bytes" in result.output
    assert load(path).requests[0].max_size == 2_000_000
