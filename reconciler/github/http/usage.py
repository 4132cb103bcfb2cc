"""What a run spent and waited, for the line commands print at the end.

"412 requests (380 GET, 30 writes, 2 GraphQL), 37 answered 304; 530 REST points, 2 GraphQL
points; 3 content-creating; waited 12 s for the content-creation limit".

Waits are wall time: while eight requests wait for the same window, the run waits once, so
each reason's intervals are merged before they are added up.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from reconciler.github.http.scheduler import Kind


@dataclass(frozen=True)
class Usage:
    requests: int = 0
    by_kind: tuple[tuple[str, int], ...] = ()  # ("GET", 380), ("write", 30), ("GraphQL query", 2)...
    not_modified: int = 0  # 304s: free of primary budget
    rest_points: int = 0  # secondary-limit points
    graphql_points: int = 0
    graphql_cost: int = 0  # primary GraphQL cost, from rateLimit { cost } where queries asked for it
    creates: int = 0
    retries: int = 0
    waits: tuple[tuple[str, float], ...] = ()  # (reason, wall seconds), longest first
    waited_seconds: float = 0.0  # wall time any request spent waiting, whatever the reason

    def count(self, kind: Kind) -> int:
        return dict(self.by_kind).get(kind.value, 0)

    def summary(self) -> str:
        kinds = dict(self.by_kind)
        graphql = kinds.get(Kind.QUERY.value, 0) + kinds.get(Kind.MUTATION.value, 0)
        writes = kinds.get(Kind.WRITE.value, 0)
        parts = [f"{kinds.get(Kind.READ.value, 0)} GET", f"{writes} write{_s(writes)}"]
        if graphql:
            parts.append(f"{graphql} GraphQL")
        text = f"{self.requests} request{_s(self.requests)} ({', '.join(parts)})"
        if self.not_modified:
            text += f", {self.not_modified} answered 304"
        text += f"; {self.rest_points} REST point{_s(self.rest_points)}"
        if self.graphql_points or self.graphql_cost:
            cost = self.graphql_cost or self.graphql_points
            text += f", {cost} GraphQL point{_s(cost)}"
        if self.creates:
            text += f"; {self.creates} content-creating"
        if self.retries:
            text += f"; {self.retries} retr{'y' if self.retries == 1 else 'ies'}"
        if self.waits:
            text += "; waited " + ", ".join(f"{_seconds(s)} for {reason}" for reason, s in self.waits)
        return text


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _seconds(seconds: float) -> str:
    if seconds >= 120:
        minutes = seconds / 60
        return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


@dataclass
class UsageRecorder:
    """Thread-safe counters behind `Usage`."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _requests: int = 0
    _by_kind: Counter[str] = field(default_factory=Counter)
    _not_modified: int = 0
    _rest_points: int = 0
    _graphql_points: int = 0
    _graphql_cost: int = 0
    _creates: int = 0
    _retries: int = 0
    _waits: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def sent(self, kind: Kind, points: int, *, creates: bool) -> None:
        with self._lock:
            self._requests += 1
            self._by_kind[kind.value] += 1
            if kind.resource == "graphql":
                self._graphql_points += points
            else:
                self._rest_points += points
            self._creates += int(creates)

    def not_modified(self) -> None:
        with self._lock:
            self._not_modified += 1

    def retried(self) -> None:
        with self._lock:
            self._retries += 1

    def graphql_cost(self, cost: int) -> None:
        with self._lock:
            self._graphql_cost += cost

    def waited(self, reason: str, start: float, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._waits.setdefault(reason, []).append((start, start + seconds))

    def snapshot(self) -> Usage:
        with self._lock:
            waits = sorted(((r, _union(i)) for r, i in self._waits.items()), key=lambda w: -w[1])
            everything = [interval for intervals in self._waits.values() for interval in intervals]
            return Usage(
                requests=self._requests,
                by_kind=tuple(sorted(self._by_kind.items())),
                not_modified=self._not_modified,
                rest_points=self._rest_points,
                graphql_points=self._graphql_points,
                graphql_cost=self._graphql_cost,
                creates=self._creates,
                retries=self._retries,
                waits=tuple(waits),
                waited_seconds=_union(everything),
            )


def _union(intervals: list[tuple[float, float]]) -> float:
    total = 0.0
    end = float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total
