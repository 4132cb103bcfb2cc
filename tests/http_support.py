"""Shared pieces for the HTTP client's tests: a clock that never sleeps, a recording observer,
and sessions built the way tests need them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from reconciler.github.http import (
    Bounds,
    HttpReader,
    HttpWriter,
    Limits,
    RequestEvent,
    RetryPolicy,
    Session,
    Settings,
    StaticToken,
    Timeouts,
    WaitEvent,
)

TOKEN = "ghp_test0123456789abcdefTOKEN"


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


@dataclass
class Recorder:
    """An observer that keeps every event."""

    requests: list[RequestEvent] = field(default_factory=list)
    waits: list[WaitEvent] = field(default_factory=list)

    def request_finished(self, event: RequestEvent) -> None:
        self.requests.append(event)

    def waited(self, event: WaitEvent) -> None:
        self.waits.append(event)


def session(url: str, clock: FakeClock | None = None, **overrides: Any) -> Session:
    """A session on `url` with no rate limits, quick retries and a fake clock, unless told otherwise."""
    options: dict[str, Any] = {
        "credentials": StaticToken(TOKEN),
        "limits": Limits.none(),
        "retry": RetryPolicy(attempts=3, backoff_base=1.0),
        "timeouts": Timeouts(connect=2.0, read=5.0, deadline=10.0),
        "bounds": Bounds(),
        "clock": clock or FakeClock(),
        "environ": {},
    }
    options.update(overrides)
    return Session(Settings(url, **options))


def reader(url: str, clock: FakeClock | None = None, **overrides: Any) -> HttpReader:
    return HttpReader(session(url, clock, **overrides))


def writer(url: str, clock: FakeClock | None = None, **overrides: Any) -> HttpWriter:
    return HttpWriter(session(url, clock, **overrides))
