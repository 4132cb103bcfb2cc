"""From declared desired state to a plan: resolve organisation selectors, then plan.

Both steps read GitHub through the one read-only port the caller hands in, so a command
decides how GitHub is reached (a token, the sandbox, a remembering reader) and the engine
never builds a connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import NamedTuple

from reconciler.desired.blocks import NO_REMOVAL, Removal
from reconciler.desired.state import Declarations, EffectiveState
from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import in_shard, resolve
from reconciler.github.port import GitHubReader
from reconciler.plan.model import Plan
from reconciler.plan.settings import PlanSettings
from reconciler.plan.shard import Shard
from reconciler.progress import Progress, no_progress

# Repository → the names of the kinds to read there.
KindsByRepository = Mapping[str, Collection[str]]


class Planned(NamedTuple):
    """The effective desired state that was planned, and the plan."""

    state: EffectiveState
    plan: Plan


def plan_declared(
    config: Declarations,
    reader: GitHubReader,
    settings: PlanSettings | None = None,
    *,
    repos: Sequence[str] = (),
    removal: Removal = NO_REMOVAL,
    scope: KindsByRepository | Callable[[EffectiveState], KindsByRepository] | None = None,
    shard: Shard | None = None,
    progress: Progress = no_progress,
) -> Planned:
    """Resolve organisation selectors and plan. With `scope` (repository → kind names, or a
    function of the resolved state giving them), only those repositories and kinds are read;
    with `shard`, only that shard's repositories, chosen before any of them is read. `progress`
    hears of each repository as it is planned."""
    state = in_shard(resolve(config, reader, only=repos, removal=removal), shard)
    plan = plan_repositories(
        state, reader, settings=settings, scope=scope(state) if callable(scope) else scope, progress=progress
    )
    if shard is not None:
        plan = plan.model_copy(update={"shard": shard})
    return Planned(state, plan)
