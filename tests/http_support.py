"""Shared pieces for the HTTP client's tests: a clock that never sleeps."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class FakeClock:
    """Time that only moves when somebody sleeps: waits are recorded, never spent."""

    current: float = field(default_factory=time.time)
    sleeps: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        with self._lock:
            return self.current

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.current += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.current += seconds
