"""A new repository as GitHub makes one: nine default labels, a default branch, and either an
initial commit (``auto_init``: a README) or nothing at all (an empty repository).

State-level and self-contained, so ``POST /orgs/{org}/repos``, ``POST /user/repos`` and the
bulk fleet seeder (``fleet``) all start repositories from the same place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .seed import DEFAULT_LABELS
from .state import RepoState, SandboxState, utc_now

# GitHub keeps letters, digits, '.', '-' and '_' and turns every other run into one '-'.
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_LENGTH = 100


def normalise_name(requested: str) -> str:
    """The name GitHub gives a repository asked for as ``requested`` ("my repo" → "my-repo")."""
    return _NAME_UNSAFE.sub("-", requested.strip())


def auto_init_readme(name: str, description: str | None) -> bytes:
    # As api.github.com writes it: "# hello-world" alone (13 bytes, no newline) without a
    # description, the description on the next line with one.
    return (f"# {name}\n{description}" if description else f"# {name}").encode("utf-8")


@dataclass(frozen=True)
class NewRepository:
    """What a creation request may set; everything else takes GitHub's defaults."""

    owner: str
    name: str
    private: bool = False
    description: str | None = None
    homepage: str | None = None
    has_issues: bool = True
    has_projects: bool = True
    has_wiki: bool = True
    has_discussions: bool = False
    is_template: bool = False
    auto_init: bool = False
    topics: tuple[str, ...] = ()


def name_taken(state: SandboxState, owner: str, name: str) -> bool:
    return state.find_repo(owner, name) is not None


def create_repository(
    state: SandboxState,
    spec: NewRepository,
    *,
    creator: str,
    extra_files: Mapping[str, bytes] | None = None,
    when: str | None = None,
) -> RepoState:
    """Add the repository to ``state``; the caller has checked that the name is free.

    ``extra_files`` join the README in the initial commit (the fleet seeder's workflow
    file); with none and no ``auto_init`` the repository stays empty, as on GitHub."""
    now = when or utc_now()
    repo = state.add_repo(
        spec.owner,
        spec.name,
        description=spec.description,
        homepage=spec.homepage,
        private=spec.private,
        visibility="private" if spec.private else "public",
        has_issues=spec.has_issues,
        has_projects=spec.has_projects,
        has_wiki=spec.has_wiki,
        has_discussions=spec.has_discussions,
        is_template=spec.is_template,
        topics=list(spec.topics),
        created_at=now,
        updated_at=now,
        pushed_at=now,
    )
    # Made with ``add_repo``, so the store saves it; touched, so it compares only this one.
    state.touch(repo)
    for label_name, color, description in DEFAULT_LABELS:
        state.add_label(repo, label_name, color, description, default=True)
    if spec.auto_init or extra_files:
        files = {"README.md": auto_init_readme(repo.name, spec.description), **(extra_files or {})}
        state.commit_files(repo, repo.default_branch, files, "Initial commit", author=state.signature(creator, now))
        repo.size = max(1, sum(len(data) for data in files.values()) // 1024)
    return repo
