"""What the response pane says about downloads (issue 10, bugs 10 and 11), in the app's terms."""

from __future__ import annotations

import textwrap
from pathlib import Path

from _pilot import SIZE, send

from tui.app import make_app
from tui.core import errors


async def test_an_existing_download_target_points_at_the_options_checkbox(tmp_path: Path, httpbin_url: str) -> None:
    (tmp_path / "out.json").write_text("already here")
    path = tmp_path / "dl.toml"
    path.write_text("format = 1\n" + textwrap.dedent(f"""
        [[requests]]
        name = "get"
        url = "{httpbin_url}/get"
        [requests.download]
        path = "out.json"
        """))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot)
        assert isinstance(app.last_error, errors.DownloadError)
        text = app.viewer.error_text
        assert "already exists" in text and "Options tab (alt+o)" in text and "replace an existing file" in text
        assert "[requests.download]" not in text
        assert (tmp_path / "out.json").read_text() == "already here"
