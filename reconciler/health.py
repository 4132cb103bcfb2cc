"""Health checks for `reconciler verify`: facts in, check results out.

Everything here is pure: the command gathers the facts (what GitHub said, or why it could
not say it, and the plan), and these functions judge them. No I/O, no clock: `now` is a fact.

Each check ends ok, drift (live GitHub differs from the desired state; apply fixes it, or a
person must), broken (something stops reconciler from working: a rejected token, missing
permission, a spent rate limit, a repository it cannot read) or skipped (not checked because
something it needs is broken, so the overall result is broken anyway).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from reconciler import __version__
from reconciler.desired.sources import check_workflow
from reconciler.desired.state import DesiredRepository
from reconciler.github.port import LiveRepository, RateLimit, TokenInfo
from reconciler.kinds.base import DECLARED_MISSING
from reconciler.kinds.labels import KIND as LABEL
from reconciler.kinds.registry import KINDS
from reconciler.kinds.secrets import KIND as SECRET
from reconciler.kinds.variables import KIND as VARIABLE
from reconciler.kinds.workflow_files import KIND as WORKFLOW_FILE
from reconciler.kinds.workflow_files import PULL_REQUEST_KEY
from reconciler.kinds.workflows import KIND as WORKFLOW
from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.settings import PlanSettings
from reconciler.render.summary import plural, summary_line, title

EXIT_HEALTHY = 0
EXIT_BROKEN = 1
EXIT_DRIFT = 2

KIND_NAMES = {kind.name: kind.plural for kind in KINDS}

# Classic scopes that include others (GitHub's documentation); only these matter here.
SCOPE_IMPLIES: Mapping[str, frozenset[str]] = {
    "repo": frozenset({"public_repo", "repo:status", "repo_deployment", "repo:invite", "security_events"}),
}
ROLES = ("pull", "triage", "push", "maintain", "admin")
# What GitHub's settings pages call each role.
ACCESS_NAMES = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}
# What apply needs to write each kind, as a repository role. GitHub's REST reference asks only
# "collaborator access" for Actions secrets and variables, but its settings need admin and
# tokens are refused below it in practice: assume admin, so verify never passes a token that
# apply would then fail with. Labels, files and enabling workflows need write ("push").
ROLE_FOR_KIND = {LABEL: "push", WORKFLOW_FILE: "push", WORKFLOW: "push", SECRET: "admin", VARIABLE: "admin"}

# Apply's cost, for the rate-limit headroom: a few requests per change (a secret reads the
# public key then writes; a file is a blob, a tree, a commit and a ref), plus the plan's
# reads and the default-branch lookups per repository.
REQUESTS_PER_CHANGE = 3
REQUESTS_PER_REPOSITORY = 5
LOW_BUDGET_FRACTION = 0.10


class Status(StrEnum):
    OK = "ok"
    DRIFT = "drift"
    BROKEN = "broken"
    SKIPPED = "skipped"


_SEVERITY = {Status.OK: 0, Status.SKIPPED: 0, Status.DRIFT: 1, Status.BROKEN: 2}


def worst(statuses: Sequence[Status]) -> Status:
    found = [s for s in statuses if s is not Status.SKIPPED]
    return max(found, key=lambda s: _SEVERITY[s], default=Status.OK)


@dataclass(frozen=True)
class Unavailable:
    """A fact that could not be had, and why (an error message, never a token)."""

    reason: str
    # False for an absence that is no fault: rate limiting switched off on GitHub Enterprise.
    broken: bool = True


@dataclass(frozen=True)
class Finding:
    """One thing wrong, in one repository when it is about one."""

    status: Status
    text: str
    repository: str | None = None


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    findings: tuple[Finding, ...] = ()
    # Worth knowing, not wrong: low rate-limit headroom, a workflow disabled on purpose.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """Everything verify observed. A field left None was not looked at (an earlier check is
    broken); an `Unavailable` is a look that failed."""

    github_url: str
    now: datetime
    desired: str | Unavailable
    token: TokenInfo | Unavailable | None = None
    rate: RateLimit | Unavailable | None = None
    repositories: tuple[DesiredRepository, ...] = ()
    plan: Plan | Unavailable | None = None
    access: Mapping[str, LiveRepository | Unavailable] = field(default_factory=dict)
    # Live bodies of workflow files that differ from the desired ones, by (repository, path).
    workflow_bodies: Mapping[tuple[str, str], bytes | Unavailable] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthReport:
    checks: tuple[Check, ...]
    created_at: datetime
    github_url: str
    plan: Plan | None = None
    plan_missing: str | None = None
    generator: str = f"reconciler {__version__}"

    @property
    def status(self) -> Status:
        return worst([c.status for c in self.checks])

    @property
    def exit_code(self) -> int:
        return {Status.BROKEN: EXIT_BROKEN, Status.DRIFT: EXIT_DRIFT}.get(self.status, EXIT_HEALTHY)

    def findings_by_repository(self) -> dict[str | None, list[tuple[Check, Finding]]]:
        grouped: dict[str | None, list[tuple[Check, Finding]]] = {}
        for check in self.checks:
            for finding in check.findings:
                grouped.setdefault(finding.repository, []).append((check, finding))
        return grouped


# -- small helpers ---------------------------------------------------------------------------


def _skipped(name: str, why: str) -> Check:
    return Check(name, Status.SKIPPED, f"not checked: {why}")


def _when(epoch: int, now: datetime) -> str:
    reset = datetime.fromtimestamp(epoch, UTC)
    minutes = max(0, round((reset - now).total_seconds() / 60))
    return f"{reset:%H:%M} UTC (in {plural(minutes, 'minute')})"


def _effective_scopes(scopes: Sequence[str]) -> set[str]:
    result = set(scopes)
    for scope in scopes:
        result |= SCOPE_IMPLIES.get(scope, frozenset())
    return result


def _role(permissions: Mapping[str, bool]) -> str | None:
    granted = [role for role in ROLES if permissions.get(role)]
    return granted[-1] if granted else None


def managed_kinds(repository: DesiredRepository) -> list[str]:
    """The plan kinds this repository's desired state manages, in apply order."""
    return [kind.name for kind in KINDS if kind.desired(repository, PlanSettings()) is not None]


def pack_workflows(repository: DesiredRepository) -> dict[str, str]:
    """Present workflows that come from a pack, path → pack, even when a target overrides
    a value of theirs (the workflow is still the pack's)."""
    found: dict[str, str] = {}
    if repository.workflows is None:
        return found
    for item in repository.workflows.items:
        if item.ensure != "present":
            continue
        key = f"workflow:{item.path}"
        origins = [repository.provenance.get(key), *repository.overridden.get(key, ())]
        pack = next((o.pack for o in origins if o is not None and o.pack), None)
        if pack is not None:
            found[item.path] = pack
    return found


# -- the checks ------------------------------------------------------------------------------


def check_desired(desired: str | Unavailable) -> Check:
    name = "Desired state"
    if isinstance(desired, Unavailable):
        return Check(name, Status.BROKEN, desired.reason)
    return Check(name, Status.OK, desired)


def check_token(token: TokenInfo | Unavailable | None, skip: str | None) -> Check:
    name = "Token"
    if token is None:
        return _skipped(name, skip or "not read")
    if isinstance(token, Unavailable):
        return Check(name, Status.BROKEN, token.reason)
    if token.login is None:
        return Check(name, Status.OK, "valid: a GitHub App installation token; permissions checked per repository")
    if token.scopes is None:
        return Check(
            name,
            Status.OK,
            f"valid, acts for {token.login}; a fine-grained token (GitHub sends no scopes for it): "
            "permissions checked per repository",
        )
    scopes = ", ".join(token.scopes) or "none"
    return Check(name, Status.OK, f"valid, acts for {token.login}; a classic token with scopes: {scopes}")


@dataclass(frozen=True)
class _Shortfall:
    """One thing the token lacks in one repository, and the kinds that need it."""

    missing: str
    kinds: tuple[str, ...]


def _base_scope(kind: str, private: bool) -> str:
    # GitHub accepts public_repo for labels and files in public repositories; secrets,
    # variables and workflow state want repo whatever the visibility.
    return "public_repo" if not private and kind in (LABEL, WORKFLOW_FILE) else "repo"


def _scope_shortfalls(scopes: Sequence[str], kinds: Sequence[str], private: bool) -> list[_Shortfall]:
    have = _effective_scopes(scopes)
    shown = f"(the token has: {', '.join(scopes) or 'none'})"
    lacking = [kind for kind in kinds if _base_scope(kind, private) not in have]
    found = []
    if lacking:
        # `repo` covers every kind, so it is what to ask for unless public_repo is enough.
        enough = {_base_scope(kind, private) for kind in lacking}
        wanted = "scope `public_repo` (or `repo`)" if enough == {"public_repo"} else "scope `repo`"
        found.append(_Shortfall(f"{wanted} {shown}", tuple(lacking)))
    if WORKFLOW_FILE in kinds and "workflow" not in have:
        found.append(_Shortfall(f"scope `workflow` {shown}", (WORKFLOW_FILE,)))
    return found


def _shortfalls(token: TokenInfo, kinds: Sequence[str], access: LiveRepository) -> list[_Shortfall]:
    if token.scopes is not None:
        missing_scopes = _scope_shortfalls(token.scopes, kinds, access.private)
        if missing_scopes:
            # The role is reported once the scopes are right: without them, GitHub may show
            # less than the user's real role, and the scope is what to fix first.
            return missing_scopes
    by_missing: dict[str, list[str]] = {}
    if access.permissions is not None:
        role = _role(access.permissions)
        for kind in kinds:
            wanted = ROLE_FOR_KIND[kind]
            if not access.permissions.get(wanted):
                has = f"{ACCESS_NAMES[role]} (`{role}`)" if role else "no access"
                key = f"{ACCESS_NAMES[wanted]} access (`{wanted}`; the token's user has {has})"
                by_missing.setdefault(key, []).append(kind)
    return [_Shortfall(missing, tuple(found)) for missing, found in by_missing.items()]


def _kind_list(kinds: Sequence[str], changes: Sequence[Change]) -> str:
    parts = []
    for kind in kinds:
        pending = sum(1 for c in changes if c.kind == kind and c.applicable)
        parts.append(f"{KIND_NAMES.get(kind, kind)} ({pending} to change)" if pending else KIND_NAMES.get(kind, kind))
    return ", ".join(parts)


def check_permissions(
    token: TokenInfo | Unavailable | None,
    repositories: Sequence[DesiredRepository],
    plan: Plan | None,
    access: Mapping[str, LiveRepository | Unavailable],
    skip: str | None,
) -> Check:
    """Whether the token may make every change apply must make, and keep each managed kind
    in line later, in every planned repository."""
    name = "Permissions"
    if skip is not None or not isinstance(token, TokenInfo):
        return _skipped(name, skip or "the token could not be read")
    findings: list[Finding] = []
    notes: list[str] = []
    checked = 0
    writes_workflow_files = False
    grouped = plan.by_repository() if plan is not None else {}
    for repository in repositories:
        slug = repository.slug
        kinds = managed_kinds(repository)
        if not kinds:
            continue
        checked += 1
        writes_workflow_files = writes_workflow_files or WORKFLOW_FILE in kinds
        seen = access.get(slug)
        if seen is None or isinstance(seen, Unavailable):
            reason = seen.reason if seen is not None else "not read"
            findings.append(Finding(Status.BROKEN, f"could not read the repository: {reason}", slug))
            continue
        if seen.archived:
            findings.append(Finding(Status.BROKEN, "archived, so read-only: apply cannot change anything in it", slug))
            continue
        changes = grouped.get(slug, [])
        for shortfall in _shortfalls(token, kinds, seen):
            text = f"needs {shortfall.missing} for {_kind_list(shortfall.kinds, changes)}"
            findings.append(Finding(Status.BROKEN, text, slug))
        if seen.permissions is None and token.scopes is None:
            notes.append(f"{slug}: GitHub did not say what the token may do; its permissions were not checked")
    if token.scopes is None and writes_workflow_files:
        notes.append(
            "GitHub does not show a fine-grained token's Workflows permission: writing workflow files "
            "needs Workflows: read and write"
        )
    where = plural(checked, "repository", "repositories")
    if findings:
        lacking = len({f.repository for f in findings})
        detail = f"missing in {lacking} of {where}"
        return Check(name, Status.BROKEN, detail, tuple(findings), tuple(notes))
    return Check(name, Status.OK, f"enough for everything managed in {where}", (), tuple(notes))


def estimate_requests(plan: Plan | None, repositories: int) -> int:
    applicable = sum(1 for c in plan.changes if c.applicable) if plan is not None else 0
    return REQUESTS_PER_CHANGE * applicable + REQUESTS_PER_REPOSITORY * repositories


def check_rate_limit(
    rate: RateLimit | Unavailable | None, plan: Plan | None, repositories: int, now: datetime, skip: str | None
) -> Check:
    name = "Rate limit"
    if rate is None:
        return _skipped(name, skip or "not read")
    if isinstance(rate, Unavailable):
        return Check(name, Status.BROKEN if rate.broken else Status.OK, rate.reason)
    reset = _when(rate.reset, now)
    if rate.remaining <= 0:
        detail = f"spent: 0 of {rate.limit} requests left until {reset}; re-run after that"
        return Check(name, Status.BROKEN, detail)
    needed = estimate_requests(plan, repositories)
    detail = f"{rate.remaining} of {rate.limit} requests left, resets at {reset}"
    notes = []
    if rate.remaining < rate.limit * LOW_BUDGET_FRACTION:
        notes.append(f"less than {LOW_BUDGET_FRACTION:.0%} of the hourly budget is left ({rate.remaining})")
    if plan is not None and plan.has_changes:
        detail += f"; apply needs about {needed}"
        if rate.remaining < needed:
            notes.append(
                f"apply needs about {needed} requests but only {rate.remaining} are left: it would stop "
                f"partway; apply after {reset}"
            )
    return Check(name, Status.OK, detail, (), tuple(notes))


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
        return _skipped(name, skip or "no plan")
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


def check_secrets(plan: Plan | None, skip: str | None) -> Check:
    name = "Required secrets"
    if plan is None:
        return _skipped(name, skip or "no plan")
    secrets = [c for c in plan.changes if c.kind == SECRET]
    if not secrets:
        return Check(name, Status.OK, "no secrets declared")
    missing = [c for c in secrets if c.action is Action.CREATE]
    findings = []
    for change in missing:
        source = (change.after or {}).get("source")
        if change.attention is not None:
            text = f"{change.reason}; {change.attention}"
        elif source is None or change.reason != DECLARED_MISSING:
            # The planner read the environment verify runs in, where apply would read the
            # value: its reason already says when the source variable is unset.
            text = change.reason
        else:
            text = f"{DECLARED_MISSING}; apply sets it from {source}"
        findings.append(Finding(Status.DRIFT, f"`{title(change)}`: {text}", change.repository))
    present = [c for c in secrets if c.managed and c.before is not None and c.after is not None]
    where = plural(len({c.repository for c in secrets}), "repository", "repositories")
    if missing:
        detail = f"{len(missing)} missing, {len(present)} present, in {where}"
        return Check(name, Status.DRIFT, detail, tuple(findings))
    return Check(name, Status.OK, f"all {plural(len(present), 'declared secret')} present in {where}")


def check_pack_workflows(plan: Plan | None, repositories: Sequence[DesiredRepository], skip: str | None) -> Check:
    name = "Pack workflows enabled"
    if plan is None:
        return _skipped(name, skip or "no plan")
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
                after = change.after or {}
                if change.is_change:
                    findings.append(Finding(Status.DRIFT, f"{where}: {change.reason}", repository.slug))
                elif change.before is None and change.key not in created and after.get("state") == "enabled":
                    notes.append(f"{repository.slug}: {where} is committed but GitHub does not list it yet")
                elif after.get("state") == "disabled":
                    notes.append(f"{repository.slug}: {where} is disabled, as the desired state says")
            elif change.kind == WORKFLOW_FILE and change.action is Action.CREATE:
                findings.append(Finding(Status.DRIFT, f"{where}: the file is {change.reason}", repository.slug))
    if total == 0:
        return Check(name, Status.OK, "no workflows come from a pack", (), tuple(notes))
    where = plural(with_packs, "repository", "repositories")
    if findings:
        lacking = len({f.repository for f in findings})
        detail = f"{plural(len(findings), 'pack workflow')} not running, in {lacking} of {where}"
        return Check(name, Status.DRIFT, detail, tuple(findings))
    return Check(name, Status.OK, f"{plural(total, 'pack workflow')} as declared in {where}", (), tuple(notes))


def _covered(plan: Plan, repositories: Sequence[DesiredRepository], broken_files: set[tuple[str, str]]) -> set[str]:
    """Addresses of changes another check already reports."""
    packs = {r.slug: pack_workflows(r) for r in repositories}

    def reported(change: Change) -> bool:
        missing_secret = change.kind == SECRET and change.action is Action.CREATE
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
    parts = []
    for kind, counts in by_kind.items():
        actions = ", ".join(f"{counts[action]} to {action.value}" for action in Action if counts[action])
        parts.append(f"{KIND_NAMES.get(kind, kind)}: {actions}")
    return "; ".join(parts)


def check_plan(
    plan: Plan | Unavailable | None,
    repositories: Sequence[DesiredRepository],
    broken_files: Collection[tuple[str, str]],
    skip: str | None,
) -> Check:
    name = "Plan"
    if plan is None:
        return _skipped(name, skip or "not made")
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
        return _skipped(check.name, "no repository could be planned")
    names = ", ".join(f.repository for f in plan.failures)
    return replace(check, notes=(*check.notes, f"not checked in {names}: could not be planned"))


def evaluate(facts: Facts) -> HealthReport:
    """Judge the facts: one check per line of the report, in a fixed order."""
    skip: str | None = None
    if isinstance(facts.desired, Unavailable):
        skip = "the desired state does not load"
    elif isinstance(facts.token, Unavailable):
        skip = "the token does not work"
    elif isinstance(facts.rate, RateLimit) and facts.rate.remaining <= 0:
        skip = "the rate limit is spent"
    plan = facts.plan if isinstance(facts.plan, Plan) else None
    plan_skip = skip or (
        f"the plan could not be made: {facts.plan.reason}" if isinstance(facts.plan, Unavailable) else None
    )
    token_skip = skip
    # When planning failed (a rejected token or a spent budget midway, or the repositories
    # could not be resolved), their permissions were not read either.
    no_plan = plan_skip if isinstance(facts.plan, Unavailable) else None
    if skip == "the rate limit is spent" and facts.token is None:
        token_skip = "GitHub accepted the token, but its user and scopes are not read while the rate limit is spent"
    broken = broken_workflow_files(plan, facts.workflow_bodies) if plan is not None else {}
    checks = (
        check_desired(facts.desired),
        check_token(facts.token, token_skip),
        check_permissions(facts.token, facts.repositories, plan, facts.access, skip or no_plan),
        check_rate_limit(facts.rate, plan, len(facts.repositories), facts.now, skip),
        _mind_unplanned(check_workflow_files(plan, facts.workflow_bodies, broken, plan_skip), plan),
        _mind_unplanned(check_secrets(plan, plan_skip), plan),
        _mind_unplanned(check_pack_workflows(plan, facts.repositories, plan_skip), plan),
        check_plan(facts.plan, facts.repositories, broken, skip),
    )
    missing = None
    if plan is None:
        missing = plan_skip or "not made"
    return HealthReport(
        checks=checks,
        created_at=facts.now,
        github_url=facts.github_url,
        plan=plan,
        plan_missing=missing,
    )
