"""Collections: the model, the TOML store (load with file:line:col, canonical atomic
save), its schema, writer and locator, the URL bar's query text, variable resolution (with
the environment allow-list), and the recovery copy written when the workbench must exit on a bug.

Names are re-exported lazily (PEP 562): importing the package costs nothing until a name
is used, so the start-up path stays as light as the flat modules were.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import (
        FORMAT_VERSION,
        BODY_KINDS,
        BodyKind,
        Pair,
        MultipartPart,
        Body,
        Auth,
        Download,
        Expect,
        Defaults,
        Request,
        Collection,
        DEFAULT_CHUNK_SIZE,
        DEFAULT_TIMEOUT,
    )
    from .query import (
        apply_url,
        display_url,
        parse_query,
        query_string,
        split_display_url,
    )
    from .store import (
        Fingerprint,
        dumps,
        fingerprint,
        load,
        loads,
        save,
    )
    from .recovery import recovery_path, write_recovery_copy
    from .variables import (
        EnvAccess,
        EnvNotAllowed,
        env_names,
        Span,
        escape,
        find_spans,
        find_variables,
        resolve,
        scope,
        substitute,
        unresolved,
    )

_EXPORTS = {
    "FORMAT_VERSION": "model",
    "BODY_KINDS": "model",
    "BodyKind": "model",
    "Pair": "model",
    "MultipartPart": "model",
    "Body": "model",
    "Auth": "model",
    "Download": "model",
    "Expect": "model",
    "Defaults": "model",
    "Request": "model",
    "Collection": "model",
    "DEFAULT_CHUNK_SIZE": "model",
    "DEFAULT_TIMEOUT": "model",
    "apply_url": "query",
    "display_url": "query",
    "parse_query": "query",
    "query_string": "query",
    "split_display_url": "query",
    "Fingerprint": "store",
    "dumps": "store",
    "fingerprint": "store",
    "load": "store",
    "loads": "store",
    "save": "store",
    "recovery_path": "recovery",
    "write_recovery_copy": "recovery",
    "EnvAccess": "variables",
    "EnvNotAllowed": "variables",
    "env_names": "variables",
    "Span": "variables",
    "escape": "variables",
    "find_spans": "variables",
    "find_variables": "variables",
    "resolve": "variables",
    "scope": "variables",
    "substitute": "variables",
    "unresolved": "variables",
}

__all__ = [
    "FORMAT_VERSION",
    "BODY_KINDS",
    "BodyKind",
    "Pair",
    "MultipartPart",
    "Body",
    "Auth",
    "Download",
    "Expect",
    "Defaults",
    "Request",
    "Collection",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_TIMEOUT",
    "apply_url",
    "display_url",
    "parse_query",
    "query_string",
    "split_display_url",
    "Fingerprint",
    "dumps",
    "fingerprint",
    "load",
    "loads",
    "save",
    "recovery_path",
    "write_recovery_copy",
    "EnvAccess",
    "EnvNotAllowed",
    "env_names",
    "Span",
    "escape",
    "find_spans",
    "find_variables",
    "resolve",
    "scope",
    "substitute",
    "unresolved",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
