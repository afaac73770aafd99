"""The request body: a mode selector and one editor per body kind.

Modes: none / text / JSON (validated as you type, `alt+g` pretty-formats) / form /
multipart (value rows and file rows with filename and content type) / file / stream
(chunk size) / binary (base64 typed or pasted, or loaded from a file with `alt+l`).
A content-type override applies to every mode.

Each mode keeps what was typed in it, so switching modes back and forth loses nothing;
`body` builds the `model.Body` of the current mode. Messages up: `BodyEditor.Changed`.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Input, Label, Select, Static, TextArea

from tui.core.collection.model import Body, MultipartPart, Pair
from tui.widgets.field_input import FieldInput
from tui.widgets.key_value_table import EditableRow, KeyValueTable, RowTable

__all__ = ["BODY_MODES", "BodyEditor", "MultipartTable", "PartRow", "json_problem"]

# (label, mode); the mode is the model's body kind, "none" for no body.
BODY_MODES: tuple[tuple[str, str], ...] = (
    ("none", "none"),
    ("text", "text"),
    ("JSON", "json"),
    ("form", "form"),
    ("multipart", "multipart"),
    ("file", "file"),
    ("stream", "stream"),
    ("binary", "base64"),
)


def json_problem(text: str) -> str | None:
    """None when `text` is valid JSON, else a short message with line and column."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"line {error.lineno} col {error.colno}: {error.msg}"
    return None


class PartRow(EditableRow[MultipartPart]):
    """A multipart part: kind (value/file), name, value or path, filename, content type."""

    def __init__(self, part: MultipartPart | None) -> None:
        copy = (
            MultipartPart(part.name, part.value, part.file, part.filename, part.content_type)
            if part
            else MultipartPart("", value="")
        )
        super().__init__(copy, new=part is None)
        self.set_class(copy.is_file, "-file")

    DEFAULT_CSS = """
    PartRow {
        #part-kind { width: 8; margin-right: 1; }
        .part-filename, .part-type { display: none; }
        &.-file .part-filename, &.-file .part-type { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        item = self.item
        yield Select([("value", "value"), ("file", "file")], value="file" if item.is_file else "value",
                     allow_blank=False, compact=True, id="part-kind")
        yield FieldInput(item.name, placeholder="name", compact=True, classes="part-name", select_on_focus=False)
        yield FieldInput(item.file if item.is_file else (item.value or ""), placeholder="path" if item.is_file else "value",
                         compact=True, classes="part-value", select_on_focus=False)
        yield FieldInput(item.filename or "", placeholder="filename", compact=True, classes="part-filename",
                         select_on_focus=False)
        yield FieldInput(item.content_type or "", placeholder="content type", compact=True, classes="part-type",
                         select_on_focus=False)

    def focus_first(self) -> None:
        self.query_one(".part-name", Input).focus()

    def is_blank(self) -> bool:
        item = self.item
        return not item.name and not item.value and not item.file

    @on(Select.Changed, "#part-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        is_file = event.value == "file"
        if is_file == self.item.is_file:
            return
        text = self.query_one(".part-value", Input).value
        self.item.file, self.item.value = (text, None) if is_file else (None, text)
        if not is_file:
            self.item.filename = self.item.content_type = None
        self.set_class(is_file, "-file")
        self.query_one(".part-value", Input).placeholder = "path" if is_file else "value"
        self.edited()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        item = self.item
        value = event.value
        if event.input.has_class("part-name"):
            item.name = value
        elif event.input.has_class("part-value"):
            if item.is_file:
                item.file = value
            else:
                item.value = value
        elif event.input.has_class("part-filename"):
            item.filename = value or None
        elif event.input.has_class("part-type"):
            item.content_type = value or None
        self.edited()

class MultipartTable(RowTable[MultipartPart]):
    def make_row(self, item: MultipartPart | None) -> PartRow:
        return PartRow(item)


class BodyEditor(Widget):
    DEFAULT_CSS = """
    BodyEditor {
        height: 1fr;
        layout: vertical;
        #body-top { height: 1; margin-bottom: 1; }
        #body-mode { width: 14; margin-right: 1; }
        #body-content-type { width: 1fr; max-width: 40; }
        #json-status { width: 1fr; padding-left: 1; color: $text-success; }
        #json-status.-invalid { color: $text-error; }
        #body-switcher { height: 1fr; }
        TextArea { height: 1fr; }
        TextArea.-invalid { border: tall $error; }
        .body-row { height: 1; margin-bottom: 1; }
        .body-row Label { width: 12; }
        .body-row Input { width: 1fr; }
        #body-none { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # alt+g, not alt+f: xterm, tmux and SSH send alt+f as `ESC f`, which Textual reads as
        # ctrl+right (word motion). alt+f stays for terminals that report it as itself (kitty).
        Binding("alt+g", "format_json", "Format JSON", priority=True),
        Binding("alt+f", "format_json", "Format JSON", show=False, priority=True),
        Binding("alt+l", "load_base64", "Load file as base64", show=False, priority=True),
    ]

    class Changed(Message):
        def __init__(self, editor: BodyEditor, body: Body | None, target: object) -> None:
            super().__init__()
            self.editor = editor
            self.body = body
            self.target = target

        @property
        def control(self) -> BodyEditor:
            return self.editor

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.target: object = None
        self.mode = "none"
        self.base_folder: Path | None = None  # relative "from file" paths start here
        self._pending: tuple[Body | None] | None = None  # set_body before mount

    def compose(self) -> ComposeResult:
        with Horizontal(id="body-top"):
            yield Select([(label, mode) for label, mode in BODY_MODES], value="none", allow_blank=False,
                         compact=True, id="body-mode")
            yield Input(placeholder="content type (default for the mode)", compact=True, id="body-content-type")
            yield Label("", id="json-status", markup=False)
        with ContentSwitcher(initial="body-none", id="body-switcher"):
            yield Static("No body. Choose a mode above (text, JSON, form, multipart, file, stream, binary).",
                         id="body-none")
            yield TextArea(id="body-text", soft_wrap=True, show_line_numbers=False)
            yield TextArea(id="body-json", soft_wrap=True, show_line_numbers=True, tab_behavior="indent")
            yield KeyValueTable(id="body-form")
            yield MultipartTable(id="body-multipart")
            with Vertical(id="body-file"):
                with Horizontal(classes="body-row"):
                    yield Label("file path")
                    yield Input(placeholder="path relative to the collection", compact=True, id="file-path")
                yield Static("Sent as the file's bytes, streamed with Content-Length.", classes="hint")
            with Vertical(id="body-stream"):
                with Horizontal(classes="body-row"):
                    yield Label("file path")
                    yield Input(placeholder="path relative to the collection", compact=True, id="stream-path")
                with Horizontal(classes="body-row"):
                    yield Label("chunk size")
                    yield Input(placeholder="65536", type="integer", compact=True, id="stream-chunk")
                yield Static("Read in chunks and sent with Transfer-Encoding: chunked.", classes="hint")
            with Vertical(id="body-base64"):
                with Horizontal(classes="body-row"):
                    yield Label("from file")
                    yield Input(placeholder="path, then alt+l loads it as base64", compact=True, id="base64-file")
                yield TextArea(id="base64-text", soft_wrap=True, show_line_numbers=False)

    # -- attributes down ------------------------------------------------------------------
    def set_body(self, body: Body | None, *, target: object = None) -> None:
        """Show a request's body (no Changed message is posted). Before the editor is mounted
        (it may be mounted lazily) the body is kept and shown on mount."""
        self.target = target
        self._pending = (body,)
        if self.is_mounted:
            self._load(body)

    def on_mount(self) -> None:
        if self._pending is not None:
            self._load(self._pending[0])

    def _load(self, body: Body | None) -> None:
        self._pending = None
        target = self.target
        with self.prevent(Select.Changed, Input.Changed, TextArea.Changed):
            for area in self.query(TextArea):
                area.load_text("")
            for field in self.query("#body-content-type, #file-path, #stream-path, #stream-chunk, #base64-file"):
                assert isinstance(field, Input)
                field.value = ""
            form: list[Pair] = []
            parts: list[MultipartPart] = []
            kind = body.kind if body else "none"
            if body is not None:
                self.query_one("#body-content-type", Input).value = body.content_type or ""
                if kind == "text":
                    self.query_one("#body-text", TextArea).load_text(body.text)
                elif kind == "json":
                    self.query_one("#body-json", TextArea).load_text(body.text)
                elif kind == "base64":
                    self.query_one("#base64-text", TextArea).load_text(body.text)
                elif kind == "file":
                    self.query_one("#file-path", Input).value = body.text
                elif kind == "stream":
                    self.query_one("#stream-path", Input).value = body.text
                    self.query_one("#stream-chunk", Input).value = str(body.chunk_size) if body.chunk_size else ""
                form, parts = body.form, body.parts
            self.query_one("#body-mode", Select).value = kind
        # Outside `prevent`: widgets created inside it replay the prevented set around their
        # own mount, on a stack Textual shares between tasks, so while those rows mount the
        # app forwards keys tagged "no Input.Changed" and the field being typed in drops
        # its changes (issue 10, bug 4). set_items posts no Changed message anyway.
        self.query_one("#body-form", KeyValueTable).set_items(form, target=target)
        self.query_one("#body-multipart", MultipartTable).set_items(parts, target=target)
        self._show_mode(kind)

    # -- state --------------------------------------------------------------------------
    @property
    def body(self) -> Body | None:
        if self._pending is not None:  # not mounted yet: what it was given
            return self._pending[0]
        mode = self.mode
        if mode == "none":
            return None
        content_type = self.query_one("#body-content-type", Input).value.strip() or None
        body = Body(kind=mode, content_type=content_type)  # type: ignore[arg-type]
        if mode == "text":
            body.text = self.query_one("#body-text", TextArea).text
        elif mode == "json":
            body.text = self.query_one("#body-json", TextArea).text
        elif mode == "base64":
            body.text = self.query_one("#base64-text", TextArea).text
        elif mode == "file":
            body.text = self.query_one("#file-path", Input).value
        elif mode == "stream":
            body.text = self.query_one("#stream-path", Input).value
            chunk = self.query_one("#stream-chunk", Input).value.strip()
            body.chunk_size = int(chunk) if chunk.isdigit() and int(chunk) > 0 else None
        elif mode == "form":
            body.form = [Pair(p.name, p.value, p.enabled) for p in self.query_one("#body-form", KeyValueTable).items]
        elif mode == "multipart":
            body.parts = [
                MultipartPart(p.name, p.value, p.file, p.filename, p.content_type)
                for p in self.query_one("#body-multipart", MultipartTable).items
            ]
        return body

    def _show_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one(ContentSwitcher).current = f"body-{mode}"
        self._validate_json()

    def _validate_json(self) -> None:
        status = self.query_one("#json-status", Label)
        area = self.query_one("#body-json", TextArea)
        if self.mode != "json":
            status.update("")
            status.remove_class("-invalid")
            return
        problem = json_problem(area.text) if area.text.strip() else "empty"
        status.update(f"✗ {problem}" if problem else "✓ valid JSON")
        status.set_class(problem is not None, "-invalid")
        area.set_class(problem is not None, "-invalid")

    @property
    def json_status(self) -> str:
        return str(self.query_one("#json-status", Label).content)

    def _changed(self) -> None:
        self.post_message(self.Changed(self, self.body, self.target))

    # -- events ---------------------------------------------------------------------------
    @on(Select.Changed, "#body-mode")
    def _mode_changed(self, event: Select.Changed) -> None:
        event.stop()
        # The select's current value, not the event's: a Select posts its initial value when it
        # mounts, which can arrive after `set_body` chose another mode.
        mode = str(event.select.value)
        if mode == self.mode:
            return
        self._show_mode(mode)
        self._changed()

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if event.text_area.id == "body-json":
            self._validate_json()
        self._changed()

    @on(Input.Changed, "#body-content-type, #file-path, #stream-path, #stream-chunk")
    def _field_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    @on(Input.Changed, "#base64-file")
    def _ignore(self, event: Input.Changed) -> None:
        event.stop()

    @on(Input.Submitted, "#base64-file")
    def _base64_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_load_base64()

    @on(RowTable.Changed)
    def _rows_changed(self, event: RowTable.Changed) -> None:
        event.stop()
        self._changed()

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "format_json":
            return self.mode == "json"
        if action == "load_base64":
            return self.mode == "base64"
        return True

    def action_format_json(self) -> None:
        area = self.query_one("#body-json", TextArea)
        try:
            data: Any = json.loads(area.text)
        except json.JSONDecodeError as error:
            self.notify(f"Not valid JSON: line {error.lineno} col {error.colno}: {error.msg}", severity="error", markup=False)
            return
        area.replace(json.dumps(data, indent=2, ensure_ascii=False), (0, 0), area.document.end)

    def action_load_base64(self) -> None:
        """Read the `from file` path (relative to `base_folder`, or absolute) into base64."""
        path_text = self.query_one("#base64-file", Input).value.strip()
        if not path_text:
            self.notify("Type a file path first.", severity="warning", markup=False)
            return
        path = Path(path_text).expanduser()
        if not path.is_absolute() and self.base_folder is not None:
            path = self.base_folder / path
        try:
            data = path.read_bytes()
        except OSError as error:
            self.notify(f"Cannot read {path}: {error.strerror or error}", severity="error", markup=False)
            return
        area = self.query_one("#base64-text", TextArea)
        area.replace(base64.b64encode(data).decode("ascii"), (0, 0), area.document.end)
