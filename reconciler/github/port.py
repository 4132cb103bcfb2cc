"""The GitHub port: what planning and applying may ask of GitHub, whatever carries it.

The port is generic: a path, what the call is for, and GitHub's JSON back. Kinds make their
own REST (and GraphQL) calls through it, and operations several places share live in small
modules beside this one (`repositories`, `account`, `issues`, `git_data`). Planning receives a
`GitHubReader`, which has no way to write: dry-run is a property of the object the planner
holds, not of a flag somebody must remember. Only the applier receives a `GitHubWriter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Query = Mapping[str, str | int | bool]
WriteMethod = Literal["POST", "PATCH", "PUT", "DELETE"]


@dataclass(frozen=True)
class Call:
    """What a request is for: named in errors, logs and progress ("list labels" in "o/r")."""

    operation: str
    repository: str = ""  # owner/name, an organisation login, or "" for account-wide calls
    # Always ask GitHub, even through a reader that remembers what it read: for polls (a
    # workflow appearing) and for re-reads that must see what a write just did.
    fresh: bool = False


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: Any  # decoded JSON; None when the body is empty (204, 304 served from cache is the cached body)


@dataclass(frozen=True)
class GraphQLReply:
    data: Mapping[str, Any] | None
    errors: tuple[Mapping[str, Any], ...]  # GitHub answers partial data with errors (e.g. NOT_FOUND for one alias)
    cost: int | None  # from rateLimit { cost } when the query asked for it


class Clock(Protocol):
    def now(self) -> float: ...  # seconds since the epoch (GitHub's reset times are epochs)

    def sleep(self, seconds: float) -> None: ...


class GitHubReader(Protocol):
    @property
    def api_url(self) -> str: ...  # the REST API root every path is relative to (e.g. https://api.github.com)

    @property
    def concurrency(self) -> int: ...  # how many requests callers may have in flight at once (planner thread-pool size)

    @property
    def clock(self) -> Clock: ...  # the session's: polls wait on it, so tests inject one that never sleeps

    @property
    def poll_interval(self) -> float: ...  # the first wait between polls: about a second on GitHub

    def get(self, path: str, call: Call, *, query: Query | None = None) -> Reply: ...

    def get_raw(
        self, path: str, call: Call, *, query: Query | None = None
    ) -> bytes: ...  # Accept: application/vnd.github.raw (file bodies)

    def get_all(
        self, path: str, call: Call, *, query: Query | None = None, list_key: str | None = None, per_page: int = 100
    ) -> list[Any]: ...  # follows Link rel="next"; list_key for {"total_count":..,"workflows":[..]} shapes

    def graphql(
        self, document: str, variables: Mapping[str, Any], call: Call
    ) -> GraphQLReply: ...  # queries only: a mutation through a reader is refused (planning must not write)


class GitHubWriter(GitHubReader, Protocol):
    def send(
        self,
        method: WriteMethod,
        path: str,
        call: Call,
        *,
        body: Mapping[str, Any] | None = None,
        idempotent: bool = True,
        creates: bool = False,
    ) -> Reply: ...

    # idempotent=False: never retried after a 5xx/network error (it may have landed: issues, comments, PRs);
    # creates=True: a content-creating request (counts against GitHub's 80/minute and 500/hour).
