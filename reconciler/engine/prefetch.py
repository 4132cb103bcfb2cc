"""The observe phase's first step: what kinds can read through GraphQL, many repositories a query.

Over REST a repository's labels and its `.github/workflows` listing are a request each; through
GraphQL a hundred repositories' are one query costing one point. Kinds that can be observed
that way say so (`kinds.base.GraphQLObservation`); this module batches the repositories that
use them, in planning order, as the planner's workers reach them: the first worker to need a
batch sends its queries while the others carry on with REST reads of batches already fetched.

Batches start small and grow while a query costs GitHub one point, shrinking when one costs
more than `TARGET_POINTS` or fails; at most `MAX_BATCH` repositories, so a query stays far
inside GitHub's 500,000 nodes (100 labels each: 10,000) and its 10 s timeout. Connections past
one page (labels beyond 100) are read by follow-up queries, batched the same way.

Whatever GraphQL cannot answer is read over REST, so errors surface exactly as without it: a
repository whose field is null or blamed by an error, a batch whose whole query fails. A 404
for the first query (a GitHub Enterprise Server without GraphQL), a rejected token or a spent
GraphQL budget turn GraphQL off for the rest of the plan. `RECONCILER_GRAPHQL=0` turns it off.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.engine.graphql_batch import Ask, BatchAnswer, query_document, split_answer
from reconciler.errors import RUN_ENDING_ERRORS, GitHubError, NotFoundError, ReconcilerError
from reconciler.github.port import Call, GitHubReader
from reconciler.kinds.base import AnyGraphQLObservation
from reconciler.names import fold

GRAPHQL_VARIABLE = "RECONCILER_GRAPHQL"
FIRST_BATCH = 25
MAX_BATCH = 100
TARGET_POINTS = 2
# Pages one repository's kinds may take (as a REST listing may): 100,000 labels at 100 a page.
MAX_PAGES = 1000
_OFF = frozenset({"0", "false", "no", "off"})


def graphql_wanted(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves GraphQL observation on (it is on unless turned off)."""
    return environ.get(GRAPHQL_VARIABLE, "").strip().lower() not in _OFF


@dataclass(frozen=True)
class GraphQLKinds:
    """The kinds one repository is planned for that GraphQL can observe, by kind name."""

    repository: str
    observations: Mapping[str, AnyGraphQLObservation]


class BatchSize:
    """How many repositories the next query asks about, learnt from what queries cost."""

    def __init__(self) -> None:
        self.current = FIRST_BATCH

    def cost(self, asked: int, points: int | None) -> None:
        if points is None:
            return
        if points > TARGET_POINTS:
            self.current = max(1, asked * TARGET_POINTS // points)
        elif points <= 1 and asked >= self.current:
            self.current = min(MAX_BATCH, self.current * 2)

    def failed(self) -> None:
        # A query that failed whole may have been too big to finish in time.
        self.current = max(1, self.current // 2)


@dataclass
class _Member:
    """One repository of a batch: the parts read so far and the selections still to send."""

    kinds: GraphQLKinds
    parts: dict[str, Any] = field(default_factory=dict)
    pending: dict[str, str] = field(init=False)
    sent: set[str] = field(default_factory=set)
    failed: bool = False

    def __post_init__(self) -> None:
        self.pending = {name: observation.selection for name, observation in self.kinds.observations.items()}

    def take(self, answer: Mapping[str, Any] | None) -> None:
        """Read this repository's answer to the selections just sent."""
        if answer is None:
            self.failed = True
            return
        asked, self.pending = self.pending, {}
        self.sent.update(asked.values())
        for name in asked:
            try:
                page = self.kinds.observations[name].read(answer, self.parts.get(name))
            except ReconcilerError:
                self.failed = True
                return
            self.parts[name] = page.part
            if page.more is not None:
                self.pending[name] = page.more
        # A next page already read (a cursor that cycles), or pages without end: REST reads it,
        # and says what is wrong with the listing if anything is.
        if any(more in self.sent for more in self.pending.values()) or len(self.sent) > MAX_PAGES:
            self.failed = True

    @property
    def complete(self) -> bool:
        return not self.failed and not self.pending


@dataclass
class _Batch:
    members: list[_Member]
    lock: threading.Lock = field(default_factory=threading.Lock)
    fetched: bool = False


class Prefetch:
    """GraphQL parts for the repositories of one plan, fetched a batch at a time on demand."""

    def __init__(self, reader: GitHubReader, repositories: Sequence[GraphQLKinds], *, enabled: bool) -> None:
        self._reader = reader
        self._queue = [r for r in repositories if r.observations] if enabled else []
        self._formed = 0
        self._batches: dict[str, _Batch] = {}
        self._lock = threading.Lock()
        self._on = enabled
        self._size = BatchSize()

    def parts(self, repository: str) -> Mapping[str, Any]:
        """Kind name → its part, for the kinds GraphQL answered for this repository; the others
        (all of them, when GraphQL is off or failed for it) observe over REST."""
        batch = self._batch_of(fold(repository))
        if batch is None:
            return {}
        with batch.lock:
            if not batch.fetched:
                self._fetch(batch.members)
                batch.fetched = True
        member = next(m for m in batch.members if fold(m.kinds.repository) == fold(repository))
        return dict(member.parts) if member.complete else {}

    def _batch_of(self, key: str) -> _Batch | None:
        with self._lock:
            while key not in self._batches and self._formed < len(self._queue) and self._on:
                end = self._formed + self._size.current
                batch = _Batch([_Member(kinds) for kinds in self._queue[self._formed : end]])
                self._formed = min(end, len(self._queue))
                for member in batch.members:
                    self._batches.setdefault(fold(member.kinds.repository), batch)
            return self._batches.get(key)

    def _fetch(self, members: list[_Member]) -> None:
        """Ask until every member is complete or has failed (then it is read over REST)."""
        while True:
            todo = [m for m in members if not m.failed and m.pending]
            if not todo:
                return
            with self._lock:
                on, size = self._on, self._size.current
            if not on:
                for member in todo:
                    member.failed = True
                return
            chunk = todo[:size]
            answer = self._ask(chunk)
            for member, repository in zip(chunk, answer.repositories if answer else [None] * len(chunk), strict=True):
                member.take(repository)

    def _ask(self, chunk: list[_Member]) -> BatchAnswer | None:
        asks = [Ask(m.kinds.repository, " ".join(m.pending.values())) for m in chunk]
        call = Call(f"read {len(asks)} repositor{'y' if len(asks) == 1 else 'ies'} through GraphQL")
        try:
            reply = self._reader.graphql(query_document(asks), {}, call)
        except GitHubError as exc:
            self._failed(exc)
            return None
        answer = split_answer(reply, len(asks))
        with self._lock:
            self._size.cost(len(asks), answer.cost)
            if answer.remaining is not None and answer.remaining < TARGET_POINTS:
                # Leave the last points of the hour to whatever else uses this token.
                self._on = False
        return answer

    def _failed(self, exc: GitHubError) -> None:
        with self._lock:
            if _no_graphql(exc) or isinstance(exc, RUN_ENDING_ERRORS):
                self._on = False
            else:
                self._size.failed()


def _no_graphql(exc: GitHubError) -> bool:
    """A 404 for the endpoint itself: this GitHub serves no GraphQL. (GraphQL's own NOT_FOUND,
    for a whole query about absent repositories, comes with HTTP 200.)"""
    return isinstance(exc, NotFoundError) and exc.status == 404
