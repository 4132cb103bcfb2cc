"""One credential's requests, as fast as GitHub's limits allow and no faster.

Every request asks `Scheduler.admit` first and calls `release` with the answer's headers.
Admission waits for all of these at once:

* the concurrency cap (requests in flight), and one write at a time (GitHub's advice);
* the write interval: a write starts at least `write_interval` after the previous one;
* secondary points: sliding windows of 60 s, REST (GET 1, write 5) and GraphQL (query 1,
  mutation 5) counted apart; every window a little longer than GitHub's (`window_margin`),
  since GitHub's starts when a request arrives and ours when it is sent;
* content-creating requests: sliding windows of a minute (80) and an hour (500);
* the primary budget of the request's resource (core, graphql), from the latest
  `x-ratelimit-remaining`/`-reset`, less the requests already in flight against it;
* a hold: after GitHub answered "secondary rate limit", every request of the credential waits
  the time GitHub asked for, and the rates and concurrency are halved (down to 1/16), coming
  back one doubling per `SPEED_RECOVERY_SECONDS` without a new refusal.

Sliding windows rather than token buckets: a bucket of N refilled at N per minute admits 2N
within one minute, which trips the limit it means to keep. A window admits its whole allowance
at once and then the oldest entries' worth as they age out, which is as fast as the limit allows.
Count limits block on a condition (other threads release them); time limits sleep on the
injected clock, outside the lock, and are recomputed after each sleep.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from reconciler.github.http.clock import Clock
from reconciler.github.http.limits import HOUR, MINUTE, Limits, RetryPolicy
from reconciler.github.http.window import SlidingWindow

SLOWEST = 1 / 16
SPEED_RECOVERY_SECONDS = 300.0
# Reset times are whole epoch seconds and clocks differ a little: wait one more.
RESET_MARGIN = 1.0


class Kind(Enum):
    READ = "GET"
    WRITE = "write"
    QUERY = "GraphQL query"
    MUTATION = "GraphQL mutation"

    @property
    def writes(self) -> bool:
        return self in (Kind.WRITE, Kind.MUTATION)

    @property
    def resource(self) -> str:
        return "graphql" if self in (Kind.QUERY, Kind.MUTATION) else "core"


@dataclass(frozen=True)
class Ticket:
    """An admitted request; given back to `release`."""

    kind: Kind
    creates: bool
    points: int


class WaitTooLong(Exception):
    """GitHub's budget is spent for longer than the retry policy lets a run wait."""

    def __init__(self, reason: str, seconds: float) -> None:
        self.reason = reason
        self.seconds = seconds
        super().__init__(f"{reason}: {seconds:.0f}s")


@dataclass
class _Budget:
    remaining: int
    reset: float


WaitListener = Callable[[str, float], None]  # reason, seconds (before the sleep)


class Scheduler:
    def __init__(self, limits: Limits, retry: RetryPolicy, clock: Clock) -> None:
        self.limits = limits
        self.retry = retry
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._writes_in_flight = 0
        self._in_flight_by_resource: dict[str, int] = {}
        self._budgets: dict[str, _Budget] = {}
        margin = limits.window_margin
        self._rest_points = SlidingWindow(MINUTE + margin)
        self._graphql_points = SlidingWindow(MINUTE + margin)
        self._creates_minute = SlidingWindow(MINUTE + margin)
        self._creates_hour = SlidingWindow(HOUR + margin)
        self._last_write: float | None = None
        self._held_until = 0.0
        self._hold_reason = ""
        self._speed_at_hit = 1.0
        self._last_hit: float | None = None
        self.consecutive_hits = 0

    # -- admission ------------------------------------------------------------------------

    def admit(
        self, kind: Kind, *, creates: bool = False, budgeted: bool = True, on_wait: WaitListener | None = None
    ) -> Ticket:
        """Block until the request may go; `on_wait` hears of each wait before it starts.
        `budgeted=False` for GitHub's free endpoints (`/rate_limit`), which the primary budget
        never holds back."""
        ticket = Ticket(kind, creates, self._points(kind))
        while True:
            with self._cond:
                while self._count_blocked(kind):
                    self._cond.wait()
                now = self._clock.now()
                wait, reason = self._time_wait(ticket, now, budgeted)
                if wait <= 0:
                    self._take(ticket, now)
                    return ticket
            if on_wait is not None:
                on_wait(reason, wait)
            self._clock.sleep(wait)

    def release(self, ticket: Ticket, headers: Mapping[str, str] | None) -> None:
        """The request is over; `headers` (lower-case) carry GitHub's view of the budget."""
        with self._cond:
            self._in_flight -= 1
            if ticket.kind.writes and self.limits.serial_writes:
                self._writes_in_flight -= 1
            resource = ticket.kind.resource
            self._in_flight_by_resource[resource] -= 1
            if headers is not None:
                self._note_budget(headers, resource)
            self._cond.notify_all()

    def hold(self, seconds: float, reason: str, *, slow_down: bool) -> None:
        """GitHub refused for a rate limit: every request of the credential waits `seconds`.
        After a secondary limit (`slow_down`) they also go slower."""
        with self._cond:
            now = self._clock.now()
            if now + seconds > self._held_until:
                self._held_until = now + seconds
                self._hold_reason = reason
            if slow_down:
                self._speed_at_hit = max(SLOWEST, self._speed(now) / 2)
                self._last_hit = now
                self.consecutive_hits += 1
            self._cond.notify_all()

    def cleared(self) -> None:
        """A request went through: the next secondary refusal starts the backoff over."""
        with self._cond:
            self.consecutive_hits = 0

    def speed(self) -> float:
        """The share of the configured rates currently used (1.0: full speed)."""
        with self._cond:
            return self._speed(self._clock.now())

    # -- internals (under the lock) ---------------------------------------------------------

    def _points(self, kind: Kind) -> int:
        limits = self.limits
        return {
            Kind.READ: limits.read_points,
            Kind.WRITE: limits.write_points,
            Kind.QUERY: limits.query_points,
            Kind.MUTATION: limits.mutation_points,
        }[kind]

    def _speed(self, now: float) -> float:
        if self._last_hit is None:
            return 1.0
        doublings = math.floor(max(0.0, now - self._last_hit) / SPEED_RECOVERY_SECONDS)
        return min(1.0, self._speed_at_hit * 2.0**doublings)

    def _count_blocked(self, kind: Kind) -> bool:
        cap = max(1, math.floor(self.limits.concurrency * self._speed(self._clock.now())))
        if self._in_flight >= cap:
            return True
        return kind.writes and self.limits.serial_writes and self._writes_in_flight > 0

    def _time_wait(self, ticket: Ticket, now: float, budgeted: bool) -> tuple[float, str]:
        limits = self.limits
        speed = self._speed(now)
        waits: list[tuple[float, str]] = [(self._held_until - now, self._hold_reason)]
        if budgeted and limits.primary_budget:
            waits.append(self._budget_wait(ticket.kind.resource, now))
        graphql = ticket.kind.resource == "graphql"
        window, rate = (
            (self._graphql_points, limits.graphql_points_per_minute)
            if graphql
            else (self._rest_points, limits.rest_points_per_minute)
        )
        if rate is not None:
            name = "GraphQL" if graphql else "REST"
            waits.append((window.wait(now, ticket.points, rate * speed), f"the {name} points-per-minute limit"))
        if ticket.creates:
            if limits.creates_per_minute is not None:
                waits.append(
                    (self._creates_minute.wait(now, 1, limits.creates_per_minute * speed), "the content-creation limit")
                )
            if limits.creates_per_hour is not None:
                waits.append(
                    (
                        self._creates_hour.wait(now, 1, limits.creates_per_hour * speed),
                        "the hourly content-creation limit",
                    )
                )
        if ticket.kind.writes and limits.write_interval > 0 and self._last_write is not None:
            waits.append((self._last_write + limits.write_interval / speed - now, "write spacing"))
        return max(waits, key=lambda w: w[0])

    def _budget_wait(self, resource: str, now: float) -> tuple[float, str]:
        budget = self._budgets.get(resource)
        if budget is None or budget.reset <= now:
            return 0.0, ""
        if budget.remaining - self._in_flight_by_resource.get(resource, 0) > 0:
            return 0.0, ""
        reason = f"the primary rate limit ({resource}), spent until it resets"
        seconds = budget.reset - now + RESET_MARGIN
        if seconds > self.retry.max_wait:
            raise WaitTooLong(reason, seconds)
        return seconds, reason

    def _take(self, ticket: Ticket, now: float) -> None:
        self._in_flight += 1
        resource = ticket.kind.resource
        self._in_flight_by_resource[resource] = self._in_flight_by_resource.get(resource, 0) + 1
        (self._graphql_points if resource == "graphql" else self._rest_points).add(now, ticket.points)
        if ticket.creates:
            self._creates_minute.add(now, 1)
            self._creates_hour.add(now, 1)
        if ticket.kind.writes:
            self._last_write = now
            if self.limits.serial_writes:
                self._writes_in_flight += 1

    def _note_budget(self, headers: Mapping[str, str], default_resource: str) -> None:
        try:
            remaining = int(headers["x-ratelimit-remaining"])
            reset = float(headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            return
        resource = headers.get("x-ratelimit-resource") or default_resource
        known = self._budgets.get(resource)
        if known is None or reset > known.reset:
            self._budgets[resource] = _Budget(remaining, reset)
        elif reset == known.reset:
            # Answers overtake each other: within one window the budget only goes down.
            known.remaining = min(known.remaining, remaining)

    def budget(self, resource: str = "core") -> tuple[int, float] | None:
        """(remaining, reset epoch) as GitHub last reported it, or None before any answer."""
        with self._cond:
            found = self._budgets.get(resource)
            return None if found is None else (found.remaining, found.reset)
