"""Durations as people type them on a command line: `90m`, `24h`, `7d`, `2w`, or seconds."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """`24h` → 24 hours. A bare number is seconds. Raises ValueError for anything else, and
    for a duration of zero: a window with nothing in it is a mistake."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration: use e.g. 90m, 24h, 7d or 2w")
    seconds = float(match[1]) * _UNITS[(match[2] or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a duration longer than zero")
    return timedelta(seconds=seconds)
