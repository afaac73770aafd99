"""The replay runner (`tui.core.replay.run`) against real local servers: order and selection,
captures, checks before sending, paths, concurrency through one pool, repeats, fail-fast."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.core.collection import store
from tui.core.engine import Engine
from tui.core.errors import ConnectError, TLSError
from tui.core.collection.model import Collection
from tui.core.replay import (
    Outcome,
    PlanError,
    RequestResult,
    RunOptions,
    percentile,
    plan,
    run,
)

COLLECTIONS = Path(__file__).resolve().parent.parent / "collections"


def _collection(tmp_path: Path, body: str, base: str) -> Collection:
    path = tmp_path / "c.toml"
    path.write_text(f'format = 1\nname = "t"\n[variables]\nbase = "{base}"\n\n' + body, encoding="utf-8")
    return store.load(path)


CHAIN = """
[[requests]]
name = "login"
method = "POST"
url = "{{base}}/post"
body = { json = '{"token": "abc-123", "n": 5}' }
capture = { token = "json:json.token", n = "json:json.n", kind = "header:Content-Type", code = "status" }

[[requests]]
name = "use"
url = "{{base}}/get"
params = { t = "{{token}}", n = "{{n}}", code = "{{code}}" }
headers = { "X-Kind" = "{{kind}}" }
expect = { json = { "args.t" = "{{token}}", "args.n" = "5", "args.code" = "200", "headers.X-Kind" = "application/json" } }
"""


async def test_captures_chain_into_later_requests(httpbin_url: str, tmp_path: Path) -> None:
    summary = await run(_collection(tmp_path, CHAIN, httpbin_url))
    login, use = summary.results
    assert login.captured == {"token": "abc-123", "n": "5", "kind": "application/json", "code": "200"}
    assert use.outcome is Outcome.PASSED, use.message
    assert summary.exit_code == 0


async def test_capture_that_finds_nothing_fails_and_skips_its_dependants(httpbin_url: str, tmp_path: Path) -> None:
    body = CHAIN.replace("json:json.token", "json:json.missing")
    summary = await run(_collection(tmp_path, body, httpbin_url))
    login, use = summary.results
    assert login.outcome is Outcome.FAILED
    assert login.message == "capture token from 'json:json.missing': no key 'missing' at json (keys: n, token)"
    assert use.outcome is Outcome.SKIPPED
    assert use.message == "not sent: it needs 'token' from 'login', which was not captured"
    assert summary.exit_code == 1


THREE = """
[[requests]]
name = "a"
url = "{{base}}/get?which=a"
[[requests]]
name = "b"
url = "{{base}}/get?which=b"
[[requests]]
name = "c"
url = "{{base}}/status/500"
expect = { status = 200 }
"""


async def test_selection_runs_the_named_requests_in_the_given_order(httpbin_url: str, tmp_path: Path) -> None:
    seen: list[str] = []
    summary = await run(_collection(tmp_path, THREE, httpbin_url), RunOptions(names=("b", "a")), lambda r: seen.append(r.name))
    assert seen == ["b", "a"]
    assert [r.response.url.rsplit("=", 1)[1] for r in summary.results if r.response] == ["b", "a"]


async def test_unknown_names_and_environment_are_refused(httpbin_url: str, tmp_path: Path) -> None:
    collection = _collection(tmp_path, THREE, httpbin_url)
    with pytest.raises(PlanError, match=r"no request named 'zz' in the collection \(requests: 'a', 'b', 'c'\)"):
        await run(collection, RunOptions(names=("a", "zz")))
    with pytest.raises(PlanError, match=r"no environment named 'prod' in the collection \(environments: none\)"):
        await run(collection, RunOptions(environment="prod"))


async def test_unknown_variables_are_all_reported_before_anything_is_sent(httpbin_url: str, tmp_path: Path) -> None:
    body = THREE + """
[[requests]]
name = "d"
url = "{{base}}/get"
headers = { "X-A" = "{{nope}}" }
expect = { json = { "args.x" = "{{also_nope}}" } }
"""
    engine = Engine()
    try:
        with pytest.raises(PlanError) as caught:
            await run(_collection(tmp_path, body, httpbin_url), engine=engine)
        assert engine.client_count == 0  # no client was ever needed: nothing was sent
    finally:
        await engine.aclose()
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 2
    assert "nope" in messages[0] and "'d'" in messages[0] and "headers.X-A" in messages[0]
    assert "also_nope" in messages[1] and "expect.json.args.x" in messages[1]


async def test_a_variable_captured_only_later_is_reported_with_a_hint(httpbin_url: str, tmp_path: Path) -> None:
    with pytest.raises(PlanError) as caught:
        await run(_collection(tmp_path, CHAIN, httpbin_url), RunOptions(names=("use",)))
    text = str(caught.value)
    assert "token" in text and "it is captured by 'login', which does not run before it" in text


async def test_paths_that_leave_the_folder_are_refused_unless_allowed(httpbin_url: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret\n")
    folder = tmp_path / "project"
    folder.mkdir()
    body = """
[[requests]]
name = "upload"
method = "POST"
url = "{{base}}/post"
body = { file = "../outside/secret.txt" }
expect = { json = { data = "top secret\\n" } }
"""
    collection = _collection(folder, body, httpbin_url)
    with pytest.raises(PlanError) as caught:
        await run(collection)
    assert "secret.txt" in str(caught.value) and "upload" in str(caught.value)
    summary = await run(collection, RunOptions(allowed_paths=(outside,)))
    assert summary.exit_code == 0, summary.results[0].message


async def test_concurrency_uses_several_connections_of_one_pool(fault_url: str, tmp_path: Path) -> None:
    # Four slow responses with four slots: all four are in flight together, so the pool
    # must open more than one connection; they all belong to the one pooled client.
    body = "".join(
        f'[[requests]]\nname = "slow {i}"\nurl = "{{{{base}}}}/slow-headers?delay=0.4"\nexpect = {{ status = 200, body_contains = "hello" }}\n'
        for i in range(4)
    )
    summary = await run(_collection(tmp_path, body, fault_url), RunOptions(concurrency=4))
    assert summary.exit_code == 0
    assert summary.client_count == 1
    assert summary.connections_opened >= 2
    sequential = await run(_collection(tmp_path, body, fault_url), RunOptions(concurrency=1))
    assert sequential.connections_opened == 1 and sequential.connections_reused == 3


async def test_concurrent_run_gives_the_same_results_as_sequential(httpbin_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "collections"
    shutil.copytree(COLLECTIONS, folder, ignore=shutil.ignore_patterns("downloads"))
    collection = store.load(folder / "quickstart.toml")
    # /sse exists only in the demo's echo server, not in httpbin
    options = {"overrides": {"base": httpbin_url}, "names": tuple(r.name for r in collection.requests if "/sse" not in r.url)}
    sequential = await run(collection, RunOptions(**options))  # type: ignore[arg-type]
    concurrent = await run(collection, RunOptions(concurrency=6, **options))  # type: ignore[arg-type]

    def outcomes(results: list[RequestResult]) -> dict[str, tuple[Outcome, int | None, dict[str, str]]]:
        return {r.name: (r.outcome, r.response.status if r.response else None, r.captured) for r in results}

    assert outcomes(concurrent.results) == outcomes(sequential.results)
    assert sequential.exit_code == concurrent.exit_code == 0
    assert concurrent.client_count == 1


async def test_a_request_waits_for_the_capture_it_needs_under_concurrency(fault_url: str, httpbin_url: str, tmp_path: Path) -> None:
    body = f"""
[[requests]]
name = "slow source"
url = "{fault_url}/slow-headers?delay=0.3"
capture = {{ word = "status" }}

[[requests]]
name = "user"
url = "{{{{base}}}}/get"
params = {{ w = "{{{{word}}}}" }}
expect = {{ json = {{ "args.w" = "200" }} }}
"""
    order: list[str] = []
    summary = await run(_collection(tmp_path, body, httpbin_url), RunOptions(concurrency=4), lambda r: order.append(r.name))
    assert order == ["slow source", "user"]
    assert summary.exit_code == 0


async def test_repeat_reports_statistics_per_request(httpbin_url: str, tmp_path: Path) -> None:
    summary = await run(_collection(tmp_path, THREE, httpbin_url), RunOptions(names=("a", "b"), repeat=5))
    assert [(r.name, r.iteration) for r in summary.results] == [(n, i) for i in range(1, 6) for n in ("a", "b")]
    assert [s.name for s in summary.stats] == ["a", "b"]
    for stats in summary.stats:
        times = sorted(r.elapsed_ms for r in summary.results if r.name == stats.name and r.elapsed_ms is not None)
        assert stats.count == 5
        assert (stats.min_ms, stats.median_ms, stats.max_ms) == (times[0], times[2], times[4])
        assert stats.p95_ms == times[4]
    assert summary.connections_reused >= 5


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([3.0], 0.95) == 3.0


async def test_fail_fast_stops_at_the_first_failure(httpbin_url: str, tmp_path: Path) -> None:
    body = THREE.replace('name = "b"', 'name = "b"\nexpect = { status = 404 }')
    summary = await run(_collection(tmp_path, body, httpbin_url), RunOptions(fail_fast=True, repeat=3))
    assert [(r.name, r.outcome) for r in summary.results] == [("a", Outcome.PASSED), ("b", Outcome.FAILED), ("c", Outcome.SKIPPED)]
    assert summary.results[2].message == "not run (--fail-fast)"
    assert summary.stopped_early and summary.exit_code == 1


async def test_fail_fast_cancels_requests_in_flight(fault_url: str, refused_url: str, tmp_path: Path) -> None:
    body = f"""
[[requests]]
name = "slow"
url = "{fault_url}/slow-headers?delay=30"
[[requests]]
name = "refused"
url = "{refused_url}/"
"""
    summary = await run(_collection(tmp_path, body, fault_url), RunOptions(fail_fast=True, concurrency=2))
    outcomes = {r.name: r.outcome for r in summary.results}
    assert outcomes == {"slow": Outcome.SKIPPED, "refused": Outcome.ERROR}
    assert summary.results[0].message == "cancelled (--fail-fast)"
    assert summary.exit_code == 3


async def test_a_refused_connection_is_an_error_with_exit_code_3(refused_url: str, tmp_path: Path) -> None:
    summary = await run(_collection(tmp_path, '[[requests]]\nname = "r"\nurl = "{{base}}/x"\n', refused_url))
    (result,) = summary.results
    assert result.outcome is Outcome.ERROR and isinstance(result.error, ConnectError)
    assert refused_url.removeprefix("http://") in result.message
    assert summary.exit_code == 3


async def test_insecure_turns_certificate_checks_off(tls_server: object, tmp_path: Path) -> None:
    url = tls_server.url  # type: ignore[attr-defined]
    collection = _collection(tmp_path, '[[requests]]\nname = "tls"\nurl = "{{base}}/get"\nexpect = { status = 200 }\n', url)
    checked = await run(collection)
    assert isinstance(checked.results[0].error, TLSError) and checked.exit_code == 3
    insecure = await run(collection, RunOptions(insecure=True))
    assert insecure.exit_code == 0
    assert plan(collection, RunOptions(insecure=True)).steps[0].resolved.verify is False  # type: ignore[union-attr]


async def test_a_request_uses_the_value_of_the_capture_before_it_not_a_later_one(fault_url: str, httpbin_url: str, tmp_path: Path) -> None:
    # "later" captures the same name and finishes first under concurrency; "user" must still
    # see the value of "earlier", the request before it in the file.
    body = f"""
[[requests]]
name = "earlier"
url = "{fault_url}/slow-headers?delay=0.3"
capture = {{ x = "status" }}

[[requests]]
name = "user"
url = "{{{{base}}}}/get"
params = {{ x = "{{{{x}}}}" }}
expect = {{ json = {{ "args.x" = "200" }} }}

[[requests]]
name = "later"
url = "{{{{base}}}}/status/201"
capture = {{ x = "status" }}
"""
    order: list[str] = []
    summary = await run(_collection(tmp_path, body, httpbin_url), RunOptions(concurrency=3), lambda r: order.append(r.name))
    assert order.index("later") < order.index("user")
    assert summary.exit_code == 0, [r.message for r in summary.results]


async def test_captured_values_used_in_defaults_are_waited_for(httpbin_url: str, tmp_path: Path) -> None:
    body = """
[defaults]
headers = { "X-Token" = "{{token}}" }

[[requests]]
name = "login"
method = "POST"
url = "{{base}}/post"
body = { json = '{"t": "real-1234"}' }
capture = { token = "json:json.t" }
expect = { json = { "headers.X-Token" = "anonymous" } }

[[requests]]
name = "after"
url = "{{base}}/headers"
expect = { json = { "headers.X-Token" = "real-1234" } }
"""
    collection = _collection(tmp_path, body, httpbin_url)
    collection.variables["token"] = "anonymous"  # the value before "login" captures a real one
    assert plan(collection, RunOptions()).steps[1].needs == {"token": 0}
    summary = await run(collection, RunOptions(concurrency=2))
    assert summary.exit_code == 0, [r.message for r in summary.results]
