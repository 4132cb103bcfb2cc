"""What the sandbox saw: per-request records for observers, and counters for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exchange:
    """One request and the response it got, as observers see it."""

    method: str
    path: str  # without the query string, still percent-encoded as sent
    query: dict[str, list[str]]
    request_headers: dict[str, str]  # lower-case names; Authorization redacted
    request_body: bytes
    status: int
    response_headers: dict[str, str]  # lower-case names
    response_body: bytes
    route: str  # the template, e.g. /repos/{owner}/{repo}/labels/{name}


class RequestStats:
    """Thread-safe request counters. Admin (``/_sandbox/``) requests are never counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0
        self._by_route: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()
        self._by_repo: dict[str, Counter[str]] = {}
        self._graphql_queries = 0
        self._graphql_points = 0

    def record(
        self, *, method: str, route: str, status: int, repo_slug: str | None, graphql_points: int | None = None
    ) -> None:
        key = f"{method} {route}"
        with self._lock:
            if graphql_points is not None:
                self._graphql_queries += 1
                self._graphql_points += graphql_points
            self._total += 1
            self._by_route[key] += 1
            self._by_status[status] += 1
            if repo_slug is not None:
                self._by_repo.setdefault(repo_slug, Counter())[key] += 1

    def total(self) -> int:
        with self._lock:
            return self._total

    def not_modified(self) -> int:
        with self._lock:
            return self._by_status[304]

    def by_route(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_route)

    def count(self, method: str, route: str) -> int:
        """Requests served by one route, e.g. ``count("GET", "/repos/{owner}/{repo}/contents/{path}")``."""
        with self._lock:
            return self._by_route[f"{method.upper()} {route}"]

    def graphql_queries(self) -> int:
        """GraphQL requests answered with a GraphQL result (data or GraphQL errors)."""
        with self._lock:
            return self._graphql_queries

    def graphql_points(self) -> int:
        """GraphQL rate-limit points those queries were charged."""
        with self._lock:
            return self._graphql_points

    def by_status(self) -> dict[int, int]:
        with self._lock:
            return dict(self._by_status)

    def by_repo(self) -> dict[str, int]:
        with self._lock:
            return {slug: sum(counts.values()) for slug, counts in self._by_repo.items()}

    def for_repo(self, slug: str) -> dict[str, int]:
        wanted = slug.casefold()
        with self._lock:
            merged: Counter[str] = Counter()
            for key, counts in self._by_repo.items():
                if key.casefold() == wanted:
                    merged.update(counts)
            return dict(merged)

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._by_route.clear()
            self._by_status.clear()
            self._by_repo.clear()
            self._graphql_queries = 0
            self._graphql_points = 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self._total,
                "not_modified": self._by_status[304],
                "by_route": dict(self._by_route),
                "by_status": {str(k): v for k, v in self._by_status.items()},
                "by_repo": {slug: sum(c.values()) for slug, c in self._by_repo.items()},
                "by_repo_route": {slug: dict(c) for slug, c in self._by_repo.items()},
                "graphql": {"queries": self._graphql_queries, "points": self._graphql_points},
            }
