"""Whether the token can do what apply must do: the token itself, its permissions in each
repository, and the rate-limit budget left."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reconciler.checks.app_access import missing_app_permissions
from reconciler.checks.model import Check, Finding, Status, Unavailable, skipped
from reconciler.desired.state import EffectiveRepository
from reconciler.github.account import RateLimit, TokenInfo, token_expiry
from reconciler.github.repositories import LiveRepository
from reconciler.kinds.base import AnyKind
from reconciler.kinds.registry import kinds
from reconciler.names import fold
from reconciler.plan.model import Change, Plan
from reconciler.plan.settings import PlanSettings
from reconciler.render.summary import plural

# Classic scopes that include others (GitHub's documentation); only these matter here.
SCOPE_IMPLIES: Mapping[str, frozenset[str]] = {
    "repo": frozenset({"public_repo", "repo:status", "repo_deployment", "repo:invite", "security_events"}),
}
ROLES = ("pull", "triage", "push", "maintain", "admin")
# What GitHub's settings pages call each role.
ACCESS_NAMES = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}
# The scopes that give access to a repository's contents: `repo` includes `public_repo`.
REPOSITORY_SCOPES = ("public_repo", "repo")

# Apply's cost, for the rate-limit headroom: a few requests per change (a secret reads the
# public key then writes; a file is a blob, a tree, a commit and a ref), plus the plan's
# reads and the default-branch lookups per repository.
REQUESTS_PER_CHANGE = 3
REQUESTS_PER_REPOSITORY = 5
LOW_BUDGET_FRACTION = 0.10
# How soon before a token expires verify says so: drift within a week, a note within two.
EXPIRY_DRIFT = timedelta(days=7)
EXPIRY_NOTE = timedelta(days=14)


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


def managed_kinds(repository: EffectiveRepository) -> list[AnyKind]:
    """The kinds this repository's desired state manages, in apply order."""
    return [kind for kind in kinds() if kind.desired(repository, PlanSettings()) is not None]


def check_desired(desired: str | Unavailable) -> Check:
    name = "Desired state"
    if isinstance(desired, Unavailable):
        return Check(name, Status.BROKEN, desired.reason)
    return Check(name, Status.OK, desired)


def _expiry(token: TokenInfo, now: datetime | None) -> tuple[Status, str, tuple[Finding, ...], tuple[str, ...]]:
    """How soon the token stops working: drift within a week, a note within two, broken once
    past; the date in every case. An installation token lasts an hour by design (reconciler, or
    create-github-app-token, mints a new one each run), so its expiry is no finding."""
    if token.expires is None:
        return Status.OK, "", (), ()
    when = token_expiry(token.expires)
    shown = f"{when:%Y-%m-%d %H:%M} UTC" if when is not None else token.expires
    if token.login is None or when is None or now is None:
        return Status.OK, f"; it expires {shown}", (), ()
    left = when - now
    if left <= timedelta(0):
        text = f"the token expired {shown}: make a new one and set it where reconciler reads it"
        return Status.BROKEN, f"; it expired {shown}", (Finding(Status.BROKEN, text),), ()
    days = left.total_seconds() / 86400
    hours = max(1, math.ceil(left.total_seconds() / 3600))
    soon = f"in {plural(round(days), 'day')}" if days >= 1 else f"in {plural(hours, 'hour')}"
    detail = f"; it expires {shown} ({soon})"
    renew = (
        f"the token expires {shown} ({soon}): make a new one and put it where reconciler reads it "
        "(the secret RECONCILER_TOKEN for the shipped workflows) before then"
    )
    if left <= EXPIRY_DRIFT:
        return Status.DRIFT, detail, (Finding(Status.DRIFT, renew),), ()
    if left <= EXPIRY_NOTE:
        return Status.OK, detail, (), (renew,)
    return Status.OK, detail, (), ()


def check_token(
    token: TokenInfo | Unavailable | None,
    skip: str | None,
    credentials: str | None = None,
    *,
    now: datetime | None = None,
) -> Check:
    """`credentials` says where the token came from ("from GH_TOKEN", "GitHub App 12345,
    installation 678 for OWNER"), never what it is; with `now` (GitHub's time) it also says
    how soon the token expires."""
    name = "Token"
    if token is None:
        return skipped(name, skip or "not read")
    if isinstance(token, Unavailable):
        return Check(name, Status.BROKEN, token.reason)
    # GitHub says when an expiring token stops working: worth knowing before a scheduled run fails.
    status, expires, findings, notes = _expiry(token, now)
    source = f"; {credentials}" if credentials else ""
    if token.login is None:
        key_age = (
            "GitHub does not show how old a GitHub App's private key is: rotate it on your own schedule "
            "(the runbook reviews Apps yearly), and keep at most two keys"
        )
        if credentials and credentials.startswith("GitHub App"):
            # reconciler mints and renews these tokens itself: their hour is no news.
            return Check(name, Status.OK, f"valid: {credentials}; permissions checked per repository", (), (key_age,))
        return Check(
            name,
            status,
            f"valid: a GitHub App installation token; permissions checked per repository{expires}{source}",
            findings,
            (*notes, key_age),
        )
    if token.scopes is None:
        return Check(
            name,
            status,
            f"valid, acts for {token.login}; a fine-grained token (GitHub sends no scopes for it): "
            f"permissions checked per repository{expires}{source}",
            findings,
            notes,
        )
    scopes = ", ".join(token.scopes) or "none"
    return Check(
        name,
        status,
        f"valid, acts for {token.login}; a classic token with scopes: {scopes}{expires}{source}",
        findings,
        notes,
    )


@dataclass(frozen=True)
class _Shortfall:
    """One thing the token lacks in one repository, and the kinds that need it."""

    missing: str
    kinds: tuple[str, ...]


def _scope_shortfalls(scopes: Sequence[str], managed: Sequence[AnyKind], private: bool) -> list[_Shortfall]:
    have = _effective_scopes(scopes)
    shown = f"(the token has: {', '.join(scopes) or 'none'})"
    needs = {kind.name: kind.scopes(private) for kind in managed}
    lacking = [name for name, wanted in needs.items() if any(s in REPOSITORY_SCOPES and s not in have for s in wanted)]
    found = []
    if lacking:
        # `repo` covers every kind, so it is what to ask for unless public_repo is enough.
        enough = {s for name in lacking for s in needs[name] if s in REPOSITORY_SCOPES}
        asked = "scope `public_repo` (or `repo`)" if enough == {"public_repo"} else "scope `repo`"
        found.append(_Shortfall(f"{asked} {shown}", tuple(lacking)))
    extra: dict[str, list[str]] = {}
    for name, scopes_needed in needs.items():
        for scope in scopes_needed:
            if scope not in REPOSITORY_SCOPES and scope not in have:
                extra.setdefault(scope, []).append(name)
    found += [_Shortfall(f"scope `{scope}` {shown}", tuple(names)) for scope, names in extra.items()]
    return found


def _shortfalls(token: TokenInfo, managed: Sequence[AnyKind], access: LiveRepository) -> list[_Shortfall]:
    if token.scopes is not None:
        missing_scopes = _scope_shortfalls(token.scopes, managed, access.private)
        if missing_scopes:
            # The role is reported once the scopes are right: without them, GitHub may show
            # less than the user's real role, and the scope is what to fix first.
            return missing_scopes
    by_missing: dict[str, list[str]] = {}
    if access.permissions is not None:
        role = _role(access.permissions)
        for kind in managed:
            wanted = kind.role
            if not access.permissions.get(wanted):
                has = f"{ACCESS_NAMES[role]} (`{role}`)" if role else "no access"
                key = f"{ACCESS_NAMES[wanted]} access (`{wanted}`; the token's user has {has})"
                by_missing.setdefault(key, []).append(kind.name)
    return [_Shortfall(missing, tuple(found)) for missing, found in by_missing.items()]


def kind_names() -> dict[str, str]:
    """What people call each kind's objects, by the plan's name for the kind."""
    return {kind.name: kind.plural for kind in kinds()}


def _kind_list(names: Sequence[str], changes: Sequence[Change]) -> str:
    plurals = kind_names()
    parts = []
    for name in names:
        pending = sum(1 for c in changes if c.kind == name and c.applicable)
        shown = plurals.get(name, name)
        parts.append(f"{shown} ({pending} to change)" if pending else shown)
    return ", ".join(parts)


def check_permissions(
    token: TokenInfo | Unavailable | None,
    repositories: Sequence[EffectiveRepository],
    plan: Plan | None,
    access: Mapping[str, LiveRepository | Unavailable],
    skip: str | None,
    app_grants: Mapping[str, Mapping[str, str]] | None = None,
) -> Check:
    """Whether the token may make every change apply must make, and keep each managed kind
    in line later, in every planned repository. With `app_grants` (owner, case-folded → what
    the GitHub App's installation there was granted), by App permission instead of role."""
    name = "Permissions"
    if skip is not None or not isinstance(token, TokenInfo):
        return skipped(name, skip or "the token could not be read")
    findings: list[Finding] = []
    notes: list[str] = []
    checked = 0
    # GitHub cannot show a fine-grained token's Workflows permission (the classic `workflow` scope).
    needs_workflows = False
    grouped = plan.by_repository() if plan is not None else {}
    for repository in repositories:
        slug = repository.slug
        managed = managed_kinds(repository)
        if not managed:
            continue
        checked += 1
        needs_workflows = needs_workflows or any("workflow" in kind.scopes(True) for kind in managed)
        seen = access.get(slug)
        if seen is None or isinstance(seen, Unavailable):
            reason = seen.reason if seen is not None else "not read"
            findings.append(Finding(Status.BROKEN, f"could not read the repository: {reason}", slug))
            continue
        if seen.archived:
            findings.append(Finding(Status.BROKEN, "archived, so read-only: apply cannot change anything in it", slug))
            continue
        changes = grouped.get(slug, [])
        if app_grants is not None:
            granted = app_grants.get(fold(slug.split("/", 1)[0]), {})
            missing = missing_app_permissions(granted, managed)
            shortfalls = [_Shortfall(what, tuple(names)) for what, names in missing.items()]
        else:
            shortfalls = _shortfalls(token, managed, seen)
        for shortfall in shortfalls:
            text = f"needs {shortfall.missing} for {_kind_list(shortfall.kinds, changes)}"
            findings.append(Finding(Status.BROKEN, text, slug))
        if seen.permissions is None and token.scopes is None and app_grants is None:
            notes.append(f"{slug}: GitHub did not say what the token may do; its permissions were not checked")
    if token.scopes is None and needs_workflows and app_grants is None:
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
        return skipped(name, skip or "not read")
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
