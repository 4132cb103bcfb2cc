"""The sandbox's whole world: ``SandboxState``, its lookups, and which repositories a change touched.

The parts live in their own modules: the data (``model``), consistent changes (``mutations``),
tokens and who sees what (``identities``), GitHub Apps (``apps``), organisation-level Actions
secrets and variables (``org_actions``) and the JSON codec (``codec``). Their names are
re-exported here, where routes and tests have always found them.

Saving a change costs what the change touched, not the whole state (see ``store``): a
repository looked up with ``find_repo`` while a change runs is one the change may have
written. Code that changes a repository it reached another way calls ``touch(repo)``.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

from .apps import App, Installation
from .codec import TRANSIENT, from_json, to_json
from .identities import (
    DEFAULT_TOKEN_SCOPES,
    OPERATOR_LOGIN,
    ROLES,
    UNKNOWN_TOKEN_POLICIES,
    TokenGrant,
    TokenRegistry,
    Viewer,
    role_at_least,
    token_key,
)
from .model import (
    DEFAULT_RATE_LIMIT,
    HEADS,
    RATE_WINDOW_SECONDS,
    Account,
    Comment,
    Issue,
    Label,
    PullDetails,
    RateLimitState,
    RateWindow,
    RepoState,
    Secret,
    SecretKeyPair,
    Variable,
    branch_ref,
    make_node_id,
    utc_now,
    value_digest,
)
from .mutations import StateMutations
from .org_actions import OrgActions

__all__ = [
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_TOKEN_SCOPES",
    "HEADS",
    "OPERATOR_LOGIN",
    "RATE_WINDOW_SECONDS",
    "ROLES",
    "SCHEMA_VERSION",
    "UNKNOWN_TOKEN_POLICIES",
    "Account",
    "Comment",
    "Issue",
    "Label",
    "PullDetails",
    "RateLimitState",
    "RateWindow",
    "RepoState",
    "SandboxState",
    "Secret",
    "SecretKeyPair",
    "TokenGrant",
    "TokenRegistry",
    "Variable",
    "Viewer",
    "branch_ref",
    "make_node_id",
    "role_at_least",
    "token_key",
    "utc_now",
    "value_digest",
]

# 2: tokens are kept under their digests (1 kept the tokens themselves).
SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)


@dataclass
class SandboxState(StateMutations):
    schema_version: int = SCHEMA_VERSION
    operator_login: str = OPERATOR_LOGIN
    accounts: list[Account] = field(default_factory=list)
    repos: list[RepoState] = field(default_factory=list)
    tokens: TokenRegistry = field(default_factory=TokenRegistry)
    default_token_scopes: list[str] = field(default_factory=lambda: list(DEFAULT_TOKEN_SCOPES))
    # One of UNKNOWN_TOKEN_POLICIES: what a token without a grant gets.
    unknown_tokens: str = "operator"
    rate_limit: RateLimitState = field(default_factory=RateLimitState)
    # How many workflow list/get requests for a repository still miss a newly pushed
    # workflow file; 0 shows it at once. Counted, not timed, so tests stay deterministic.
    workflow_registration_lag: int = 1
    next_ids: dict[str, int] = field(default_factory=dict)
    # How far the sandbox's clock is ahead of the wall clock, in seconds (see ``clock``).
    clock_offset: float = 0.0
    apps: list[App] = field(default_factory=list)
    installations: list[Installation] = field(default_factory=list)
    org_actions: list[OrgActions] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False, metadata=TRANSIENT)
    # Repositories by case-folded slug: every request looks one up, and a fleet has thousands.
    # Derived from `repos`, so never saved; rebuilt whenever a lookup misses.
    _by_slug: dict[str, RepoState] = field(default_factory=dict, repr=False, compare=False, metadata=TRANSIENT)
    # Ids of the repositories looked up since ``track_changes``, and of those a change wrote.
    _touched: set[int] = field(default_factory=set, repr=False, compare=False, metadata=TRANSIENT)
    _changed: set[int] = field(default_factory=set, repr=False, compare=False, metadata=TRANSIENT)
    _wrote: bool = field(default=False, repr=False, compare=False, metadata=TRANSIENT)

    # -- lookups --------------------------------------------------------------------------

    def account(self, login: str) -> Account | None:
        wanted = login.casefold()
        return next((acc for acc in self.accounts if acc.login.casefold() == wanted), None)

    def find_repo(self, owner: str, name: str) -> RepoState | None:
        # Owner and repository names are case-insensitive on GitHub.
        slug = f"{owner.casefold()}/{name.casefold()}"
        found = self._by_slug.get(slug)
        if found is None:
            # Repositories are only ever added or replaced as a whole (``repos_replaced``),
            # so a miss is the one time the index can be behind.
            self._by_slug = {r.full_name.casefold(): r for r in reversed(self.repos)}
            found = self._by_slug.get(slug)
        if found is not None:
            self._touched.add(found.id)
        return found

    def actions_of(self, org: str, *, create: bool = False) -> OrgActions | None:
        """An organisation's Actions secrets and variables; made on first write (``create``)."""
        wanted = org.casefold()
        found = next((o for o in self.org_actions if o.login.casefold() == wanted), None)
        if found is None and create:
            account = self.account(org)
            found = OrgActions(login=account.login if account is not None else org)
            self.org_actions.append(found)
        return found

    def repos_of(self, owner: str) -> list[RepoState]:
        wanted = owner.casefold()
        return [r for r in self.repos if r.owner.casefold() == wanted]

    # -- what a change touched --------------------------------------------------------------

    def track_changes(self) -> None:
        """Start a change: forget what earlier ones looked up."""
        self._touched.clear()
        self._changed.clear()
        self._wrote = False

    def touch(self, repo: RepoState) -> None:
        """Mark ``repo`` as one the running change may write (``find_repo`` does this)."""
        self._touched.add(repo.id)

    def touched_changed(self) -> None:
        """The running change wrote what it touched: the store saves those repositories."""
        self._changed |= self._touched
        self._wrote = True

    def changed_repo_ids(self) -> set[int] | None:
        """Repositories the running change may have written; None when it wrote without
        looking any up, so every repository must be compared."""
        if not self._wrote:
            return set()
        return set(self._changed) if self._changed else None

    def repos_replaced(self) -> None:
        """``repos`` holds new objects (a reload): the slug index must not hand out old ones."""
        self._by_slug = {}

    def replace_with(self, other: SandboxState) -> None:
        """Swap in another state's contents while keeping this object (and its lock) alive,
        because tests and the server hold references to it."""
        with self.lock:
            for f in dataclasses.fields(self):
                if not f.metadata.get("transient"):
                    setattr(self, f.name, getattr(other, f.name))
            self.repos_replaced()

    # -- JSON -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return to_json(self)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        version = data.get("schema_version", SCHEMA_VERSION)
        if version not in READABLE_SCHEMA_VERSIONS:
            raise ValueError(f"unsupported sandbox state schema_version {version!r} (expected {SCHEMA_VERSION})")
        state = from_json(cls, data)
        state.schema_version = SCHEMA_VERSION
        return state
