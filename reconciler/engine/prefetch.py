"""The observe phase's first step: what kinds can read through GraphQL, many repositories a query.

Over REST a repository's labels and its `.github/workflows` listing are a request each; through
GraphQL a hundred repositories' are one query costing one point. Kinds that can be observed
that way say so (`kinds.base.GraphQLObservation`). `Prefetch` reads their parts for the
repositories that use them, in planning order, a batch at a time (`graphql_fetch`), on a
thread of its own that stays one batch ahead of the planner's workers: while they read the
REST-only kinds of one batch, the next batch's query is under way.

Batches start small and grow while a query costs GitHub one point, shrinking when one costs
more or fails; at most 100 repositories, so a query stays far inside GitHub's 500,000 nodes
(100 labels each: 10,000) and its 10 s timeout. Connections past one page (labels beyond 100)
are read by follow-up queries, batched the same way.

Whatever GraphQL cannot answer is read over REST, so errors surface exactly as without it: a
repository whose field is null or blamed by an error, a batch whose whole query fails. A 404
for the first query (a GitHub Enterprise Server without GraphQL), a rejected token, a spent
GraphQL budget or three failed queries in a row turn GraphQL off for the rest of the plan.
`RECONCILER_GRAPHQL=0` turns it off.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from reconciler.engine.graphql_fetch import Fetcher, GraphQLKinds, Member
from reconciler.github.port import GitHubReader
from reconciler.names import fold

GRAPHQL_VARIABLE = "RECONCILER_GRAPHQL"
_OFF = frozenset({"0", "false", "no", "off"})


def graphql_wanted(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves GraphQL observation on (it is on unless turned off)."""
    return environ.get(GRAPHQL_VARIABLE, "").strip().lower() not in _OFF


class Prefetch:
    """GraphQL parts for the repositories of one plan. Use it as a context manager: leaving
    it stops its thread, however the plan ended."""

    def __init__(self, reader: GitHubReader, repositories: Sequence[GraphQLKinds], *, enabled: bool) -> None:
        self._queue = [r for r in repositories if r.observations] if enabled else []
        self._position: dict[str, int] = {}
        for index, kinds in enumerate(self._queue):
            self._position.setdefault(fold(kinds.repository), index)
        self._fetcher = Fetcher(reader)
        self._changed = threading.Condition()
        self._wanted = -1  # the furthest repository (queue index) a worker has asked for
        self._settled = 0  # repositories before this index are fetched, or left to REST
        self._latest = 0  # where the batch fetched last starts
        self._parts: dict[str, dict[str, Any]] = {}
        self._failure: BaseException | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join()

    def parts(self, repository: str) -> Mapping[str, Any]:
        """Kind name → its part, for the kinds GraphQL answered for this repository; the others
        (all of them, when GraphQL is off or failed for it) observe over REST."""
        key = fold(repository)
        index = self._position.get(key)
        if index is None:
            return {}
        with self._changed:
            self._wanted = max(self._wanted, index)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="observe-graphql", daemon=True)
                self._thread.start()
            self._changed.notify_all()
            while self._settled <= index and self._failure is None:
                self._changed.wait()
            if self._failure is not None:
                raise self._failure
            return self._parts.get(key, {})

    def _run(self) -> None:
        try:
            while (members := self._next_batch()) is not None:
                self._fetcher.fetch(members)
                with self._changed:
                    for member in members:
                        if member.complete:
                            self._parts[fold(member.kinds.repository)] = member.parts
                    self._settled += len(members)
                    self._changed.notify_all()
        except BaseException as exc:  # a bug: the workers waiting for it raise it, not hang
            with self._changed:
                self._failure = exc
                self._changed.notify_all()

    def _next_batch(self) -> list[Member] | None:
        """The next batch once a worker has reached the one fetched last (so it stays one
        batch ahead); None when there is none, or the plan is over."""
        with self._changed:
            while not self._stopped and self._settled < len(self._queue) and self._wanted < self._latest:
                self._changed.wait()
            if self._stopped or self._settled >= len(self._queue):
                return None
            # Sized by what the queries before it cost; everything at once once GraphQL is off.
            size = self._fetcher.size.current if self._fetcher.on else len(self._queue)
            self._latest = self._settled
            return [Member(kinds) for kinds in self._queue[self._settled : self._settled + size]]
