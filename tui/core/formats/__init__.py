"""Conversions between collections and other tools' formats (one module each).

Names are re-exported lazily (PEP 562): importing the package costs nothing until a name
is used, so the start-up path stays as light as the flat modules were.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .imported import ImportContext, ImportResult
    from .importers import FORMATS, IMPORTERS, add_to, detect, import_path, import_text
    from .to_curl import (
        to_curl,
    )
    from .to_locust import to_locust
    from .exported import ExportInput, ExportRequest
    from .exporters import EXPORTERS, Exported, Exporter, ExportOption, export, export_collection, export_request

_EXPORTS = {
    "to_curl": "to_curl",
    "to_locust": "to_locust",
    "ExportInput": "exported",
    "ExportRequest": "exported",
    "EXPORTERS": "exporters",
    "Exported": "exporters",
    "Exporter": "exporters",
    "ExportOption": "exporters",
    "export": "exporters",
    "export_collection": "exporters",
    "export_request": "exporters",
    "ImportContext": "imported",
    "ImportResult": "imported",
    "FORMATS": "importers",
    "IMPORTERS": "importers",
    "add_to": "importers",
    "detect": "importers",
    "import_path": "importers",
    "import_text": "importers",
}

__all__ = [
    "to_curl",
    "to_locust",
    "ExportInput",
    "ExportRequest",
    "EXPORTERS",
    "Exported",
    "Exporter",
    "ExportOption",
    "export",
    "export_collection",
    "export_request",
    "ImportContext",
    "ImportResult",
    "FORMATS",
    "IMPORTERS",
    "add_to",
    "detect",
    "import_path",
    "import_text",
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
