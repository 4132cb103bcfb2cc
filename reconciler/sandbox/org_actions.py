"""Organisation-level Actions secrets and variables, and which repositories get them.

Each has a ``visibility``: ``all`` (every repository of the organisation), ``private``
(private and internal repositories only) or ``selected`` (only ``selected_repository_ids``).
Secrets are sealed to the organisation's own Curve25519 key and kept, like repository
secrets, only as a salted digest of what arrived.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field

from .model import RepoState, SecretKeyPair, utc_now, value_digest

VISIBILITIES = ("all", "private", "selected")


@dataclass
class OrgSecret:
    name: str  # upper-cased, as the sandbox stores names
    salt: str
    digest: str
    visibility: str = "all"
    selected_repository_ids: list[int] = field(default_factory=list)
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


@dataclass
class OrgVariable:
    name: str
    value: str
    visibility: str = "all"
    selected_repository_ids: list[int] = field(default_factory=list)
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"


def shared_with(item: OrgSecret | OrgVariable, repo: RepoState) -> bool:
    """Whether a repository of the organisation gets this secret or variable."""
    if item.visibility == "selected":
        return repo.id in item.selected_repository_ids
    if item.visibility == "private":
        return repo.private
    return True


@dataclass
class OrgActions:
    """One organisation's Actions secrets and variables, and its key pair for secrets."""

    login: str
    secret_key: SecretKeyPair | None = None
    secrets: list[OrgSecret] = field(default_factory=list)
    variables: list[OrgVariable] = field(default_factory=list)

    def find_secret(self, name: str) -> OrgSecret | None:
        wanted = name.casefold()
        return next((s for s in self.secrets if s.name.casefold() == wanted), None)

    def find_variable(self, name: str) -> OrgVariable | None:
        wanted = name.casefold()
        return next((v for v in self.variables if v.name.casefold() == wanted), None)

    def store_secret(self, name: str, value: bytes, *, visibility: str, selected: list[int] | None) -> bool:
        """Keep a digest of ``value``; True when the secret is new. ``selected`` None keeps
        the repositories already selected."""
        now = utc_now()
        salt = os.urandom(16).hex()
        existing = self.find_secret(name)
        if existing is None:
            existing = OrgSecret(name.upper(), salt, value_digest(salt, value), created_at=now)
            self.secrets.append(existing)
            created = True
        else:
            existing.salt, existing.digest = salt, value_digest(salt, value)
            created = False
        existing.visibility, existing.updated_at = visibility, now
        if selected is not None:
            existing.selected_repository_ids = list(dict.fromkeys(selected))
        return created

    def secret_matches(self, name: str, value: str) -> bool:
        secret = self.find_secret(name)
        if secret is None:
            return False
        return hmac.compare_digest(secret.digest, value_digest(secret.salt, value.encode("utf-8")))
