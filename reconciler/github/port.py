"""The narrow interface between reconciler and GitHub.

Planning receives a `GitHubReader`, which has no way to write: dry-run is a property of the
object the planner holds, not of a flag somebody must remember. Only the applier receives a
`GitHubWriter`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LiveLabel:
    """A label as GitHub returns it, not yet normalised."""

    name: str
    color: str
    description: str | None


@dataclass(frozen=True)
class LiveRepository:
    """A repository as `GET /repos/{owner}/{repo}` and the organisation listing both return
    it, so what either read once serves every later question about it."""

    full_name: str
    default_branch: str
    archived: bool
    fork: bool = False
    topics: tuple[str, ...] = ()
    private: bool = False
    # What the token's owner may do in it: GitHub's `permissions` object (admin, maintain,
    # push, triage, pull); None when GitHub leaves it out.
    permissions: Mapping[str, bool] | None = None


@dataclass(frozen=True)
class LiveFile:
    """An entry of a directory listing: the blob id, not the content."""

    path: str
    sha: str
    size: int


@dataclass(frozen=True)
class LiveWorkflow:
    id: int
    path: str
    name: str
    # GitHub's own: active, disabled_manually, disabled_inactivity, disabled_fork, deleted.
    state: str


@dataclass(frozen=True)
class LivePullRequest:
    number: int
    url: str


@dataclass(frozen=True)
class LiveCommit:
    sha: str
    tree: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class TreeEntry:
    """One path in a new tree: a blob id to write there, or None to delete it."""

    path: str
    sha: str | None


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


@dataclass(frozen=True)
class LiveIssue:
    """An issue (never a pull request) as GitHub lists it."""

    number: int
    title: str
    body: str
    state: str
    html_url: str


@dataclass(frozen=True)
class LiveComment:
    """A comment on an issue or pull request."""

    id: int
    body: str
    html_url: str


@dataclass(frozen=True)
class TokenInfo:
    """Who the token acts for (`GET /user`) and, for classic tokens, what it may do."""

    # None for a GitHub App installation token, which acts for no user.
    login: str | None
    # From X-OAuth-Scopes, which GitHub sends for classic tokens only: None for fine-grained
    # tokens and Apps, whose permissions show per repository instead.
    scopes: tuple[str, ...] | None


@dataclass(frozen=True)
class RateLimit:
    """The primary ("core") budget of `GET /rate_limit`."""

    limit: int
    remaining: int
    reset: int  # epoch seconds


class GitHubReader(Protocol):
    """Read-only access to live GitHub state, one repository at a time."""

    @property
    def api_url(self) -> str:
        """The REST API root every path is relative to (e.g. https://api.github.com)."""
        ...

    @property
    def concurrency(self) -> int:
        """How many requests callers may have in flight at once."""
        ...

    def list_labels(self, repository: str) -> list[LiveLabel]: ...

    def count_open_issues(self, repository: str, label: str) -> int:
        """Open issues and pull requests that carry `label`."""
        ...

    def get_repository(self, repository: str) -> LiveRepository: ...

    def list_organization_repositories(self, organization: str) -> list[LiveRepository]: ...

    def list_directory(self, repository: str, directory: str, ref: str | None = None) -> list[LiveFile]:
        """Files directly in `directory` (empty when it does not exist)."""
        ...

    def get_file(self, repository: str, path: str, ref: str | None = None) -> bytes: ...

    def list_workflows(self, repository: str) -> list[LiveWorkflow]: ...

    def get_branch_head(self, repository: str, branch: str) -> str | None:
        """The commit a branch points at, or None when there is no such branch."""
        ...

    def get_commit(self, repository: str, commit_sha: str) -> LiveCommit: ...

    def find_open_pull_request(self, repository: str, head_branch: str) -> LivePullRequest | None: ...

    def wait_for_workflow(self, repository: str, path: str, timeout: float) -> LiveWorkflow | None:
        """GitHub lists a newly pushed workflow file a moment later: poll until it does."""
        ...

    def list_secrets(self, repository: str) -> list[LiveSecret]: ...

    def list_variables(self, repository: str) -> list[LiveVariable]: ...


class IssueReader(Protocol):
    """Reads for publishing (drift issue, plan comment). Planning never needs them."""

    def list_open_issues(self, repository: str, labels: Sequence[str] | None = None) -> list[LiveIssue]:
        """Every open issue (pull requests left out), carrying all of `labels` when given."""
        ...

    def list_issue_comments(self, repository: str, number: int) -> list[LiveComment]:
        """Every comment on an issue or pull request, oldest first."""
        ...


class GitHubWriter(GitHubReader, IssueReader, Protocol):
    """Everything a reader can do, plus the writes the applier performs."""

    def create_label(self, repository: str, *, name: str, color: str, description: str) -> None: ...

    def update_label(self, repository: str, current_name: str, *, name: str, color: str, description: str) -> None: ...

    def delete_label(self, repository: str, name: str) -> None: ...

    def create_blob(self, repository: str, data: bytes) -> str: ...

    def create_tree(self, repository: str, base_tree: str, entries: list[TreeEntry]) -> str: ...

    def create_commit(self, repository: str, message: str, tree: str, parents: list[str]) -> str: ...

    def update_branch(self, repository: str, branch: str, sha: str, *, force: bool = False) -> None:
        """Move a branch; without force only a fast-forward is accepted (ConflictError otherwise)."""
        ...

    def create_branch(self, repository: str, branch: str, sha: str) -> None: ...

    def create_pull_request(self, repository: str, *, head: str, base: str, title: str, body: str) -> int: ...

    def set_workflow_enabled(self, repository: str, workflow_id: int, enabled: bool) -> None: ...

    def put_secret(self, repository: str, name: str, value: str) -> None:
        """Seal `value` with the repository's public key and store it (create or replace)."""
        ...

    def delete_secret(self, repository: str, name: str) -> None: ...

    def create_variable(self, repository: str, name: str, value: str) -> None: ...

    def update_variable(self, repository: str, name: str, value: str) -> None: ...

    def delete_variable(self, repository: str, name: str) -> None: ...

    # Creating an issue or a comment is not idempotent: after a 5xx or a network error it may
    # have landed anyway, so these are not retried. Callers look again before trying twice.
    def create_issue(self, repository: str, *, title: str, body: str, labels: Sequence[str] = ()) -> LiveIssue: ...

    def update_issue(
        self,
        repository: str,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
        state_reason: str | None = None,
    ) -> None: ...

    def create_issue_comment(self, repository: str, number: int, body: str) -> LiveComment: ...

    def update_issue_comment(self, repository: str, comment_id: int, body: str) -> None: ...
