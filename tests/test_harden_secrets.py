"""Secrets: every value read from `{{env:...}}` is masked wherever `reqbench run` shows or
reports it; a collection reads only the environment variables it declares (or --allow-env);
headers carrying secrets are not forwarded when a redirect leaves the origin."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from servers.recording import recording_server
from tui.cli import main
from tui.core.collection import store
from tui.core.collection.variables import env_names

SECRET = "s3cr3t-v4lue XYZ/42"
ENV = {"RB_SECRET": SECRET}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *map(str, args)], env=env or ENV, catch_exceptions=False)


LEAKY = """format = 1
[env]
allow = ["RB_SECRET"]

[[requests]]
name = "leak"
method = "POST"
url = "{base}/anything/{{{{env:RB_SECRET}}}}"
params = {{ q = "{{{{env:RB_SECRET}}}}" }}
headers = {{ X-Plain = "{{{{env:RB_SECRET}}}}" }}
body = {{ json = '{{"v": "{{{{env:RB_SECRET}}}}"}}' }}
expect = {{ body_contains = "{{{{env:RB_SECRET}}}}-nope", json = {{ "json.v" = "{{{{env:RB_SECRET}}}}!" }} }}
"""


def _forms(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), quote(secret), secret.replace(" ", "+"), json.dumps(secret)[1:-1]]


def test_env_values_are_masked_everywhere_run_shows_or_reports_them(httpbin_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, LEAKY.format(base=httpbin_url))
    xml_report, json_report = tmp_path / "r.xml", tmp_path / "r.json"
    normal = _run(path, "--report", "junit", "--output", xml_report)
    verbose = _run(path, "-v", "--report", "json", "--output", json_report)
    assert normal.exit_code == 1 and verbose.exit_code == 1, verbose.output
    assert "***" in normal.output and "x-plain: ***" in verbose.output
    assert 'expected to contain "***-nope"' in normal.output
    for text in (normal.output, verbose.output, xml_report.read_text(), json_report.read_text()):
        for form in _forms(SECRET):
            assert form not in text, form
        assert "v4lue" not in text


def test_a_collection_reads_only_the_environment_it_declares(tmp_path: Path) -> None:
    with recording_server() as server:
        text = f'format = 1\n[[requests]]\nname = "first"\nurl = "{server.url}/a"\n\n[[requests]]\nname = "aws"\nurl = "{server.url}/b"\nheaders = {{ X-Key = "{{{{env:RB_SECRET}}}}" }}\n'
        path = _write(tmp_path, text)
        refused = _run(path)
        assert server.requests == []
        allowed = _run(path, "--allow-env", "RB_SECRET")
        assert [r.path for r in server.requests] == ["/a", "/b"]
    assert refused.exit_code == 2
    assert "request 'aws', headers.X-Key: the collection may not read the environment variable RB_SECRET" in refused.output
    assert "--allow-env RB_SECRET" in refused.output and "[env] allow" in refused.output
    assert allowed.exit_code == 0, allowed.output


def test_env_allow_round_trips_and_env_names_lists_what_the_ui_should_ask_about() -> None:
    text = 'format = 1\n\n[env]\nallow = ["A"]\n\n[[requests]]\nname = "r"\nurl = "http://h/{{env:B}}"\nauth = { bearer = "{{env:A}}" }\n'
    collection = store.loads(text)
    assert collection.env_allow == ["A"]
    assert store.dumps(collection) == text
    assert env_names(collection) == ["B", "A"]


def test_an_env_allow_that_is_not_a_list_of_names_is_a_schema_error() -> None:
    with pytest.raises(Exception, match=r"c\.toml:3:\d+: .*not an environment variable name"):
        store.loads('format = 1\n[env]\nallow = ["ok", "no way"]\n', path="c.toml")


CROSS = """format = 1
[env]
allow = ["RB_SECRET"]
{defaults}
[[requests]]
name = "hop"
url = "{a}/redirect?to={target}"
headers = {{ X-Api-Key = "literal-key-123", Proxy-Authorization = "Basic cHJveHk6cHc=", X-Plain = "{{{{env:RB_SECRET}}}}", X-Other = "visible" }}
"""


@pytest.mark.parametrize("forward", [False, True])
def test_headers_with_secrets_are_not_forwarded_to_another_origin(tmp_path: Path, forward: bool) -> None:
    with recording_server() as a, recording_server() as b:
        defaults = "[defaults]\nforward_secrets = true\n" if forward else ""
        path = _write(tmp_path, CROSS.format(a=a.url, target=quote(f"{b.url}/landed", safe=""), defaults=defaults))
        result = _run(path)
        assert result.exit_code == 0, result.output
        assert [r.path for r in b.requests] == ["/landed"]
        landed = b.requests[0].headers
        first = a.requests[0].headers
    assert first["x-api-key"] == "literal-key-123" and first["x-plain"] == SECRET
    assert landed["x-other"] == "visible"
    secret_headers = ("x-api-key", "proxy-authorization", "x-plain")
    if forward:
        assert all(name in landed for name in secret_headers)
    else:
        assert not any(name in landed for name in secret_headers), landed


def test_headers_with_secrets_are_kept_on_a_same_origin_redirect(tmp_path: Path) -> None:
    with recording_server() as a:
        path = _write(tmp_path, CROSS.format(a=a.url, target="/landed", defaults=""))
        result = _run(path)
        assert result.exit_code == 0, result.output
        landed = a.requests[1].headers
    assert a.requests[1].path == "/landed"
    assert landed["x-api-key"] == "literal-key-123" and landed["x-plain"] == SECRET and "proxy-authorization" in landed


def test_env_values_are_masked_in_plan_errors_too(tmp_path: Path) -> None:
    text = 'format = 1\n[env]\nallow = ["RB_SECRET"]\n\n[[requests]]\nname = "p"\nmethod = "POST"\nurl = "http://127.0.0.1:1/"\nbody = { file = "{{env:RB_SECRET}}.bin" }\n'
    result = _run(_write(tmp_path, text))
    assert result.exit_code == 2
    assert "no such file" in result.output and "***" in result.output
    for form in _forms(SECRET):
        assert form not in result.output
