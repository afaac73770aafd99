"""Each core subpackage's public surface is pinned here (as httpx's own test does): a name added
or removed is a deliberate change to this list, and every listed name resolves."""

from __future__ import annotations

import importlib

import pytest

SURFACES: dict[str, list[str]] = {
    "tui.core.collection": [
        "BODY_KINDS", "Auth", "Body", "BodyKind", "Collection", "DEFAULT_CHUNK_SIZE", "DEFAULT_TIMEOUT",
        "Defaults", "Download", "EnvAccess", "EnvNotAllowed", "Expect", "FORMAT_VERSION", "Fingerprint",
        "MultipartPart", "Pair", "Request", "Span", "apply_url", "display_url", "dumps", "env_names", "escape",
        "find_spans", "find_variables", "fingerprint", "load", "loads", "parse_query", "query_string",
        "recovery_path", "resolve", "save", "scope", "split_display_url", "substitute", "unresolved",
        "write_recovery_copy",
    ],
    "tui.core.engine": [
        "DEFAULT_MEMORY_LIMIT", "DownloadSink", "Engine", "Event", "EventHandler", "Failed", "FileSink",
        "Finished", "HeadersReceived", "MemorySink", "PREVIEW_LIMIT", "Progress", "RedirectHop",
        "ResolvedBody", "ResolvedDownload", "ResolvedPart", "ResolvedRequest", "Response", "SentRequest",
        "Started", "Timings", "USER_AGENT", "WRITE_BATCH", "check_url", "part_path_for", "url_with_params",
        "DEFAULT_MAX_SIZE", "SizeGuard", "decoder_for", "save_body_atomically", "clean_stale_spills",
        "STREAM_MEMORY_LIMIT", "StreamSummary", "StreamMode", "StreamStarted", "StreamEvent", "StreamEnded",
        "DEFAULT_STREAM_KEEP", "STREAM_MODES", "StreamDecoder", "StreamReader", "stream_mode",
    ],
    "tui.core.replay": [
        "CaptureProblem", "CaptureSource", "CheckKind", "ExpectFailure", "MASK", "MISSING", "Masker",
        "Outcome", "PathNotFound", "Plan", "PlanError", "REPORT_KINDS", "ReportKind", "RequestResult",
        "RequestStats", "RunOptions", "RunSummary", "RunTally", "SOURCE_KINDS", "Step", "capture", "check",
        "is_secret_name", "is_secret_param", "learn_secrets", "lookup", "mask_value", "method_and_url",
        "parse_source", "percentile", "plan", "result_dict", "run", "same_value", "show", "to_json",
        "to_junit", "write_report",
    ],
    "tui.core.formats": [
        "FORMATS", "IMPORTERS", "ImportContext", "ImportResult", "add_to", "detect", "import_path",
        "import_text", "to_curl", "to_locust",
        "EXPORTERS", "ExportInput", "ExportOption", "ExportRequest", "Exported", "Exporter", "export",
        "export_collection", "export_request",
    ],
    "tui.core.workspace": ["Workspace", "scratch_collection", "unique_name"],
    "tui.core.history": [
        "BUSY_TIMEOUT_S", "BodyDiff", "CookieStore", "DEFAULT_BODY_CAP", "DEFAULT_HEAD_SIZE", "DiffLine",
        "Entry", "EntryDiff", "EntrySummary", "FILE_NAME", "HeaderChange", "History", "Query",
        "RecordedRequest", "RecordedResponse", "Retention", "SCHEMA_VERSION", "STATUS_CLASSES",
        "StoredCookie", "collection_key", "copy_jar", "default_path", "diff_bodies", "diff_entries",
        "entry_from_send", "env_secrets", "iso_time", "load_cookie_file", "parse_filter", "request_from_entry", "response_from_entry", "restore_jar",
        "save_cookie_file",
    ],
    "tui.core.display": [
        "BYTES_PER_LINE", "ByteLines", "COMMON_ENCODINGS", "HexLines", "JsonFormatError", "LINE_SIZES",
        "OUT_OF_PROCESS_MIN", "bytes_per_line_for", "caret_escape", "has_controls", "format_json", "hexdump_line",
        "is_probably_binary", "line_width", "pretty_json_lines", "split_lines", "text_encoding",
    ],
}


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_public_names_are_pinned(package: str) -> None:
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(SURFACES[package])


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_every_public_name_resolves_to_its_defining_module(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        owner = getattr(value, "__module__", None)
        if owner is not None and isinstance(value, type):
            assert owner.startswith(package), f"{package}.{name} comes from {owner}"


def test_unknown_name_is_an_attribute_error() -> None:
    module = importlib.import_module("tui.core.engine")
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
