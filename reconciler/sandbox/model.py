"""The sandbox's data: plain, JSON-serialisable dataclasses for everything a repository holds.

Nothing here knows about HTTP or URLs: URLs depend on where the server happens to listen,
so they are built at response time (see ``representations``). Adding a new per-repository
collection (secrets, variables, ...) means adding a field with a default to ``RepoState``;
the codec fills missing fields from their defaults, so older state files keep loading.

Each repository holds a git object store (``gitobjects``); branch moves go through
``SandboxState.set_ref`` (``mutations``), which keeps the workflows in step.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from . import clock
from .gitobjects import Commit, GitStore
from .workflows import Workflow, WorkflowRun, find_workflow

DEFAULT_RATE_LIMIT = 5000
RATE_WINDOW_SECONDS = 3600


def utc_now() -> str:
    """Now by the sandbox's clock (see ``clock``), as GitHub writes timestamps."""
    return clock.iso()


@dataclass
class Account:
    """A user or an organisation; GitHub renders both as ``simple-user``."""

    login: str
    id: int
    node_id: str
    type: str = "User"  # "User" or "Organization"
    name: str | None = None
    email: str | None = None
    created_at: str = "2020-01-01T00:00:00Z"


@dataclass
class Label:
    id: int
    node_id: str
    name: str
    color: str
    description: str | None = None
    default: bool = False
    # When the API last created or changed it (its Last-Modified); None for labels that
    # predate the field, which fall back to their repository's creation.
    updated_at: str | None = None


HEADS = "refs/heads/"


def branch_ref(branch: str) -> str:
    return HEADS + branch


@dataclass
class PullDetails:
    """What a pull request has on top of its issue."""

    id: int  # a pull request's id differs from its issue's id on GitHub
    head: str  # branch names in the same repository
    base: str
    # Last known tips, kept for when a branch moves on or goes away after a close or merge.
    head_sha: str
    base_sha: str
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None


@dataclass
class Issue:
    """An issue or a pull request: on GitHub both share the issue number space and API."""

    id: int
    node_id: str
    number: int
    title: str
    author: str
    body: str | None = None
    state: str = "open"
    state_reason: str | None = None
    # Labels are held by id so a rename shows on the issue and a delete drops it.
    label_ids: list[int] = field(default_factory=list)
    is_pull_request: bool = False
    locked: bool = False
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"
    closed_at: str | None = None
    pull: PullDetails | None = None


@dataclass
class Comment:
    id: int
    node_id: str
    issue_number: int
    body: str
    author: str
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


@dataclass
class Secret:
    """An Actions secret. The value itself is never kept, here or in the state file: only a
    SHA-256 digest of what arrived, so tests can check it (``RepoState.secret_matches``). The
    digest is salted so a short or guessable value cannot be confirmed from the file either."""

    name: str  # upper-cased, as the sandbox stores names
    salt: str  # hex
    digest: str  # hex sha256(salt + UTF-8 value)
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


@dataclass
class SecretKeyPair:
    """A repository's Curve25519 key pair for sealed-box secrets (base64, as GitHub sends keys)."""

    key_id: str
    public_key: str
    private_key: str


@dataclass
class Variable:
    name: str  # upper-cased, as the sandbox stores names
    value: str
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


def value_digest(salt: str, value: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + value).hexdigest()


@dataclass
class RepoState:
    id: int
    node_id: str
    owner: str
    name: str
    description: str | None = None
    private: bool = False
    visibility: str = "public"
    fork: bool = False
    archived: bool = False
    disabled: bool = False
    is_template: bool = False
    default_branch: str = "main"
    topics: list[str] = field(default_factory=list)
    homepage: str | None = None
    language: str | None = None
    license_key: str | None = None
    has_issues: bool = True
    has_projects: bool = True
    has_wiki: bool = True
    has_discussions: bool = False
    size: int = 0
    stargazers_count: int = 0
    forks_count: int = 0
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"
    pushed_at: str = "2024-01-01T00:00:00Z"
    next_issue_number: int = 1
    labels: list[Label] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    git: GitStore = field(default_factory=GitStore)
    workflows: list[Workflow] = field(default_factory=list)
    workflow_runs: list[WorkflowRun] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    # Made on first use (GET public-key or PUT), so older state files gain one too.
    secret_key: SecretKeyPair | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    # -- git ------------------------------------------------------------------------------

    def branch_head(self, branch: str) -> str | None:
        return self.git.refs.get(branch_ref(branch))

    def resolve_commit(self, ref: str | None = None) -> str | None:
        """A commit sha from what GitHub accepts as ``ref``: a branch or tag name, ``heads/x``,
        ``refs/heads/x`` or a commit sha. ``None`` means the default branch."""
        if ref is None:
            return self.branch_head(self.default_branch)
        if ref in self.git.commits:
            return ref
        for candidate in (ref, f"refs/{ref}", branch_ref(ref), f"refs/tags/{ref}"):
            if candidate.startswith("refs/") and candidate in self.git.refs:
                return self.git.refs[candidate]
        return None

    def files(self, ref: str | None = None) -> dict[str, bytes]:
        """Every file's bytes at a ref (default branch by default), by path."""
        sha = self.resolve_commit(ref)
        return self.git.files(sha) if sha is not None else {}

    def read_file(self, path: str, ref: str | None = None) -> bytes | None:
        sha = self.resolve_commit(ref)
        if sha is None:
            return None
        entry = self.git.lookup(self.git.commits[sha].tree, path)
        return self.git.blob(entry.sha) if entry is not None and entry.type == "blob" else None

    def commit_log(self, ref: str | None = None) -> list[tuple[str, Commit]]:
        """The commits reachable from a ref, nearest first."""
        sha = self.resolve_commit(ref)
        return [(c, self.git.commits[c]) for c in self.git.ancestors(sha)] if sha is not None else []

    # -- workflows and pull requests ------------------------------------------------------

    def find_workflow(self, key: str) -> Workflow | None:
        return find_workflow(self.workflows, key)

    def pulls(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.pull is not None]

    def open_pull(self, head: str, base: str) -> Issue | None:
        return next(
            (
                p
                for p in self.pulls()
                if p.state == "open" and p.pull is not None and (p.pull.head, p.pull.base) == (head, base)
            ),
            None,
        )

    def find_label(self, name: str) -> Label | None:
        # GitHub resolves label names case-insensitively.
        wanted = name.casefold()
        return next((label for label in self.labels if label.name.casefold() == wanted), None)

    def label_by_id(self, label_id: int) -> Label | None:
        return next((label for label in self.labels if label.id == label_id), None)

    def find_issue(self, number: int) -> Issue | None:
        return next((issue for issue in self.issues if issue.number == number), None)

    def find_comment(self, comment_id: int) -> Comment | None:
        return next((comment for comment in self.comments if comment.id == comment_id), None)

    def issue_labels(self, issue: Issue) -> list[Label]:
        return [label for label_id in issue.label_ids if (label := self.label_by_id(label_id)) is not None]

    def comment_count(self, issue_number: int) -> int:
        return sum(1 for comment in self.comments if comment.issue_number == issue_number)

    def open_issue_count(self) -> int:
        return sum(1 for issue in self.issues if issue.state == "open")

    def find_secret(self, name: str) -> Secret | None:
        # Secret and variable names are case-insensitive on GitHub.
        wanted = name.casefold()
        return next((s for s in self.secrets if s.name.casefold() == wanted), None)

    def find_variable(self, name: str) -> Variable | None:
        wanted = name.casefold()
        return next((v for v in self.variables if v.name.casefold() == wanted), None)

    def store_secret(self, name: str, value: bytes, *, now: str | None = None) -> bool:
        """Keep a digest of `value` under `name`; True when the secret is new."""
        when = now or utc_now()
        salt = os.urandom(16).hex()
        existing = self.find_secret(name)
        if existing is not None:
            existing.salt, existing.digest, existing.updated_at = salt, value_digest(salt, value), when
            return False
        self.secrets.append(Secret(name.upper(), salt, value_digest(salt, value), when, when))
        return True

    def secret_matches(self, name: str, value: str) -> bool:
        """Whether the secret `name` holds exactly `value`: what tests assert arrived."""
        secret = self.find_secret(name)
        if secret is None:
            return False
        return hmac.compare_digest(secret.digest, value_digest(secret.salt, value.encode("utf-8")))


@dataclass
class RateWindow:
    used: int
    reset: int  # epoch seconds


@dataclass
class RateLimitState:
    limit: int = DEFAULT_RATE_LIMIT
    # Keyed by a hash of the token, so the state file never holds a token it was not given.
    windows: dict[str, RateWindow] = field(default_factory=dict)
    # Set by ``Sandbox.set_rate_limit``: tokens first seen while it applies start from it.
    forced: RateWindow | None = None


def make_node_id(prefix: str, number: int) -> str:
    return f"{prefix}_kw" + base64.b64encode(f"sandbox:{prefix}:{number}".encode()).decode().rstrip("=")
