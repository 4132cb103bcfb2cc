"""The observe phase's first step: what kinds can read through GraphQL, many repositories a query.

Over REST a repository's labels and its `.github/workflows` listing are a request each; through
GraphQL a hundred repositories' are one query costing one point. Kinds that can be observed
that way say so (`kinds.base.GraphQLObservation`). `Prefetch` reads their parts for the
repositories that use them, in planning order, a batch at a time (`graphql_fetch`), on
threads of their own that stay a few batches ahead of the planner's workers: while they read the
REST-only kinds of one batch, the next batches' queries are under way.

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
# GraphQL queries at once. One query for 100 repositories takes GitHub a second or two, about as
# long as the REST reads the planner makes for them; with one in flight the planner waits on
# GraphQL, with three it never does. Far below GitHub's 100 concurrent requests, and each costs
# one of GraphQL's 2,000 points a minute.
IN_FLIGHT = 3


def graphql_wanted(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves GraphQL observation on (it is on unless turned off)."""
    return environ.get(GRAPHQL_VARIABLE, "").strip().lower() not in _OFF


class Prefetch:
    """GraphQL parts for the repositories of one plan. Use it as a context manager: leaving
    it stops its threads, however the plan ended."""

    def __init__(
        self,
        reader: GitHubReader,
        repositories: Sequence[GraphQLKinds],
        *,
        enabled: bool,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self._queue = [r for r in repositories if r.observations] if enabled else []
        self._position: dict[str, int] = {}
        for index, kinds in enumerate(self._queue):
            self._position.setdefault(fold(kinds.repository), index)
        self._fetcher = Fetcher(reader)
        self._in_flight = max(1, in_flight)
        self._changed = threading.Condition()
        self._wanted = -1  # the furthest repository (queue index) a worker has asked for
        self._next = 0  # the first repository no batch has taken yet
        self._starts: list[int] = []  # where each batch taken so far starts, in order
        self._running = 0  # batches being fetched now
        # Folded repository → its parts, once its batch is over: empty when GraphQL could not
        # read it whole (left to REST). Being here is what makes a repository settled.
        self._parts: dict[str, dict[str, Any]] = {}
        self._failure: BaseException | None = None
        self._stopped = False
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        for thread in self._threads:
            thread.join()

    def parts(self, repository: str) -> Mapping[str, Any]:
        """Kind name → its part, for the kinds GraphQL answered for this repository; the others
        (all of them, when GraphQL is off or failed for it) observe over REST."""
        key = fold(repository)
        index = self._position.get(key)
        if index is None:
            return {}
        with self._changed:
            self._wanted = max(self._wanted, index)
            if not self._threads:
                for number in range(self._in_flight):
                    thread = threading.Thread(target=self._run, name=f"observe-graphql-{number}", daemon=True)
                    self._threads.append(thread)
                    thread.start()
            self._changed.notify_all()
            while key not in self._parts and self._failure is None:
                self._changed.wait()
            if self._failure is not None:
                raise self._failure
            return self._parts[key]

    def _run(self) -> None:
        try:
            while (members := self._next_batch()) is not None:
                try:
                    self._fetcher.fetch(members)
                finally:
                    self._settle(members)
        except BaseException as exc:  # a bug: the workers waiting for it raise it, not hang
            with self._changed:
                self._failure = exc
                self._changed.notify_all()

    def _settle(self, members: list[Member]) -> None:
        with self._changed:
            self._running -= 1
            for member in members:
                self._parts[fold(member.kinds.repository)] = member.parts if member.complete else {}
            self._changed.notify_all()

    def _next_batch(self) -> list[Member] | None:
        """The next batch once this thread may start it (`_may_start`); None when there is
        none, or the plan is over."""
        with self._changed:
            while not self._stopped and self._next < len(self._queue) and not self._may_start():
                self._changed.wait()
            if self._stopped or self._next >= len(self._queue):
                return None
            # Sized by what the queries before it cost; everything at once once GraphQL is off.
            size = self._fetcher.size.current if self._fetcher.on else len(self._queue)
            first = self._next
            self._next = min(len(self._queue), first + size)
            self._starts.append(first)
            self._running += 1
            return [Member(kinds) for kinds in self._queue[first : self._next]]

    def _may_start(self) -> bool:
        """Until a query has been answered, one at a time: the first tells whether GraphQL works
        here and what a batch costs. Then up to `in_flight` at once, and no more batches ahead
        of the furthest repository a worker has reached than that: the parts read wait in
        memory for the planner, which on 10,000 repositories is not free."""
        if not self._fetcher.answered:
            return self._running == 0 and (not self._starts or self._wanted >= self._starts[-1])
        ahead = sum(1 for start in self._starts[-self._in_flight :] if start > self._wanted)
        return self._running < self._in_flight and ahead < self._in_flight
