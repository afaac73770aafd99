"""The hex dump's bytes per row depend on the width only (issue 10, bug 10): at 80x24 a 20 MB
binary body and a 64-byte one both show 16 bytes a row (the big one got 8, because the
scrollbar's columns were kept free only for a dump taller than the view)."""

from __future__ import annotations

from pathlib import Path

from _pilot import settle
from test_response_viewer import make_response

from tui.app import make_app


async def test_small_and_big_binary_bodies_get_the_same_row_width(tmp_path: Path) -> None:
    app = make_app(tmp_path / "w.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.ready()
        viewer = app.viewer
        rows = []
        for size in (64, 20_000_000):
            viewer.show_response(make_response((bytes(range(256)) * (size // 256 + 1))[:size]))
            await settle(pilot)
            view = viewer.body_view
            rows.append(view._lines.bytes_per_line)  # type: ignore[attr-defined]
            assert view.render_line(0).text.rstrip().endswith("|................|")
        assert rows == [16, 16]
