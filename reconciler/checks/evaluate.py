"""Judge verify's facts: one check per line of the report, in a fixed order.

Everything here is pure: the command gathers the facts (what GitHub said, or why it could
not say it, and the plan), and these functions judge them. No I/O, no clock: `now` is a fact.
"""

from __future__ import annotations

from datetime import datetime

from reconciler.checks.access import check_desired, check_permissions, check_rate_limit, check_token
from reconciler.checks.agent_loops import check_agent_loops
from reconciler.checks.model import Facts, HealthReport, Unavailable
from reconciler.checks.plan import _mind_unplanned, check_plan
from reconciler.checks.secrets import check_secrets
from reconciler.checks.workflows import broken_workflow_files, check_pack_workflows, check_workflow_files
from reconciler.github.account import RateLimit
from reconciler.plan.model import Plan


def _github_now(facts: Facts) -> datetime:
    """GitHub's time when it answered, where known: what a token's expiry is measured from."""
    if isinstance(facts.rate, RateLimit) and facts.rate.server_time is not None:
        return facts.rate.server_time
    return facts.now


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
        check_token(facts.token, token_skip, facts.credentials, now=_github_now(facts)),
        check_permissions(facts.token, facts.repositories, plan, facts.access, skip or no_plan, facts.app_grants),
        check_rate_limit(facts.rate, plan, len(facts.repositories), facts.now, skip),
        _mind_unplanned(check_workflow_files(plan, facts.workflow_bodies, broken, plan_skip), plan),
        _mind_unplanned(check_secrets(plan, plan_skip, facts.shared_secrets), plan),
        _mind_unplanned(check_pack_workflows(plan, facts.repositories, plan_skip), plan),
        _mind_unplanned(check_agent_loops(facts.agent_runs, plan_skip), plan),
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
