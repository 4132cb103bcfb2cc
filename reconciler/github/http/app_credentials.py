"""A GitHub App's installation tokens as the client's `Credentials`: one installation per owner,
each with its own token and its own rate-limit budget.

The installation for an owner is looked up the first time a request concerns it (or is the
one `--app-installation-id` names, for every owner). Its token is minted then and minted again
when less than `RENEW_BEFORE` of its hour is left by GitHub's clock, so a long run never sends
a token in its last minutes; and when GitHub refuses a token anyway (its clock moved, the token
was revoked), the client's retry of that 401 calls `renew`, which mints once however many
requests were refused together. Every token is registered for redaction as it arrives.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.errors import ConfigurationError, GitHubAppError
from reconciler.github.http.app_api import AppApi
from reconciler.github.http.app_jwt import ServerClock
from reconciler.names import fold

# GitHub's installation tokens last an hour; one with less than this left is replaced.
RENEW_BEFORE = 600.0


@dataclass
class Installation:
    id: int
    account: str | None  # None: named by --app-installation-id, account not looked up
    permissions: Mapping[str, str] = field(default_factory=dict)
    minted: int = 0
    _header: str | None = field(default=None, repr=False)
    _expires_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class AppCredentials:
    def __init__(self, api: AppApi, server_clock: ServerClock, *, installation_id: int | None = None) -> None:
        self._api = api
        self._server_clock = server_clock
        self._lock = threading.Lock()
        self._lookup = threading.Lock()
        # The owner whose installation serves requests that concern none (see `expect`).
        self._first_owner: str | None = None
        self._by_owner: dict[str, Installation] = {}
        self._not_installed: set[str] = set()
        self._only = Installation(installation_id, None) if installation_id is not None else None

    @property
    def app_id(self) -> str:
        return self._api.app_id

    def __repr__(self) -> str:
        return f"AppCredentials(app {self.app_id})"

    def close(self) -> None:
        self._api.close()

    def expect(self, owners: Iterable[str]) -> None:
        """The desired state's owners, in order: the first one's installation serves requests
        that concern no owner (`GET /rate_limit`, `GET /user`)."""
        with self._lock:
            if self._first_owner is None:
                self._first_owner = next((owner for owner in owners if owner), None)

    # -- Credentials ------------------------------------------------------------------------

    def authorization(self, owner: str) -> str:
        installation = self.installation(owner)
        with installation._lock:
            if installation._header is None or self._server_clock.now() > installation._expires_at - RENEW_BEFORE:
                self._mint(installation)
            assert installation._header is not None
            return installation._header

    def budget_key(self, owner: str) -> str:
        return f"app:{self.app_id}:installation:{self.installation(owner).id}"

    def renew(self, owner: str, rejected: str | None) -> bool:
        installation = self.installation(owner)
        with installation._lock:
            # Another request was refused at the same moment and has renewed already.
            if installation._header == rejected:
                self._mint(installation)
        return True

    # -- installations ----------------------------------------------------------------------

    def installation(self, owner: str) -> Installation:
        if self._only is not None:
            return self._only
        account = owner or self._default_owner()
        key = fold(account)
        with self._lock:
            found = self._by_owner.get(key)
        if found is not None:
            return found
        # One lookup per owner, however many threads start on its repositories at once.
        with self._lookup:
            with self._lock:
                found = self._by_owner.get(key)
            if found is not None:
                return found
            if key in self._not_installed:
                raise self._not_installed_error(account)
            info = self._api.find_installation(account)
            if info is None:
                self._not_installed.add(key)
                raise self._not_installed_error(account)
            installation = Installation(info.id, info.account)
            with self._lock:
                self._by_owner[key] = installation
            return installation

    def installations(self) -> list[Installation]:
        """Every installation this run used, in the order first used."""
        if self._only is not None:
            return [self._only]
        with self._lock:
            seen: dict[int, Installation] = {}
            for installation in self._by_owner.values():
                seen.setdefault(installation.id, installation)
            return list(seen.values())

    def describe(self) -> str:
        """ "GitHub App 12345, installation 678 for OWNER": which credentials the run used."""
        used = self.installations()
        parts = [f"installation {i.id}" + (f" for {i.account}" if i.account else "") for i in used]
        if not parts:
            return f"GitHub App {self.app_id} (no installation used yet)"
        return f"GitHub App {self.app_id}, " + ", ".join(parts)

    def tokens_minted(self) -> int:
        return sum(i.minted for i in self.installations())

    def _default_owner(self) -> str:
        with self._lock:
            if self._first_owner is not None:
                return self._first_owner
            used = next(iter(self._by_owner.values()), None)
        if used is not None and used.account:
            return used.account
        found = self._api.installations()
        if len(found) == 1:
            return found[0].account
        raise ConfigurationError(
            f"GitHub App {self.app_id} has {len(found)} installations and nothing tells which one to use for a "
            "request about no repository: give --app-installation-id "
            f"({self._api.sources.installation_variable})"
        )

    def _not_installed_error(self, owner: str) -> GitHubAppError:
        identity = self._api.identity()
        return GitHubAppError(
            f"GitHub App {self.app_id} ({identity.slug}) is not installed on {owner}: install it at "
            f"{identity.html_url}/installations/new, choosing {owner} and the repositories reconciler manages "
            "there (or have an owner of it do so), then run again",
            status=404,
            operation=f"find the GitHub App's installation on {owner}",
            repository=owner,
        )

    def _mint(self, installation: Installation) -> None:
        minted = self._api.mint(installation.id)
        installation._header = f"Bearer {minted.token}"
        installation._expires_at = minted.expires_at
        installation.permissions = dict(minted.permissions)
        installation.minted += 1
