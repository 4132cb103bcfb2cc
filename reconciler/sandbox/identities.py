"""Tokens as identities: who a token acts for, what it may do, and which repositories it sees.

A token the sandbox has been told about (a ``TokenGrant``) has a user, classic scopes or
fine-grained permissions, a default role on repositories and per-repository roles. A
repository it has no role in is invisible to it unless public (then read-only), and GitHub
answers 404 for what a token cannot see. ``Viewer.role_in`` is the one place that decides.

Tokens are kept only as digests (``token_key``): the state file, which people commit and
share, never holds a token. A GitHub App installation token is one more kind of grant (see
``apps``): it sees its installation's repositories, with a role its App permissions imply.
Everything that asks what a token may do goes through ``TokenGrant`` and ``Viewer``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .codec import from_json, to_json
from .model import RepoState

# Repository roles, weakest first, as GitHub names them in a repository's ``permissions``.
ROLES: tuple[str, ...] = ("pull", "triage", "push", "maintain", "admin")
DEFAULT_TOKEN_SCOPES: tuple[str, ...] = ("repo", "workflow", "read:org")
OPERATOR_LOGIN = "sandbox-operator"
# What a token the sandbox was never told about gets: the operator's identity (so any
# GitHub client and any test token works out of the box), or GitHub's 401 Bad credentials.
UNKNOWN_TOKEN_POLICIES: tuple[str, ...] = ("operator", "reject")
_DIGEST = re.compile(r"^[0-9a-f]{24}$")


def role_at_least(role: str, wanted: str) -> bool:
    return ROLES.index(role) >= ROLES.index(wanted)


def token_key(token: str) -> str:
    # The same digest the rate-limit windows use: one token, one key everywhere.
    return hashlib.sha256(token.encode()).hexdigest()[:24]


@dataclass
class TokenGrant:
    """What a token may do; ``valid=False`` makes the server answer 401 Bad credentials.

    ``login`` is the user the token acts for (an account is made on first use). ``role`` is
    that user's role on every repository not named in ``repositories`` (full name, case-folded,
    to role); ``None`` gives no role, so private repositories are invisible and public ones
    read-only. The user is always admin of repositories it owns. ``fine_grained`` stands for
    a fine-grained token or a GitHub App, which GitHub answers without ``X-OAuth-Scopes``;
    ``scopes`` then stands in for the permissions it was given (``workflow`` for Workflows:
    write)."""

    scopes: list[str] = field(default_factory=lambda: list(DEFAULT_TOKEN_SCOPES))
    login: str = OPERATOR_LOGIN
    valid: bool = True
    role: str | None = "admin"
    fine_grained: bool = False
    repositories: dict[str, str] = field(default_factory=dict)
    # When the token stops working (epoch seconds, by the sandbox's clock); None: never.
    # GitHub answers 401 Bad credentials after it, and names it in every answer before.
    expires_at: int | None = None
    # An installation token: its installation, the account it is installed on, the
    # repositories it was narrowed to (None: every one of the account's), its App
    # permissions, and its own hourly budget.
    installation_id: int | None = None
    installation_account: str | None = None
    repository_ids: list[int] | None = None
    permissions: dict[str, str] = field(default_factory=dict)
    rate_limit: int | None = None

    def __post_init__(self) -> None:
        for role in [self.role, *self.repositories.values()]:
            if role is not None and role not in ROLES:
                raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        self.repositories = {slug.casefold(): role for slug, role in self.repositories.items()}


class TokenRegistry:
    """The grants by token, held under the token's digest: ``registry["t"]`` works, but the
    registry (and so the state file) never holds ``"t"`` itself. Iterating yields digests."""

    def __init__(self, grants: dict[str, TokenGrant] | None = None) -> None:
        self._grants: dict[str, TokenGrant] = {}
        for token, grant in (grants or {}).items():
            self[token] = grant

    def __getitem__(self, token: str) -> TokenGrant:
        return self._grants[token_key(token)]

    def __setitem__(self, token: str, grant: TokenGrant) -> None:
        self._grants[token_key(token)] = grant

    def __delitem__(self, token: str) -> None:
        del self._grants[token_key(token)]

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token_key(token) in self._grants

    def __iter__(self) -> Iterator[str]:
        return iter(self._grants)

    def __len__(self) -> int:
        return len(self._grants)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenRegistry) and self._grants == other._grants

    __hash__ = None  # type: ignore[assignment]

    def get(self, token: str) -> TokenGrant | None:
        return self._grants.get(token_key(token))

    def pop(self, token: str, default: TokenGrant | None = None) -> TokenGrant | None:
        return self._grants.pop(token_key(token), default)

    def grants(self) -> list[TokenGrant]:
        return list(self._grants.values())

    def drop_where(self, unwanted: Callable[[TokenGrant], bool]) -> int:
        """Forget every grant ``unwanted`` picks (expired installation tokens); how many."""
        gone = [digest for digest, grant in self._grants.items() if unwanted(grant)]
        for digest in gone:
            del self._grants[digest]
        return len(gone)

    # The codec's hooks (see ``codec``).
    def encode_json(self) -> Any:
        return {digest: to_json(grant) for digest, grant in sorted(self._grants.items())}

    @classmethod
    def decode_json(cls, data: Any) -> TokenRegistry:
        registry = cls()
        for key, grant in data.items():
            # State files before schema 2 held tokens themselves; keep only their digests.
            digest = key if _DIGEST.match(key) else token_key(key)
            registry._grants[digest] = from_json(TokenGrant, grant)
        return registry


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as far as repositories go; ``grant=None`` is an anonymous request."""

    grant: TokenGrant | None = None

    def role_in(self, repo: RepoState) -> str | None:
        """The viewer's role in ``repo``; ``None`` when GitHub would pretend it does not exist."""
        grant = self.grant
        if grant is not None and grant.installation_account is not None:
            return self._installation_role(grant, repo)
        if grant is not None:
            if repo.owner.casefold() == grant.login.casefold():
                return "admin"
            named = grant.repositories.get(repo.full_name.casefold())
            if named is not None:
                return named
            if grant.role is not None:
                return grant.role
        return None if repo.private else "pull"

    def can_see(self, repo: RepoState) -> bool:
        return self.role_in(repo) is not None

    @staticmethod
    def _installation_role(grant: TokenGrant, repo: RepoState) -> str | None:
        account = grant.installation_account or ""
        mine = repo.owner.casefold() == account.casefold() and (
            grant.repository_ids is None or repo.id in grant.repository_ids
        )
        if mine:
            return installation_role(grant.permissions)
        return None if repo.private else "pull"


def installation_role(permissions: dict[str, str]) -> str:
    """The repository role an App's permissions amount to, for ``permissions`` in repository
    objects; what each route needs is checked against the permissions themselves."""
    if permissions.get("administration") == "write":
        return "admin"
    if permissions.get("contents") == "write":
        return "push"
    return "pull"
