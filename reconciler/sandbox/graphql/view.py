"""The sandbox state as the GraphQL resolvers see it: the one module that reads ``SandboxState``.

Resolvers get plain, frozen records (repositories, labels, refs, git objects, the viewer) and
never touch the state's own classes, so when the state is reorganised (split into modules,
moved to another store, tokens given their own identities) only this module changes. Every
call runs under the state lock the pipeline holds while a route answers, so one query sees
one consistent state.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from ..gitobjects import entry_type
from ..identities import Viewer as Access
from ..state import HEADS, RateWindow, RepoState, SandboxState

# GraphQL's RepositoryPermission for the REST roles a token owner can have on a repository.
PERMISSIONS = {"pull": "READ", "triage": "TRIAGE", "push": "WRITE", "maintain": "MAINTAIN", "admin": "ADMIN"}
# Where the GraphQL budget windows live among the rate-limit windows the state already keeps
# (and saves), apart from REST's: REST keys are bare token hashes.
GRAPHQL_WINDOW_PREFIX = "graphql:"


def node_id(prefix: str, *parts: object) -> str:
    """An opaque global id in GitHub's style (``R_kw...``), stable for the same object."""
    raw = ":".join(["sandbox", prefix, *(str(p) for p in parts)]).encode()
    return f"{prefix}_kw" + base64.b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Viewer:
    login: str
    user_id: int
    node_id: str


@dataclass(frozen=True)
class Organization:
    login: str
    node_id: str


@dataclass(frozen=True)
class Repository:
    node_id: str
    database_id: int
    owner: str
    name: str
    description: str | None
    is_archived: bool
    is_disabled: bool
    is_empty: bool
    is_fork: bool
    is_private: bool
    is_template: bool
    visibility: str  # PUBLIC, PRIVATE or INTERNAL
    viewer_permission: str
    created_at: str
    updated_at: str
    pushed_at: str
    stargazers: int
    topics: tuple[str, ...]
    default_branch: str
    _state: RepoState = field(repr=False, compare=False)

    @property
    def name_with_owner(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class Label:
    node_id: str
    database_id: int
    name: str
    color: str
    description: str | None
    is_default: bool


@dataclass(frozen=True)
class GitObject:
    """A blob, tree or commit of one repository; ``typename`` is its GraphQL type."""

    typename: str  # Blob, Tree or Commit
    oid: str
    repo: Repository
    # The path it was reached by ("" for a commit's root tree; None when asked for by oid),
    # so a tree's entries can tell their full path.
    path: str | None = None

    @property
    def node_id(self) -> str:
        return node_id(self.typename[0], self.repo.database_id, self.oid)


@dataclass(frozen=True)
class TreeEntry:
    name: str
    path: str
    oid: str
    type: str  # blob, tree or commit (a submodule)
    mode: int  # git's octal mode as a number, as GitHub's GraphQL API gives it
    repo: Repository


@dataclass(frozen=True)
class Ref:
    name: str
    prefix: str
    target_oid: str
    repo: Repository

    @property
    def node_id(self) -> str:
        return node_id("REF", self.repo.database_id, self.prefix + self.name)


@dataclass(frozen=True)
class Budget:
    """One token's GraphQL budget window."""

    used: int
    reset: int  # epoch seconds


class StateView:
    """What one caller may read of the sandbox, in the records above."""

    def __init__(self, state: SandboxState, *, login: str, access: Access) -> None:
        self._state = state
        self._login = login
        self._access = access

    # -- who is asking ---------------------------------------------------------------------

    def viewer(self) -> Viewer:
        account = self._state.account(self._login)
        user_id = account.id if account is not None else 0
        return Viewer(self._login, user_id, account.node_id if account is not None else node_id("U", 0))

    def _visible(self, repo: RepoState) -> bool:
        # As REST: a repository the token has no role in is not there, unless it is public.
        return self._access.can_see(repo)

    # -- repositories -----------------------------------------------------------------------

    def repository(self, owner: str, name: str) -> Repository | None:
        repo = self._state.find_repo(owner, name)
        return self._record(repo) if repo is not None and self._visible(repo) else None

    def organization(self, login: str) -> Organization | None:
        account = self._state.account(login)
        if account is None or account.type != "Organization":
            return None
        return Organization(account.login, account.node_id)

    def organization_repositories(self, login: str) -> list[Repository]:
        return [self._record(r) for r in self._state.repos_of(login) if self._visible(r)]

    def _record(self, repo: RepoState) -> Repository:
        return Repository(
            node_id=repo.node_id,
            database_id=repo.id,
            owner=repo.owner,
            name=repo.name,
            description=repo.description,
            is_archived=repo.archived,
            is_disabled=repo.disabled,
            is_empty=repo.branch_head(repo.default_branch) is None,
            is_fork=repo.fork,
            is_private=repo.private,
            is_template=repo.is_template,
            visibility=repo.visibility.upper(),
            viewer_permission=PERMISSIONS.get(self._access.role_in(repo) or "pull", "READ"),
            created_at=repo.created_at,
            updated_at=repo.updated_at,
            pushed_at=repo.pushed_at,
            stargazers=repo.stargazers_count,
            topics=tuple(repo.topics),
            default_branch=repo.default_branch,
            _state=repo,
        )

    # -- labels -------------------------------------------------------------------------------

    def labels(self, repo: Repository) -> list[Label]:
        """In creation order, which is what GitHub's default ``CREATED_AT`` order gives."""
        return [
            Label(label.node_id, label.id, label.name, label.color, label.description, label.default)
            for label in repo._state.labels
        ]

    def label(self, repo: Repository, name: str) -> Label | None:
        wanted = name.casefold()
        return next((label for label in self.labels(repo) if label.name.casefold() == wanted), None)

    # -- refs and git objects ---------------------------------------------------------------

    def default_branch_ref(self, repo: Repository) -> Ref | None:
        return self.ref(repo, HEADS + repo.default_branch)

    def ref(self, repo: Repository, qualified_name: str) -> Ref | None:
        """``refs/heads/main``, or a short name (``main``) as GitHub falls back to."""
        refs = repo._state.git.refs
        candidates = [qualified_name] if qualified_name.startswith("refs/") else []
        candidates += [HEADS + qualified_name, "refs/tags/" + qualified_name]
        full = next((candidate for candidate in candidates if candidate in refs), None)
        if full is None or full.count("/") < 2:
            return None
        first, second, short = full.split("/", 2)
        return Ref(short, f"{first}/{second}/", refs[full], repo)

    def resolve(self, repo: Repository, expression: str) -> GitObject | None:
        """A git revision expression as ``Repository.object(expression:)`` takes it:
        ``HEAD``, a branch, tag or commit, optionally followed by ``:path`` (``HEAD:.github``)."""
        revision, colon, path = expression.partition(":")
        git = repo._state.git
        commit = repo._state.resolve_commit(None if revision in ("", "HEAD") else revision)
        if commit is None or commit not in git.commits:
            return None
        if not colon:
            return GitObject("Commit", commit, repo)
        entry = git.lookup(git.commits[commit].tree, path)
        return None if entry is None else self._object(repo, entry.sha, entry.type, path.strip("/"))

    def object_by_oid(self, repo: Repository, oid: str) -> GitObject | None:
        kind = repo._state.git.object_type(oid)
        return None if kind is None else self._object(repo, oid, kind)

    def _object(self, repo: Repository, oid: str, kind: str, path: str | None = None) -> GitObject | None:
        typename = {"blob": "Blob", "tree": "Tree", "commit": "Commit"}[kind]
        # A submodule's commit lives in another repository: GitHub answers null for it.
        if kind == "commit" and oid not in repo._state.git.commits:
            return None
        return GitObject(typename, oid, repo, path)

    def commit_tree(self, commit: GitObject) -> GitObject:
        return GitObject("Tree", commit.repo._state.git.commits[commit.oid].tree, commit.repo, "")

    def commit_message(self, commit: GitObject) -> str:
        return commit.repo._state.git.commits[commit.oid].message

    def tree_entries(self, tree: GitObject) -> list[TreeEntry]:
        """A tree's entries in git's order, each with its path from the repository's root."""
        entries = tree.repo._state.git.tree(tree.oid) or []
        prefix = f"{tree.path}/" if tree.path else ""
        return [
            TreeEntry(e.name, prefix + e.name, e.sha, entry_type(e.mode), int(e.mode, 8), tree.repo) for e in entries
        ]

    def entry_object(self, entry: TreeEntry) -> GitObject | None:
        return self._object(entry.repo, entry.oid, entry.type, entry.path)

    def entry_size(self, entry: TreeEntry) -> int:
        if entry.type != "blob":
            return 0
        return len(entry.repo._state.git.blob(entry.oid) or b"")

    def blob_bytes(self, blob: GitObject) -> bytes:
        return blob.repo._state.git.blob(blob.oid) or b""


# -- the GraphQL budget: kept beside REST's windows, so it is saved with the state ----------------


def load_budget(state: SandboxState, key: str) -> Budget | None:
    window = state.rate_limit.windows.get(GRAPHQL_WINDOW_PREFIX + key)
    return None if window is None else Budget(window.used, window.reset)


def store_budget(state: SandboxState, key: str, budget: Budget) -> None:
    state.rate_limit.windows[GRAPHQL_WINDOW_PREFIX + key] = RateWindow(budget.used, budget.reset)


def forget_budgets(state: SandboxState) -> None:
    windows = state.rate_limit.windows
    for key in [k for k in windows if k.startswith(GRAPHQL_WINDOW_PREFIX)]:
        del windows[key]


def user_id(state: SandboxState, login: str) -> int:
    account = state.account(login)
    return account.id if account is not None else 0
