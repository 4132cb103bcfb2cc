"""Asking GraphQL about a batch of repositories until each is read whole or left to REST.

`Fetcher` sends the queries of one batch after another (the first selections, then follow-up
pages), learns from what each cost how many repositories the next may ask about, and decides
when GraphQL is not worth asking again in this plan. A repository it could not read whole is
simply not `complete`: the planner reads it over REST.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.engine.graphql_batch import Ask, BatchAnswer, batch_query, split_answer
from reconciler.errors import RUN_ENDING_ERRORS, GitHubError, NotFoundError, ReconcilerError
from reconciler.github.port import Call, GitHubReader
from reconciler.kinds.base import AnyGraphQLObservation

FIRST_BATCH = 25
MAX_BATCH = 100
TARGET_POINTS = 2
# Pages one repository's kinds may take (as a REST listing may): 100,000 labels at 100 a page.
MAX_PAGES = 1000
# Whole queries failing one after another: this GitHub's GraphQL is not working today.
MAX_FAILURES = 3
# Points left in GraphQL's hour below which the plan asks no more: enough for the queries other
# threads may have in flight (prefetch.IN_FLIGHT, each costing TARGET_POINTS at most).
RESERVED_POINTS = 3 * TARGET_POINTS


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
class Member:
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


class Fetcher:
    """The queries of a plan (several threads may send them); whether GraphQL is still worth
    asking."""

    def __init__(self, reader: GitHubReader) -> None:
        self._reader = reader
        self._lock = threading.Lock()  # what the answers teach: size, failures, on, answered
        self._failures = 0
        self.on = True
        self.answered = False  # a query has been answered: GraphQL works here
        self.size = BatchSize()

    def fetch(self, members: list[Member]) -> None:
        """Ask until every member is complete or has failed (then it is read over REST)."""
        while True:
            todo = [m for m in members if not m.failed and m.pending]
            if not todo:
                return
            if not self.on:
                for member in todo:
                    member.failed = True
                return
            chunk = todo[: self.size.current]
            answer = self._ask(chunk)
            for member, repository in zip(chunk, answer.repositories if answer else [None] * len(chunk), strict=True):
                member.take(repository)

    def _ask(self, chunk: list[Member]) -> BatchAnswer | None:
        asks = [Ask(m.kinds.repository, " ".join(m.pending.values())) for m in chunk]
        call = Call(f"read {len(asks)} repositor{'y' if len(asks) == 1 else 'ies'} through GraphQL")
        try:
            query = batch_query(asks)
            reply = self._reader.graphql(query.document, query.variables, call)
        except GitHubError as exc:
            self._failed(exc)
            return None
        answer = split_answer(reply, len(asks))
        with self._lock:
            self._failures = 0
            self.answered = True
            self.size.cost(len(asks), answer.cost)
            if answer.remaining is not None and answer.remaining < RESERVED_POINTS:
                # Leave the last points of the hour to whatever else uses this token.
                self.on = False
        return answer

    def _failed(self, exc: GitHubError) -> None:
        with self._lock:
            self._failures += 1
            if _no_graphql(exc) or isinstance(exc, RUN_ENDING_ERRORS) or self._failures >= MAX_FAILURES:
                self.on = False
            else:
                self.size.failed()


def _no_graphql(exc: GitHubError) -> bool:
    """A 404 for the endpoint itself: this GitHub serves no GraphQL. (GraphQL's own NOT_FOUND,
    for a whole query about absent repositories, comes with HTTP 200.)"""
    return isinstance(exc, NotFoundError) and exc.status == 404
