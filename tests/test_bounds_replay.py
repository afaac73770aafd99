"""Issue 15, bounds in replay: repeats overlap under --concurrency, results are not held, reports
stream, two downloads never mix in one file, and `run` refuses files it must not read."""

from __future__ import annotations

import gc
import json
import os
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from servers.fault import generated_bytes

from tui.cli import main
from tui.core.collection import load
from tui.core.engine.response import Response
from tui.core.errors import CollectionError
from tui.core.replay import PlanError, RequestResult, RunOptions, run
from tui.core.replay.report import to_json, to_junit
from tui.core.replay.report_stream import ReportSpool


def _write(tmp_path: Path, body: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text("format = 1\n" + body, encoding="utf-8")
    return path


def _stats(fault_url: str, reset: bool = False) -> dict[str, int]:
    data: dict[str, int] = httpx.get(f"{fault_url}/concurrent-stats" + ("?reset=1" if reset else "")).json()
    return data


async def test_repeats_overlap_under_concurrency(fault_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, f'[[requests]]\nname = "d"\nurl = "{fault_url}/concurrent?delay=0.05"\nexpect = {{ status = 200 }}\n')
    _stats(fault_url, reset=True)
    started = time.perf_counter()
    summary = await run(load(path), RunOptions(repeat=100, concurrency=64))
    elapsed = time.perf_counter() - started
    stats = _stats(fault_url, reset=True)
    assert summary.passed == 100 and summary.exit_code == 0
    assert stats["count"] == 100
    assert stats["max"] >= 32, stats  # one request per repeat: only overlapping repeats get there
    assert elapsed < 3.0  # (5.5 s when repeats ran one after another)
    assert sorted((r.iteration, r.index) for r in summary.results) == [(i, 0) for i in range(1, 101)]


async def test_concurrency_is_a_bound_across_repeats(fault_url: str, tmp_path: Path) -> None:
    body = "".join(f'[[requests]]\nname = "r{i}"\nurl = "{fault_url}/concurrent?delay=0.03"\n' for i in range(3))
    _stats(fault_url, reset=True)
    summary = await run(load(_write(tmp_path, body)), RunOptions(repeat=10, concurrency=4))
    stats = _stats(fault_url, reset=True)
    assert summary.passed == 30 and stats["count"] == 30
    assert 2 < stats["max"] <= 4


async def test_captures_stay_per_repeat_when_repeats_overlap(httpbin_url: str, tmp_path: Path) -> None:
    body = (
        f'[[requests]]\nname = "a"\nurl = "{httpbin_url}/uuid"\n[requests.capture]\nid = "json:uuid"\n'
        f'[[requests]]\nname = "b"\nurl = "{httpbin_url}/anything/{{{{id}}}}"\n[requests.capture]\nseen = "json:url"\n'
    )
    summary = await run(load(_write(tmp_path, body)), RunOptions(repeat=6, concurrency=4))
    assert summary.passed == 12
    for iteration in range(1, 7):
        a, b = (r for r in summary.results if r.iteration == iteration)
        assert b.captured["seen"].endswith("/anything/" + a.captured["id"])


async def test_results_are_not_held_when_not_kept(fault_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, f'[[requests]]\nname = "d"\nurl = "{fault_url}/concurrent?delay=0"\nexpect = {{ status = 200 }}\n')
    live: list[int] = []

    def on_result(result: RequestResult) -> None:
        if result.iteration % 500 == 0:
            gc.collect()
            live.append(sum(1 for o in gc.get_objects() if isinstance(o, (Response, RequestResult))))

    summary = await run(load(path), RunOptions(repeat=3000, concurrency=16, keep_bodies=False, keep_results=False), on_result)
    assert summary.results == [] and summary.total == 3000 and summary.passed == 3000 and summary.exit_code == 0
    assert summary.connections_opened + summary.connections_reused == 3000
    assert summary.stats[0].count == 3000
    assert max(live) < 200, live  # a few in flight, never the 3000 done


async def test_a_streamed_report_is_the_report(fault_url: str, tmp_path: Path) -> None:
    body = (
        f'name = "suite"\n[[requests]]\nname = "ok"\nurl = "{fault_url}/concurrent?delay=0"\nexpect = {{ status = 200 }}\n'
        f'[[requests]]\nname = "bad"\nurl = "{fault_url}/concurrent?delay=0"\nexpect = {{ status = 201 }}\n'
        f'[[requests]]\nname = "cap"\nurl = "{fault_url}/concurrent?delay=0"\n[requests.capture]\nnothing = "header:X-None"\n'
        f'[[requests]]\nname = "skip"\nurl = "{fault_url}/concurrent?x={{{{nothing}}}}"\n'
    )
    collection = load(_write(tmp_path, body))
    spools = [ReportSpool("json", tmp_path / "r.json", repeat=3), ReportSpool("junit", tmp_path / "r.xml", repeat=3, suite_name="suite")]
    summary = await run(collection, RunOptions(repeat=3, concurrency=3), lambda r: [s.add(r) for s in spools])
    for spool in spools:
        spool.finish(summary)
    assert (summary.passed, summary.failed, summary.skipped) == (3, 6, 3)
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(to_json(summary))
    stamp = re.compile(r'timestamp="[^"]*"')
    assert stamp.sub("", (tmp_path / "r.xml").read_text()) == stamp.sub("", to_junit(summary))
    ET.fromstring((tmp_path / "r.xml").read_text())


def test_cli_reports_are_complete_without_keeping_results(fault_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, f'[[requests]]\nname = "d"\nurl = "{fault_url}/concurrent?delay=0"\nexpect = {{ status = 200 }}\n')
    for kind in ("json", "junit"):
        out = tmp_path / f"report.{kind}"
        result = CliRunner().invoke(main, ["run", str(path), "--repeat", "200", "-c", "8", "-q", "--report", kind, "-o", str(out)])
        assert result.exit_code == 0, result.output
        if kind == "json":
            data = json.loads(out.read_text())
            assert data["summary"]["total"] == 200 == len(data["results"])
            assert [r["iteration"] for r in data["results"]] == list(range(1, 201))
        else:
            root = ET.fromstring(out.read_text())
            assert root.get("tests") == "200" and len(root.findall("./testsuite/testcase")) == 200


async def test_two_requests_downloading_to_one_path_are_refused_before_sending(fault_url: str, tmp_path: Path) -> None:
    body = "".join(
        f'[[requests]]\nname = "{n}"\nurl = "{fault_url}/big?size={size}"\ndownload = {{ path = "out/same.bin", overwrite = true }}\n'
        for n, size in (("a", 3_000_000), ("b", 2_000_000))
    )
    path = _write(tmp_path, body)
    _stats(fault_url, reset=True)
    with pytest.raises(PlanError, match=r"requests 'a', 'b' all download to .*same.bin"):
        await run(load(path), RunOptions(concurrency=2))
    assert not (tmp_path / "out" / "same.bin").exists()
    sequential = await run(load(path), RunOptions(concurrency=1))  # one after the other is fine
    assert sequential.passed == 2
    assert (tmp_path / "out" / "same.bin").read_bytes() == generated_bytes(2_000_000)


def test_cli_exits_2_for_two_downloads_to_one_path(fault_url: str, tmp_path: Path) -> None:
    body = "".join(f'[[requests]]\nname = "{n}"\nurl = "{fault_url}/big?size=1000"\ndownload = {{ path = "same.bin" }}\n' for n in "ab")
    result = CliRunner().invoke(main, ["run", str(_write(tmp_path, body)), "-c", "2"])
    assert result.exit_code == 2 and "nothing was sent" in result.output and "all download to" in result.output
    assert not (tmp_path / "same.bin").exists()


async def test_repeats_of_one_download_take_turns(fault_url: str, tmp_path: Path) -> None:
    size = 5_000_000
    path = _write(tmp_path, f'[[requests]]\nname = "a"\nurl = "{fault_url}/big?size={size}"\ndownload = {{ path = "one.bin", overwrite = true }}\n')
    summary = await run(load(path), RunOptions(repeat=4, concurrency=4))
    assert summary.passed == 4, [r.message for r in summary.results]
    assert (tmp_path / "one.bin").read_bytes() == generated_bytes(size)
    assert not (tmp_path / "one.bin.part").exists()


def test_a_part_symlink_in_a_repository_does_not_touch_its_target(fault_url: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("precious\n")
    repo = tmp_path / "checkout" / "repo"
    (repo / "downloads").mkdir(parents=True)
    (repo / "downloads" / "v.bin.part").symlink_to("../../../outside/victim.txt")
    assert (repo / "downloads" / "v.bin.part").resolve() == victim
    path = _write(repo, f'[[requests]]\nname = "v"\nurl = "{fault_url}/big?size=100000"\ndownload = {{ path = "downloads/v.bin" }}\n')
    result = CliRunner().invoke(main, ["run", str(path)])
    assert result.exit_code == 3, result.output
    assert "symbolic link" in result.output
    assert victim.read_text() == "precious\n"
    assert (repo / "downloads" / "v.bin.part").is_symlink() and not (repo / "downloads" / "v.bin").exists()


@pytest.mark.timeout(20)
def test_run_refuses_dev_zero_and_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "c.toml"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        started = time.monotonic()
        result = CliRunner().invoke(main, ["run", target])
        assert result.exit_code == 2, result.output
        assert "not a regular file" in result.output
        assert time.monotonic() - started < 5
    with pytest.raises(CollectionError, match="not a regular file"):
        load(fifo)


def test_load_refuses_a_collection_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(33 * 2**20)  # sparse: no disk used
    with pytest.raises(CollectionError, match="over the 32 MiB limit"):
        load(big)
