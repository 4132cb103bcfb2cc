"""Repositories: one read by name, or every repository of an organisation.

Both answers carry the same repository object, so what either read once serves every later
question about it: through a remembering reader, listing an organisation also answers each of
its repositories' `GET /repos/{owner}/{repo}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import org_path, repo_path
from reconciler.github.port import Call, GitHubReader, Reply
from reconciler.github.remembering import Remembering
from reconciler.names import slug_problem


@dataclass(frozen=True)
class LiveRepository:
    """A repository as `GET /repos/{owner}/{repo}` and the organisation listing both return it."""

    full_name: str
    default_branch: str
    archived: bool
    fork: bool = False
    topics: tuple[str, ...] = ()
    private: bool = False
    # What the token's owner may do in it: GitHub's `permissions` object (admin, maintain,
    # push, triage, pull); None when GitHub leaves it out.
    permissions: Mapping[str, bool] | None = None


class _Repository(Wire):
    # Checked where it is used (`reconciler.names.checked_full_name`): one hostile name in a
    # listing is refused on its own, and the organisation's other repositories still count.
    full_name: str
    default_branch: str | None = None
    archived: bool = False
    fork: bool = False
    topics: list[str] | None = None
    private: bool = False
    permissions: dict[str, bool] | None = None


def _live(found: _Repository) -> LiveRepository:
    return LiveRepository(
        full_name=found.full_name,
        default_branch=found.default_branch or "main",
        archived=found.archived,
        fork=found.fork,
        topics=tuple(found.topics or ()),
        private=found.private,
        permissions=found.permissions,
    )


def get_repository(reader: GitHubReader, repository: str) -> LiveRepository:
    path = repo_path(repository)
    call = Call("read repository", repository)
    return _live(parse(_Repository, reader.get(path, call).body, call, f"GET {path}"))


def list_organization_repositories(reader: GitHubReader, organization: str) -> list[LiveRepository]:
    """Every repository of the organisation: one request per 100, archived ones and forks
    included (the listing carries archived, fork and topics, so selecting costs nothing more)."""
    path = org_path(organization, "repos")
    call = Call(f"list repositories of {organization}", organization)
    items = reader.get_all(path, call, query={"type": "all"})
    found = parse_items(_Repository, items, call, f"GET {path}")
    if isinstance(reader, Remembering):
        for item, repository in zip(items, found, strict=True):
            # Only a name that is one becomes a path, even as a key.
            if slug_problem(repository.full_name) is None:
                reader.remember(repo_path(repository.full_name), Reply(200, {}, item))
    return [_live(repository) for repository in found]
