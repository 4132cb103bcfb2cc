"""What verify observes and how it judges: facts, checks, findings, the report.

Each check ends ok, drift (live GitHub differs from the desired state; apply fixes it, or a
person must), broken (something stops reconciler from working: a rejected token, missing
permission, a spent rate limit, a repository it cannot read) or skipped (not checked because
something it needs is broken, so the overall result is broken anyway).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from reconciler import __version__
from reconciler.desired.state import EffectiveRepository
from reconciler.github.account import RateLimit, TokenInfo
from reconciler.github.repositories import LiveRepository
from reconciler.github.runs import LiveRun
from reconciler.plan.model import Plan

EXIT_HEALTHY = 0
EXIT_BROKEN = 1
EXIT_DRIFT = 2


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
    repositories: tuple[EffectiveRepository, ...] = ()
    plan: Plan | Unavailable | None = None
    access: Mapping[str, LiveRepository | Unavailable] = field(default_factory=dict)
    # Live bodies of workflow files that differ from the desired ones, by (repository, path).
    workflow_bodies: Mapping[tuple[str, str], bytes | Unavailable] = field(default_factory=dict)
    # The organisation secrets shared with each repository that misses a repository secret
    # (names case-folded).
    shared_secrets: Mapping[str, frozenset[str] | Unavailable] = field(default_factory=dict)
    # The last finished runs of each agent loop GitHub lists, by (repository, path), newest first.
    agent_runs: Mapping[tuple[str, str], Sequence[LiveRun] | Unavailable] = field(default_factory=dict)
    # Where the credentials came from ("from GH_TOKEN", "GitHub App 12345, installation 678 for
    # OWNER"); never the token.
    credentials: str | None = None
    # Acting as a GitHub App: each owner's (case-folded) installation permissions.
    app_grants: Mapping[str, Mapping[str, str]] | None = None


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


def skipped(name: str, why: str) -> Check:
    return Check(name, Status.SKIPPED, f"not checked: {why}")
