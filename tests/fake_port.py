"""The generic GitHub port over canned answers, for unit tests that need no server.

Answers are decoded JSON bodies by path, as GitHub would send them; a path it was not given is
GitHub's 404, or, with `unexpected`, a failed test saying why no such request may be made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from reconciler.errors import NotFoundError
from reconciler.github.port import Call, GraphQLReply, Query, Reply
from tests.http_support import FakeClock


def as_json(value: Any) -> Any:
    """A value as GitHub's JSON would carry it: dataclasses (Live* values) as objects."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return value


class FakePort:
    api_url = "https://api.github.com"
    concurrency = 1
    poll_interval = 0.0

    def __init__(self, answers: Mapping[str, Any], *, unexpected: str | None = None) -> None:
        self.answers = dict(answers)
        self.unexpected = unexpected
        self.clock = FakeClock()
        self.asked: list[str] = []

    def _answer(self, path: str, call: Call) -> Any:
        self.asked.append(path)
        if path in self.answers:
            return as_json(self.answers[path])
        if self.unexpected is not None:
            raise AssertionError(f"{self.unexpected}: GET {path}")
        raise NotFoundError("not found (or the token cannot see it): Not Found", status=404, operation=call.operation)

    def get(self, path: str, call: Call, *, query: Query | None = None) -> Reply:
        return Reply(200, {}, self._answer(path, call))

    def get_raw(self, path: str, call: Call, *, query: Query | None = None) -> bytes:
        body = self._answer(path, call)
        assert isinstance(body, bytes), f"{path} is not a file"
        return body

    def get_all(
        self, path: str, call: Call, *, query: Query | None = None, list_key: str | None = None, per_page: int = 100
    ) -> list[Any]:
        body = self._answer(path, call)
        return list(body[list_key] if list_key is not None else body)

    def graphql(self, document: str, variables: Mapping[str, Any], call: Call) -> GraphQLReply:
        raise AssertionError("no GraphQL here")
