"""Bad input to the Postman, Insomnia and OpenAPI importers is an `ImportFailed` (or a warning),
never another exception: every node of each fixture replaced by values of the wrong type."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui.core.collection import store
from tui.core.errors import ImportFailed
from tui.core.formats.importers import import_text

DATA = Path(__file__).resolve().parent / "data" / "import"
FIXTURES = [
    ("postman", "shop.postman_collection.json"),
    ("postman", "shop.postman_environment.json"),
    ("insomnia", "insomnia_export.json"),
    ("openapi", "petstore.openapi.yaml"),
    ("openapi", "warehouse.swagger.yaml"),
]
WRONG: tuple[Any, ...] = (None, 7, "x", [], {}, True, [1], {"a": 1})


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


@pytest.mark.parametrize(("fmt", "name"), FIXTURES)
def test_wrong_types_anywhere_fail_cleanly(fmt: str, name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    doc = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    paths = list(_paths(doc))
    # 250 paths (seeded: the same each run), each with one wrong value; the fuzz this was
    # written from went through every path with every value.
    chooser = random.Random(9)
    for path in chooser.sample(paths, min(len(paths), 250)):
        value = chooser.choice(WRONG)
        mutated = json.dumps(_replaced(doc, path, value), default=str)
        try:
            result = import_text(mutated, fmt=fmt, source=name)
        except ImportFailed as error:
            assert str(error).startswith(name), str(error)
            continue
        store.loads(store.dumps(result.collection))  # whatever comes in can be saved and read back
