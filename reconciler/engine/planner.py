"""Compute a plan from the desired state and what a read-only port observes.

The planner is handed a `GitHubReader`: it has no means to write, whatever it does.
Repositories are observed concurrently; a repository that cannot be read is recorded as a
failure and the others are still planned.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from reconciler import __version__
from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import display_path
from reconciler.engine.organizations import plan_organizations, repository_kinds
from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.github.port import GitHubReader
from reconciler.kinds import registry
from reconciler.kinds.base import AnyKind
from reconciler.names import fold
from reconciler.plan.model import Change, Plan, RepositoryFailure, SelectionRecord, SkippedRepository, observed_digest
from reconciler.plan.settings import PlanSettings


def _plan_one(
    reader: GitHubReader, repository: EffectiveRepository, kinds: Sequence[AnyKind], settings: PlanSettings
) -> list[Change]:
    changes: list[Change] = []
    for kind in kinds:
        wanted = kind.desired(repository, settings)
        if wanted is None:
            continue
        observed = kind.observe(reader, repository.slug, wanted)
        changes.extend(kind.diff(repository.slug, wanted, observed))
    return changes


def plan_repositories(
    desired: EffectiveState,
    reader: GitHubReader,
    *,
    kinds: Sequence[AnyKind] | None = None,
    settings: PlanSettings | None = None,
    now: datetime | None = None,
    scope: Mapping[str, Collection[str]] | None = None,
) -> Plan:
    """Plan every repository of `desired`; with `scope` (repository → kind names), plan only
    those kinds of those repositories, as checking a saved plan is still current does."""

    scoped: dict[str, Collection[str]] = {}
    for slug, names in (scope or {}).items():
        scoped.setdefault(fold(slug), names)

    # The kinds in force when the plan is made (registry.extended() may add some).
    in_force: Sequence[AnyKind] = registry.kinds() if kinds is None else kinds

    def kinds_for(name: str) -> Sequence[AnyKind]:
        if scope is None:
            return in_force
        wanted = scoped.get(fold(name), ())
        return [kind for kind in in_force if kind.name in wanted]

    def attempt(repository: EffectiveRepository) -> list[Change] | RepositoryFailure:
        try:
            own = repository_kinds(kinds_for(repository.slug))
            return _plan_one(reader, repository, own, settings or PlanSettings())
        except RUN_ENDING_ERRORS:
            # Every other repository would fail the same way: stop the whole plan.
            raise
        except ReconcilerError as exc:
            return RepositoryFailure(repository=repository.slug, error=str(exc))

    workers = max(1, min(reader.concurrency, len(desired.repositories)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="observe") as pool:
        results = list(pool.map(attempt, desired.repositories))

    changes: list[Change] = []
    failures: list[RepositoryFailure] = []
    for result in results:
        if isinstance(result, RepositoryFailure):
            failures.append(result)
        else:
            changes.extend(result)
    # Organisation-scoped kinds: once per owner, after its repositories.
    shared, lost = plan_organizations(desired, reader, in_force, settings or PlanSettings(), kinds_for)
    changes += shared
    failures += lost
    return Plan(
        generator=f"reconciler {__version__}",
        created_at=now or datetime.now(UTC),
        github_url=reader.api_url,
        desired_path=display_path(desired.root),
        rotate_secrets=(settings or PlanSettings()).rotate_secrets,
        desired_digest=desired.digest,
        observed_digest=observed_digest(changes),
        repositories=tuple(repo.slug for repo in desired.repositories),
        partial=not desired.complete,
        changes=tuple(changes),
        failures=tuple(failures),
        selections=tuple(
            SelectionRecord(
                organization=s.organization,
                source=str(s.source),
                matched=s.matched,
                skipped=tuple(SkippedRepository(repository=r, reason=why) for r, why in s.skipped),
                narrowed=s.narrowed,
            )
            for s in desired.selections
        ),
    )
