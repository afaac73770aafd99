"""Replay a collection headlessly: order, captures, expects, concurrency, repeats.

The `reqbench run` command, the workbench ("run all") and `benchmarks/bench_replay.py` all
call the same function:

    summary = await run(collection, RunOptions(...), on_result=print_line)

    plan(collection, options) -> Plan          # everything checked before anything is sent;
                                               # raises PlanError listing every problem
    run(collection, options, on_result=None, *, engine=None) -> RunSummary

What `run` does:
- Requests run in file order, or in the order of `options.names`. Each repeat
  (`options.repeat`) is a whole fresh run: captured values start empty each time, and (one
  repeat at a time, `concurrency = 1`) the engine's cookie jar is put back to what it held
  before the first iteration (cookies set by iteration 1 are not sent by iteration 2). With
  `options.concurrency > 1` repeats overlap: up to `concurrency` repeats are in flight and all
  of their requests share the `concurrency` slots (order inside one repeat as below); they
  share the one jar as they share the connection pool. After the run the jar holds the last
  cookies set.
- Two requests of one run never write one download path at once: two different requests with
  the same `download.path` are a plan problem when `concurrency > 1`; repeats of one request
  downloading to a path wait for each other.
- One `Engine` for the whole run (pass your own with `engine=`; it is then not closed), so
  keep-alive connections are reused. With `options.concurrency > 1` requests run in parallel
  through that same pool, except that a request using `{{var}}` captured by an earlier request
  waits for that request (and is skipped if the value could not be captured).
- `{{env:NAME}}` may read only the names of the collection's `[env] allow` and
  `options.allowed_env` (--allow-env); any other is a plan problem naming request, field and
  variable. Every value read from the environment is kept in `RequestResult.env_values`
  (with `resolved.env_values`), so printers and reports mask it wherever it appears.
- Before anything is sent every request is resolved (variables, paths, JSON bodies) and
  checked as the engine would (URL, headers, encoding, Content-Length); requests
  that depend on captured values are checked for names that no earlier request captures.
  All problems are raised together as one `PlanError` (exit code 2 in the CLI).
- `on_result` is called once per request per repeat as soon as it is done (with concurrency, in
  completion order); `summary.results` is in run order. With `options.keep_bodies = False`,
  bodies (and spilled temporary body files) are dropped once `on_result` returns, so a long
  `--repeat` does not hold every body; the CLI does that. With `options.keep_results = False`
  results are not kept at all (`summary.results` is empty): the summary's counts, exit code,
  connection counts and `stats` come from `summary.tally`, aggregated as results arrive, so
  memory does not grow with `--repeat` (stream what you need from `on_result`).
- `options.fail_fast` stops at the first result that is not a pass: requests in flight are
  cancelled and reported as skipped, later repeats do not run.

Outcomes: `passed`; `failed` (an expect or a capture failed); `error` (the request could not be
completed, `RequestError`, or could not be built at run time, e.g. a captured path leaves the
folder); `skipped` (not sent: fail-fast, or a value it needs was not captured).
`RunSummary.exit_code`: 2 if a request could not be built, else 3 if one could not be completed,
else 1 if anything failed or was skipped, else 0.

One module (~630 lines) on purpose: the plan, the scheduler (ordering, capture waits,
concurrency, fail-fast) and the summary share the `Step` state; apart they would pass it around.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
import itertools
import math
import os
import statistics
import time
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from tui.core.collection import variables
from tui.core.replay.capture import capture, parse_source
from tui.core.engine.build import check_request
from tui.core.engine.engine import Engine
from tui.core.errors import BodyError, PathError, ReqbenchError, RequestError, VariableError
from tui.core.engine.events import Event
from tui.core.replay.expect import ExpectFailure, check
from tui.core.collection.model import Collection, Request
from tui.core.engine.resolved import ResolvedRequest
from tui.core.engine.response import Response

__all__ = [
    "Outcome",
    "Plan",
    "PlanError",
    "RequestResult",
    "RequestStats",
    "RunOptions",
    "RunTally",
    "RunSummary",
    "Step",
    "percentile",
    "plan",
    "run",
]

_PLACEHOLDER = "0"  # stands in for a value captured later, when checking names up front


class PlanError(ReqbenchError):
    """The run cannot start: unknown request names or environment, unknown variables, paths
    that leave the collection's folder, bad bodies or capture sources. `problems` holds each
    one (VariableError, PathError, BodyError or a plain message)."""

    def __init__(self, problems: Sequence[ReqbenchError | str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class RunOptions:
    names: tuple[str, ...] = ()  # requests to run, in this order; empty: all, in file order
    environment: str | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)  # --var KEY=VALUE
    concurrency: int = 1
    repeat: int = 1
    fail_fast: bool = False
    allowed_paths: tuple[Path, ...] = ()  # --allow-path: folders paths may also point into
    insecure: bool = False  # send every request with verify = false
    allowed_env: tuple[str, ...] = ()  # --allow-env: environment variables allowed beside [env] allow
    keep_bodies: bool = True  # keep response bodies in the results after on_result
    keep_results: bool = True  # keep every RequestResult in summary.results (False: aggregates only)
    on_event: Callable[[RequestResult, Event], None] | None = None  # engine events, for progress UIs

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.repeat < 1:
            raise ValueError("repeat must be at least 1")


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(slots=True)
class RequestResult:
    name: str
    index: int  # position in the plan (0-based)
    iteration: int  # 1-based repeat number
    request: Request
    resolved: ResolvedRequest | None = None
    response: Response | None = None
    failures: list[ExpectFailure] = field(default_factory=list)  # expects and captures
    error: ReqbenchError | None = None  # why it errored, or why it was skipped
    captured: dict[str, str] = field(default_factory=dict)
    outcome: Outcome = Outcome.PASSED
    skip_reason: str | None = None
    env_values: set[str] = field(default_factory=set)  # read from the environment (expects too)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.PASSED

    @property
    def elapsed_ms(self) -> float | None:
        return self.response.elapsed_ms if self.response is not None else None

    @property
    def message(self) -> str:
        """One line on what went wrong ('' when passed)."""
        if self.outcome is Outcome.SKIPPED:
            return self.skip_reason or "skipped"
        if self.error is not None:
            return str(self.error)
        return "; ".join(f.message for f in self.failures)


@dataclass(frozen=True, slots=True)
class RequestStats:
    """Total time of one request over the repeats (only completed responses count)."""

    name: str
    count: int
    min_ms: float
    median_ms: float
    p95_ms: float
    max_ms: float


@dataclass(slots=True)
class RunTally:
    """What a run's summary needs, aggregated as results arrive (constant size per request,
    plus 8 bytes per completed response for exact percentiles)."""

    total: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    build_errors: int = 0  # errors that are not RequestErrors: exit code 2
    opened: int = 0
    reused: int = 0
    elapsed_ms: dict[int, array[float]] = field(default_factory=dict)  # plan index -> times

    def add(self, result: RequestResult) -> None:
        self.total += 1
        self.outcomes[result.outcome] += 1
        if result.outcome is Outcome.ERROR and not isinstance(result.error, RequestError):
            self.build_errors += 1
        response = result.response
        if response is not None:
            if response.timings.reused:
                self.reused += 1
            else:
                self.opened += 1
            self.elapsed_ms.setdefault(result.index, array("d")).append(response.elapsed_ms)

    @property
    def exit_code(self) -> int:
        if self.build_errors:
            return 2
        if self.outcomes[Outcome.ERROR]:
            return 3
        return 0 if self.outcomes[Outcome.PASSED] == self.total else 1


@dataclass(slots=True)
class RunSummary:
    collection: Collection
    options: RunOptions
    results: list[RequestResult]
    elapsed_s: float
    client_count: int  # pooled httpx clients the engine created (1 unless verify/http2 vary)
    stats: list[RequestStats] = field(default_factory=list)
    stopped_early: bool = False  # --fail-fast stopped the run
    tally: RunTally | None = None  # aggregates of every result (also when results are not kept)

    def _tally(self) -> RunTally:
        if self.tally is None:
            self.tally = RunTally()
            for result in self.results:
                self.tally.add(result)
        return self.tally

    @property
    def total(self) -> int:
        return self._tally().total

    def count(self, outcome: Outcome) -> int:
        return self._tally().outcomes[outcome]

    @property
    def passed(self) -> int:
        return self.count(Outcome.PASSED)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def errors(self) -> int:
        return self.count(Outcome.ERROR)

    @property
    def skipped(self) -> int:
        return self.count(Outcome.SKIPPED)

    @property
    def connections_opened(self) -> int:
        return self._tally().opened

    @property
    def connections_reused(self) -> int:
        return self._tally().reused

    @property
    def ok(self) -> bool:
        tally = self._tally()
        return tally.outcomes[Outcome.PASSED] == tally.total

    @property
    def exit_code(self) -> int:
        return self._tally().exit_code


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    request: Request
    resolved: ResolvedRequest | None  # None: depends on captured values, resolved when its turn comes
    needs: dict[str, int]  # captured variable -> index of the step that captures it (the latest before)


@dataclass(frozen=True, slots=True)
class Plan:
    collection: Collection
    steps: tuple[Step, ...]


# ---------------------------------------------------------------------------------------------
# Planning: everything that can be checked before sending


def _request_strings(request: Request) -> Iterator[tuple[str, str]]:
    """(field, text) for every string of a request that may hold {{var}}, expects included."""
    yield "url", request.url
    for pair in request.params:
        if pair.enabled:
            yield f"params.{pair.name}", pair.name
            yield f"params.{pair.name}", pair.value
    for pair in request.headers:
        if pair.enabled:
            yield f"headers.{pair.name}", pair.name
            yield f"headers.{pair.name}", pair.value
    if request.auth is not None:
        yield "auth.user", request.auth.user
        yield "auth.password", request.auth.password
        yield "auth.token", request.auth.token
    body = request.body
    if body is not None:
        yield f"body.{body.kind}", body.text
        for pair in body.form:
            if pair.enabled:
                yield f"body.form.{pair.name}", pair.name
                yield f"body.form.{pair.name}", pair.value
        for part in body.parts:
            for key in ("name", "value", "file", "filename", "content_type"):
                value = getattr(part, key)
                if value:
                    yield f"body.multipart.{part.name}.{key}", value
    if request.download is not None:
        yield "download.path", request.download.path
    yield from _expect_strings(request)


def _expect_strings(request: Request) -> Iterator[tuple[str, str]]:
    expect = request.expect
    if expect is None:
        return
    for pair in expect.headers:
        yield f"expect.headers.{pair.name}", pair.value
    for path, value in expect.json.items():
        yield from _nested_strings(f"expect.json.{path}", value)
    if expect.body_contains is not None:
        yield "expect.body_contains", expect.body_contains
    if expect.event_contains is not None:
        yield "expect.event_contains", expect.event_contains
    for path, value in expect.event_json.items():
        yield from _nested_strings(f"expect.event_json.{path}", value)


def _nested_strings(field_name: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield field_name, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nested_strings(f"{field_name}.{i}", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nested_strings(f"{field_name}.{key}", item)


def _defaults_strings(collection: Collection, request: Request) -> Iterator[tuple[str, str]]:
    """[defaults] headers (always merged) and auth (when the request has none of its own)."""
    for pair in collection.defaults.headers:
        if pair.enabled:
            yield f"defaults.headers.{pair.name}", pair.value
    auth = collection.defaults.auth
    if request.auth is None and auth is not None:
        yield "defaults.auth.user", auth.user
        yield "defaults.auth.password", auth.password
        yield "defaults.auth.token", auth.token


def _used_names(collection: Collection, request: Request) -> set[str]:
    names: set[str] = set()
    for _, text in itertools.chain(_request_strings(request), _defaults_strings(collection, request)):
        if "{{" in text:
            names.update(n for n in variables.find_variables(text) if not n.startswith("env:"))
    return names


def _selected(collection: Collection, names: Sequence[str]) -> tuple[list[Request], list[str]]:
    if not names:
        return list(collection.requests), []
    chosen: list[Request] = []
    problems: list[str] = []
    known = [r.name for r in collection.requests]
    for name in names:
        try:
            chosen.append(collection.request(name))
        except KeyError:
            problems.append(f"no request named {name!r} in the collection (requests: {', '.join(map(repr, known)) or 'none'})")
    return chosen, problems


def _allowed_env(collection: Collection, options: RunOptions) -> frozenset[str]:
    return frozenset(collection.env_allow) | frozenset(options.allowed_env)


def _check_expect_variables(
    request: Request, scope: Callable[[], Mapping[str, str]], environ: Mapping[str, str] | None = None
) -> list[ReqbenchError]:
    problems: list[ReqbenchError] = []
    values: Mapping[str, str] | None = None
    for field_name, text in _expect_strings(request):
        if "{{" not in text:
            continue  # nothing to substitute: no variable to miss
        if values is None:
            values = scope()
        try:
            variables.substitute(text, values, request=request.name, field=field_name, environ=environ)
        except VariableError as error:
            problems.append(error)
    return problems


def _variable_problems(
    collection: Collection, request: Request, options: RunOptions, captured: Mapping[str, str], error: VariableError
) -> list[ReqbenchError]:
    """Every unknown variable of a request, not only the first (falls back to the one error)."""
    found: list[ReqbenchError] = list(
        variables.unresolved(
            collection,
            request,
            environment=options.environment,
            overrides=dict(options.overrides),
            captured=dict(captured),
            allowed_paths=options.allowed_paths,
            allowed_env=_allowed_env(collection, options),
        )
    )
    return found or [error]


def _resolve(
    collection: Collection,
    request: Request,
    options: RunOptions,
    captured: Mapping[str, str],
    *,
    check_paths: bool = True,
    ca_bundles: dict[tuple[Path | None, bool, str], Path] | None = None,
) -> ResolvedRequest:
    resolved = variables.resolve(
        collection,
        request,
        environment=options.environment,
        overrides=options.overrides,  # read only: scope() copies them into its own dict
        captured=captured,
        allowed_paths=options.allowed_paths,
        check_paths=check_paths,
        ca_bundles=ca_bundles,
        allowed_env=_allowed_env(collection, options),
    )
    if options.insecure and resolved.verify is not False:
        resolved = dataclasses.replace(resolved, verify=False)
    return resolved


def _request_problem(request: Request, error: RequestError, secrets: frozenset[str] = frozenset()) -> str:
    field_name = getattr(error, "field", "")
    message = str(error)
    for secret in sorted(secrets, key=len, reverse=True):  # a URL built from {{env:...}}
        message = message.replace(secret, "***")
    return f"request {request.name!r}{', ' + field_name if field_name else ''}: {message}"


def plan(collection: Collection, options: RunOptions) -> Plan:
    """Select, order and check the requests of a run; raise `PlanError` with every problem."""
    problems: list[ReqbenchError | str] = []
    if options.environment is not None and options.environment not in collection.environments:
        known = ", ".join(map(repr, collection.environments)) or "none"
        raise PlanError([f"no environment named {options.environment!r} in the collection (environments: {known})"])
    requests, name_problems = _selected(collection, options.names)
    problems.extend(name_problems)

    captured_by: dict[str, int] = {}  # variable -> index of the latest step capturing it so far
    all_captures = {var: r.name for r in collection.requests for var in r.capture}
    steps: list[Step] = []
    ca_bundles: dict[tuple[Path | None, bool, str], Path] = {}  # one look-up per CA bundle, not per request
    overrides = dict(options.overrides)
    allowed_env = _allowed_env(collection, options)
    for index, request in enumerate(requests):
        for variable, source in request.capture.items():
            try:
                parse_source(source)
            except ValueError as error:
                problems.append(f"request {request.name!r}: {error}")
        needs: dict[str, int] = {}
        if captured_by:  # (nothing captured so far: nothing to depend on, no need to list the names used)
            needs = {name: captured_by[name] for name in sorted(_used_names(collection, request)) if name in captured_by}
        placeholders = {name: _PLACEHOLDER for name in captured_by}
        resolved: ResolvedRequest | None = None
        try:
            if needs:
                _resolve(collection, request, options, placeholders, check_paths=False, ca_bundles=ca_bundles)
            else:
                resolved = _resolve(collection, request, options, {}, ca_bundles=ca_bundles)
                check_request(resolved)  # the engine's own checks: URL, headers, encoding
        except RequestError as error:
            problems.append(_request_problem(request, error, resolved.env_values if resolved is not None else frozenset()))
        except VariableError as error:
            found = _variable_problems(collection, request, options, placeholders, error)
            for problem in found:
                hint = ""
                if isinstance(problem, VariableError) and problem.variable in all_captures and problem.variable not in captured_by:
                    hint = f" (it is captured by {all_captures[problem.variable]!r}, which does not run before it; select it first with -r)"
                problems.append(f"{problem}{hint}" if hint else problem)
        except (PathError, BodyError) as error:
            problems.append(f"request {request.name!r}: {error}" if request.name not in str(error) else error)
        problems.extend(
            _check_expect_variables(
                request,
                functools.partial(variables.scope, collection, environment=options.environment, overrides=overrides, captured=placeholders),
                variables.EnvAccess(os.environ, allowed_env),
            )
        )
        steps.append(Step(index, request, resolved, needs))
        for variable in request.capture:
            captured_by[variable] = index
    if options.concurrency > 1:
        problems.extend(_shared_downloads(steps))
    if problems:
        raise PlanError(problems)
    return Plan(collection, tuple(steps))


def _shared_downloads(steps: Sequence[Step]) -> list[str]:
    """Two requests of one run downloading to one file at once would mix their bytes."""
    by_path: dict[str, list[str]] = {}
    for step in steps:
        if step.resolved is not None and step.resolved.download is not None:
            names = by_path.setdefault(os.path.realpath(step.resolved.download.path), [])
            if step.request.name not in names:
                names.append(step.request.name)
    return [
        f"requests {', '.join(map(repr, names))} all download to {path}; with --concurrency above 1 they would write it at once: give each its own download.path or run with --concurrency 1"
        for path, names in by_path.items()
        if len(names) > 1
    ]


# ---------------------------------------------------------------------------------------------
# Running


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _stats(steps: Sequence[Step], by_index: Mapping[int, Sequence[float]]) -> list[RequestStats]:
    stats = []
    for step in steps:
        times = by_index.get(step.index)
        if times:
            stats.append(
                RequestStats(step.request.name, len(times), min(times), statistics.median(times), percentile(times, 0.95), max(times))
            )
    return stats


def _with_stream_limit(resolved: ResolvedRequest, request: Request) -> ResolvedRequest:
    """`ends_within_ms` bounds how long a stream is read: past it the engine closes the stream
    (keeping what arrived) and the expect fails, instead of reading an endless stream forever."""
    expect = request.expect
    if expect is None or expect.ends_within_ms is None or resolved.stream_limit_s is not None:
        return resolved
    return dataclasses.replace(resolved, stream_limit_s=expect.ends_within_ms / 1000)


class _Runner:
    def __init__(self, plan_: Plan, options: RunOptions, engine: Engine, on_result: Callable[[RequestResult], None] | None) -> None:
        self.plan = plan_
        self.options = options
        self.engine = engine
        self.on_result = on_result
        self.results: list[RequestResult] = []
        self.tally = RunTally()
        self.stopped = False
        self._allowed_env = _allowed_env(plan_.collection, options)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._download_locks: dict[Path, asyncio.Lock] = {}

    def _finish(self, result: RequestResult) -> None:
        self.tally.add(result)
        if self.options.keep_results:
            self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        response = result.response
        if response is not None and not self.options.keep_bodies:
            response.content = b""
            if response.stream is not None and response.stream.events:  # counts and times stay
                response.stream = dataclasses.replace(response.stream, events=())
            if response.spilled and response.body_path is not None:
                response.body_path.unlink(missing_ok=True)  # the engine would delete it at close
        if self.options.fail_fast and not result.ok and not self.stopped:
            self.stopped = True
            current = asyncio.current_task()
            for task in self._in_flight:
                if task is not current:
                    task.cancel()

    def _scope(self, captured: Mapping[str, str]) -> dict[str, str]:
        return variables.scope(
            self.plan.collection, environment=self.options.environment, overrides=dict(self.options.overrides), captured=dict(captured)
        )

    async def _execute(self, step: Step, iteration: int, captured: Mapping[str, str]) -> RequestResult:
        result = RequestResult(step.request.name, step.index, iteration, step.request)
        try:
            resolved = step.resolved or _resolve(self.plan.collection, step.request, self.options, captured)
        except (VariableError, PathError, BodyError) as error:
            result.error, result.outcome = error, Outcome.ERROR
            return result
        resolved = _with_stream_limit(resolved, step.request)
        result.resolved = resolved
        result.env_values.update(resolved.env_values)
        on_event = self.options.on_event
        try:
            # without a listener the engine skips building its events
            listener = functools.partial(on_event, result) if on_event is not None else None
            if resolved.download is None:
                response = await self.engine.send(resolved, listener)
            else:
                # repeats (or captured paths) downloading to one file take turns: never mixed
                lock = self._download_locks.setdefault(Path(os.path.realpath(resolved.download.path)), asyncio.Lock())
                async with lock:
                    response = await self.engine.send(resolved, listener)
        except RequestError as error:
            result.error, result.outcome = error, Outcome.ERROR
            return result
        result.response = response
        scope: dict[str, str] | None = None
        environ = variables.EnvAccess(os.environ, self._allowed_env)

        def substitute(text: str, field_name: str) -> str:
            nonlocal scope
            if "{{" not in text:
                return text
            if scope is None:
                scope = self._scope(captured)
            try:
                return variables.substitute(text, scope, request=step.request.name, field=field_name, environ=environ)
            finally:
                result.env_values.update(environ.read)

        try:
            result.failures = check(step.request.expect, response, substitute=substitute)
        except VariableError as error:
            result.error, result.outcome = error, Outcome.ERROR
            return result
        values, problems = capture(step.request.capture, response)
        result.captured = values
        result.failures.extend(ExpectFailure("capture", p.variable, p.source, None, p.message) for p in problems)
        result.outcome = Outcome.FAILED if result.failures else Outcome.PASSED
        return result

    def _skipped(self, step: Step, iteration: int, reason: str) -> RequestResult:
        return RequestResult(step.request.name, step.index, iteration, step.request, step.resolved, outcome=Outcome.SKIPPED, skip_reason=reason)

    def _inputs(self, step: Step, by_step: Mapping[int, Mapping[str, str]]) -> tuple[dict[str, str], str | None]:
        """The captured values `step` uses, each from the request it depends on (the latest one
        before it capturing that name), and why it cannot be sent if one is missing."""
        if not step.needs:
            return {}, None
        inputs = {name: by_step[index][name] for name, index in step.needs.items() if name in by_step.get(index, {})}
        missing = [name for name in step.needs if name not in inputs]
        if not missing:
            return inputs, None
        sources = ", ".join(f"{name!r} from {self.plan.steps[step.needs[name]].request.name!r}" for name in missing)
        return inputs, f"not sent: it needs {sources}, which was not captured"

    async def _sequential(self, iteration: int) -> None:
        by_step: dict[int, dict[str, str]] = {}
        for step in self.plan.steps:
            if self.stopped:
                self._finish(self._skipped(step, iteration, "not run (--fail-fast)"))
                continue
            inputs, reason = self._inputs(step, by_step)
            if reason is not None:
                self._finish(self._skipped(step, iteration, reason))
                continue
            result = await self._execute(step, iteration, inputs)
            by_step[step.index] = result.captured
            self._finish(result)

    async def _concurrent(self, iteration: int, slots: asyncio.Semaphore) -> None:
        by_step: dict[int, dict[str, str]] = {}
        done = {step.index: asyncio.Event() for step in self.plan.steps}

        async def one(step: Step) -> None:
            try:
                for needed in set(step.needs.values()):
                    await done[needed].wait()
                inputs, reason = self._inputs(step, by_step)
                if self.stopped:
                    reason = "not run (--fail-fast)"
                if reason is None:
                    async with slots:
                        if self.stopped:
                            reason = "not run (--fail-fast)"
                        else:
                            result = await self._execute(step, iteration, inputs)
                if reason is not None:
                    self._finish(self._skipped(step, iteration, reason))
                    return
                by_step[step.index] = result.captured
                self._finish(result)
            except asyncio.CancelledError:
                if not self.stopped:
                    raise  # the whole run is being cancelled, not just this request
                self._finish(self._skipped(step, iteration, "cancelled (--fail-fast)"))
            finally:
                done[step.index].set()

        tasks = [asyncio.create_task(one(step)) for step in self.plan.steps]
        self._in_flight.update(tasks)
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            self._in_flight.difference_update(tasks)

    async def run(self) -> None:
        if self.options.concurrency == 1:
            jar = self.engine.cookies
            first_state = [copy.copy(cookie) for cookie in jar] if self.options.repeat > 1 else []
            for iteration in range(1, self.options.repeat + 1):
                if self.stopped:
                    break
                if iteration > 1:  # like captures: every iteration starts from the same cookies
                    jar.clear()
                    for cookie in first_state:
                        jar.set_cookie(copy.copy(cookie))
                await self._sequential(iteration)
            return
        # Repeats overlap: one request slot pool for the whole run; at most `concurrency`
        # repeats in flight, so tasks (and their results) do not pile up ahead of the slots.
        slots = asyncio.Semaphore(self.options.concurrency)
        lanes = asyncio.Semaphore(self.options.concurrency)
        running: set[asyncio.Task[None]] = set()

        async def lane(iteration: int) -> None:
            try:
                await self._concurrent(iteration, slots)
            finally:
                lanes.release()

        try:
            for iteration in range(1, self.options.repeat + 1):
                await lanes.acquire()
                if self.stopped:
                    lanes.release()
                    break
                task = asyncio.create_task(lane(iteration))
                running.add(task)
                task.add_done_callback(running.discard)
            if running:
                await asyncio.gather(*running)
        finally:
            for task in list(running):
                task.cancel()


async def run(
    collection: Collection,
    options: RunOptions | None = None,
    on_result: Callable[[RequestResult], None] | None = None,
    *,
    engine: Engine | None = None,
) -> RunSummary:
    """Plan (raising `PlanError` before sending anything), then replay; see the module docstring."""
    options = options or RunOptions()
    checked = plan(collection, options)
    started = time.perf_counter()
    own_engine = engine is None
    active = engine if engine is not None else Engine()
    runner = _Runner(checked, options, active, on_result)
    try:
        await runner.run()
    finally:
        if own_engine:
            await active.aclose()
    results = sorted(runner.results, key=lambda r: (r.iteration, r.index))
    return RunSummary(
        collection=collection,
        options=options,
        results=results,
        elapsed_s=time.perf_counter() - started,
        client_count=active.client_count,
        stats=_stats(checked.steps, runner.tally.elapsed_ms),
        stopped_early=runner.stopped,
        tally=runner.tally,
    )
