"""What the sandbox offers for running reconciler as a GitHub App and operating a fleet, as
methods of ``Sandbox``: the clock, the App and its installations, and workflow runs.

Each method is one transaction on the state, so other processes sharing the state file see
its effect at once (the clock included).
"""

from __future__ import annotations

import dataclasses
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .apps import (
    App,
    Installation,
    ensure_key_pair,
    installation_by_id,
    installation_on,
    installation_repositories,
    mint_token,
    normalise_permissions,
)
from .state import SandboxState
from .workflow_runs import RunSpec, record_run
from .workflows import WorkflowRun

if TYPE_CHECKING:
    from .store import Compare


@dataclass(frozen=True)
class AppCredentials:
    """The sandbox's GitHub App as a client needs it. The private key is the sandbox's own
    throwaway key; it is left out of ``repr`` so it never lands in a log by accident."""

    app_id: int
    client_id: str
    slug: str
    private_key_pem: str = field(repr=False)
    # The login of each account it is installed on, to the installation's id.
    installations: dict[str, int] = field(default_factory=dict)


class FleetOperations:
    """The part of ``Sandbox`` this module holds; ``state`` and ``_session`` are Sandbox's."""

    state: SandboxState

    if TYPE_CHECKING:

        def _session(self, compare: Compare) -> AbstractContextManager[SandboxState]: ...

    # -- the clock ----------------------------------------------------------------------------

    def now(self) -> float:
        """The sandbox's time, seconds since the epoch: the wall clock plus how far it was moved."""
        return time.time() + self.state.clock_offset

    def read_clock(self) -> tuple[float, float]:
        """(now, how far the clock was moved ahead of the wall clock), up to date with other
        processes sharing the state file (``now()`` itself reads what this one last saw)."""
        with self._session("changed") as state:
            return self.now(), state.clock_offset

    def advance_clock(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward, for every process sharing the state; the new now."""
        if seconds < 0:
            raise ValueError("the sandbox's clock only moves forward")
        with self._session("changed") as state:
            state.clock_offset += seconds
            return self.now()

    def set_clock(self, epoch: float) -> float:
        """Move the clock forward to ``epoch``; an earlier moment is refused (ValueError)."""
        with self._session("changed") as state:
            if epoch < self.now():
                raise ValueError("the sandbox's clock only moves forward: that moment has passed")
            state.clock_offset = epoch - time.time()
            return self.now()

    # -- the GitHub App -----------------------------------------------------------------------

    @staticmethod
    def _the_app(state: SandboxState) -> App:
        if not state.apps:
            raise ValueError(
                "this sandbox's state has no GitHub App (it is empty, or older than the App): "
                "reconciler sandbox reset gives it one"
            )
        return state.apps[0]

    def app_credentials(self) -> AppCredentials:
        """The App's id, client id, slug, installations and private key (made on first use)."""
        with self._session("changed") as state:
            app = self._the_app(state)
            ensure_key_pair(app)
            assert app.private_key_pem is not None
            installed = {i.account: i.id for i in state.installations if i.app_id == app.id}
            return AppCredentials(app.id, app.client_id, app.slug, app.private_key_pem, installed)

    def install_app(
        self, account: str, *, repositories: list[str] | None = None, permissions: dict[str, str] | None = None
    ) -> int:
        """Install the App on ``account`` (every repository, or the named ones), or change an
        installation already there; its id."""
        with self._session("changed") as state:
            app = self._the_app(state)
            owner = state.account(account)
            if owner is None:
                raise ValueError(f"the sandbox has no account {account!r}")
            installation = installation_on(state, owner.login, app.id)
            if installation is None:
                installation = Installation(id=state.next_id("installation"), app_id=app.id, account=owner.login)
                state.installations.append(installation)
            installation.permissions = normalise_permissions(permissions or app.permissions)
            installation.events = list(app.events)
            installation.repository_selection = "all" if repositories is None else "selected"
            installation.repository_ids = [self._repo_id(state, owner.login, n) for n in repositories or []]
            return installation.id

    @staticmethod
    def _repo_id(state: SandboxState, owner: str, name: str) -> int:
        repo = state.find_repo(owner, name.rpartition("/")[2])
        if repo is None:
            raise ValueError(f"the sandbox has no repository {owner}/{name}")
        return repo.id

    def uninstall_app(self, account: str) -> bool:
        """Remove the App's installation on ``account``; False when there was none."""
        with self._session("changed") as state:
            installation = installation_on(state, account, self._the_app(state).id)
            if installation is None:
                return False
            state.installations.remove(installation)
            state.tokens.drop_where(lambda grant: grant.installation_id == installation.id)
            return True

    def installation_token(self, account_or_id: str | int) -> str:
        """A fresh installation token for the installation on an account (or with that id),
        as ``POST /app/installations/{id}/access_tokens`` mints one, without the JWT."""
        with self._session("changed") as state:
            app = self._the_app(state)
            if isinstance(account_or_id, int):
                installation = installation_by_id(state, account_or_id)
            else:
                installation = installation_on(state, account_or_id, app.id)
            if installation is None:
                raise ValueError(f"the App is not installed on {account_or_id!r}")
            return mint_token(state, app, installation).token

    def installation_repository_names(self, account: str) -> list[str]:
        """The full names of the repositories the installation on ``account`` covers."""
        with self._session("changed") as state:
            installation = installation_on(state, account, self._the_app(state).id)
            if installation is None:
                return []
            return [repo.full_name for repo in installation_repositories(state, installation)]

    # -- workflow runs ------------------------------------------------------------------------

    def record_run(
        self,
        repository: str,
        workflow: str | int,
        *,
        conclusion: str | None = "success",
        status: str = "completed",
        event: str = "workflow_dispatch",
        branch: str | None = None,
        duration_seconds: int = 300,
        title: str | None = None,
    ) -> WorkflowRun:
        """Record a run of ``workflow`` (id or file name) in ``OWNER/NAME`` that ends now (or,
        not completed, started ``duration_seconds`` ago); a copy of what was recorded."""
        spec = RunSpec(
            conclusion=conclusion if status == "completed" else None,
            status=status,
            event=event,
            branch=branch,
            duration_seconds=duration_seconds,
            title=title,
        )
        owner, _, name = repository.partition("/")
        with self._session("changed") as state:
            repo = state.find_repo(owner, name)
            if repo is None:
                raise ValueError(f"the sandbox has no repository {repository}")
            found = repo.find_workflow(str(workflow))
            if found is None:
                raise ValueError(f"{repository} has no workflow {workflow!r}")
            run = record_run(state, repo, found, spec)
            state.touched_changed()
            return dataclasses.replace(run)
