"""The plan check: every change no other check already reports, and repositories that could
not be planned."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace

from reconciler.checks.access import kind_names
from reconciler.checks.model import Check, Finding, Status, Unavailable, skipped
from reconciler.checks.workflows import pack_workflows
from reconciler.desired.state import EffectiveRepository
from reconciler.kinds.organization_secrets.kind import KIND as ORGANIZATION_SECRET
from reconciler.kinds.secrets.kind import KIND as SECRET
from reconciler.kinds.workflows.files import KIND as WORKFLOW_FILE
from reconciler.kinds.workflows.state import KIND as WORKFLOW
from reconciler.plan.model import Action, Change, Plan
from reconciler.render.summary import plural, summary_line


def _covered(plan: Plan, repositories: Sequence[EffectiveRepository], broken_files: set[tuple[str, str]]) -> set[str]:
    """Addresses of changes another check already reports."""
    packs = {r.slug: pack_workflows(r) for r in repositories}

    def reported(change: Change) -> bool:
        missing_secret = change.kind in (SECRET, ORGANIZATION_SECRET) and change.action is Action.CREATE
        from_pack = change.key in packs.get(change.repository, {})
        pack_not_running = from_pack and (
            change.kind == WORKFLOW or (change.kind == WORKFLOW_FILE and change.action is Action.CREATE)
        )
        return missing_secret or pack_not_running or (change.repository, change.key) in broken_files

    return {change.address for change in plan.actionable if reported(change)}


def _change_counts(changes: Sequence[Change]) -> str:
    by_kind: dict[str, Counter[Action]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, Counter())[change.action] += 1
    names = kind_names()
    parts = []
    for kind, counts in by_kind.items():
        actions = ", ".join(f"{counts[action]} to {action.value}" for action in Action if counts[action])
        parts.append(f"{names.get(kind, kind)}: {actions}")
    return "; ".join(parts)


def check_plan(
    plan: Plan | Unavailable | None,
    repositories: Sequence[EffectiveRepository],
    broken_files: Collection[tuple[str, str]],
    skip: str | None,
) -> Check:
    name = "Plan"
    if plan is None:
        return skipped(name, skip or "not made")
    if isinstance(plan, Unavailable):
        return Check(name, Status.BROKEN, f"could not be made: {plan.reason}")
    findings = [
        Finding(Status.BROKEN, f"could not be planned: {failure.error}", failure.repository)
        for failure in plan.failures
    ]
    covered = _covered(plan, repositories, set(broken_files))
    others: dict[str, list[Change]] = {}
    for change in plan.actionable:
        if change.address not in covered:
            others.setdefault(change.repository, []).append(change)
    findings += [Finding(Status.DRIFT, _change_counts(mine), repository) for repository, mine in others.items()]
    summary = summary_line(plan)
    if plan.failures:
        lost = f"{len(plan.failures)} of {plural(len(plan.repositories), 'repository', 'repositories')}"
        detail = f"{lost} could not be planned" + (f"; the others: {summary}" if plan.has_changes else "")
        return Check(name, Status.BROKEN, detail, tuple(findings))
    if others:
        return Check(name, Status.DRIFT, summary, tuple(findings))
    if plan.has_changes:
        return Check(name, Status.OK, f"no changes beyond those above ({summary})")
    return Check(name, Status.OK, summary)


def _mind_unplanned(check: Check, plan: Plan | None) -> Check:
    """A check made from the plan says nothing about repositories the plan could not read."""
    if plan is None or not plan.failures or check.status is Status.SKIPPED:
        return check
    if len(plan.failures) == len(plan.repositories):
        return skipped(check.name, "no repository could be planned")
    names = ", ".join(f.repository for f in plan.failures)
    return replace(check, notes=(*check.notes, f"not checked in {names}: could not be planned"))
