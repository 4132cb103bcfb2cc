"""Canned failures for the next N matching requests (500s, secondary rate limits, ...)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)


@dataclass
class FaultRule:
    method: str  # upper case, or "*" for any
    path_pattern: re.Pattern[str]
    status: int
    remaining: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and self.path_pattern.search(path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path_pattern": self.path_pattern.pattern,
            "status": self.status,
            "times": self.remaining,
            "body": self.body,
            "headers": dict(self.headers),
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
        self._rules: list[FaultRule] = []

    def add(
        self,
        *,
        method: str,
        path_pattern: str,
        status: int,
        times: int = 1,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {status}")
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        rule = FaultRule(
            method=method.upper(),
            path_pattern=re.compile(path_pattern),
            status=status,
            remaining=times,
            body=body,
            headers=dict(headers or {}),
        )
        with self._lock:
            self._rules.append(rule)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule that matches, with one use consumed; rules are used in the order added."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                    return rule
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.describe() for rule in self._rules]
