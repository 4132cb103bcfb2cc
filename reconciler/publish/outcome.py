"""What publishing did, for the command to report, and the one rule for creating what
must exist only once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from reconciler.errors import ServerError, TransportError

T = TypeVar("T")

Action = Literal["created", "updated", "unchanged", "closed", "none"]


@dataclass(frozen=True)
class Published:
    action: Action
    repository: str
    number: int | None = None
    url: str | None = None

    def describe(self, what: str) -> str:
        """One line for the terminal: `Drift issue: updated on owner/name#3 (url)`."""
        if self.action == "none":
            return f"{what}: none open"
        where = f"{self.repository}#{self.number}" if self.number else self.repository
        url = f" ({self.url})" if self.url else ""
        return f"{what}: {self.action} on {where}{url}"


def create_once(create: Callable[[], T], find: Callable[[], T | None]) -> T:
    """Create an issue or comment that must exist once. A 5xx or a network error can come
    after the create landed, and the adapter does not retry it, so look before failing:
    whoever runs next must not open a second one."""
    try:
        return create()
    except (ServerError, TransportError):
        landed = find()
        if landed is None:
            raise
        return landed
