"""A read-only port that remembers what it read, for commands that read the same
repositories more than once in one run: import (read, then plan what it read), verify
(plan, then judge the workflow bodies the plan fetched) and `plan --changed-only` (resolve
the desired state at two revisions).

Lists, repositories and file bodies are remembered; what a caller polls or counts (branch
heads, pull requests, commits, a workflow appearing, issue counts) always goes to GitHub.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar, cast

from reconciler.github.port import (
    GitHubReader,
    LiveCommit,
    LiveFile,
    LiveLabel,
    LivePullRequest,
    LiveRepository,
    LiveSecret,
    LiveVariable,
    LiveWorkflow,
)
from reconciler.names import fold

T = TypeVar("T")


class SharedReads:
    """Each read once per run; a second caller sees exactly what the first one saw."""

    def __init__(self, inner: GitHubReader) -> None:
        self._inner = inner
        self._memo: dict[tuple[str, ...], object] = {}
        self._lock = threading.Lock()

    @property
    def api_url(self) -> str:
        return self._inner.api_url

    @property
    def concurrency(self) -> int:
        return self._inner.concurrency

    def _once(self, key: tuple[str, ...], read: Callable[[], T]) -> T:
        with self._lock:
            if key in self._memo:
                return cast(T, self._memo[key])
        value = read()
        with self._lock:
            self._memo[key] = value
        return value

    def _remember(self, repository: LiveRepository) -> None:
        with self._lock:
            self._memo[("repository", fold(repository.full_name))] = repository

    def list_labels(self, repository: str) -> list[LiveLabel]:
        return self._once(("labels", fold(repository)), lambda: self._inner.list_labels(repository))

    def count_open_issues(self, repository: str, label: str) -> int:
        return self._inner.count_open_issues(repository, label)

    def get_repository(self, repository: str) -> LiveRepository:
        return self._once(("repository", fold(repository)), lambda: self._inner.get_repository(repository))

    def list_organization_repositories(self, organization: str) -> list[LiveRepository]:
        found = self._once(
            ("organization", fold(organization)), lambda: self._inner.list_organization_repositories(organization)
        )
        for repository in found:
            self._remember(repository)
        return found

    def list_directory(self, repository: str, directory: str, ref: str | None = None) -> list[LiveFile]:
        key = ("directory", fold(repository), directory, ref or "")
        return self._once(key, lambda: self._inner.list_directory(repository, directory, ref))

    def get_file(self, repository: str, path: str, ref: str | None = None) -> bytes:
        return self._once(
            ("file", fold(repository), path, ref or ""), lambda: self._inner.get_file(repository, path, ref)
        )

    def list_workflows(self, repository: str) -> list[LiveWorkflow]:
        return self._once(("workflows", fold(repository)), lambda: self._inner.list_workflows(repository))

    def get_branch_head(self, repository: str, branch: str) -> str | None:
        return self._inner.get_branch_head(repository, branch)

    def get_commit(self, repository: str, commit_sha: str) -> LiveCommit:
        return self._inner.get_commit(repository, commit_sha)

    def find_open_pull_request(self, repository: str, head_branch: str) -> LivePullRequest | None:
        return self._inner.find_open_pull_request(repository, head_branch)

    def wait_for_workflow(self, repository: str, path: str, timeout: float) -> LiveWorkflow | None:
        return self._inner.wait_for_workflow(repository, path, timeout)

    def list_secrets(self, repository: str) -> list[LiveSecret]:
        return self._once(("secrets", fold(repository)), lambda: self._inner.list_secrets(repository))

    def list_variables(self, repository: str) -> list[LiveVariable]:
        return self._once(("variables", fold(repository)), lambda: self._inner.list_variables(repository))
