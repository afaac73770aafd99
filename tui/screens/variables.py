"""Edit the collection's `[variables]` and `[environments.NAME]` tables (`f5`).

`VariablesScreen(variables, environments)` is a modal working on copies: on the left the tables
("defaults" for `[variables]`, one per environment, and "new environment…"), on the right a
`KeyValueTable` of the chosen table's name/value rows. It dismisses with a `VariablesEdit`
holding every table as it should become, or None when cancelled (escape): nothing is changed
until OK. Names are checked as the store would load them (`VARIABLE_NAME`); a duplicate name in
one table is reported in place and OK is refused until it is fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core.collection.schema import VARIABLE_NAME
from tui.core.collection.model import Pair
from tui.widgets.key_value_table import KeyValueTable

__all__ = ["DEFAULTS", "NEW_ENVIRONMENT", "VariablesEdit", "VariablesScreen", "table_problem"]

# Keys of the tables in the selector (an environment is keyed by its name; these cannot be
# environment names: a name holding a NUL is refused).
DEFAULTS = "\0defaults"
NEW_ENVIRONMENT = "\0new"

SECRETS_HINT = "{{env:NAME}} reads the process environment: secrets need not be stored here."


@dataclass(slots=True)
class VariablesEdit:
    """What OK gives back: the new `[variables]` and `[environments]`."""

    variables: dict[str, str] = field(default_factory=dict)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)


def table_problem(rows: list[Pair]) -> str | None:
    """Why `rows` cannot be saved as a variables table (None when they can). Rows switched off
    and rows left entirely blank are not kept, so they are not checked."""
    seen: set[str] = set()
    for row in rows:
        if not row.enabled or (not row.name and not row.value):
            continue
        if not row.name:
            return f"the value {row.value!r} has no name"
        if "{{" in row.name or "}}" in row.name:
            return f"{row.name!r}: a name is written without {{{{ }}}}"
        if not VARIABLE_NAME.fullmatch(row.name):
            return f"{row.name!r} is not a usable variable name (a letter or _, then letters, digits, _ - .)"
        if row.name in seen:
            return f"{row.name!r} is already defined in this table"
        seen.add(row.name)
    return None


def environment_name_problem(name: str, existing: Mapping[str, object]) -> str | None:
    if not name.strip():
        return "the new environment needs a name"
    if "{{" in name or "}}" in name or "\0" in name:
        return f"{name!r} is not a usable environment name"
    if name in existing:
        return f"environment {name!r} already exists"
    return None


def _kept(rows: list[Pair]) -> dict[str, str]:
    return {row.name: row.value for row in rows if row.enabled and row.name}


class VariablesScreen(ModalScreen[VariablesEdit | None]):
    DEFAULT_CSS = """
    VariablesScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 110;
            height: 80%;
            border: thick $primary;
            background: $surface;
        }
        #vars-title { text-style: bold; padding: 0 1; }
        #vars-body { height: 1fr; }
        #vars-tables { width: 26; height: 1fr; }
        #vars-right { width: 1fr; height: 1fr; padding: 0 1; }
        #vars-new-name { display: none; margin-bottom: 1; }
        #vars-right.-new #vars-new-name { display: block; }
        #vars-error { color: $text-error; padding: 0 1; width: 1fr; height: auto; }
        #vars-hint, #vars-keys { color: $text-muted; padding: 0 1; width: 1fr; height: auto; }
        #vars-buttons { height: auto; align-horizontal: right; padding: 0 1; }
        #vars-buttons Button { margin-left: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "ok", "OK"),
    ]

    def __init__(self, variables: Mapping[str, str], environments: Mapping[str, Mapping[str, str]]) -> None:
        super().__init__()
        self._tables: dict[str, list[Pair]] = {DEFAULTS: [Pair(k, v) for k, v in variables.items()]}
        for name, values in environments.items():
            self._tables[name] = [Pair(k, v) for k, v in values.items()]
        self._tables[NEW_ENVIRONMENT] = []
        self._environments = list(environments)
        self._shown = DEFAULTS

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Variables", id="vars-title")
            with Horizontal(id="vars-body"):
                options = [Option(Text("defaults ([variables])"), id=f"t:{DEFAULTS}")]
                options += [Option(Text(f"env: {name}"), id=f"t:{name}") for name in self._environments]
                options.append(Option("new environment…", id=f"t:{NEW_ENVIRONMENT}"))
                yield OptionList(*options, id="vars-tables")
                with Vertical(id="vars-right"):
                    yield Input(placeholder="name of the new environment", id="vars-new-name", compact=True)
                    yield KeyValueTable(self._tables[DEFAULTS], target=DEFAULTS, id="vars-table")
            yield Label("", id="vars-error", markup=False)
            yield Label(SECRETS_HINT, id="vars-hint", markup=False)
            yield Label(
                "tab: tables ↔ rows  ctrl+r: remove row  ctrl+t: leave row out  ctrl+o: OK  escape: cancel",
                id="vars-keys",
                markup=False,
            )
            with Horizontal(id="vars-buttons"):
                yield Button("OK", id="vars-ok", variant="primary", compact=True)
                yield Button("Cancel", id="vars-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0
        self.query_one(OptionList).focus()

    @property
    def table(self) -> KeyValueTable:
        return self.query_one("#vars-table", KeyValueTable)

    @property
    def shown(self) -> str:
        """The key of the table being edited (`DEFAULTS`, `NEW_ENVIRONMENT` or an environment)."""
        return self._shown

    # -- switching tables ---------------------------------------------------------------------
    def show_table(self, key: str) -> None:
        if key == self._shown:
            return
        self._tables[self._shown] = [Pair(p.name, p.value, p.enabled) for p in self.table.items]
        self._shown = key
        self.table.set_items(self._tables[key], target=key)
        self.query_one("#vars-right").set_class(key == NEW_ENVIRONMENT, "-new")
        self._check()

    @on(OptionList.OptionHighlighted, "#vars-tables")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_table((event.option.id or f"t:{DEFAULTS}")[2:])

    @on(OptionList.OptionSelected, "#vars-tables")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.show_table((event.option.id or f"t:{DEFAULTS}")[2:])
        if self._shown == NEW_ENVIRONMENT:
            self.query_one("#vars-new-name", Input).focus()
        else:
            rows = self.table.query(".kv-name")
            if rows:
                rows.first().focus()

    # -- edits --------------------------------------------------------------------------------
    @on(KeyValueTable.Changed, "#vars-table")
    def _rows_changed(self, event: KeyValueTable.Changed) -> None:
        event.stop()
        if isinstance(event.target, str) and event.target in self._tables:
            self._tables[event.target] = [Pair(p.name, p.value, p.enabled) for p in event.items]
        self._check()

    @on(Input.Changed, "#vars-new-name")
    def _new_name_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check()

    @on(Input.Submitted, "#vars-new-name")
    def _new_name_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _check(self) -> str | None:
        """Show the first problem of the table on screen (marking a duplicate row); return it."""
        rows = self._tables[self._shown]
        problem = table_problem(rows)
        if problem is None and self._shown == NEW_ENVIRONMENT and (self._new_name() or _kept(rows)):
            problem = environment_name_problem(self._new_name(), self._tables)
        self.query_one("#vars-error", Label).update(problem or "")
        self._mark_duplicates()
        self.call_after_refresh(self._mark_duplicates)  # rows just mounted compose later
        return problem

    def _mark_duplicates(self) -> None:
        """The name of a row repeating an earlier row's name gets the `-invalid` class."""
        seen: set[str] = set()
        for row in self.table.rows:
            name = row.item.name
            for name_field in row.query(".kv-name"):
                name_field.set_class(row.item.enabled and bool(name) and name in seen, "-invalid")
            if row.item.enabled and name:
                seen.add(name)

    # -- OK / cancel --------------------------------------------------------------------------
    @on(Button.Pressed, "#vars-ok")
    def _ok_pressed(self) -> None:
        self.action_ok()

    @on(Button.Pressed, "#vars-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_ok(self) -> None:
        self._tables[self._shown] = [Pair(p.name, p.value, p.enabled) for p in self.table.items]
        error = self.query_one("#vars-error", Label)
        for key, rows in self._tables.items():
            if key == NEW_ENVIRONMENT and not _kept(rows) and not self._new_name():
                continue
            problem = table_problem(rows)
            if problem is None and key == NEW_ENVIRONMENT:
                problem = environment_name_problem(self._new_name(), self._tables)
            if problem is not None:
                where = "defaults" if key == DEFAULTS else "new environment" if key == NEW_ENVIRONMENT else f"env {key}"
                self.query_one("#vars-tables", OptionList).highlighted = self._index_of(key)
                error.update(f"{where}: {problem}")
                self.notify(problem, title="Variables not applied", severity="error", markup=False)
                return
        environments = {name: _kept(self._tables[name]) for name in self._environments}
        if self._new_name() or _kept(self._tables[NEW_ENVIRONMENT]):
            environments[self._new_name()] = _kept(self._tables[NEW_ENVIRONMENT])
        self.dismiss(VariablesEdit(variables=_kept(self._tables[DEFAULTS]), environments=environments))

    def _new_name(self) -> str:
        return self.query_one("#vars-new-name", Input).value.strip()

    def _index_of(self, key: str) -> int:
        if key == DEFAULTS:
            return 0
        if key == NEW_ENVIRONMENT:
            return len(self._environments) + 1
        return self._environments.index(key) + 1

    def action_cancel(self) -> None:
        self.dismiss(None)
