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


@dataclass(frozen=True)
class LiveSecret:
    """An Actions secret as GitHub lists it: a name and when it was set. Values cannot be read."""

    name: str
    updated_at: str | None


@dataclass(frozen=True)
class LiveVariable:
    """An Actions variable as GitHub returns it."""

    name: str
    value: str


class GitHubReader(Protocol):
    """Read-only access to live GitHub state, one repository at a time."""

    def list_labels(self, repository: str) -> list[LiveLabel]: ...

    def list_secrets(self, repository: str) -> list[LiveSecret]: ...

    def list_variables(self, repository: str) -> list[LiveVariable]: ...


class GitHubWriter(GitHubReader, Protocol):
    """Everything a reader can do, plus the writes the applier performs."""

    def create_label(self, repository: str, *, name: str, color: str, description: str) -> None: ...

    def update_label(
        self, repository: str, current_name: str, *, name: str, color: str, description: str
    ) -> None: ...

    def delete_label(self, repository: str, name: str) -> None: ...

    def put_secret(self, repository: str, name: str, value: str) -> None:
        """Seal `value` with the repository's public key and store it (create or replace)."""
        ...

    def delete_secret(self, repository: str, name: str) -> None: ...

    def create_variable(self, repository: str, name: str, value: str) -> None: ...

    def update_variable(self, repository: str, name: str, value: str) -> None: ...

    def delete_variable(self, repository: str, name: str) -> None: ...
