"""`plan --changed-only BASE_REF`: plan only what a pull request changes.

Both versions of the desired state are resolved through the same read-only port, with each
organisation listed once for both, and compared repository by repository. Unchanged
repositories cost no request at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from reconciler.desired.baseline import changed_repositories, desired_state_at
from reconciler.desired.loader import load_desired_config
from reconciler.desired.resolve import resolve
from reconciler.desired.state import DesiredConfig
from reconciler.errors import DesiredStateError
from reconciler.github.adapter import Connection, PyGithubReader
from reconciler.github.port import LiveRepository
from reconciler.names import fold
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.resources.base import PlanSettings


@dataclass
class _ListedOnce:
    """The resolution port, remembering each organisation's listing for the second resolve."""

    reader: PyGithubReader
    listings: dict[str, list[LiveRepository]] = field(default_factory=dict)

    def list_organization_repositories(self, organization: str) -> list[LiveRepository]:
        key = fold(organization)
        if key not in self.listings:
            self.listings[key] = self.reader.list_organization_repositories(organization)
        return self.listings[key]

    def get_repository(self, repository: str) -> LiveRepository:
        return self.reader.get_repository(repository)


@dataclass(frozen=True)
class ChangedOnly:
    plan: Plan
    changed: int
    total: int
    # Why every repository was planned, when the base could not be compared.
    fallback: str | None = None


def plan_changed_only(
    config: DesiredConfig, path: Path, base_ref: str, connection: Connection, settings: PlanSettings | None
) -> ChangedOnly:
    reader = PyGithubReader(connection)
    try:
        directory = _ListedOnce(reader)
        head = resolve(config, directory)
        fallback = None
        with desired_state_at(base_ref, path) as base_root:
            try:
                base = resolve(load_desired_config(base_root), directory) if base_root is not None else None
            except DesiredStateError:
                base, fallback = None, f"the desired state at {base_ref} does not validate"
        changed = {fold(s) for s in changed_repositories(base, head)}
        narrowed = replace(head, repositories=tuple(r for r in head.repositories if fold(r.slug) in changed))
        plan = make_plan(
            narrowed, reader, github_url=connection.base_url, settings=settings, max_workers=reader.max_concurrency
        )
        return ChangedOnly(plan, len(narrowed.repositories), len(head.repositories), fallback)
    finally:
        reader.close()


def describe(result: ChangedOnly, base_ref: str) -> str:
    if result.fallback:
        return f"--changed-only {base_ref}: {result.fallback}, so every repository was planned."
    unchanged = result.total - result.changed
    return (
        f"--changed-only {base_ref}: {result.changed} of {result.total} repositories have a changed desired state; "
        f"the other {unchanged} were not read."
    )
