"""The headless core of reqbench. Nothing under `tui.core` imports Textual (a test checks this).

One folder per concern:

- `collection/`  the model, the TOML store (load with file:line:col, canonical atomic save),
                 schema, writer, locator, the URL bar's query text, variables
- `engine/`      the pooled httpx client, request building, bodies, downloads, progress,
                 timings, the request/response types and events
- `replay/`      `reqbench run`: plan, captures, expects, concurrency, reports, masking
- `formats/`     conversions to and from other tools (one module each)
- `display/`     headless helpers for showing bodies (JSON lines, hex dumps)
- `errors.py`    the typed error hierarchy every subpackage raises
- `workspace.py` the open collection as a session (what the workbench keeps between keys)
"""
