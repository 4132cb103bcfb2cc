"""GitHub's secondary rate limits, enforced per token (per address for anonymous requests)
the way GitHub documents them.

* at most 100 requests in flight at once;
* about 900 points a minute for REST (GET, HEAD and OPTIONS cost 1; POST, PATCH, PUT and
  DELETE cost 5) and 2,000 for GraphQL (a query 1, a mutation 5);
* at most 80 content-creating requests a minute and 500 an hour.

GitHub's documentation does not list which requests create content. Here a request creates
content when it is answered ``201 Created`` (a label, issue, comment, pull request, git
object, ref, variable, repository; a ``PUT`` that creates a file or a secret). A request that
may create (any POST; a PUT on contents or secrets) is refused while the content budget is
spent, and is counted only if it did create.

A refusal is ``403`` (GitHub answers 403 or 429; 403 is what clients see most) with
GitHub's message, ``retry-after`` in seconds, and the usual primary-limit headers, whose
``remaining`` is not 0: that is how a client tells the two kinds of limit apart.

Windows slide over an injectable clock, so tests move time instead of sleeping. The counters
live in memory, not in the state file: each ``--sandbox`` command starts afresh, as a
minute-long window would mostly have anyway.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from .protocol import ApiError
from .ratelimit import token_key

SECONDARY_DOCS = (
    "https://docs.github.com/en/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)
CONTENT_MESSAGE = (
    "You have exceeded a secondary rate limit and have been temporarily blocked from content "
    "creation. Please retry your request again later."
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REST_READ_COST, REST_WRITE_COST = 1, 5
GRAPHQL_QUERY_COST, GRAPHQL_MUTATION_COST = 1, 5
# github.com serves GraphQL at /graphql; GitHub Enterprise Server at /api/graphql.
GRAPHQL_TEMPLATES = ("/graphql", "/api/graphql")
MINUTE, HOUR = 60.0, 3600.0
# A PUT creates an object on these routes (a file, a secret); elsewhere it sets or toggles.
_CREATING_PUTS = ("/contents/{path}", "/actions/secrets/{secret_name}")
# POSTs that create nothing anyone sees: an installation token is a credential, not content.
_NON_CREATING_POSTS = frozenset({"/app/installations/{installation_id}/access_tokens"})

Clock = Callable[[], float]


def general_message(request_id: str) -> str:
    return (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        f"If you reach out to GitHub Support for help, please include the request ID {request_id}."
    )


@dataclass(frozen=True)
class SecondaryLimits:
    """The numbers; GitHub says they "may change without notice", so they are settings."""

    rest_points_per_minute: int = 900
    graphql_points_per_minute: int = 2000
    content_per_minute: int = 80
    content_per_hour: int = 500
    concurrent_requests: int = 100
    status: int = 403

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name != "status" and value < 1:
                raise ValueError(f"secondary limit {item.name} must be at least 1, got {value}")
        if self.status not in (403, 429):
            raise ValueError(f"GitHub answers a secondary limit with 403 or 429, not {self.status}")

    def scaled(self, factor: float) -> SecondaryLimits:
        """Every limit times ``factor`` (at least 1): 0.1 makes a demo trip them sooner."""
        if factor <= 0:
            raise ValueError(f"the scale factor must be positive, got {factor}")
        changes = {name: max(1, round(getattr(self, name) * factor)) for name in self.names()}
        return replace(self, **changes)

    @classmethod
    def names(cls) -> list[str]:
        return [item.name for item in fields(cls) if item.name != "status"]


class SecondaryLimitExceeded(ApiError):
    def __init__(self, limit: str, message: str, retry_after: int, status: int) -> None:
        super().__init__(status, message, headers={"Retry-After": str(retry_after)}, documentation_url=SECONDARY_DOCS)
        self.limit = limit


class _Window:
    """Points spent in the last ``span`` seconds, oldest first."""

    def __init__(self, span: float) -> None:
        self.span = span
        self.entries: deque[tuple[float, int]] = deque()
        self.total = 0

    def _prune(self, now: float) -> None:
        while self.entries and self.entries[0][0] <= now - self.span:
            self.total -= self.entries.popleft()[1]

    def wait_for(self, cost: int, limit: int, now: float) -> float:
        """Seconds until ``cost`` more fits under ``limit``; 0 when it fits now."""
        self._prune(now)
        excess = self.total + cost - limit
        if excess <= 0:
            return 0.0
        for stamp, points in self.entries:
            excess -= points
            if excess <= 0:
                return stamp + self.span - now
        return self.span  # a single request costs more than the limit: it never fits

    def spent(self, now: float) -> int:
        self._prune(now)
        return self.total

    def add(self, cost: int, now: float) -> None:
        self.entries.append((now, cost))
        self.total += cost

    def remove_last(self, now: float) -> None:
        # Entries of one window cost the same here (1 per creation), so which one goes back
        # matters only by a few milliseconds of its timestamp.
        if self.entries:
            self.total -= self.entries.pop()[1]
        self._prune(now)


def may_create(method: str, template: str) -> bool:
    if method == "POST":
        return template not in GRAPHQL_TEMPLATES and template not in _NON_CREATING_POSTS
    return method == "PUT" and template.endswith(_CREATING_PUTS)


@dataclass
class Admission:
    """What one admitted request holds: a content reservation to keep or give back."""

    key: str
    reserved_content: bool = False


class SecondaryLimiter:
    """Thread-safe counters for every token; ``limits`` may be swapped at any time."""

    def __init__(self, limits: SecondaryLimits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._rest: dict[str, _Window] = {}
        self._graphql: dict[str, _Window] = {}
        self._content_minute: dict[str, _Window] = {}
        self._content_hour: dict[str, _Window] = {}
        self._in_flight: Counter[str] = Counter()

    @staticmethod
    def key(token: str | None, client_ip: str | None = None) -> str:
        # A hash, so no second copy of a token lingers in memory dumps or reprs. Anonymous
        # callers are told apart by address, as their primary budget is.
        if token:
            return token_key(token)
        return "anonymous:" + token_key(client_ip) if client_ip else "anonymous"

    # -- concurrency (around the whole exchange, so a slow answer keeps its slot) ----------

    def enter(self, key: str) -> None:
        with self._lock:
            self._in_flight[key] += 1

    def leave(self, key: str) -> None:
        with self._lock:
            self._in_flight[key] -= 1
            if self._in_flight[key] <= 0:
                del self._in_flight[key]

    # -- admission --------------------------------------------------------------------------

    def admit(self, key: str, method: str, template: str, request_id: str) -> Admission:
        """Charge a REST request, or raise the refusal GitHub would send."""
        limits, now = self.limits, self._clock()
        with self._lock:
            if self._in_flight[key] > limits.concurrent_requests:
                raise self._refusal("concurrent_requests", general_message(request_id), 1.0)
            admission = Admission(key)
            creating = may_create(method, template)
            if creating:
                minute = self._content_minute.setdefault(key, _Window(MINUTE))
                hour = self._content_hour.setdefault(key, _Window(HOUR))
                wait = max(
                    minute.wait_for(1, limits.content_per_minute, now),
                    hour.wait_for(1, limits.content_per_hour, now),
                )
                if wait > 0:
                    raise self._refusal("content_creation", CONTENT_MESSAGE, wait)
            if template not in GRAPHQL_TEMPLATES:
                cost = REST_READ_COST if method in READ_METHODS else REST_WRITE_COST
                rest = self._rest.setdefault(key, _Window(MINUTE))
                wait = rest.wait_for(cost, limits.rest_points_per_minute, now)
                if wait > 0:
                    raise self._refusal("rest_points", general_message(request_id), wait)
                rest.add(cost, now)
            if creating:
                # Held until the answer is known, so concurrent creations cannot overshoot.
                self._content_minute[key].add(1, now)
                self._content_hour[key].add(1, now)
                admission.reserved_content = True
            return admission

    def settle(self, admission: Admission, status: int) -> None:
        """Keep the content reservation only if the request did create something."""
        if not admission.reserved_content or status == 201:
            return
        now = self._clock()
        with self._lock:
            self._content_minute[admission.key].remove_last(now)
            self._content_hour[admission.key].remove_last(now)

    def charge_graphql(self, key: str, *, mutation: bool, request_id: str) -> None:
        """The GraphQL endpoint's own budget: call once per operation it runs."""
        cost = GRAPHQL_MUTATION_COST if mutation else GRAPHQL_QUERY_COST
        now = self._clock()
        with self._lock:
            window = self._graphql.setdefault(key, _Window(MINUTE))
            wait = window.wait_for(cost, self.limits.graphql_points_per_minute, now)
            if wait > 0:
                raise self._refusal("graphql_points", general_message(request_id), wait)
            window.add(cost, now)

    def _refusal(self, limit: str, message: str, wait: float) -> SecondaryLimitExceeded:
        return SecondaryLimitExceeded(limit, message, max(1, math.ceil(wait)), self.limits.status)

    # -- for tests and the admin endpoint ---------------------------------------------------

    def snapshot(self) -> dict[str, object]:
        now = self._clock()
        with self._lock:

            def spent(windows: dict[str, _Window]) -> dict[str, int]:
                return {key: window.spent(now) for key, window in windows.items()}

            return {
                "limits": {name: getattr(self.limits, name) for name in SecondaryLimits.names()},
                "rest_points": spent(self._rest),
                "graphql_points": spent(self._graphql),
                "content_last_minute": spent(self._content_minute),
                "content_last_hour": spent(self._content_hour),
                "in_flight": dict(self._in_flight),
            }


@dataclass(frozen=True)
class BoundLimits:
    """``RequestLimits`` for one request: what a route handler (GraphQL) may charge."""

    limiter: SecondaryLimiter
    key: str
    request_id: str

    def charge_graphql(self, *, mutation: bool) -> None:
        self.limiter.charge_graphql(self.key, mutation=mutation, request_id=self.request_id)
