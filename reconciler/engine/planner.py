"""Compute a plan from the desired state and what a read-only port observes.

The planner is handed a `GitHubReader`: it has no means to write, whatever it does.
Repositories are observed concurrently; a repository that cannot be read is recorded as a
failure and the others are still planned. Before a repository's kinds observe, what they can
read through GraphQL has been read for its whole batch of repositories (`prefetch`); each
kind then observes with its part, or over REST when GraphQL could not answer.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconciler import __version__
from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import display_path
from reconciler.engine.costing import repository_cost
from reconciler.engine.graphql_fetch import GraphQLKinds
from reconciler.engine.organizations import plan_organizations, repository_kinds
from reconciler.engine.prefetch import Prefetch, graphql_wanted
from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.github.port import GitHubReader
from reconciler.kinds import registry
from reconciler.kinds.base import AnyKind, graphql_of
from reconciler.names import fold
from reconciler.plan.cost import NOTHING, Estimate, RequestCost
from reconciler.plan.model import (
    Change,
    Plan,
    RepositoryFailure,
    SelectionRecord,
    SkippedRepository,
    Unchanged,
    plan_observed_digest,
    summarise_unchanged,
)
from reconciler.plan.settings import PlanSettings
from reconciler.progress import PhaseStarted, Progress, RepositoryDone, no_progress

Wanted = list[tuple[AnyKind, Any]]


def _wanted(repository: EffectiveRepository, kinds: Sequence[AnyKind], settings: PlanSettings) -> Wanted:
    """The kinds this repository manages, each with what it wants there."""
    found: Wanted = []
    for kind in kinds:
        wanted = kind.desired(repository, settings)
        if wanted is not None:
            found.append((kind, wanted))
    return found


def _graphql_kinds(repository: EffectiveRepository, wanted: Wanted) -> GraphQLKinds:
    observations = {kind.name: found for kind, _ in wanted if (found := graphql_of(kind)) is not None}
    return GraphQLKinds(repository.slug, observations)


@dataclass(frozen=True)
class _Planned:
    """One repository's part of the plan."""

    changes: list[Change]  # listed in the plan
    unchanged: Unchanged | None  # the no-ops only counted
    cost: RequestCost


def _plan_one(
    reader: GitHubReader, repository: EffectiveRepository, wanted: Wanted, prefetch: Prefetch, settings: PlanSettings
) -> _Planned:
    """Plan one repository. A kind with a change there is listed whole, no-ops included: a
    saved plan's freshness check compares each of its objects. A kind with none is only
    counted (listed too with `keep_unchanged`): at fleet scale that is most of a plan."""
    kept: list[Change] = []
    counted: list[Change] = []
    cost = NOTHING
    parts = prefetch.parts(repository.slug) if wanted else {}
    for kind, desired in wanted:
        observation = graphql_of(kind)
        if observation is not None and kind.name in parts:
            observed = observation.observe(reader, repository.slug, desired, parts[kind.name])
        else:
            observed = kind.observe(reader, repository.slug, desired)
        changes = kind.diff(repository.slug, desired, observed)
        actionable = [c for c in changes if c.is_change]
        if actionable:
            cost = cost + kind.cost(actionable)
        if actionable or settings.keep_unchanged:
            kept += changes
        else:
            counted += changes
    return _Planned(kept, summarise_unchanged(repository.slug, counted), cost)


def plan_repositories(
    desired: EffectiveState,
    reader: GitHubReader,
    *,
    kinds: Sequence[AnyKind] | None = None,
    settings: PlanSettings | None = None,
    now: datetime | None = None,
    scope: Mapping[str, Collection[str]] | None = None,
    graphql: bool | None = None,
    progress: Progress = no_progress,
) -> Plan:
    """Plan every repository of `desired`; with `scope` (repository → kind names), plan only
    those kinds of those repositories, as checking a saved plan is still current does.
    `graphql`: read what kinds can through GraphQL, many repositories a query (`prefetch`);
    None: unless the environment says `RECONCILER_GRAPHQL=0`. `progress` hears of each
    repository as it is planned."""

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

    chosen = settings or PlanSettings()
    # Organisation-scoped kinds are planned once per owner, after the repositories (below).
    wanted = [_wanted(r, repository_kinds(kinds_for(r.slug)), chosen) for r in desired.repositories]
    enabled = graphql_wanted(os.environ) if graphql is None else graphql
    graphql_kinds = [_graphql_kinds(r, w) for r, w in zip(desired.repositories, wanted, strict=True)]

    def attempt(index: int) -> _Planned | RepositoryFailure:
        repository = desired.repositories[index]
        try:
            found = _plan_one(reader, repository, wanted[index], prefetch, chosen)
        except RUN_ENDING_ERRORS:
            # Every other repository would fail the same way: stop the whole plan.
            raise
        except ReconcilerError as exc:
            progress(RepositoryDone("plan", repository.slug, failed=1, error=str(exc)))
            return RepositoryFailure(repository=repository.slug, error=str(exc))
        progress(RepositoryDone("plan", repository.slug, changes=sum(1 for c in found.changes if c.is_change)))
        return found

    progress(PhaseStarted("plan", len(desired.repositories)))
    workers = max(1, min(reader.concurrency, len(desired.repositories)))
    with (
        Prefetch(reader, graphql_kinds, enabled=enabled) as prefetch,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="observe") as pool,
    ):
        results = list(pool.map(attempt, range(len(desired.repositories))))

    changes: list[Change] = []
    unchanged: list[Unchanged] = []
    failures: list[RepositoryFailure] = []
    cost = NOTHING
    for result in results:
        if isinstance(result, RepositoryFailure):
            failures.append(result)
            continue
        changes.extend(result.changes)
        if result.unchanged is not None:
            unchanged.append(result.unchanged)
        cost = cost + result.cost
    # Organisation-scoped kinds: once per owner, after its repositories (a few objects: listed).
    shared, lost = plan_organizations(desired, reader, in_force, chosen, kinds_for)
    owners: dict[str, list[Change]] = {}
    for change in shared:
        owners.setdefault(change.repository, []).append(change)
    for owned in owners.values():
        cost = cost + repository_cost(owned, in_force)
    changes += shared
    failures += lost
    repositories = tuple(repo.slug for repo in desired.repositories)
    return Plan(
        generator=f"reconciler {__version__}",
        created_at=now or datetime.now(UTC),
        github_url=reader.api_url,
        desired_path=display_path(desired.root),
        rotate_secrets=chosen.rotate_secrets,
        desired_digest=desired.digest,
        observed_digest=plan_observed_digest(repositories, changes, unchanged),
        repositories=repositories,
        partial=not desired.complete,
        changes=tuple(changes),
        unchanged=tuple(unchanged),
        unchanged_listed=chosen.keep_unchanged,
        estimate=Estimate(cost=cost),
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
