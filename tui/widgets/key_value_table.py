"""Editable rows of name/value pairs: query params, headers, form fields.

Each row is a checkbox (sent or not) and two inputs. The last row is always an empty
"new row": typing into it turns it into a real row and a fresh empty row appears
below, so adding a row needs no key at all. With the focus in a row, `ctrl+t`
toggles it and `ctrl+r` removes it.

`RowTable` is the generic part (trailing new row, remove, Changed message) shared
with the multipart table of the body editor. Its message is `RowTable.Changed` (also reachable
as `KeyValueTable.Changed`): handle it with `@on(KeyValueTable.Changed, "#id")`; a method
named `on_key_value_table_changed` would not be called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input

from tui.core.collection.model import Pair
from tui.widgets.field_input import FieldInput
from tui.widgets.url_bar import VariableHighlighter

__all__ = ["EditableRow", "KeyValueRow", "KeyValueTable", "RowTable"]

ItemT = TypeVar("ItemT")


class EditableRow(Horizontal, Generic[ItemT]):
    """One row of a `RowTable`. Subclasses hold `item` up to date from their inputs."""

    DEFAULT_CSS = """
    EditableRow {
        height: 1;
        width: 1fr;
        &.-disabled Input { text-style: strike; color: $text-muted; }
        &.-new Checkbox { visibility: hidden; }
        Input { width: 1fr; margin-right: 1; }
        Checkbox { width: 5; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "toggle_row", "Toggle row"),
        Binding("ctrl+r", "remove_row", "Remove row"),
    ]

    class Edited(Message):
        """The row's item changed (posted by the row, handled by its table)."""

        def __init__(self, row: EditableRow[Any]) -> None:
            super().__init__()
            self.row = row

    class RemoveRequested(Message):
        def __init__(self, row: EditableRow[Any]) -> None:
            super().__init__()
            self.row = row

    def __init__(self, item: ItemT, *, new: bool = False) -> None:
        super().__init__(classes="-new" if new else "")
        self.item = item

    @property
    def is_new(self) -> bool:
        return self.has_class("-new")

    def is_blank(self) -> bool:
        raise NotImplementedError

    def focus_first(self) -> None:
        """Focus the row's first field."""

    def edited(self) -> None:
        self.post_message(self.Edited(self))

    def action_remove_row(self) -> None:
        if not self.is_new:
            self.post_message(self.RemoveRequested(self))

    def action_toggle_row(self) -> None:
        """Overridden by rows that can be switched off."""


RowT = TypeVar("RowT", bound=EditableRow[Any])


class RowTable(VerticalScroll, Generic[ItemT], can_focus=False):
    """A vertical list of editable rows ending with an empty new row."""

    DEFAULT_CSS = """
    RowTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """

    class Changed(Message):
        """The rows changed: `items` holds them all (the trailing new row excluded)."""

        def __init__(self, table: RowTable[Any], items: list[Any], target: object) -> None:
            super().__init__()
            self.table = table
            self.items = items
            self.target = target  # whatever `set_items` was given: the model object edited

        @property
        def control(self) -> RowTable[Any]:
            return self.table

    def __init__(
        self, items: Iterable[ItemT] = (), *, target: object = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._initial = list(items)
        self.target = target

    # -- subclass hooks -------------------------------------------------------------------
    def make_row(self, item: ItemT | None) -> EditableRow[ItemT]:
        raise NotImplementedError

    # -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        for item in self._initial:
            yield self.make_row(item)
        yield self.make_row(None)

    @property
    def rows(self) -> list[EditableRow[ItemT]]:
        return [row for row in self.query_children(EditableRow) if not row.is_new]

    @property
    def items(self) -> list[ItemT]:
        return [row.item for row in self.rows]

    def set_items(self, items: Iterable[ItemT], *, target: object = None) -> None:
        """Replace every row (no Changed message is posted)."""
        self.target = target
        self._initial = list(items)
        if not self.is_mounted:
            return
        self.remove_children()
        self.mount_all([*(self.make_row(item) for item in self._initial), self.make_row(None)])

    def _post_changed(self, removed: EditableRow[ItemT] | None = None) -> None:
        items = [row.item for row in self.rows if row is not removed]  # removal is asynchronous
        self.post_message(self.Changed(self, items, self.target))

    async def prepare_next_field(self, field: FieldInput) -> None:
        """Leaving a field of the trailing new row once it holds text: make it a real row and
        mount the next new row now, so focus can move there before more keys arrive (its
        `Edited` message is still queued behind the keys)."""
        row = next((node for node in field.ancestors if isinstance(node, EditableRow)), None)
        if row is None or not row.is_new or row is not self.query_children(EditableRow).last():
            return
        if any(child.value for child in row.query(FieldInput)):
            row.remove_class("-new")
            await self.mount(self.make_row(None))

    @on(EditableRow.Edited)
    def _row_edited(self, event: EditableRow.Edited) -> None:
        event.stop()
        row = event.row
        if row.is_new and not row.is_blank():
            row.remove_class("-new")
            self.mount(self.make_row(None))
        self._post_changed()

    @on(EditableRow.RemoveRequested)
    def _remove_row(self, event: EditableRow.RemoveRequested) -> None:
        event.stop()
        row = event.row
        children = list(self.query_children(EditableRow))
        index = children.index(row)
        following = children[index + 1] if index + 1 < len(children) else None
        had_focus = self.screen.focused is not None and row in self.screen.focused.ancestors
        row.remove()
        if had_focus and following is not None:
            following.focus_first()
        self._post_changed(removed=row)


class KeyValueRow(EditableRow[Pair]):
    """Checkbox + name + value."""

    def __init__(
        self,
        pair: Pair | None,
        *,
        name_placeholder: str = "name",
        value_placeholder: str = "value",
        highlighter: VariableHighlighter | None = None,
    ) -> None:
        super().__init__(Pair(pair.name, pair.value, pair.enabled) if pair else Pair("", ""), new=pair is None)
        self._placeholders = (name_placeholder, value_placeholder)
        self._highlighter = highlighter
        self.set_class(not self.item.enabled, "-disabled")

    def compose(self) -> ComposeResult:
        checkbox = Checkbox(value=self.item.enabled, compact=True, classes="kv-enabled")
        checkbox.can_focus = False
        yield checkbox
        for text, placeholder, css in (
            (self.item.name, self._placeholders[0], "kv-name"),
            (self.item.value, self._placeholders[1], "kv-value"),
        ):
            yield FieldInput(  # enter moves on like tab: name -> value -> next row's name
                text,
                placeholder=placeholder,
                highlighter=self._highlighter,
                compact=True,
                classes=css,
                select_on_focus=False,
            )

    def focus_first(self) -> None:
        self.query_one(".kv-name", Input).focus()

    def is_blank(self) -> bool:
        return not self.item.name and not self.item.value

    @on(Input.Changed, ".kv-name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.item.name:
            self.item.name = event.value
            self.edited()

    @on(Input.Changed, ".kv-value")
    def _value_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.item.value:
            self.item.value = event.value
            self.edited()

    @on(Checkbox.Changed)
    def _enabled_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value != self.item.enabled and not self.is_new:
            self.item.enabled = event.value
            self.set_class(not event.value, "-disabled")
            self.edited()

    def action_toggle_row(self) -> None:
        if not self.is_new:
            self.query_one(Checkbox).toggle()


class KeyValueTable(RowTable[Pair]):
    """Rows of `Pair` (params, headers, form fields). `{{variables}}` are marked; set
    `known_variables` to flag unknown ones."""

    def __init__(
        self,
        items: Iterable[Pair] = (),
        *,
        target: object = None,
        name_placeholder: str = "name",
        value_placeholder: str = "value",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(items, target=target, id=id, classes=classes)
        self._placeholders = (name_placeholder, value_placeholder)
        self._highlighter = VariableHighlighter()

    @property
    def known_variables(self) -> frozenset[str] | None:
        return self._highlighter.known

    @known_variables.setter
    def known_variables(self, known: frozenset[str] | None) -> None:
        if known != self._highlighter.known:
            self._highlighter.known = known
            for field in self.query(Input):
                field.refresh()

    def make_row(self, item: Pair | None) -> KeyValueRow:
        return KeyValueRow(
            item,
            name_placeholder=self._placeholders[0],
            value_placeholder=self._placeholders[1],
            highlighter=self._highlighter,
        )
