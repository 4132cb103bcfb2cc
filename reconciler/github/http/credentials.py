"""Who a request acts for: the Authorization header per owner, and which budget it spends.

A client may carry several credentials: a token, or a GitHub App's installation tokens, one
per organisation, each with its own rate-limit budget (and so its own scheduler). For an App
(`app_credentials.AppCredentials`), `authorization` mints (or reuses) the installation token
for the owner and renews it well before its hour is up; `renew` is what the client calls
inside the retry of a 401, passing the header GitHub refused so that threads refused at once
renew only once. Every implementation registers each token it hands out with
`reconciler.redaction.register`, so no error can show it.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from reconciler.redaction import register


class Credentials(Protocol):
    def authorization(self, owner: str) -> str | None:
        """The Authorization header for a request concerning `owner` (None: anonymous)."""
        ...

    def budget_key(self, owner: str) -> str:
        """Which rate-limit budget the request spends: one per token or installation. It
        names no secret (it may appear in logs)."""
        ...

    def renew(self, owner: str, rejected: str | None) -> bool:
        """After a 401 for header `rejected`: True when a fresh credential is ready, so the
        request is retried once. A static token cannot be renewed."""
        ...


def fingerprint(secret: str) -> str:
    """A short, stable name for a secret that does not reveal it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


class StaticToken:
    """A personal access token, fine-grained token or Actions' GITHUB_TOKEN: the same header
    for every owner. The token is registered for redaction when the object is made."""

    def __init__(self, token: str) -> None:
        token = token.strip()
        if not token:
            raise ValueError("a token cannot be empty")
        register(token)
        self._header = f"Bearer {token}"
        self._key = f"token:{fingerprint(token)}"

    def __repr__(self) -> str:
        return f"StaticToken({self._key})"

    def authorization(self, owner: str) -> str | None:
        return self._header

    def budget_key(self, owner: str) -> str:
        return self._key

    def renew(self, owner: str, rejected: str | None) -> bool:
        return False


class Anonymous:
    """No token: public data only, at 60 requests an hour per IP address."""

    def authorization(self, owner: str) -> str | None:
        return None

    def budget_key(self, owner: str) -> str:
        return "anonymous"

    def renew(self, owner: str, rejected: str | None) -> bool:
        return False


def owner_of(repository: str) -> str:
    """The account a call concerns: "o" for "o/r" or "o"; "" for account-wide calls."""
    return repository.split("/", 1)[0]
