"""The headless core of reqbench: model, TOML store, variables, engine, replay.

Nothing under `tui.core` imports Textual (a test checks this).
"""
