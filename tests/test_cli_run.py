"""`reqbench run` through click's CliRunner (and a real subprocess): exit codes, messages,
output modes, reports, masking of credentials."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from tui.cli import main
from tui.core.collection import store
from tui.core.replay import RunOptions, run
from tui.run_render import RunPrinter

REQBENCH = Path(sys.executable).with_name("reqbench")
TOKEN = "tok-9f8e7d6c5b4a"
COOKIE = "sid-77aa88bb99"
API_KEY = "key-0123456789"


def _write(tmp_path: Path, body: str, base: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(f'format = 1\nname = "cli"\n[variables]\nbase = "{base}"\n\n' + body, encoding="utf-8")
    return path


def _run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *map(str, args)], env=env, catch_exceptions=False)


PASSING = """
[[requests]]
name = "first"
url = "{{base}}/get"
params = { who = "tom" }
expect = { status = 200, json = { "args.who" = "tom" } }

[[requests]]
name = "second"
method = "POST"
url = "{{base}}/post"
body = { json = '{"n": 1}' }
expect = { json = { "json.n" = 1 } }
"""

FAILING = PASSING + """
[[requests]]
name = "third"
url = "{{base}}/get"
params = { who = "bob" }
expect = { status = [201, 202], json = { "args.who" = "tom" } }
"""


def test_all_passed_exits_0_with_a_line_per_request(httpbin_url: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, PASSING, httpbin_url))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"✓ first  GET {httpbin_url}/get?who=tom  200 OK  ")
    assert lines[0].endswith("  new")
    assert lines[1].startswith(f"✓ second  POST {httpbin_url}/post  200 OK  ") and lines[1].endswith("  reused")
    assert " ms  " in lines[0] and " B  " in lines[0]
    assert lines[-1].startswith("2 passed in ") and lines[-1].endswith("connections: 1 new, 1 reused")


def test_a_failed_expect_exits_1_and_shows_expected_and_actual(httpbin_url: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, FAILING, httpbin_url))
    assert result.exit_code == 1
    out = result.stdout
    assert "✗ third  GET" in out
    assert "    status: expected one of 201, 202, got 200\n" in out
    assert '    json args.who: expected "tom", got "bob"\n' in out
    assert "2 passed, 1 failed in " in out


def test_quiet_prints_only_failures_and_the_summary(httpbin_url: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, FAILING, httpbin_url), "--quiet")
    assert result.exit_code == 1
    assert "first" not in result.stdout and "second" not in result.stdout
    assert result.stdout.splitlines()[0].startswith("✗ third")
    assert result.stdout.splitlines()[-1].startswith("2 passed, 1 failed")


def test_selection_order_with_r(httpbin_url: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, FAILING, httpbin_url), "-r", "second", "-r", "first")
    assert result.exit_code == 0
    names = [line.split()[1] for line in result.stdout.splitlines()[:2]]
    assert names == ["second", "first"]


def test_bad_toml_exits_2_with_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('format = 1\n\n[[requests]]\nname = "x\nurl = "http://127.0.0.1/"\n', encoding="utf-8")
    result = _run(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:4:")
    assert "Traceback" not in result.output


def test_schema_error_exits_2_naming_the_request(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[requests]]\nname = "x"\nurl = "{{base}}/"\nbody = { xml = "<a/>" }\n', "http://127.0.0.1:1")
    result = _run(path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "'x'" in result.stderr and "xml" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--var", "novalue"], "'novalue' is not KEY=VALUE"),
        (["--report", "junit"], "--report junit needs --output PATH"),
        (["--output", "out.txt"], "say --report junit or --report json"),
        (["--verbose", "--quiet"], "--verbose and --quiet cannot be used together"),
        (["--concurrency", "0"], "0 is not in the range x>=1"),
        (["--bogus"], "No such option '--bogus'"),
        (["-r", "nope"], "no request named 'nope' in the collection (requests: 'first', 'second')"),
        (["--env", "prod"], "no environment named 'prod'"),
    ],
)
def test_command_line_mistakes_exit_2_naming_the_problem(httpbin_url: str, tmp_path: Path, args: list[str], message: str) -> None:
    result = _run(_write(tmp_path, PASSING, httpbin_url), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""  # nothing was sent, nothing printed as a result


def test_unknown_variable_exits_2_before_sending(refused_url: str, tmp_path: Path) -> None:
    # The first request would be refused (exit 3) if anything were sent.
    body = PASSING + '[[requests]]\nname = "bad"\nurl = "{{base}}/get"\nheaders = { "X-Id" = "{{missing_id}}" }\n'
    result = _run(_write(tmp_path, body, refused_url))
    assert result.exit_code == 2
    assert "error: request 'bad', headers.X-Id: unknown variable {{missing_id}}" in result.stderr
    assert "nothing was sent (1 problem)" in result.stderr


def test_path_escape_exits_2_and_allow_path_lets_it_through(httpbin_url: str, tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data.txt").write_text("shared data")
    (tmp_path / "project").mkdir()
    body = '[[requests]]\nname = "up"\nmethod = "POST"\nurl = "{{base}}/post"\nbody = { file = "../shared/data.txt" }\nexpect = { json = { data = "shared data" } }\n'
    path = _write(tmp_path / "project", body, httpbin_url)
    refused = _run(path)
    assert refused.exit_code == 2
    assert "outside the collection's folder" in refused.stderr and "--allow-path" in refused.stderr
    allowed = _run(path, "--allow-path", tmp_path / "shared")
    assert allowed.exit_code == 0, allowed.output


def test_refused_connection_exits_3(refused_url: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, PASSING, refused_url))
    assert result.exit_code == 3
    port = refused_url.rsplit(":", 1)[1]
    assert f"✗ first  GET {refused_url}/get?who=tom  error: " in result.stdout and port in result.stdout
    assert "0 passed, 2 errors" in result.stdout


def test_env_and_var_choose_the_base(httpbin_url: str, refused_url: str, tmp_path: Path) -> None:
    body = f'[environments.local]\nbase = "{httpbin_url}"\n' + PASSING
    path = _write(tmp_path, body, refused_url)
    assert _run(path).exit_code == 3
    assert _run(path, "--env", "local").exit_code == 0
    assert _run(path, "--var", f"base={httpbin_url}").exit_code == 0


def test_repeat_prints_statistics(httpbin_url: str, tmp_path: Path) -> None:
    result = _run(_write(tmp_path, PASSING, httpbin_url), "--repeat", "3", "--concurrency", "2")
    assert result.exit_code == 0
    assert "[3/3] first" in result.stdout
    assert "time per request over 3 runs (ms)" in result.stdout
    header = next(line for line in result.stdout.splitlines() if "median" in line)
    assert all(word in header for word in ("request", "min", "median", "p95", "max"))
    assert "6 passed" in result.stdout


def test_junit_report_parses_with_the_right_counts(httpbin_url: str, refused_url: str, tmp_path: Path) -> None:
    body = FAILING + f'[[requests]]\nname = "down"\nurl = "{refused_url}/"\n'
    report = tmp_path / "out" / "report.xml"
    result = _run(_write(tmp_path, body, httpbin_url), "--report", "junit", "--output", report, "--repeat", "2")
    assert result.exit_code == 3
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {"tests": "8", "failures": "2", "errors": "2", "skipped": "0"}
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases[:4]] == ["first #1", "second #1", "third #1", "down #1"]
    assert all(float(c.get("time", "-1")) >= 0 for c in cases)
    failure = cases[2].find("failure")
    assert failure is not None and 'json args.who: expected "tom", got "bob"' in (failure.get("message") or "")
    error = cases[3].find("error")
    assert error is not None and error.get("type") == "ConnectError"


def test_json_report_holds_every_result(httpbin_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = _run(_write(tmp_path, FAILING, httpbin_url), "-o", report)  # .json picks the kind
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    assert data["summary"] | {"elapsed_s": 0} == data["summary"] | {"elapsed_s": 0, "total": 3, "passed": 2, "failed": 1, "exit_code": 1}
    assert [r["name"] for r in data["results"]] == ["first", "second", "third"]
    third = data["results"][2]
    assert third["status"] == 200 and third["outcome"] == "failed"
    assert {"kind": "json", "target": "args.who", "expected": "tom", "actual": "bob"}.items() <= third["failures"][1].items()


SECRETS = f"""
[[requests]]
name = "login"
method = "POST"
url = "{{{{base}}}}/post"
body = {{ json = '{{"access_token": "{TOKEN}"}}' }}
capture = {{ token = "json:json.access_token" }}

[[requests]]
name = "whoami"
url = "{{{{base}}}}/headers"
auth = {{ bearer = "{{{{token}}}}" }}
headers = {{ Cookie = "session={COOKIE}", "X-Api-Key" = "{{{{env:REQBENCH_TEST_KEY}}}}" }}
expect = {{ json = {{ "headers.X-Api-Key" = "nope" }} }}
"""


def test_secrets_are_masked_in_verbose_output_and_reports(httpbin_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, SECRETS, httpbin_url)
    xml_report, json_report = tmp_path / "r.xml", tmp_path / "r.json"
    env = {"REQBENCH_TEST_KEY": API_KEY}
    verbose = _run(path, "-v", "--report", "junit", "--output", xml_report, "--allow-env", "REQBENCH_TEST_KEY", env=env)
    assert verbose.exit_code == 1
    _run(path, "--report", "json", "--output", json_report, "--allow-env", "REQBENCH_TEST_KEY", env=env)
    out = verbose.output
    assert "authorization: Bearer ***" in out
    assert "cookie: ***" in out and "x-api-key: ***" in out
    assert '"X-Api-Key": "***"' in out  # httpbin echoed it back in the body: masked there too
    assert "json headers.X-Api-Key: expected \"nope\", got \"***\"" in out
    for text in (out, xml_report.read_text(), json_report.read_text()):
        for secret in (TOKEN, COOKIE, API_KEY):
            assert secret not in text
    data = json.loads(json_report.read_text())
    whoami = data["results"][1]
    assert ["authorization", "Bearer ***"] in whoami["request_headers"]
    assert data["results"][0]["captured"] == {"token": "***"}


async def test_progress_lines_when_output_is_not_a_terminal(fault_url: str, tmp_path: Path) -> None:
    body = '[[requests]]\nname = "drip"\nurl = "{{base}}/drip?size=40000&interval=0.05&chunk=4000"\ndownload = { path = "drip.bin", overwrite = true }\n'
    collection = store.load(_write(tmp_path, body, fault_url))
    buffer = io.StringIO()
    printer = RunPrinter(Console(file=buffer, force_terminal=False, width=200), interval_s=0.1)
    with printer:
        summary = await run(collection, RunOptions(on_event=printer.on_event), printer.on_result)
    assert summary.exit_code == 0
    lines = buffer.getvalue().splitlines()
    progress = [line for line in lines if line.startswith("  … ↓ drip: download ")]
    assert progress, lines
    assert all("/ 40.0 kB" in line and "%)" in line for line in progress)
    assert lines[len(progress)].startswith("✓ drip  GET")
    assert (tmp_path / "drip.bin").stat().st_size == 40000


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(main, ["run", "--help"])
    assert result.exit_code == 0
    for line in ("0  every request passed", "1  an expect", "2  the file or the command line is wrong", "3  a request could not be completed"):
        assert line in result.output
    for option in ("--env", "--var", "--concurrency", "--repeat", "--fail-fast", "--report", "--output", "--allow-path", "--insecure", "--verbose", "--quiet"):
        assert option in result.output


@pytest.mark.skipif(not REQBENCH.exists(), reason="reqbench console script not installed in this environment")
def test_subprocess_exit_codes(httpbin_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nname = = "x"\n', encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    broken = subprocess.run([str(REQBENCH), "run", str(bad)], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert broken.returncode == 2
    assert broken.stderr.startswith(f"error: {bad}:2:8: ") and "Traceback" not in broken.stderr
    failing = subprocess.run([str(REQBENCH), "run", str(_write(tmp_path, FAILING, httpbin_url))], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert failing.returncode == 1
    assert "✗ third" in failing.stdout and "\x1b[" not in failing.stdout


def test_junit_stays_valid_xml_when_a_message_quotes_binary_data(httpbin_url: str, tmp_path: Path) -> None:
    body = '[[requests]]\nname = "bytes"\nurl = "{{base}}/bytes/256?seed=3"\nexpect = { body_contains = "never" }\n'
    report = tmp_path / "r.xml"
    result = _run(_write(tmp_path, body, httpbin_url), "--report", "junit", "--output", report)
    assert result.exit_code == 1
    failure = ET.parse(report).getroot().find("testsuite/testcase/failure")
    assert failure is not None and (failure.get("message") or "").startswith('body: expected to contain "never", got ')


async def test_progress_bars_on_a_terminal(fault_url: str, tmp_path: Path) -> None:
    body = '[[requests]]\nname = "drip"\nurl = "{{base}}/drip?size=20000&interval=0.05&chunk=4000"\ndownload = { path = "drip.bin", overwrite = true }\n'
    collection = store.load(_write(tmp_path, body, fault_url))
    buffer = io.StringIO()
    printer = RunPrinter(Console(file=buffer, force_terminal=True, width=120), interval_s=0.1)
    with printer:
        summary = await run(collection, RunOptions(on_event=printer.on_event), printer.on_result)
    assert summary.exit_code == 0
    text = buffer.getvalue()
    assert "↓ drip" in text and "20.0 kB" in text  # the bar: label and total
    assert "  … ↓ drip" not in text  # no plain progress lines on a terminal
    assert "✓" in text and "drip.bin" in text  # the result line, printed above the bars


def test_set_cookie_from_the_server_is_masked_everywhere(httpbin_url: str, tmp_path: Path) -> None:
    body = '[[requests]]\nname = "cookie"\nurl = "{{base}}/response-headers"\nparams = { "Set-Cookie" = "sid=srv-cookie-4455; Path=/" }\n'
    report = tmp_path / "r.json"
    result = _run(_write(tmp_path, body, httpbin_url), "-v", "-o", report)
    assert result.exit_code == 0
    assert "set-cookie: ***" in result.stdout.lower()
    assert "srv-cookie-4455" not in result.stdout and "srv-cookie-4455" not in report.read_text()


@pytest.mark.skipif(not REQBENCH.exists(), reason="reqbench console script not installed in this environment")
def test_ctrl_c_exits_130_without_a_traceback(fault_url: str, tmp_path: Path) -> None:
    import signal

    body = '[[requests]]\nname = "quick"\nurl = "{{base}}/slow-headers?delay=0"\n[[requests]]\nname = "stuck"\nurl = "{{base}}/slow-headers?delay=60"\n'
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(REQBENCH), "run", str(_write(tmp_path, body, fault_url))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - a shell may have ignored it
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # "quick" is done, so "stuck" is in flight
    assert first.startswith("✓ quick")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == "interrupted"
    assert "stuck" not in out
