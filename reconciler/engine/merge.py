"""Shard plans made into one plan: what one drift issue or one pull-request comment reports.

Plans merge only when they are parts of one whole: made by the same reconciler from the same
desired state (digest) against the same GitHub, with the same settings, each organisation's
repositories listed the same way, and no repository in two of them. Plans of shards must be
every shard of one split (K/N, all N of them): a merge that missed one would report "no
drift" for repositories nobody looked at. The merged plan is the plan one job would have made
(its repositories in the same order, each with its changes in order), stamped with the
earliest of the parts' times, since its observations are no newer than that.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.engine.saved_plans import same_api
from reconciler.names import fold
from reconciler.plan.cost import NOTHING, Estimate
from reconciler.plan.model import Change, Plan, RepositoryFailure, Unchanged, plan_observed_digest


class PlanMergeError(ValueError):
    """The plans are not parts of one whole; the message says how."""


def merge_plans(parts: Sequence[tuple[str, Plan]]) -> Plan:
    """One plan from `parts`, each a (name to show, plan) pair."""
    if not parts:
        raise PlanMergeError("no plans to merge")
    first_name, first = parts[0]
    for name, plan in parts[1:]:
        _same_whole(first_name, first, name, plan)
    _every_shard(parts)
    owner_of: dict[str, str] = {}
    for name, plan in parts:
        for repository in plan.repositories:
            earlier = owner_of.setdefault(fold(repository), name)
            if earlier != name:
                raise PlanMergeError(f"{repository} is in both {earlier} and {name}: plans to merge must not overlap")

    repositories = sorted((r for _, plan in parts for r in plan.repositories), key=fold)
    changes: dict[str, list[Change]] = {fold(r): [] for r in repositories}
    failures: dict[str, list[RepositoryFailure]] = {fold(r): [] for r in repositories}
    for _, plan in parts:
        for change in plan.changes:
            changes.setdefault(fold(change.repository), []).append(change)
        for failure in plan.failures:
            failures.setdefault(fold(failure.repository), []).append(failure)
    merged_changes = tuple(c for key in changes for c in changes[key])
    unchanged: dict[str, Unchanged] = {}
    for _, plan in parts:
        unchanged.update((fold(u.repository), u) for u in plan.unchanged)
    merged_unchanged = tuple(unchanged[key] for key in changes if key in unchanged)
    estimates = [plan.estimate for _, plan in parts if plan.estimate is not None]
    cost = NOTHING
    for estimate in estimates:
        cost = cost + estimate.cost
    return first.model_copy(
        update={
            "created_at": min(plan.created_at for _, plan in parts),
            "repositories": tuple(repositories),
            "changes": merged_changes,
            "failures": tuple(f for key in failures for f in failures[key]),
            "unchanged": merged_unchanged,
            # The least time is the merging command's to work out, for the limits it knows.
            "estimate": Estimate(cost=cost) if estimates else None,
            "observed_digest": plan_observed_digest(repositories, merged_changes, merged_unchanged),
            "shard": None,
        }
    )


def _same_whole(first_name: str, first: Plan, name: str, plan: Plan) -> None:
    def refuse(what: str) -> PlanMergeError:
        return PlanMergeError(f"{name} and {first_name} {what}: only plans of one desired state and run merge")

    if plan.desired_digest != first.desired_digest:
        raise refuse("were made from different desired states (their digests differ)")
    if not same_api(plan.github_url, first.github_url):
        raise refuse(f"were made against different GitHubs ({plan.github_url}, {first.github_url})")
    if plan.rotate_secrets != first.rotate_secrets:
        raise refuse("were made with different settings (one with --rotate-secrets)")
    if plan.unchanged_listed != first.unchanged_listed:
        raise refuse("were made with different settings (one with --show-unchanged)")
    if plan.generator != first.generator:
        raise refuse(f"were made by different reconcilers ({plan.generator}, {first.generator})")
    if plan.selections != first.selections:
        raise refuse(
            "saw different repositories in an organisation (one was created, renamed or retopicked between "
            "them); plan the shards again"
        )


def _every_shard(parts: Sequence[tuple[str, Plan]]) -> None:
    shards = [(name, plan.shard) for name, plan in parts]
    sharded = [(name, shard) for name, shard in shards if shard is not None]
    if not sharded:
        return
    if len(sharded) != len(shards):
        whole = next(name for name, shard in shards if shard is None)
        raise PlanMergeError(f"{whole} is not a shard's plan, the others are: merge the shards of one split only")
    _, first = sharded[0]
    seen: dict[int, str] = {}
    for name, shard in sharded:
        if (shard.count, shard.by) != (first.count, first.by):
            raise PlanMergeError(
                f"{name} is {shard.describe()}, another is {first.describe()}: merge the shards of one split only"
            )
        if shard.index in seen:
            raise PlanMergeError(f"{name} and {seen[shard.index]} are both shard {shard}")
        seen[shard.index] = name
    missing = [f"{index}/{first.count}" for index in range(1, first.count + 1) if index not in seen]
    if missing:
        which = f"shard {missing[0]} is" if len(missing) == 1 else f"shards {', '.join(missing)} are"
        raise PlanMergeError(
            f"{which} missing: a merge without them would report their repositories as clean. Give every shard's plan"
        )
