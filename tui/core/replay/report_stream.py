"""Reports written as results arrive, so a long `--repeat` keeps no result in memory.

    spool = ReportSpool("json" | "junit", path, repeat=N)
    run(collection, RunOptions(keep_results=False, ...), on_result=spool.add)
    spool.finish(summary) -> Path       # the same document `report.write_report` writes

Each result is rendered at once (`report.result_dict`, masked with one run-wide `Masker`) into
an unnamed temp file; only its (iteration, index, offset, length) stays in memory, 32 bytes a
result. `finish` writes the head from the summary's aggregates, then the results in run order
(iteration, plan index) copied from the spool, atomically (temp file beside it, then rename).
"""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from array import array
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tui.core.replay.masking import Masker
from tui.core.replay.report import ReportKind, _case_name, _xml, result_dict
from tui.core.replay.runner import Outcome, RequestResult, RunSummary

__all__ = ["ReportSpool"]


def _junit_case(result: RequestResult, data: dict[str, Any], suite_name: str, repeat: int) -> ET.Element:
    elapsed = (result.elapsed_ms or 0.0) / 1000
    case = ET.Element("testcase", {"classname": _xml(suite_name), "name": _xml(_case_name(result, repeat)), "time": f"{elapsed:.3f}"})
    line = f"{data['method']} {data['url']}"
    if data["status"] is not None:
        line += f" -> {data['status']} in {data['elapsed_ms']:.1f} ms"
    if result.outcome is Outcome.FAILED:
        details = "\n".join(
            f"{f['message']}\n  expected: {json.dumps(f['expected'], ensure_ascii=False)}\n  actual:   {json.dumps(f['actual'], ensure_ascii=False)}"
            for f in data["failures"]
        )
        failure = ET.SubElement(case, "failure", {"message": _xml("; ".join(f["message"] for f in data["failures"])), "type": "expect"})
        failure.text = _xml(details)
    elif result.outcome is Outcome.ERROR and data["error"] is not None:
        error = ET.SubElement(case, "error", {"message": _xml(data["error"]["message"]), "type": data["error"]["type"]})
        error.text = _xml(data["error"]["message"])
    elif result.outcome is Outcome.SKIPPED:
        ET.SubElement(case, "skipped", {"message": _xml(data["skip_reason"] or "skipped")})
    out = ET.SubElement(case, "system-out")
    out.text = _xml(line)
    return case


class ReportSpool:
    """Collects rendered results on disk; `finish(summary)` writes the report."""

    def __init__(self, kind: ReportKind, path: Path, *, repeat: int = 1, suite_name: str = "reqbench") -> None:
        self.kind = kind
        self.path = Path(path)
        self.repeat = repeat
        self.suite_name = suite_name  # JUnit only; `finish` uses the collection's name
        self._masker = Masker()
        self._spool: IO[bytes] = tempfile.TemporaryFile()
        self._offset = 0
        self._keys = array("q")  # iteration, index, offset, length per result
        self._request_ms = 0.0

    def add(self, result: RequestResult) -> None:
        data = result_dict(result, self._masker)
        self._request_ms += result.elapsed_ms or 0.0
        if self.kind == "json":
            text = json.dumps(data, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        else:
            case = _junit_case(result, data, self.suite_name, self.repeat)
            ET.indent(case, level=2)
            text = ET.tostring(case, encoding="unicode").rstrip()
        blob = ("    " + text).encode("utf-8")
        self._spool.write(blob)
        self._keys.extend((result.iteration, result.index, self._offset, len(blob)))
        self._offset += len(blob)

    def _ordered(self) -> list[tuple[int, int, int, int]]:
        keys = self._keys
        return sorted((keys[i], keys[i + 1], keys[i + 2], keys[i + 3]) for i in range(0, len(keys), 4))

    def _copy_results(self, out: IO[str], separator: str) -> None:
        self._spool.flush()
        for n, (_, _, offset, length) in enumerate(self._ordered()):
            self._spool.seek(offset)
            if n:
                out.write(separator)
            out.write(self._spool.read(length).decode("utf-8"))

    def _write_json(self, summary: RunSummary, out: IO[str]) -> None:
        collection = summary.collection
        head = {
            "reqbench_report": 1,
            "collection": collection.name,
            "file": str(collection.path) if collection.path else None,
            "environment": summary.options.environment,
            "repeat": summary.options.repeat,
            "concurrency": summary.options.concurrency,
            "summary": {
                "total": summary.total,
                "passed": summary.passed,
                "failed": summary.failed,
                "errors": summary.errors,
                "skipped": summary.skipped,
                "exit_code": summary.exit_code,
                "elapsed_s": round(summary.elapsed_s, 4),
                "client_count": summary.client_count,
                "connections_opened": summary.connections_opened,
                "connections_reused": summary.connections_reused,
                "stopped_early": summary.stopped_early,
            },
            "stats": [
                {"name": s.name, "count": s.count, "min_ms": s.min_ms, "median_ms": s.median_ms, "p95_ms": s.p95_ms, "max_ms": s.max_ms}
                for s in summary.stats
            ],
        }
        text = json.dumps(head, indent=2, ensure_ascii=False)
        out.write(text[: text.rindex("}")].rstrip() + ',\n  "results": [')
        if self._keys:
            out.write("\n")
            self._copy_results(out, ",\n")
            out.write("\n  ")
        out.write("]\n}\n")

    def _write_junit(self, summary: RunSummary, out: IO[str]) -> None:
        collection = summary.collection
        suite_name = collection.name or (collection.path.stem if collection.path else "reqbench")
        counts = {
            "tests": str(summary.total),
            "failures": str(summary.failed),
            "errors": str(summary.errors),
            "skipped": str(summary.skipped),
            "time": f"{summary.elapsed_s:.3f}",
        }
        root = ET.Element("testsuites", {"name": "reqbench", **counts})
        suite = ET.SubElement(root, "testsuite", {"name": suite_name, **counts, "timestamp": datetime.now(UTC).isoformat(timespec="seconds")})
        properties = ET.SubElement(suite, "properties")
        for key, value in (
            ("file", str(collection.path) if collection.path else ""),
            ("environment", summary.options.environment or ""),
            ("repeat", str(summary.options.repeat)),
            ("concurrency", str(summary.options.concurrency)),
            ("request_time_s", f"{self._request_ms / 1000:.3f}"),
        ):
            ET.SubElement(properties, "property", {"name": key, "value": value})
        marker = ET.SubElement(suite, "reqbench-cases")
        ET.indent(root)
        text = ET.tostring(root, encoding="unicode")
        before, _, after = text.partition("<reqbench-cases />")
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + before.rstrip(" ").rstrip("\n") + "\n")
        self._copy_results(out, "\n")
        out.write("\n" + after.lstrip("\n").lstrip(" ").join(("  ", "")) + "\n")
        del marker

    def finish(self, summary: RunSummary) -> Path:
        """Write the report for `summary` (its results need not be kept) and return its path."""
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                if self.kind == "json":
                    self._write_json(summary, out)
                else:
                    self._write_junit(summary, out)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        finally:
            self._spool.close()
        return path
