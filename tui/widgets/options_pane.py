"""Per-request options: authentication (basic / digest / bearer), timeout, redirects, TLS
verification / CA bundle, HTTP/2, download to a file (path, chunk size, overwrite) and the
response encoding override.

"default" means: inherit from the collection's `[defaults]` (the placeholder shows the value).
Attributes down: `set_options(RequestOptions, defaults=...)`. Messages up: `OptionsPane.Changed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select

from tui.core.collection.model import DEFAULT_CHUNK_SIZE, Auth, Defaults, Download
from tui.widgets.field_input import FieldInput

__all__ = ["OptionsPane", "RequestOptions"]


@dataclass(slots=True)
class RequestOptions:
    """The option fields of a `model.Request` (None: inherit from `[defaults]`)."""

    timeout: float | None = None
    follow_redirects: bool | None = None
    verify: bool | str | None = None
    http2: bool | None = None
    download: Download | None = None
    encoding: str | None = None
    auth: Auth | None = None


_TRISTATE = (("default", "default"), ("on", "on"), ("off", "off"))
_VERIFY = (("default", "default"), ("on", "on"), ("off", "off"), ("CA bundle", "ca"))
_AUTH = (("default", "default"), ("basic", "basic"), ("digest", "digest"), ("bearer", "bearer"))


def _tri(value: bool | None) -> str:
    return "default" if value is None else ("on" if value else "off")


def _untri(value: object) -> bool | None:
    return None if value == "default" else value == "on"


class OptionsPane(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    OptionsPane {
        height: 1fr;
        .opt-row { height: 1; margin-bottom: 1; }
        .opt-row Label { width: 18; }
        .opt-row Input { width: 1fr; max-width: 50; }
        .opt-row Select { width: 14; }
        #opt-ca { margin-left: 1; display: none; }
        &.-ca #opt-ca { display: block; }
        #opt-auth-user, #opt-auth-password, #opt-auth-token { margin-left: 1; display: none; }
        &.-auth-basic #opt-auth-user, &.-auth-basic #opt-auth-password { display: block; }
        &.-auth-digest #opt-auth-user, &.-auth-digest #opt-auth-password { display: block; }
        &.-auth-bearer #opt-auth-token { display: block; }
        .opt-heading { text-style: bold; color: $text-muted; }
    }
    """

    class Changed(Message):
        def __init__(self, pane: OptionsPane, options: RequestOptions, target: object) -> None:
            super().__init__()
            self.pane = pane
            self.options = options
            self.target = target

        @property
        def control(self) -> OptionsPane:
            return self.pane

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.target: object = None
        self._pending: tuple[RequestOptions, Defaults] | None = None  # set_options before mount

    def compose(self) -> ComposeResult:
        with Horizontal(classes="opt-row"):
            yield Label("auth")
            yield Select(_AUTH, value="default", allow_blank=False, compact=True, id="opt-auth")
            yield FieldInput(placeholder="user", compact=True, id="opt-auth-user")
            yield FieldInput(placeholder="password, e.g. {{env:PASSWORD}}", password=True, compact=True, id="opt-auth-password")
            yield FieldInput(placeholder="token, e.g. {{env:TOKEN}}", compact=True, id="opt-auth-token")
        with Horizontal(classes="opt-row"):
            yield Label("timeout (s)")
            yield FieldInput(type="number", compact=True, id="opt-timeout")
        with Horizontal(classes="opt-row"):
            yield Label("follow redirects")
            yield Select(_TRISTATE, value="default", allow_blank=False, compact=True, id="opt-redirects")
        with Horizontal(classes="opt-row"):
            yield Label("verify TLS")
            yield Select(_VERIFY, value="default", allow_blank=False, compact=True, id="opt-verify")
            yield FieldInput(placeholder="CA bundle path", compact=True, id="opt-ca")
        with Horizontal(classes="opt-row"):
            yield Label("HTTP/2")
            yield Select(_TRISTATE, value="default", allow_blank=False, compact=True, id="opt-http2")
        with Horizontal(classes="opt-row"):
            yield Label("response encoding")
            yield FieldInput(placeholder="detected (e.g. utf-8, latin-1)", compact=True, id="opt-encoding")
        yield Label("Download to a file", classes="opt-heading")
        with Horizontal(classes="opt-row"):
            yield Label("path")
            yield FieldInput(placeholder="none: keep the body in memory", compact=True, id="opt-download")
        with Horizontal(classes="opt-row"):
            yield Label("chunk size")
            yield FieldInput(placeholder=str(DEFAULT_CHUNK_SIZE), type="integer", compact=True, id="opt-chunk")
        with Horizontal(classes="opt-row"):
            yield Label("overwrite")
            yield Checkbox("replace an existing file", compact=True, id="opt-overwrite")

    # -- attributes down --------------------------------------------------------------------
    def set_options(self, options: RequestOptions, *, defaults: Defaults | None = None, target: object = None) -> None:
        """Show a request's options (no Changed message is posted). Before the pane is mounted
        (it may be mounted lazily) they are kept and shown on mount."""
        self.target = target
        self._pending = (options, defaults or Defaults())
        if self.is_mounted:
            self._load(options, defaults or Defaults())

    def on_mount(self) -> None:
        if self._pending is not None:
            self._load(*self._pending)

    def _load(self, options: RequestOptions, defaults: Defaults) -> None:
        self._pending = None
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            timeout = self.query_one("#opt-timeout", Input)
            timeout.value = "" if options.timeout is None else f"{options.timeout:g}"
            timeout.placeholder = f"default {defaults.timeout:g}"
            self.query_one("#opt-redirects", Select).value = _tri(options.follow_redirects)
            verify = options.verify
            ca = isinstance(verify, str)
            self.query_one("#opt-verify", Select).value = "ca" if ca else _tri(verify)  # type: ignore[arg-type]
            self.query_one("#opt-ca", Input).value = verify if isinstance(verify, str) else ""
            self.set_class(ca, "-ca")
            self.query_one("#opt-http2", Select).value = _tri(options.http2)
            self.query_one("#opt-encoding", Input).value = options.encoding or ""
            download = options.download
            self.query_one("#opt-download", Input).value = download.path if download else ""
            chunk = download.chunk_size if download else DEFAULT_CHUNK_SIZE
            self.query_one("#opt-chunk", Input).value = "" if chunk == DEFAULT_CHUNK_SIZE else str(chunk)
            self.query_one("#opt-overwrite", Checkbox).value = bool(download and download.overwrite)
            auth = options.auth
            self.query_one("#opt-auth", Select).value = auth.kind if auth else "default"
            self.query_one("#opt-auth-user", Input).value = auth.user if auth else ""
            self.query_one("#opt-auth-password", Input).value = auth.password if auth else ""
            self.query_one("#opt-auth-token", Input).value = auth.token if auth else ""
            self._show_auth(auth.kind if auth else "default")

    # -- state ------------------------------------------------------------------------------
    @property
    def options(self) -> RequestOptions:
        if self._pending is not None:  # not mounted yet: what it was given
            return self._pending[0]
        timeout_text = self.query_one("#opt-timeout", Input).value.strip()
        try:
            timeout = float(timeout_text) if timeout_text else None
        except ValueError:
            timeout = None
        verify_choice = self.query_one("#opt-verify", Select).value
        verify: bool | str | None
        if verify_choice == "ca":
            verify = self.query_one("#opt-ca", Input).value.strip() or None
        else:
            verify = _untri(verify_choice)
        path = self.query_one("#opt-download", Input).value.strip()
        chunk_text = self.query_one("#opt-chunk", Input).value.strip()
        chunk = int(chunk_text) if chunk_text.isdigit() and int(chunk_text) > 0 else DEFAULT_CHUNK_SIZE
        download = (
            Download(path=path, chunk_size=chunk, overwrite=self.query_one("#opt-overwrite", Checkbox).value)
            if path
            else None
        )
        return RequestOptions(
            timeout=timeout if timeout is None or timeout > 0 else None,
            follow_redirects=_untri(self.query_one("#opt-redirects", Select).value),
            verify=verify,
            http2=_untri(self.query_one("#opt-http2", Select).value),
            download=download,
            encoding=self.query_one("#opt-encoding", Input).value.strip() or None,
            auth=self._auth(),
        )

    def _auth(self) -> Auth | None:
        kind = self.query_one("#opt-auth", Select).value
        if kind == "basic" or kind == "digest":
            return Auth(
                kind=kind,
                user=self.query_one("#opt-auth-user", Input).value,
                password=self.query_one("#opt-auth-password", Input).value,
            )
        if kind == "bearer":
            return Auth(kind="bearer", token=self.query_one("#opt-auth-token", Input).value)
        return None

    def _show_auth(self, kind: object) -> None:
        for name in ("basic", "digest", "bearer"):
            self.set_class(kind == name, f"-auth-{name}")

    def _changed(self) -> None:
        self.post_message(self.Changed(self, self.options, self.target))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "opt-verify":
            self.set_class(event.select.value == "ca", "-ca")  # current value (events can be late)
        elif event.select.id == "opt-auth":
            self._show_auth(event.select.value)
        self._changed()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _field_changed(self, event: Input.Changed | Checkbox.Changed) -> None:
        event.stop()
        self._changed()

