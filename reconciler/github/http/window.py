"""A sliding window: at most `limit` units in any `span` seconds.

Exact where a token bucket is not: a bucket of capacity N refilled at N per minute lets 2N
through in one minute (a full bucket, then a minute of refill), which is how a client trips a
"per minute" limit while believing it keeps to it.
"""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    def __init__(self, span: float) -> None:
        self.span = span
        self._entries: deque[tuple[float, float]] = deque()
        self._used = 0.0

    def used(self, now: float) -> float:
        self._expire(now)
        return self._used

    def wait(self, now: float, cost: float, limit: float) -> float:
        """Seconds until `cost` more fits under `limit` (0: now). A cost larger than the whole
        limit waits for an empty window rather than forever."""
        self._expire(now)
        excess = self._used + cost - limit
        if excess <= 0 or not self._entries:
            return 0.0
        freed = 0.0
        for stamp, amount in self._entries:
            freed += amount
            if freed >= excess:
                return max(0.0, stamp + self.span - now)
        return max(0.0, self._entries[-1][0] + self.span - now)

    def add(self, now: float, cost: float) -> None:
        if cost > 0:
            self._entries.append((now, cost))
            self._used += cost

    def _expire(self, now: float) -> None:
        while self._entries and self._entries[0][0] + self.span <= now:
            self._used -= self._entries.popleft()[1]
        if not self._entries:
            self._used = 0.0  # no float drift across a long run
