"""Required secrets: every repository has each secret it needs, at one of the two scopes.

A repository needs the secrets its `secrets:` block declares (repository scope) and those its
`organization_secrets:` block declares (organisation scope, shared with it). A repository secret
that is missing is drift, and the report says who sets it; so is an organisation secret that is
missing or not shared with a repository that needs it. Where the organisation already shares a
secret the repository declares for itself, workflows have it, and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.checks.model import Check, Finding, Status, Unavailable, skipped
from reconciler.kinds.organization_access import is_access, parse_access_title
from reconciler.kinds.organization_secrets.kind import KIND as ORGANIZATION_SECRET
from reconciler.kinds.secrets.kind import KIND as SECRET
from reconciler.names import fold
from reconciler.plan.frozen import EMPTY
from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.reasons import Reason
from reconciler.render.summary import plural

# Repository → the names (case-folded) of the organisation secrets it gets, for the
# repositories with a repository secret missing.
SharedSecrets = Mapping[str, frozenset[str] | Unavailable]


def _missing_text(change: Change) -> str:
    source = (change.after or EMPTY).get("source")
    if change.attention is not None:
        return f"{change.reason_text}; {change.attention}"
    if source is None or change.reason is not Reason.MISSING:
        # The planner read the environment verify runs in, where apply would read the
        # value: its reason already says when the source variable is unset.
        return change.reason_text
    return f"{Reason.MISSING.text}; apply sets it from {source}"


def _organization_findings(changes: list[Change]) -> list[Finding]:
    findings = []
    for change in changes:
        if change.action is not Action.CREATE:
            continue
        if is_access(change):
            name, repository = parse_access_title(str((change.after or EMPTY).get("name")))
            text = f"`{name}` (organisation secret) is not shared with it yet; apply adds it to the access list"
            findings.append(Finding(Status.DRIFT, text, repository))
        else:
            text = f"`{change.title}` (organisation secret): {_missing_text(change)}"
            findings.append(Finding(Status.DRIFT, text, change.repository))
    return findings


def check_secrets(plan: Plan | None, skip: str | None, shared: SharedSecrets | None = None) -> Check:
    name = "Required secrets"
    if plan is None:
        return skipped(name, skip or "no plan")
    secrets = [c for c in plan.changes if c.kind == SECRET]
    organization = [c for c in plan.changes if c.kind == ORGANIZATION_SECRET]
    if not secrets and not organization:
        return Check(name, Status.OK, "no secrets declared")
    missing = [c for c in secrets if c.action is Action.CREATE]
    findings = []
    for change in missing:
        text = f"`{change.title}`: {_missing_text(change)}"
        given = (shared or {}).get(change.repository)
        if isinstance(given, frozenset) and fold(change.title) in given:
            text += " (the organisation shares a secret of this name with it, so its workflows have one)"
        findings.append(Finding(Status.DRIFT, text, change.repository))
    findings += _organization_findings(organization)
    present = [c for c in secrets if c.managed and c.before is not None and c.after is not None]
    shared_present = [
        c for c in organization if not is_access(c) and c.managed and c.before is not None and c.after is not None
    ]
    repositories = {c.repository for c in secrets} | {f.repository for f in findings if f.repository}
    where = plural(len(repositories), "repository", "repositories")
    also = f" and {plural(len(shared_present), 'organisation secret')}" if shared_present else ""
    if findings:
        detail = f"{len(findings)} missing, {len(present)} present{also}, in {where}"
        return Check(name, Status.DRIFT, detail, tuple(findings))
    return Check(name, Status.OK, f"all {plural(len(present), 'declared secret')}{also} present in {where}")
