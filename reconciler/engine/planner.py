"""Compute a plan from the desired state and what a read-only port observes.

The planner is handed a `GitHubReader`: it has no means to write, whatever it does.
Repositories are observed concurrently; a repository that cannot be read is recorded as a
failure and the others are still planned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler import __version__
from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import display_path
from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.github.port import GitHubReader
from reconciler.kinds.base import AnyKind
from reconciler.kinds.registry import KINDS
from reconciler.names import fold
from reconciler.plan.cost import NOTHING, Estimate, RequestCost
from reconciler.plan.model import (
    Change,
    Plan,
    RepositoryFailure,
    SelectionRecord,
    SkippedRepository,
    Unchanged,
    observed_digest,
    summarise_unchanged,
)
from reconciler.plan.settings import PlanSettings


@dataclass(frozen=True)
class _Planned:
    """One repository's part of the plan."""

    changes: list[Change]  # listed in the plan
    unchanged: Unchanged | None  # the no-ops only counted
    digest: str  # of everything observed there, no-ops included
    cost: RequestCost


def _plan_one(
    reader: GitHubReader, repository: EffectiveRepository, kinds: Sequence[AnyKind], settings: PlanSettings
) -> _Planned:
    """Plan one repository. A kind with a change there is listed whole, no-ops included: a
    saved plan's freshness check compares each of its objects. A kind with none is only
    counted (listed too with `keep_unchanged`): at fleet scale that is most of a plan."""
    seen: list[Change] = []
    kept: list[Change] = []
    counted: list[Change] = []
    cost = NOTHING
    for kind in kinds:
        wanted = kind.desired(repository, settings)
        if wanted is None:
            continue
        observed = kind.observe(reader, repository.slug, wanted)
        changes = kind.diff(repository.slug, wanted, observed)
        seen += changes
        actionable = [c for c in changes if c.is_change]
        if actionable:
            cost = cost + kind.cost(actionable)
        if actionable or settings.keep_unchanged:
            kept += changes
        else:
            counted += changes
    return _Planned(kept, summarise_unchanged(repository.slug, counted), observed_digest(seen), cost)


def plan_repositories(
    desired: EffectiveState,
    reader: GitHubReader,
    *,
    kinds: Sequence[AnyKind] = KINDS,
    settings: PlanSettings | None = None,
    now: datetime | None = None,
    scope: Mapping[str, Collection[str]] | None = None,
) -> Plan:
    """Plan every repository of `desired`; with `scope` (repository → kind names), plan only
    those kinds of those repositories, as checking a saved plan is still current does."""

    scoped: dict[str, Collection[str]] = {}
    for slug, names in (scope or {}).items():
        scoped.setdefault(fold(slug), names)

    def kinds_for(repository: EffectiveRepository) -> Sequence[AnyKind]:
        if scope is None:
            return kinds
        wanted = scoped.get(fold(repository.slug), ())
        return [kind for kind in kinds if kind.name in wanted]

    def attempt(repository: EffectiveRepository) -> _Planned | RepositoryFailure:
        try:
            return _plan_one(reader, repository, kinds_for(repository), settings or PlanSettings())
        except RUN_ENDING_ERRORS:
            # Every other repository would fail the same way: stop the whole plan.
            raise
        except ReconcilerError as exc:
            return RepositoryFailure(repository=repository.slug, error=str(exc))

    workers = max(1, min(reader.concurrency, len(desired.repositories)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="observe") as pool:
        results = list(pool.map(attempt, desired.repositories))

    changes: list[Change] = []
    unchanged: list[Unchanged] = []
    failures: list[RepositoryFailure] = []
    cost = NOTHING
    # Streamed: one repository's digest at a time, in plan order.
    digest = hashlib.sha256()
    for result in results:
        if isinstance(result, RepositoryFailure):
            failures.append(result)
            continue
        changes.extend(result.changes)
        if result.unchanged is not None:
            unchanged.append(result.unchanged)
        digest.update(f"{result.digest}\n".encode())
        cost = cost + result.cost
    return Plan(
        generator=f"reconciler {__version__}",
        created_at=now or datetime.now(UTC),
        github_url=reader.api_url,
        desired_path=display_path(desired.root),
        rotate_secrets=(settings or PlanSettings()).rotate_secrets,
        desired_digest=desired.digest,
        observed_digest="sha256:" + digest.hexdigest(),
        repositories=tuple(repo.slug for repo in desired.repositories),
        changes=tuple(changes),
        unchanged=tuple(unchanged),
        unchanged_listed=(settings or PlanSettings()).keep_unchanged,
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
