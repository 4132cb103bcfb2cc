"""Workflow checks: live workflow files that differ from desired still parse, and the
workflows packs bring are enabled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from reconciler.checks.model import Check, Finding, Status, Unavailable, skipped, worst
from reconciler.desired.state import EffectiveRepository
from reconciler.kinds.workflows.block import desired_workflows
from reconciler.kinds.workflows.check import check_workflow
from reconciler.kinds.workflows.files import KIND as WORKFLOW_FILE
from reconciler.kinds.workflows.files import PULL_REQUEST_KEY
from reconciler.kinds.workflows.state import KIND as WORKFLOW
from reconciler.plan.frozen import EMPTY
from reconciler.plan.model import Action, Change, Plan
from reconciler.render.summary import plural


def pack_workflows(repository: EffectiveRepository) -> dict[str, str]:
    """Present workflows that come from a pack, path → pack, even when a target overrides
    a value of theirs (the workflow is still the pack's)."""
    found: dict[str, str] = {}
    workflows = desired_workflows(repository)
    if workflows is None:
        return found
    for item in workflows.items:
        if item.ensure != "present":
            continue
        key = f"workflow:{item.path}"
        origins = [repository.provenance.get(key), *repository.overridden.get(key, ())]
        pack = next((o.pack for o in origins if o is not None and o.pack), None)
        if pack is not None:
            found[item.path] = pack
    return found


def _file_updates(plan: Plan) -> list[Change]:
    return [
        c for c in plan.changes if c.kind == WORKFLOW_FILE and c.action is Action.UPDATE and c.key != PULL_REQUEST_KEY
    ]


def broken_workflow_files(
    plan: Plan, bodies: Mapping[tuple[str, str], bytes | Unavailable]
) -> dict[tuple[str, str], list[str]]:
    """Live workflow files (among those that differ from desired) that GitHub would reject."""
    broken: dict[tuple[str, str], list[str]] = {}
    for change in _file_updates(plan):
        body = bodies.get((change.repository, change.key))
        if not isinstance(body, bytes):
            continue
        problems = check_workflow(Path(change.key), body)
        if problems:
            broken[(change.repository, change.key)] = [
                f"line {p.line}: {p.message}" if p.line > 1 else p.message for p in problems
            ]
    return broken


def check_workflow_files(
    plan: Plan | None,
    bodies: Mapping[tuple[str, str], bytes | Unavailable],
    broken: Mapping[tuple[str, str], list[str]],
    skip: str | None,
) -> Check:
    """Desired workflow files parse (the loader rejects any that does not); this looks at the
    live files that differ from them. `broken`: `broken_workflow_files(plan, bodies)`."""
    name = "Workflow files parse"
    if plan is None:
        return skipped(name, skip or "no plan")
    files = [c for c in plan.changes if c.kind == WORKFLOW_FILE and c.key != PULL_REQUEST_KEY]
    if not files:
        return Check(name, Status.OK, "no workflow files managed")
    updates = _file_updates(plan)
    findings: list[Finding] = []
    for change in updates:
        body = bodies.get((change.repository, change.key))
        if isinstance(body, Unavailable) or body is None:
            reason = body.reason if body is not None else "not read"
            findings.append(Finding(Status.BROKEN, f"could not read `{change.key}`: {reason}", change.repository))
    for (repository, path), problems in broken.items():
        text = f"`{path}` on GitHub is not a valid workflow ({'; '.join(problems)}): apply replaces it"
        findings.append(Finding(Status.DRIFT, text, repository))
    current = sum(1 for c in files if c.action is Action.NOOP and c.after is not None)
    missing = sum(1 for c in files if c.action is Action.CREATE)
    parts = [f"{current} up to date"]
    if updates:
        parts.append(f"{len(updates)} {'differs' if len(updates) == 1 else 'differ'} from desired")
    if missing:
        parts.append(f"{missing} missing")
    summary = ", ".join(parts)
    bad = [f for f in findings if f.status is Status.DRIFT]
    if findings:
        status = worst([f.status for f in findings])
        verb = "does" if len(bad) == 1 else "do"
        detail = f"{plural(len(bad), 'live file')} {verb} not parse" if bad else "some live files could not be read"
        return Check(name, status, f"{detail} ({summary})", tuple(findings))
    return Check(name, Status.OK, f"every live file parses ({summary})")


def check_pack_workflows(plan: Plan | None, repositories: Sequence[EffectiveRepository], skip: str | None) -> Check:
    name = "Pack workflows enabled"
    if plan is None:
        return skipped(name, skip or "no plan")
    findings: list[Finding] = []
    notes: list[str] = []
    total = 0
    grouped = plan.by_repository()
    with_packs = 0
    for repository in repositories:
        packs = pack_workflows(repository)
        if not packs:
            continue
        with_packs += 1
        changes = grouped.get(repository.slug, [])
        created = {c.key for c in changes if c.kind == WORKFLOW_FILE and c.action is Action.CREATE}
        for change in changes:
            pack = packs.get(change.key)
            if pack is None:
                continue
            where = f"`{change.key}` (pack {pack})"
            if change.kind == WORKFLOW:
                total += 1
                after = change.after or EMPTY
                if change.is_change:
                    findings.append(Finding(Status.DRIFT, f"{where}: {change.reason_text}", repository.slug))
                elif change.before is None and change.key not in created and after.get("state") == "enabled":
                    notes.append(f"{repository.slug}: {where} is committed but GitHub does not list it yet")
                elif after.get("state") == "disabled":
                    notes.append(f"{repository.slug}: {where} is disabled, as the desired state says")
            elif change.kind == WORKFLOW_FILE and change.action is Action.CREATE:
                findings.append(Finding(Status.DRIFT, f"{where}: the file is {change.reason_text}", repository.slug))
    if total == 0:
        return Check(name, Status.OK, "no workflows come from a pack", (), tuple(notes))
    where = plural(with_packs, "repository", "repositories")
    if findings:
        lacking = len({f.repository for f in findings})
        detail = f"{plural(len(findings), 'pack workflow')} not running, in {lacking} of {where}"
        return Check(name, Status.DRIFT, detail, tuple(findings))
    return Check(name, Status.OK, f"{plural(total, 'pack workflow')} as declared in {where}", (), tuple(notes))
