"""Canned failures for the next N matching requests (500s, secondary rate limits, ...)."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)


@dataclass(frozen=True)
class Fault:
    """A canned answer for the next `times` requests whose method and path match."""

    method: str  # any case, or "*" for any
    path_pattern: str  # a regular expression, searched for in the request path
    status: int
    times: int = 1
    body: dict[str, Any] | None = None  # None: GitHub's error body for the status
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {self.status}")
        if self.times < 1:
            raise ValueError(f"times must be at least 1, got {self.times}")


@dataclass
class _Queued:
    fault: Fault
    pattern: re.Pattern[str]
    remaining: int

    def matches(self, method: str, path: str) -> bool:
        return self.fault.method.upper() in ("*", method) and self.pattern.search(path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.fault.method.upper(),
            "path_pattern": self.fault.path_pattern,
            "status": self.fault.status,
            "times": self.remaining,
            "body": self.fault.body,
            "headers": dict(self.fault.headers or {}),
        }


def default_message(status: int) -> str:
    # A bare 403/429 from GitHub under load is the secondary rate limit; that is what
    # tests inject them for, and what clients look for in the message.
    if status in (403, 429):
        return SECONDARY_RATE_LIMIT_MESSAGE
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Queued] = []

    def add(self, fault: Fault) -> None:
        rule = _Queued(fault, re.compile(fault.path_pattern), fault.times)
        with self._lock:
            self._rules.append(rule)

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault that matches, with one use consumed; faults are used in the order added."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                    return rule.fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.describe() for rule in self._rules]
