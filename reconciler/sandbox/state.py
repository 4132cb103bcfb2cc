"""The sandbox's whole world as plain, JSON-serialisable dataclasses.

Nothing here knows about HTTP or URLs: URLs depend on where the server happens to listen,
so they are built at response time (see ``representations``). Adding a new per-repository
collection (secrets, variables, ...) means adding a field with a default to ``RepoState``;
``from_json`` fills missing fields from their defaults, so older state files keep loading.

Each repository holds a git object store (``gitobjects``). Branch moves go through
``SandboxState.set_ref``, the one place that keeps what derives from the default branch
(its workflows) in step with it.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import os
import threading
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, Union

from .gitobjects import FILE_MODE, Commit, GitStore, Signature, TreeEntry, set_leaf
from .workflows import Workflow, find_workflow, is_workflow_file, workflow_name

SCHEMA_VERSION = 1
# Marks a field that is not part of the state itself (a lock, an index): never saved or swapped.
_TRANSIENT = {"transient": True}
DEFAULT_TOKEN_SCOPES: tuple[str, ...] = ("repo", "workflow", "read:org")
DEFAULT_RATE_LIMIT = 5000
RATE_WINDOW_SECONDS = 3600


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# Repository roles, weakest first, as GitHub names them in a repository's ``permissions``.
ROLES: tuple[str, ...] = ("pull", "triage", "push", "maintain", "admin")


def role_at_least(role: str, wanted: str) -> bool:
    return ROLES.index(role) >= ROLES.index(wanted)


@dataclass
class TokenGrant:
    """What a token may do; ``valid=False`` makes the server answer 401 Bad credentials.

    ``role`` is the token owner's role on every repository: it sets the ``permissions`` a
    repository shows and which writes are allowed. ``fine_grained`` stands for a fine-grained
    token or a GitHub App, which GitHub answers without ``X-OAuth-Scopes``; ``scopes`` then
    stands in for the permissions such a token was given (``workflow`` for Workflows: write)."""

    scopes: list[str] = field(default_factory=lambda: list(DEFAULT_TOKEN_SCOPES))
    login: str = "sandbox-operator"
    valid: bool = True
    role: str = "admin"
    fine_grained: bool = False


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


@dataclass
class SandboxState:
    schema_version: int = SCHEMA_VERSION
    operator_login: str = "sandbox-operator"
    accounts: list[Account] = field(default_factory=list)
    repos: list[RepoState] = field(default_factory=list)
    tokens: dict[str, TokenGrant] = field(default_factory=dict)
    default_token_scopes: list[str] = field(default_factory=lambda: list(DEFAULT_TOKEN_SCOPES))
    rate_limit: RateLimitState = field(default_factory=RateLimitState)
    # How many workflow list/get requests for a repository still miss a newly pushed
    # workflow file; 0 shows it at once. Counted, not timed, so tests stay deterministic.
    workflow_registration_lag: int = 1
    next_ids: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False, metadata=_TRANSIENT)
    # Repositories by case-folded slug: every request looks one up, and a fleet has thousands.
    # Derived from `repos`, so never saved; rebuilt whenever a lookup misses.
    _by_slug: dict[str, RepoState] = field(default_factory=dict, repr=False, compare=False, metadata=_TRANSIENT)

    # -- identity -------------------------------------------------------------------------

    def next_id(self, kind: str) -> int:
        # Per-kind counters that start at distinct bases, so an id alone hints at its kind.
        bases = {
            "account": 1000,
            "repo": 700000,
            "label": 5000000,
            "issue": 9000000,
            "comment": 1200000,
            "pull": 180000000,
            "workflow": 61000000,
        }
        value = self.next_ids.get(kind, bases.get(kind, 1))
        self.next_ids[kind] = value + 1
        return value

    # -- lookups --------------------------------------------------------------------------

    def account(self, login: str) -> Account | None:
        wanted = login.casefold()
        return next((acc for acc in self.accounts if acc.login.casefold() == wanted), None)

    def find_repo(self, owner: str, name: str) -> RepoState | None:
        # Owner and repository names are case-insensitive on GitHub.
        slug = f"{owner.casefold()}/{name.casefold()}"
        found = self._by_slug.get(slug)
        if found is None:
            # Repositories are only ever added (or the whole list swapped), so a miss is the
            # one time the index can be behind.
            self._by_slug = {r.full_name.casefold(): r for r in reversed(self.repos)}
            found = self._by_slug.get(slug)
        return found

    def repos_of(self, owner: str) -> list[RepoState]:
        wanted = owner.casefold()
        return [r for r in self.repos if r.owner.casefold() == wanted]

    # -- mutation helpers shared by routes, seed and tests ----------------------------------

    def add_account(
        self,
        login: str,
        *,
        type: str = "User",
        name: str | None = None,
        email: str | None = None,
        created_at: str = "2020-01-01T00:00:00Z",
    ) -> Account:
        acc_id = self.next_id("account")
        prefix = "O" if type == "Organization" else "U"
        acc = Account(
            login=login,
            id=acc_id,
            node_id=make_node_id(prefix, acc_id),
            type=type,
            name=name,
            email=email,
            created_at=created_at,
        )
        self.accounts.append(acc)
        return acc

    def add_repo(self, owner: str, name: str, **attrs: Any) -> RepoState:
        repo_id = self.next_id("repo")
        repo = RepoState(id=repo_id, node_id=make_node_id("R", repo_id), owner=owner, name=name, **attrs)
        self.repos.append(repo)
        return repo

    def add_label(
        self, repo: RepoState, name: str, color: str, description: str | None = None, *, default: bool = False
    ) -> Label:
        label_id = self.next_id("label")
        label = Label(
            id=label_id,
            node_id=make_node_id("LA", label_id),
            name=name,
            color=color,
            description=description,
            default=default,
        )
        repo.labels.append(label)
        return label

    def add_issue(
        self,
        repo: RepoState,
        title: str,
        *,
        author: str,
        body: str | None = None,
        label_names: list[str] | None = None,
        is_pull_request: bool = False,
        created_at: str | None = None,
    ) -> Issue:
        issue_id = self.next_id("issue")
        when = created_at or utc_now()
        issue = Issue(
            id=issue_id,
            node_id=make_node_id("PR" if is_pull_request else "I", issue_id),
            number=repo.next_issue_number,
            title=title,
            author=author,
            body=body,
            is_pull_request=is_pull_request,
            created_at=when,
            updated_at=when,
        )
        repo.next_issue_number += 1
        for label_name in label_names or []:
            label = repo.find_label(label_name)
            if label is None:
                # As on GitHub, naming a label an issue should carry creates it.
                label = self.add_label(repo, label_name, "ededed")
            if label.id not in issue.label_ids:
                issue.label_ids.append(label.id)
        repo.issues.append(issue)
        return issue

    def add_comment(
        self, repo: RepoState, issue: Issue, body: str, *, author: str, created_at: str | None = None
    ) -> Comment:
        comment_id = self.next_id("comment")
        when = created_at or utc_now()
        comment = Comment(
            id=comment_id,
            node_id=make_node_id("IC", comment_id),
            issue_number=issue.number,
            body=body,
            author=author,
            created_at=when,
            updated_at=when,
        )
        repo.comments.append(comment)
        return comment

    def add_pull(
        self,
        repo: RepoState,
        title: str,
        *,
        author: str,
        head: str,
        base: str,
        body: str | None = None,
        draft: bool = False,
        label_names: list[str] | None = None,
        created_at: str | None = None,
    ) -> Issue:
        """A pull request from ``head`` into ``base``; both branches must exist."""
        head_sha, base_sha = repo.branch_head(head), repo.branch_head(base)
        if head_sha is None or base_sha is None:
            raise ValueError(f"{repo.full_name}: branches {head!r} and {base!r} must both exist")
        issue = self.add_issue(
            repo,
            title,
            author=author,
            body=body,
            label_names=label_names,
            is_pull_request=True,
            created_at=created_at,
        )
        issue.pull = PullDetails(
            id=self.next_id("pull"), head=head, base=base, head_sha=head_sha, base_sha=base_sha, draft=draft
        )
        return issue

    # -- git --------------------------------------------------------------------------------

    def signature(self, login: str, when: str | None = None) -> Signature:
        """How GitHub signs a commit made through the API by this account."""
        account = self.account(login)
        name = (account.name if account else None) or login
        email = (account.email if account else None) or (
            f"{account.id if account else 0}+{login}@users.noreply.github.com"
        )
        return Signature(name=name, email=email, date=when or utc_now())

    def commit_files(
        self,
        repo: RepoState,
        branch: str,
        changes: Mapping[str, bytes | None],
        message: str,
        *,
        author: Signature | None = None,
        committer: Signature | None = None,
    ) -> str:
        """One commit on ``branch`` that writes (bytes) or deletes (``None``) files; the
        branch is created when the repository is still empty. Returns the commit sha."""
        head = repo.branch_head(branch)
        leaves = repo.git.flatten(repo.git.commits[head].tree) if head is not None else {}
        for path, data in changes.items():
            if data is None:
                set_leaf(leaves, path, None)
                continue
            old = leaves.get(path)
            mode = old.mode if old is not None and old.type == "blob" else FILE_MODE
            set_leaf(leaves, path, TreeEntry(mode, path.rsplit("/", 1)[-1], repo.git.put_blob(data)))
        author = author or self.signature(self.operator_login)
        commit = Commit(
            tree=repo.git.build_tree(leaves),
            parents=[head] if head is not None else [],
            author=author,
            committer=committer or author,
            message=message,
        )
        sha = repo.git.put_commit(commit)
        self.set_ref(repo, branch_ref(branch), sha)
        return sha

    def set_ref(self, repo: RepoState, ref: str, sha: str | None) -> None:
        """Point ``ref`` (``refs/heads/x``) at a commit, or delete it with ``None``. Every
        branch move goes through here, so the default branch's workflows follow it."""
        if sha is None:
            old = repo.git.refs.pop(ref, None)
            for issue in repo.pulls():
                pull = issue.pull
                if pull is None or pull.merged or branch_ref(pull.head) != ref or old is None:
                    continue
                pull.head_sha = old
                # GitHub closes a pull request whose head branch is deleted.
                if issue.state == "open":
                    issue.state, issue.closed_at = "closed", utc_now()
        else:
            repo.git.refs[ref] = sha
            if ref.startswith(HEADS):
                # ISO 8601 UTC strings order like the moments they name.
                repo.pushed_at = max(repo.pushed_at, repo.git.commits[sha].committer.date)
        if ref == branch_ref(repo.default_branch):
            self.sync_workflows(repo)

    def sync_workflows(self, repo: RepoState) -> None:
        """Register the default branch's workflow files, rename on a changed ``name:``, and
        drop workflows whose file is gone (with no runs, nothing else keeps them)."""
        head = repo.branch_head(repo.default_branch)
        leaves = repo.git.flatten(repo.git.commits[head].tree) if head is not None else {}
        when = repo.git.commits[head].committer.date if head is not None else utc_now()
        present = {path: entry for path, entry in leaves.items() if is_workflow_file(path)}
        repo.workflows = [w for w in repo.workflows if w.path in present]
        known = {w.path: w for w in repo.workflows}
        for path, entry in sorted(present.items()):
            name = workflow_name(repo.git.blob(entry.sha) or b"", path)
            workflow = known.get(path)
            if workflow is None:
                workflow_id = self.next_id("workflow")
                repo.workflows.append(
                    Workflow(
                        id=workflow_id,
                        node_id=make_node_id("W", workflow_id),
                        path=path,
                        name=name,
                        created_at=when,
                        updated_at=when,
                        hidden_for=self.workflow_registration_lag,
                    )
                )
            elif workflow.name != name:
                workflow.name, workflow.updated_at = name, when

    def replace_with(self, other: SandboxState) -> None:
        """Swap in another state's contents while keeping this object (and its lock) alive,
        because tests and the server hold references to it."""
        with self.lock:
            for f in dataclasses.fields(self):
                if not f.metadata.get("transient"):
                    setattr(self, f.name, getattr(other, f.name))
            self._by_slug = {}

    # -- JSON -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return _to_json(self)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported sandbox state schema_version {version!r} (expected {SCHEMA_VERSION})")
        return _from_json(cls, data)


def make_node_id(prefix: str, number: int) -> str:
    return f"{prefix}_kw" + base64.b64encode(f"sandbox:{prefix}:{number}".encode()).decode().rstrip("=")


# -- generic dataclass <-> JSON codec ---------------------------------------------------------

T = TypeVar("T")


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("transient")
        }
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value


def _from_json(cls: type[T], data: dict[str, Any]) -> T:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.metadata.get("transient") or f.name not in data:
            continue  # missing fields take their defaults, so old files load after additions
        kwargs[f.name] = _decode(hints[f.name], data[f.name])
    return cls(**kwargs)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_decode(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(hint)
        return {k: _decode(item, v) for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from_json(hint, value)
    return value
