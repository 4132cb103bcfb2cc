"""Hooks for what watches a run: progress displays, `--debug` logs.

One event per finished request and one per wait. Events carry paths (with their query) and
numbers, never a header value, so a token cannot reach an observer; paths still pass through
redaction, since a caller's query could carry a registered secret.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestEvent:
    method: str
    path: str  # relative to the API root, with its query
    status: int | None  # None: no answer (network failure)
    duration: float  # seconds on the wire, waits excluded
    operation: str
    repository: str
    from_cache: bool = False  # a 304 answered from the response cache
    retries: int = 0  # how many attempts came before this one
    remaining: int | None = None  # x-ratelimit-remaining after it
    resource: str | None = None  # x-ratelimit-resource: core, graphql, search...
    reset: int | None = None  # x-ratelimit-reset: when the budget's window ends (epoch seconds)
    error: str | None = None  # why it failed, redacted


@dataclass(frozen=True)
class WaitEvent:
    reason: str
    seconds: float
    operation: str
    repository: str


class Observer(Protocol):
    def request_finished(self, event: RequestEvent) -> None: ...

    def waited(self, event: WaitEvent) -> None: ...


class Observers:
    """Several observers as one; an observer's bug is logged, never a failed request."""

    def __init__(self, observers: Sequence[Observer] = ()) -> None:
        self._observers = tuple(observers)

    def request_finished(self, event: RequestEvent) -> None:
        for observer in self._observers:
            try:
                observer.request_finished(event)
            except Exception:
                _log.exception("an HTTP observer failed on a request event")

    def waited(self, event: WaitEvent) -> None:
        for observer in self._observers:
            try:
                observer.waited(event)
            except Exception:
                _log.exception("an HTTP observer failed on a wait event")
