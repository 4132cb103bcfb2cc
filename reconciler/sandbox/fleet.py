"""Bulk seeding for fleet benchmarks: thousands of repositories in seconds, not through the API.

Each repository starts where a real one made with ``auto_init`` and a first push would: the
nine default labels, a README and a CI workflow (``.github/workflows/ci.yml``, registered and
active) in one initial commit on ``main``. Names are ``{prefix}-00000``, ``{prefix}-00001``...
continuing past any the organisation already has, so seeding twice grows the fleet.
"""

from __future__ import annotations

from dataclasses import dataclass

from .repo_factory import NewRepository, create_repository
from .seed_files import CI_PATH, ci_workflow
from .state import RepoState, SandboxState, utc_now

MAX_FLEET = 100_000


@dataclass(frozen=True)
class FleetSpec:
    organization: str
    count: int
    prefix: str = "repo"
    private: bool = False
    topics: tuple[str, ...] = ()
    # The CI workflow file each repository starts with; False: a README only.
    workflow: bool = True
    description: str | None = "Seeded for a fleet benchmark"

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_FLEET:
            raise ValueError(f"count must be between 1 and {MAX_FLEET}, got {self.count}")
        if not self.organization.strip() or "/" in self.organization:
            raise ValueError(f"organization must be a login, got {self.organization!r}")
        if not self.prefix or "/" in self.prefix:
            raise ValueError(f"prefix must be a non-empty name without '/', got {self.prefix!r}")


def seed_fleet(state: SandboxState, spec: FleetSpec, *, creator: str | None = None) -> list[RepoState]:
    """Add ``spec.count`` repositories to ``spec.organization`` (made if missing); the
    caller holds the state in a transaction (``Sandbox.seed_fleet``), which saves them."""
    org = state.account(spec.organization)
    if org is None:
        org = state.add_account(spec.organization, type="Organization")
    elif org.type != "Organization":
        raise ValueError(f"{spec.organization} is a user, not an organisation")
    taken = {repo.name.casefold() for repo in state.repos_of(org.login)}
    extra = {CI_PATH: ci_workflow("make test").encode("utf-8")} if spec.workflow else None
    when = utc_now()
    made: list[RepoState] = []
    # Seeded workflows have been there since before anyone looks: registered at once.
    lag, state.workflow_registration_lag = state.workflow_registration_lag, 0
    try:
        number = 0
        while len(made) < spec.count:
            name = f"{spec.prefix}-{number:05d}"
            number += 1
            if name.casefold() in taken:
                continue
            new = NewRepository(
                owner=org.login,
                name=name,
                private=spec.private,
                description=spec.description,
                topics=spec.topics,
                auto_init=True,
            )
            made.append(
                create_repository(state, new, creator=creator or state.operator_login, extra_files=extra, when=when)
            )
    finally:
        state.workflow_registration_lag = lag
    return made
