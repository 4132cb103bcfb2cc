"""Required secrets: every declared secret exists, or the report says who sets it."""

from __future__ import annotations

from reconciler.checks.model import Check, Finding, Status, skipped
from reconciler.kinds.secrets.kind import KIND as SECRET
from reconciler.plan.frozen import EMPTY
from reconciler.plan.model import Action, Plan
from reconciler.plan.reasons import Reason
from reconciler.render.summary import plural


def check_secrets(plan: Plan | None, skip: str | None) -> Check:
    name = "Required secrets"
    if plan is None:
        return skipped(name, skip or "no plan")
    secrets = [c for c in plan.changes if c.kind == SECRET]
    if not secrets:
        return Check(name, Status.OK, "no secrets declared")
    missing = [c for c in secrets if c.action is Action.CREATE]
    findings = []
    for change in missing:
        source = (change.after or EMPTY).get("source")
        if change.attention is not None:
            text = f"{change.reason_text}; {change.attention}"
        elif source is None or change.reason is not Reason.MISSING:
            # The planner read the environment verify runs in, where apply would read the
            # value: its reason already says when the source variable is unset.
            text = change.reason_text
        else:
            text = f"{Reason.MISSING.text}; apply sets it from {source}"
        findings.append(Finding(Status.DRIFT, f"`{change.title}`: {text}", change.repository))
    present = [c for c in secrets if c.managed and c.before is not None and c.after is not None]
    where = plural(len({c.repository for c in secrets}), "repository", "repositories")
    if missing:
        detail = f"{len(missing)} missing, {len(present)} present, in {where}"
        return Check(name, Status.DRIFT, detail, tuple(findings))
    return Check(name, Status.OK, f"all {plural(len(present), 'declared secret')} present in {where}")
