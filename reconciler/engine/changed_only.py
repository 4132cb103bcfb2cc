"""`plan --changed-only BASE_REF`: plan only what a pull request changes.

Both versions of the desired state are resolved through the same remembering read-only port,
so each organisation is listed once for both, and compared repository by repository. Unchanged
repositories cost no request at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from reconciler.desired.state import Declarations
from reconciler.engine.baseline import changed_repositories, desired_state_at
from reconciler.engine.differences import summary
from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import resolve
from reconciler.errors import DesiredStateError
from reconciler.github.port import GitHubReader
from reconciler.github.remembering import Remembering
from reconciler.kinds.registry import load_desired_config
from reconciler.names import fold
from reconciler.plan.model import Plan
from reconciler.plan.settings import PlanSettings
from reconciler.progress import Progress, no_progress


@dataclass(frozen=True)
class ChangedOnly:
    plan: Plan
    changed: int
    total: int
    # Why every repository was planned, when the base could not be compared.
    fallback: str | None = None
    # What changed in each planned repository's effective desired state.
    differences: Mapping[str, list[str]] = field(default_factory=dict)


def plan_changed_only(
    config: Declarations,
    path: Path,
    base_ref: str,
    reader: GitHubReader,
    settings: PlanSettings | None,
    progress: Progress = no_progress,
) -> ChangedOnly:
    shared = Remembering(reader)
    head = resolve(config, shared)
    fallback = None
    with desired_state_at(base_ref, path) as base_root:
        try:
            base = resolve(load_desired_config(base_root), shared) if base_root is not None else None
        except DesiredStateError:
            base, fallback = None, f"the desired state at {base_ref} does not validate"
    found = changed_repositories(base, head)
    changed = {fold(s) for s in found}
    chosen = tuple(r for r in head.repositories if fold(r.slug) in changed)
    narrowed = replace(head, repositories=chosen, complete=head.complete and len(chosen) == len(head.repositories))
    plan = plan_repositories(narrowed, shared, settings=settings, progress=progress)
    shown = {} if base is None else found
    return ChangedOnly(plan, len(narrowed.repositories), len(head.repositories), fallback, shown)


def describe(result: ChangedOnly, base_ref: str) -> str:
    if result.fallback:
        return f"--changed-only {base_ref}: {result.fallback}, so every repository was planned."
    unchanged = result.total - result.changed
    lines = [
        f"--changed-only {base_ref}: {result.changed} of {result.total} repositories have a changed desired state; "
        f"the other {unchanged} were not read."
    ]
    lines += [f"  {slug}: {summary(found)}" for slug, found in result.differences.items()]
    return "\n".join(lines)
