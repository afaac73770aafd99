"""History filters: a `Query` dataclass, and the one-line filter syntax of the History screen.

    parse_filter("login status:4xx name:'get user' collection:api.toml") -> Query

Words `name:`, `status:` (2xx, 4xx, 404, error), `collection:` (a path, matched by its end) set
fields; every other word is text matched (case-insensitively) in the URL and the request name.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

__all__ = ["STATUS_CLASSES", "Query", "parse_filter"]

STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx", "error")
_STATUS = re.compile(r"^(?:[1-5]xx|error|\d{3})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""  # in URL or name, case-insensitive
    name: str | None = None  # exact request name
    status: str | None = None  # "2xx".."5xx", "error", or an exact code like "404"
    collection: str | None = None  # exact path, or a path suffix ("api.toml")

    def __post_init__(self) -> None:
        if self.status is not None and not _STATUS.match(self.status):
            raise ValueError(f"status filter {self.status!r}: use 1xx..5xx, error or a code like 404")

    @property
    def empty(self) -> bool:
        return not self.text and self.name is None and self.status is None and self.collection is None

    def matches_collection(self, collection: str) -> bool:
        """Does a stored collection path match the `collection` filter (exact, or by its end)?"""
        wanted = self.collection
        return wanted is not None and (collection == wanted or (not wanted.startswith("/") and collection.endswith("/" + wanted)))

    def where(self, collections: list[str] | None = None) -> tuple[str, list[object]]:
        """An SQL condition on `entries` (no leading WHERE; "1" when nothing is filtered).
        `collections`: the stored paths the collection filter matches, when the caller looked
        them up (an indexed IN instead of a LIKE scan)."""
        clauses: list[str] = []
        args: list[object] = []
        if self.name is not None:
            clauses.append("name = ?")
            args.append(self.name)
        if self.collection is not None and collections is not None:
            clauses.append(f"collection IN ({', '.join('?' * len(collections))})" if collections else "0")
            args.extend(collections)
        elif self.collection is not None:
            if self.collection.startswith("/"):
                clauses.append("collection = ?")
                args.append(self.collection)
            else:
                clauses.append("(collection = ? OR collection LIKE ? ESCAPE '\\')")
                args.extend([self.collection, "%/" + _like_escape(self.collection)])
        if self.status is not None:
            status = self.status.lower()
            if status == "error":
                clauses.append("status_class = 0")
            elif status.endswith("xx"):
                clauses.append("status_class = ?")
                args.append(int(status[0]))
            else:
                clauses.append("status_class = ? AND status = ?")
                args.extend([int(status) // 100, int(status)])
        for word in self.text.split():
            pattern = "%" + _like_escape(word) + "%"
            clauses.append("(url LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')")
            args.extend([pattern, pattern])
        return (" AND ".join(clauses) or "1"), args


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_filter(line: str) -> Query:
    """The History screen's filter line as a `Query`; `ValueError` with a message on bad input."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise ValueError(f"filter: {error}") from error
    text: list[str] = []
    fields: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition(":")
        if sep and key.lower() in ("name", "status", "collection") and value:
            fields[key.lower()] = value
        else:
            text.append(word)
    return Query(text=" ".join(text), name=fields.get("name"), status=fields.get("status"), collection=fields.get("collection"))
