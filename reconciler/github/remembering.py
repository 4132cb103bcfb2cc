"""A read-only port that remembers what it read, for commands that read the same things more
than once in one run: import (read, then plan what it read), verify (plan, then judge the
workflow bodies the plan fetched) and `plan --changed-only` (resolve the desired state at two
revisions against one organisation listing).

`get`, `get_raw` and `get_all` answers are remembered by path and query, so a second caller
sees exactly what the first one saw, a 404 included (GitHub's stable answer that something is
absent). A call marked `fresh` (a poll, a re-read after a write) always reaches GitHub, and so
does GraphQL. Failures other than a 404 are not remembered: the next caller tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from reconciler.errors import NotFoundError
from reconciler.github.port import Call, Clock, GitHubReader, GraphQLReply, Query, Reply
from reconciler.names import fold

T = TypeVar("T")
Key = tuple[str, ...]


def _path_key(path: str) -> str:
    """The path with its account and repository names case-folded, as GitHub matches them
    (`/repos/Octo/Widgets` is `/repos/octo/widgets`); the rest (file paths) as it is."""
    parts = path.split("/")
    named = {"repos": 2, "orgs": 1, "users": 1}.get(parts[1] if len(parts) > 1 else "", 0)
    return "/".join(fold(p) if 2 <= i < 2 + named else p for i, p in enumerate(parts))


def _query_key(query: Query | None) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted((query or {}).items()))


class Remembering:
    """Each read once per run; a second caller sees exactly what the first one saw."""

    def __init__(self, inner: GitHubReader) -> None:
        self._inner = inner
        self._memo: dict[Key, object] = {}
        self._lock = threading.Lock()

    @property
    def api_url(self) -> str:
        return self._inner.api_url

    @property
    def concurrency(self) -> int:
        return self._inner.concurrency

    @property
    def clock(self) -> Clock:
        return self._inner.clock

    @property
    def poll_interval(self) -> float:
        return self._inner.poll_interval

    def remember(self, path: str, reply: Reply, *, query: Query | None = None) -> None:
        """Answer a later `get` of `path` with `reply`: for what another read already returned
        (a repository object in its organisation's listing is the one `GET /repos/o/r` returns)."""
        with self._lock:
            self._memo.setdefault(("get", _path_key(path), _query_key(query)), reply)

    def get(self, path: str, call: Call, *, query: Query | None = None) -> Reply:
        key = ("get", _path_key(path), _query_key(query))
        return self._once(key, call, lambda: self._inner.get(path, call, query=query))

    def get_raw(self, path: str, call: Call, *, query: Query | None = None) -> bytes:
        key = ("raw", _path_key(path), _query_key(query))
        return self._once(key, call, lambda: self._inner.get_raw(path, call, query=query))

    def get_all(
        self, path: str, call: Call, *, query: Query | None = None, list_key: str | None = None, per_page: int = 100
    ) -> list[Any]:
        key = ("all", _path_key(path), _query_key(query), list_key or "", str(per_page))
        found = self._once(
            key, call, lambda: self._inner.get_all(path, call, query=query, list_key=list_key, per_page=per_page)
        )
        # A copy: a caller that sorts or extends its list must not change what the next one sees.
        return list(found)

    def graphql(self, document: str, variables: Mapping[str, Any], call: Call) -> GraphQLReply:
        return self._inner.graphql(document, variables, call)

    def _once(self, key: Key, call: Call, read: Callable[[], T]) -> T:
        if not call.fresh:
            with self._lock:
                found = self._memo.get(key, _MISSING)
            if found is not _MISSING:
                if isinstance(found, NotFoundError):
                    raise found
                return cast(T, found)
        try:
            value = read()
        except NotFoundError as exc:
            with self._lock:
                self._memo[key] = exc
            raise
        with self._lock:
            self._memo[key] = value
        return value


_MISSING = object()
