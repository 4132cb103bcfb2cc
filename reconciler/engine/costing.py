"""What applying a plan costs in requests, added up from what each kind says its changes cost."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.kinds.base import AnyKind
from reconciler.kinds.registry import KINDS
from reconciler.plan.cost import NOTHING, Estimate, RequestCost
from reconciler.plan.model import Change, Plan


def repository_cost(changes: Sequence[Change], kinds: Sequence[AnyKind] = KINDS) -> RequestCost:
    """One repository's changes, each kind's batch costed by the kind (as apply hands it over)."""
    cost = NOTHING
    for kind in kinds:
        batch = [c for c in changes if c.kind == kind.name and c.applicable]
        if batch:
            cost = cost + kind.cost(batch)
    return cost


def estimate(plan: Plan, kinds: Sequence[AnyKind] = KINDS) -> Estimate:
    """The plan's estimate worked out again from its changes (after a command narrowed them)."""
    cost = NOTHING
    for changes in plan.by_repository().values():
        cost = cost + repository_cost(changes, kinds)
    return Estimate(cost=cost)
