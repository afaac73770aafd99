"""Helpers the document importers (Postman, Insomnia, OpenAPI) share.

    parse_document(text, ctx, allow_yaml=True) -> Any # JSON or YAML (safe); syntax errors as ImportFailed at line:col
    jpath(parent, key) -> str            # `$.paths['/pets/{id}'].get.parameters[2]`
    variable_name(name) -> str           # a name `{{...}}` accepts (other characters become "_")
    scalar_text(value) -> str            # a JSON/YAML scalar as the text a variable or row holds
    rename_references(collection, renames)   # `{{old}}` -> `{{new}}` in every request field
    literal_secrets(collection) -> list[str] # one warning naming where credentials are written as is
    looks_like_json(text) -> bool            # JSON once each {{variable}} is a value (a `json` body)

YAML is read as PyYAML's `safe_load` reads it, through `yamlload.load` (libyaml's events
built straight into objects: several times faster on a big OpenAPI document). YAML 1.1 turns
`200:` into an int key; `scalar_text` and the importers treat it as the text it was.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from typing import Any

from tui.core.collection.model import Collection, Pair, Request
from tui.core.collection.schema import VARIABLE_NAME
from tui.core.errors import ImportFailed
from tui.core.formats.imported import ImportContext, fail_at, parse_json
from tui.core.replay.masking import is_secret_name, is_secret_param

__all__ = [
    "jpath",
    "literal_secrets",
    "looks_like_json",
    "parse_document",
    "rename_references",
    "rewrite_request_strings",
    "scalar_text",
    "variable_name",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INVALID = re.compile(r"[^A-Za-z0-9_.\-]")


def parse_document(text: str, ctx: ImportContext, *, what: str = "document", allow_yaml: bool = True) -> Any:
    """The parsed JSON (when `text` starts with `{` or `[`, or YAML is not allowed) or YAML document.

    Text that starts like JSON but is not (a YAML flow mapping such as `{openapi: 3.0.0}`)
    is read as YAML; when that fails too, the JSON error is the one reported.
    """
    if not allow_yaml:
        return parse_json(text, ctx, what=f"JSON ({what})")
    if text.lstrip(" \t\r\n").startswith(("{", "[")):
        try:
            return parse_json(text, ctx, what=f"JSON ({what})")
        except ImportFailed as json_error:
            if json_error.line is None:
                raise
            try:
                return _parse_yaml(text, ctx, what)
            except ImportFailed:
                raise json_error from None
    return _parse_yaml(text, ctx, what)


def _parse_yaml(text: str, ctx: ImportContext, what: str) -> Any:
    import yaml  # only YAML input pays for the import

    from tui.core.formats.yamlload import load

    try:
        return load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "cannot be read"
        if mark is None:
            raise ImportFailed(f"{ctx.source}: not valid YAML ({what}): {problem}", file=ctx.source) from None
        fail_at(ctx, mark.line + 1, mark.column + 1, f"not valid YAML ({what}): {problem}")
    except yaml.YAMLError as error:
        raise ImportFailed(f"{ctx.source}: not valid YAML ({what}): {error}", file=ctx.source) from None
    except RecursionError:
        raise ImportFailed(f"{ctx.source}: nested too deeply to read", file=ctx.source) from None


def jpath(parent: str, key: str | int) -> str:
    """`parent` extended by one step, in the JSON path notation messages use."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{parent}.{key}"
    return f"{parent}[{json.dumps(key)}]"


def variable_name(name: str) -> str:
    """`name` if `{{name}}` can refer to it, else the same with offending characters as "_"."""
    name = name.strip()
    if VARIABLE_NAME.fullmatch(name):
        return name
    cleaned = _INVALID.sub("_", name) or "_"
    if not (cleaned[0].isalpha() or cleaned[0] == "_") or not cleaned[0].isascii():
        cleaned = "_" + cleaned
    return cleaned


def scalar_text(value: Any) -> str:
    """A scalar as text: booleans as `true`/`false`, None as "", dates in ISO form, containers as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


_ANY_REFERENCE = re.compile(r"\{\{[^{}]*\}\}")


def looks_like_json(text: str) -> bool:
    """Would `text` be valid JSON with each `{{...}}` replaced by a value (quoted or not)?

    Bodies the source tool sent as typed even when they are not JSON (comments, a trailing
    comma) are better imported as text with a JSON Content-Type than as a `json` body that
    reqbench refuses to send.
    """
    try:
        json.loads(_ANY_REFERENCE.sub("0", text))
    except ValueError:
        return False
    except RecursionError:
        return False
    return True


def rewrite_request_strings(request: Request, rewrite: Callable[[str], str]) -> None:
    """Apply `rewrite` to every string of `request` that may hold `{{variables}}`."""
    request.url = rewrite(request.url)
    for rows in (request.params, request.headers):
        _rewrite_pairs(rows, rewrite)
    if request.auth is not None:
        request.auth.user = rewrite(request.auth.user)
        request.auth.password = rewrite(request.auth.password)
        request.auth.token = rewrite(request.auth.token)
    body = request.body
    if body is not None:
        body.text = rewrite(body.text)
        _rewrite_pairs(body.form, rewrite)
        for part in body.parts:
            if part.value is not None:
                part.value = rewrite(part.value)
            if part.file is not None:
                part.file = rewrite(part.file)


def _rewrite_pairs(rows: list[Pair], rewrite: Callable[[str], str]) -> None:
    for row in rows:
        row.name = rewrite(row.name)
        row.value = rewrite(row.value)


def rename_references(collection: Collection, renames: dict[str, str]) -> None:
    """Rewrite `{{old}}` (spaces inside allowed) to `{{new}}` everywhere in `collection`'s requests."""
    if not renames:
        return
    names = "|".join(re.escape(old) for old in sorted(renames, key=len, reverse=True))
    pattern = re.compile(r"\{\{\s*(" + names + r")\s*\}\}")

    def rewrite(text: str) -> str:
        if "{{" not in text:
            return text
        return pattern.sub(lambda match: "{{" + renames[match.group(1)] + "}}", text)

    for request in collection.requests:
        rewrite_request_strings(request, rewrite)


def _literal(value: str) -> bool:
    return bool(value) and "{{" not in value


def literal_secrets(collection: Collection, *, limit: int = 6) -> list[str]:
    """A warning (names only, never values) listing where credentials are written as typed.

    The source file held them in clear too; the warning is there because a TOML collection
    tends to be committed, and `{{env:NAME}}` keeps a secret out of it.
    """
    places: list[str] = []
    for name, value in collection.variables.items():
        if is_secret_name(name) and _literal(value):
            places.append(f"variable {name!r}")
    for env, values in collection.environments.items():
        places.extend(
            f"environment {env!r} {name!r}" for name, value in values.items() if is_secret_name(name) and _literal(value)
        )
    for request in collection.requests:
        auth = request.auth
        fields = []
        if auth is not None and (_literal(auth.password) or _literal(auth.token)):
            fields.append("auth")
        fields.extend(f"header {h.name}" for h in request.headers if is_secret_name(h.name) and _literal(h.value))
        fields.extend(f"param {p.name}" for p in request.params if is_secret_param(p.name) and _literal(p.value))
        places.extend(f"{request.name}: {field}" for field in fields)
    if not places:
        return []
    shown = ", ".join(places[:limit]) + (f" and {len(places) - limit} more" if len(places) > limit else "")
    return [f"credentials written to the collection as they are in the source ({shown}); consider {{{{env:NAME}}}}"]
