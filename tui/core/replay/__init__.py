"""Headless replay of a collection: order, captures, expects, concurrency, reports, masking.

Names are re-exported lazily (PEP 562): importing the package costs nothing until a name
is used, so the start-up path stays as light as the flat modules were.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import (
        Outcome,
        Plan,
        PlanError,
        RequestResult,
        RequestStats,
        RunOptions,
        RunSummary,
        RunTally,
        Step,
        percentile,
        plan,
        run,
    )
    from .expect import (
        MISSING,
        CheckKind,
        ExpectFailure,
        PathNotFound,
        check,
        lookup,
        same_value,
        show,
    )
    from .capture import (
        SOURCE_KINDS,
        CaptureProblem,
        CaptureSource,
        capture,
        parse_source,
    )
    from .report import (
        REPORT_KINDS,
        ReportKind,
        learn_secrets,
        method_and_url,
        result_dict,
        to_json,
        to_junit,
        write_report,
    )
    from .masking import (
        MASK,
        Masker,
        is_secret_name,
        is_secret_param,
        mask_value,
    )

_EXPORTS = {
    "Outcome": "runner",
    "Plan": "runner",
    "PlanError": "runner",
    "RequestResult": "runner",
    "RequestStats": "runner",
    "RunOptions": "runner",
    "RunSummary": "runner",
    "RunTally": "runner",
    "Step": "runner",
    "percentile": "runner",
    "plan": "runner",
    "run": "runner",
    "MISSING": "expect",
    "CheckKind": "expect",
    "ExpectFailure": "expect",
    "PathNotFound": "expect",
    "check": "expect",
    "lookup": "expect",
    "same_value": "expect",
    "show": "expect",
    "SOURCE_KINDS": "capture",
    "CaptureProblem": "capture",
    "CaptureSource": "capture",
    "capture": "capture",
    "parse_source": "capture",
    "REPORT_KINDS": "report",
    "ReportKind": "report",
    "learn_secrets": "report",
    "method_and_url": "report",
    "result_dict": "report",
    "to_json": "report",
    "to_junit": "report",
    "write_report": "report",
    "MASK": "masking",
    "Masker": "masking",
    "is_secret_name": "masking",
    "is_secret_param": "masking",
    "mask_value": "masking",
}

__all__ = [
    "Outcome",
    "Plan",
    "PlanError",
    "RequestResult",
    "RequestStats",
    "RunOptions",
    "RunSummary",
    "RunTally",
    "Step",
    "percentile",
    "plan",
    "run",
    "MISSING",
    "CheckKind",
    "ExpectFailure",
    "PathNotFound",
    "check",
    "lookup",
    "same_value",
    "show",
    "SOURCE_KINDS",
    "CaptureProblem",
    "CaptureSource",
    "capture",
    "parse_source",
    "REPORT_KINDS",
    "ReportKind",
    "learn_secrets",
    "method_and_url",
    "result_dict",
    "to_json",
    "to_junit",
    "write_report",
    "MASK",
    "Masker",
    "is_secret_name",
    "is_secret_param",
    "mask_value",
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
