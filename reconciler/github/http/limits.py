"""GitHub's limits as one configurable value, the retry policy, and the least time they allow.

GitHub says its secondary limits "may change without notice", so they are configuration, not
constants: `Limits.github()` holds today's documented values, `Limits.none()` suits a GitHub
Enterprise Server without rate limiting, and `scaled(factor)` multiplies every rate (a benchmark
runs at ten times the rates so it stays short while the ratios between limits hold).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

MINUTE = 60.0
HOUR = 3600.0


@dataclass(frozen=True)
class Limits:
    """Every rate the scheduler keeps to, per credential. None: no such limit."""

    # Secondary limits: points per minute, REST and GraphQL counted apart.
    rest_points_per_minute: float | None = 900.0
    graphql_points_per_minute: float | None = 2000.0
    read_points: int = 1  # GET/HEAD
    write_points: int = 5  # POST/PATCH/PUT/DELETE
    query_points: int = 1  # GraphQL query
    mutation_points: int = 5  # GraphQL mutation
    # Content-creating requests (issues, comments, pull requests...).
    creates_per_minute: float | None = 80.0
    creates_per_hour: float | None = 500.0
    # Requests in flight at once: GitHub allows 100; well under it leaves room for others.
    concurrency: int = 16
    # "Make requests serially instead of concurrently... wait at least one second between
    # each" for mutative requests: writes one at a time, this far apart.
    write_interval: float = 1.0
    serial_writes: bool = True
    # Hold requests back when x-ratelimit-remaining says the hour's budget is spent.
    primary_budget: bool = True
    # Seconds a request stays in the client's windows beyond their span. The client's window
    # starts when it sends, GitHub's when the request arrives, a moment later and by a varying
    # amount: without this, a request sent as an old one leaves the client's window can reach
    # GitHub while the old one is still in GitHub's, and be refused at full pace.
    window_margin: float = 1.0

    @classmethod
    def github(cls) -> Limits:
        return cls()

    @classmethod
    def none(cls, concurrency: int = 16) -> Limits:
        """A GitHub Enterprise Server with rate limiting off (or the sandbox): only the
        concurrency cap remains."""
        return cls(
            rest_points_per_minute=None,
            graphql_points_per_minute=None,
            creates_per_minute=None,
            creates_per_hour=None,
            concurrency=concurrency,
            write_interval=0.0,
            serial_writes=False,
            primary_budget=False,
            window_margin=0.0,
        )

    def scaled(self, factor: float) -> Limits:
        """Every rate multiplied by `factor` (and the write interval divided by it)."""
        if factor <= 0:
            raise ValueError(f"the scale factor must be positive, got {factor}")

        def rate(value: float | None) -> float | None:
            return None if value is None else value * factor

        return replace(
            self,
            rest_points_per_minute=rate(self.rest_points_per_minute),
            graphql_points_per_minute=rate(self.graphql_points_per_minute),
            creates_per_minute=rate(self.creates_per_minute),
            creates_per_hour=rate(self.creates_per_hour),
            write_interval=self.write_interval / factor,
        )


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed request is worth repeating, and how long a run may wait for it."""

    attempts: int = 5
    # Attempts when no connection could be made at all (refused, a name that does not resolve,
    # no connection within the connect timeout): a server that is not there seldom appears
    # within seconds, and a person who mistyped --github-url should hear so at once rather than
    # after a quarter of a minute of backoff. None: as many as `attempts`.
    connect_attempts: int | None = None
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    # GitHub: after a secondary limit without retry-after, wait at least a minute, then
    # back off exponentially while it persists.
    secondary_wait: float = 60.0
    # A wait GitHub imposes (a spent budget, a secondary limit) longer than this is an error
    # that says how long and why, instead of a run that silently blocks for an hour.
    max_wait: float = 900.0

    def gives_up(self, attempt: int, *, connected: bool) -> bool:
        """Whether `attempt` was the last one for a failure of this sort."""
        limit = self.attempts if connected or self.connect_attempts is None else self.connect_attempts
        return attempt >= min(limit, self.attempts)

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))

    def secondary_backoff(self, consecutive_hits: int) -> float:
        return float(self.secondary_wait * 2 ** max(0, consecutive_hits - 1))


def least_time(
    limits: Limits,
    *,
    reads: int = 0,
    writes: int = 0,
    creates: int = 0,
    graphql_queries: int = 0,
    graphql_mutations: int = 0,
) -> float:
    """The least seconds `limits` allow for this many requests, however fast GitHub answers.

    `writes` counts every REST write, `creates` those of them that create content (so
    creates <= writes). Each limit is a sliding window: its first window's worth goes at
    once, each further window's worth a window later. So 31,000 creates at 500 an hour take
    at least 61 h (the 62nd batch of 500 starts 61 h after the first), and writes one second
    apart add (writes - 1) seconds. The answer is the largest of these bounds; the primary
    budget (unknown before the run: 304s are free) is not included.
    """
    if min(reads, writes, creates, graphql_queries, graphql_mutations) < 0:
        raise ValueError("request counts cannot be negative")
    if creates > writes:
        raise ValueError(f"creates ({creates}) are writes too, so they cannot outnumber writes ({writes})")
    rest_points = reads * limits.read_points + writes * limits.write_points
    graphql_points = graphql_queries * limits.query_points + graphql_mutations * limits.mutation_points
    bounds = [
        _window_bound(rest_points, limits.rest_points_per_minute, MINUTE),
        _window_bound(graphql_points, limits.graphql_points_per_minute, MINUTE),
        _window_bound(creates, limits.creates_per_minute, MINUTE),
        _window_bound(creates, limits.creates_per_hour, HOUR),
    ]
    serial = writes + graphql_mutations
    if serial > 1 and limits.write_interval > 0:
        bounds.append((serial - 1) * limits.write_interval)
    return max(bounds)


def _window_bound(amount: int, per_window: float | None, window: float) -> float:
    if per_window is None or amount <= 0:
        return 0.0
    return max(0, math.ceil(amount / per_window) - 1) * window
