"""The narrow interface between reconciler and GitHub.

Planning receives a `GitHubReader`, which has no way to write: dry-run is a property of the
object the planner holds, not of a flag somebody must remember. Only the applier receives a
`GitHubWriter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LiveLabel:
    """A label as GitHub returns it, not yet normalised."""

    name: str
    color: str
    description: str | None


class GitHubReader(Protocol):
    """Read-only access to live GitHub state, one repository at a time."""

    def list_labels(self, repository: str) -> list[LiveLabel]: ...


class GitHubWriter(GitHubReader, Protocol):
    """Everything a reader can do, plus the writes the applier performs."""

    def create_label(self, repository: str, *, name: str, color: str, description: str) -> None: ...

    def update_label(
        self, repository: str, current_name: str, *, name: str, color: str, description: str
    ) -> None: ...

    def delete_label(self, repository: str, name: str) -> None: ...
