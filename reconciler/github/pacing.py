"""How fast we talk to GitHub, and how we wait when it asks us to.

PyGithub's own fixed sleeps and urllib3 retries are switched off; these policies replace them
so that waits follow GitHub's rate-limit headers, and tests can inject a clock that never
really sleeps.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed request is worth repeating, and how long we may wait for it."""

    attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    # GitHub: after a secondary limit without retry-after, wait at least a minute.
    secondary_wait: float = 60.0
    # Longer waits than this are reported as errors instead of silently blocking a run.
    max_wait: float = 900.0

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class PacingPolicy:
    """GitHub asks integrators to send writes one at a time, about a second apart."""

    write_interval: float = 1.0
    max_concurrency: int = 8


@dataclass
class Pacer:
    """Spaces writes across every thread that shares this pacer."""

    policy: PacingPolicy
    clock: Clock = field(default_factory=SystemClock)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_write: float | None = None

    def before_write(self) -> None:
        with self._lock:
            if self._last_write is not None and self.policy.write_interval > 0:
                wait = self._last_write + self.policy.write_interval - self.clock.now()
                if wait > 0:
                    self.clock.sleep(wait)
            self._last_write = self.clock.now()
