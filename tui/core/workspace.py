"""The open collection as a session, without any UI: what the workbench keeps between keys.

    ws = Workspace.for_path(path, create=True, environment=None, overrides={}, allowed_paths=())
    ws.collection, ws.current, ws.request        the model being edited and the selected request
    ws.dirty, ws.unsaved_requests()              unsaved state (against what was loaded or saved)
    ws.changed_on_disk()                         the file differs from what was loaded / saved
    ws.save(path=None) -> Path                   atomic, through `store.save`; raises SaveError
    ws.open(path)                                replace the collection; raises CollectionError
    ws.environment, ws.overrides, ws.captured    the variables' scope (captured > overrides > env)
    ws.known_variables(), ws.unknown_variables(), ws.url_preview(), ws.resolve(request)
    ws.capture(request, response)                `[requests.capture]` into `ws.captured`
    ws.record(request, result), ws.result_of(request), ws.last_response, ws.last_error
    ws.new_request / duplicate_request / rename_request / delete_request / move_request
    ws.add_request(request, after=None) -> index      named uniquely, selected (history restore)
    ws.replace_request(index, request) -> Request     the one replaced (for an undo)
    ws.add_imported(result) -> list[Request]          an `ImportResult`'s requests appended
                                                      (names made unique), the first selected
    ws.apply_url(request, url)                   a typed URL: its query becomes the enabled params

The UI edits `ws.collection` in place (the model is plain dataclasses) and asks the workspace
for everything derived from it. Requests are held by identity: a result or an edit names the
`Request` object it belongs to, so it can never land on another request after a rename or move.

`variables` and `replay.capture` are imported when first used: the workbench imports this
module on its start-up path.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core import errors
from tui.core.collection import store
from tui.core.collection.model import Collection, Request
from tui.core.collection.query import apply_url, display_url

if TYPE_CHECKING:
    from tui.core.engine.resolved import ResolvedRequest
    from tui.core.engine.response import Response
    from tui.core.formats.imported import ImportResult
    from tui.core.replay.capture import CaptureProblem

__all__ = ["Workspace", "scratch_collection", "unique_name"]


def scratch_collection() -> Collection:
    """An unsaved collection with one empty request (nothing to open)."""
    return Collection(name="scratch", requests=[Request(name="request 1", url="")])


def unique_name(existing: Iterable[str], wanted: str) -> str:
    """`wanted`, or `wanted 2`, `wanted 3`… — the first not in `existing`."""
    names = set(existing)
    if wanted not in names:
        return wanted
    number = 2
    while f"{wanted} {number}" in names:
        number += 1
    return f"{wanted} {number}"


def _unknown_environment(collection: Collection, environment: str) -> errors.VariableError:
    known = ", ".join(sorted(collection.environments)) or "none defined"
    return errors.VariableError(
        f"unknown environment {environment!r} (known: {known})", request="", field="environment", variable=environment
    )


class Workspace:
    """One open collection and the session state around it (see the module docstring)."""

    def __init__(
        self,
        collection: Collection,
        *,
        environment: str | None = None,
        overrides: Mapping[str, str] | None = None,
        allowed_paths: Sequence[str | Path] = (),
    ) -> None:
        self.overrides: dict[str, str] = dict(overrides or {})
        self.allowed_paths = tuple(Path(p) for p in allowed_paths)
        self.environment = environment
        # Values taken from responses by `[requests.capture]`, as a replay run would: a later
        # request of the session can use them ("log in", then "bearer token from log in").
        # They outlive opening another collection, like the overrides.
        self.captured: dict[str, str] = {}
        self.last_response: Response | None = None
        self.last_error: errors.ReqbenchError | None = None
        self._results: dict[int, tuple[Request, Response | errors.ReqbenchError]] = {}
        self._take(collection)

    @classmethod
    def for_path(
        cls,
        path: Path | None,
        *,
        create: bool = False,
        environment: str | None = None,
        overrides: Mapping[str, str] | None = None,
        allowed_paths: Sequence[str | Path] = (),
    ) -> Workspace:
        """The workspace on `path`: a scratch collection for None; with `create`, a new empty
        collection named after a file that does not exist yet (saved there on first save).
        Raises `CollectionError` when the file cannot be loaded and `VariableError` for an
        environment the collection does not define."""
        if path is None:
            collection = scratch_collection()
        elif create and not path.exists():
            collection = scratch_collection()
            collection.name = path.stem
            collection.path = path.resolve()
        else:
            collection = store.load(path)
            if collection.path is None:
                collection.path = path.resolve()
        if environment is not None and environment not in collection.environments:
            raise _unknown_environment(collection, environment)
        return cls(collection, environment=environment, overrides=overrides, allowed_paths=allowed_paths)

    def _take(self, collection: Collection) -> None:
        if not collection.requests:
            collection.requests.append(Request(name="request 1"))
        self.collection = collection
        self.current = 0
        self._saved = copy.deepcopy(collection)
        self._fingerprint = self._read_fingerprint()

    # -- the selection -------------------------------------------------------------------
    @property
    def request(self) -> Request:
        """The request being edited."""
        return self.collection.requests[self.current]

    def select(self, index: int) -> Request:
        """Make request `index` (clamped to the collection) the current one."""
        self.current = max(0, min(index, len(self.collection.requests) - 1))
        return self.request

    def owns(self, target: object) -> Request | None:
        """`target` if it is one of this collection's requests (by identity), else None."""
        if isinstance(target, Request) and any(r is target for r in self.collection.requests):
            return target
        return None

    # -- files ---------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.collection.path

    @property
    def dirty(self) -> bool:
        """The collection differs from what was loaded or last saved."""
        return self.collection != self._saved

    def unsaved_requests(self) -> tuple[bool, ...]:
        """For each request in order: new, renamed or edited since the last load or save."""
        saved = {request.name: request for request in self._saved.requests}
        return tuple(r.name not in saved or saved[r.name] != r for r in self.collection.requests)

    def _read_fingerprint(self) -> store.Fingerprint | None:
        path = self.collection.path
        if path is None or not path.exists():
            return None
        try:
            return store.fingerprint(path)
        except errors.CollectionError:
            return None

    def changed_on_disk(self) -> bool:
        """The file was changed, deleted or made unreadable since it was loaded or saved
        (by content: a touch alone does not count). False for a file not written yet."""
        path = self.collection.path
        if path is None or self._fingerprint is None:
            return False
        try:
            now = store.fingerprint(path)
        except errors.CollectionError:
            return True
        return now.sha256 != self._fingerprint.sha256

    def save(self, path: Path | None = None, *, replace: bool = False) -> Path:
        """Write the collection atomically to `path` (default: its own) and make that its
        path. Raises `SaveError` (nowhere to save, a collection that could not be loaded
        again, an OS error); the file on disk is then unchanged and the state still dirty.

        A file that did not exist when this one was opened (or last saved), or another path,
        is only created: `SaveTargetExists` when something appeared there meanwhile, unless
        `replace` (the user said so)."""
        target = self.collection.path if path is None else path
        creating = self._fingerprint is None or (target is not None and self.collection.path is not None and target != self.collection.path)
        saved = store.save(self.collection, path, expect_absent=creating and not replace)
        self.collection.path = saved
        self._saved = copy.deepcopy(self.collection)
        self._fingerprint = self._read_fingerprint()
        return saved

    def open(self, path: Path) -> Collection:
        """Replace the collection with the one at `path` (raises `CollectionError`, leaving
        this one open). The environment is dropped when the new collection lacks it; the
        results of the old requests are forgotten."""
        collection = store.load(path)
        self._take(collection)
        if self.environment is not None and self.environment not in collection.environments:
            self.environment = None
        self._results.clear()
        return collection

    def other_files(self) -> tuple[Path, ...]:
        """The other `*.toml` files next to the collection (what the sidebar offers to open)."""
        path = self.collection.path
        if path is None:
            return ()
        try:
            return tuple(sorted(p for p in path.parent.glob("*.toml") if p.resolve() != path.resolve()))
        except OSError:
            return ()

    # -- variables -----------------------------------------------------------------------
    def scope(self) -> dict[str, str]:
        """The variables a request sees now. Raises `VariableError` when the chosen
        environment is not defined (any more)."""
        return self.scope_in(self.environment)

    def scope_in(self, environment: str | None) -> dict[str, str]:
        """The variables a request would see in `environment` (None: no environment)."""
        from tui.core.collection import variables

        return variables.scope(
            self.collection, environment=environment, overrides=self.overrides, captured=self.captured
        )

    def set_variables(self, variables: dict[str, str], environments: dict[str, dict[str, str]]) -> None:
        """Replace `[variables]` and the environments; the chosen environment is dropped when
        its table is gone."""
        self.collection.variables = variables
        self.collection.environments = environments
        if self.environment is not None and self.environment not in environments:
            self.environment = None

    def known_variables(self) -> tuple[frozenset[str], errors.VariableError | None]:
        """The names in scope, and the error when the chosen environment no longer exists
        (the names are then those without any environment)."""
        from tui.core.collection import variables

        try:
            return frozenset(self.scope()), None
        except errors.VariableError as error:
            fallback = variables.scope(self.collection, overrides=self.overrides, captured=self.captured)
            return frozenset(fallback), error

    def unknown_variables(self, request: Request | None = None) -> list[str]:
        """`{{name}} in field` for every unknown variable of `request` (default: the current
        one), each once, in field order."""
        from tui.core.collection import variables

        request = self.request if request is None else request
        try:
            found = variables.unresolved(
                self.collection,
                request,
                environment=self.environment,
                overrides=self.overrides,
                captured=self.captured,
                check_paths=False,
            )
        except errors.ReqbenchError:
            return []
        return list(dict.fromkeys(f"{{{{{e.variable}}}}} in {e.field}" for e in found))

    def url_preview(self) -> str:
        """`→ URL` as it will be sent, variables substituted, while the current URL (with its
        params) holds any `{{…}}`; empty otherwise. An unknown variable is named instead."""
        from tui.core.collection import variables

        text = display_url(self.request)
        if "{{" not in text:
            return ""
        try:
            return "→ " + variables.substitute(text, self.scope(), request=self.request.name, field="url")
        except errors.VariableError as error:
            return f"→ cannot resolve the URL: {{{{{error.variable}}}}} is unknown"

    def resolve(self, request: Request | None = None, *, environ: Mapping[str, str] | None = None) -> ResolvedRequest:
        """What the engine sends for `request` (default: the current one). Raises
        `VariableError`, `PathError` or `BodyError` before anything is sent. `environ`: where
        `{{env:NAME}}` come from (default `os.environ`; `formats.exported.ENV_REFERENCES`
        keeps them as references, for an export)."""
        from tui.core.collection import variables

        return variables.resolve(
            self.collection,
            self.request if request is None else request,
            environment=self.environment,
            overrides=self.overrides,
            captured=self.captured,
            allowed_paths=self.allowed_paths,
            environ=environ,
        )

    def capture(self, request: Request, response: Response) -> tuple[dict[str, str], list[CaptureProblem]]:
        """Apply `request`'s `[requests.capture]` to `response`: the values found join
        `captured` (and win over every other scope from now on); returns them and what
        could not be captured."""
        if not request.capture:
            return {}, []
        from tui.core.replay.capture import capture

        values, problems = capture(request.capture, response)
        self.captured.update(values)
        return dict(values), list(problems)

    # -- results -------------------------------------------------------------------------
    def record(self, request: Request, result: Response | errors.ReqbenchError) -> None:
        """What `request` got (a response or an error), shown again when it is reopened."""
        self._results[id(request)] = (request, result)
        if isinstance(result, errors.ReqbenchError):
            self.last_error = result
        else:
            self.last_response = result
            self.last_error = None

    def result_of(self, request: Request) -> Response | errors.ReqbenchError | None:
        entry = self._results.get(id(request))
        return entry[1] if entry is not None and entry[0] is request else None

    # -- requests ------------------------------------------------------------------------
    def _names(self, *, but: Request | None = None) -> set[str]:
        return {r.name for r in self.collection.requests if r is not but}

    def new_request(self, after: int | None = None) -> int:
        """Insert an empty request (after index `after`, default last) named uniquely, its
        URL started with `{{base}}/` when the collection defines `base`; select it."""
        has_base = "base" in self.collection.variables
        request = Request(name=unique_name(self._names(), "new request"), url="{{base}}/" if has_base else "")
        index = len(self.collection.requests) if after is None else after + 1
        self.collection.requests.insert(index, request)
        self.select(index)
        return self.current

    def duplicate_request(self, index: int) -> int:
        """A deep copy of request `index` right after it, named `NAME copy` (unique); select it."""
        original = self.collection.requests[index]
        clone = copy.deepcopy(original)
        clone.name = unique_name(self._names(), f"{original.name} copy")
        self.collection.requests.insert(index + 1, clone)
        self.select(index + 1)
        return self.current

    def rename_problem(self, request: Request, name: str) -> str | None:
        """Why `request` cannot be called `name`, or None."""
        if not name:
            return "a name is required"
        return f"{name!r} is already used in this collection" if name in self._names(but=request) else None

    def rename_request(self, request: Request, name: str) -> bool:
        """Rename `request`; returns whether the name changed. Raises `RequestNameError`."""
        problem = self.rename_problem(request, name)
        if problem is not None:
            raise errors.RequestNameError(f"cannot rename {request.name!r}: {problem}", name=name)
        if name == request.name:
            return False
        request.name = name
        return True

    def delete_request(self, request: Request) -> int | None:
        """Remove `request` (by identity) and select its neighbour; a collection never ends up
        empty (a `new request` takes the last one's place). None when it is not here."""
        requests = self.collection.requests
        index = next((i for i, r in enumerate(requests) if r is request), None)
        if index is None:
            return None
        del requests[index]
        if not requests:
            requests.append(Request(name=unique_name([], "new request")))
        current = self.current if self.current < index else self.current - 1
        self.select(current)
        return self.current

    def move_request(self, index: int, delta: int) -> int | None:
        """Swap request `index` with the one `delta` away (the selection follows the request
        it was on); returns the new index, None at either end."""
        requests = self.collection.requests
        new = index + delta
        if not 0 <= new < len(requests) or not 0 <= index < len(requests):
            return None
        requests[index], requests[new] = requests[new], requests[index]
        if self.current == index:
            self.current = new
        elif self.current == new:
            self.current = index
        return new

    def apply_url(self, request: Request, url: str) -> bool:
        """`url` typed for `request`: the part before `?` becomes its URL and the query its
        enabled params (disabled rows are kept). Returns whether the params changed."""
        return apply_url(request, url)

    def add_request(self, request: Request, after: int | None = None) -> int:
        """Insert `request` (after index `after`, default last) under a name unique in the
        collection, and select it."""
        request.name = unique_name(self._names(), request.name or "request")
        index = len(self.collection.requests) if after is None else after + 1
        self.collection.requests.insert(index, request)
        self.select(index)
        return self.current

    def replace_request(self, index: int, request: Request) -> Request:
        """Put `request` in the place of request `index` and select it; returns the replaced
        one (kept by the caller to undo)."""
        old = self.collection.requests[index]
        self.collection.requests[index] = request
        self.select(index)
        return old

    def add_imported(self, result: ImportResult) -> list[Request]:
        """Append what `formats.importers.import_path` / `import_text` read (clashing names
        made unique, missing variables and environments added: `importers.add_to`) and
        select the first added request."""
        from tui.core.formats.importers import add_to

        added = add_to(self.collection, result)
        if added:
            self.select(next(i for i, r in enumerate(self.collection.requests) if r is added[0]))
        return added
