"""Time, injected: tests pass a clock that never really sleeps."""

from __future__ import annotations

import time

from reconciler.github.port import Clock

__all__ = ["Clock", "SystemClock"]


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
