"""The sandbox's notion of now: one clock for token expiry, rate-limit windows, JWT checks,
timestamps and workflow runs, that an operator can move forward.

The clock is the wall clock plus an offset kept in the state (``SandboxState.clock_offset``),
so every process sharing a state file sees the same time, and time keeps flowing between
moves. It only ever moves forward, as GitHub's does: moving it back would reopen spent
rate-limit windows and revive expired tokens.

Code deep in the state (``utc_now`` for a label's ``updated_at``) has no sandbox at hand, so
the clock of the running change is bound to the thread's context (``bound``) by the sandbox
for each transaction; outside one, ``now()`` is the wall clock.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

Clock = Callable[[], float]

_current: ContextVar[Clock] = ContextVar("reconciler_sandbox_clock", default=time.time)

_DURATION_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def now() -> float:
    """Seconds since the epoch, by the clock of the running change (or the wall clock)."""
    return _current.get()()


def epoch() -> int:
    return int(now())


@contextmanager
def bound(clock: Clock) -> Iterator[None]:
    """Make ``clock`` the one ``now()`` reads in this thread until the block ends."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


def iso(seconds: float | None = None) -> str:
    """``2026-12-04T10:00:00Z``, as GitHub writes timestamps; now by default."""
    moment = now() if seconds is None else seconds
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> float:
    """Seconds since the epoch from an ISO 8601 date or date-time (UTC when no zone is given)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def parse_duration(text: str) -> int:
    """Seconds from ``3700``, ``90m``, ``3d`` or ``1h30m``; ValueError otherwise."""
    raw = text.strip().lower()
    if raw.isdigit():
        return int(raw)
    parts = _DURATION_PART.findall(raw)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != raw:
        raise ValueError(f"{text!r} is not a duration: use seconds (3700) or units such as 90m, 3d, 1h30m")
    return sum(int(n) * _UNITS[u] for n, u in parts)


def day_start(seconds: float) -> float:
    """Midnight UTC of the day ``seconds`` falls in."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp()


def next_day(seconds: float) -> float:
    return (datetime.fromtimestamp(day_start(seconds), UTC) + timedelta(days=1)).timestamp()
