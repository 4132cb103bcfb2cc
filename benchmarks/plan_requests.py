"""How many requests, how long, and how much memory a plan costs, measured on the sandbox.

    python benchmarks/plan_requests.py                 # 3 seeded example repositories
    python benchmarks/plan_requests.py --repos 1000 --latency-ms 20

With `--repos N`, N synthetic repositories of one organisation already hold everything the
autonomy pack declares (labels, agent-loop workflow, secrets, variables from limits), and an
organisation target selects them all, so the plan is a no-op. It prints requests per repository as the
sandbox counted them, wall time, and peak memory of the planning process.

The sandbox enforces GitHub's secondary rate limits (900 REST points a minute...), as GitHub
would, and the client keeps to the same limits (`Limits.github()`), as the CLI does against
GitHub: a plan of more than about 900 requests then takes as long as the limits allow, and the
benchmark prints that least time, how long the client waited and how many answers were
secondary-limit refusals (none, when the client keeps to them). `--no-secondary-limits` turns
both off and measures raw speed; `--secondary-limit-scale F` scales both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn

from ruamel.yaml import YAML

from reconciler.desired.state import Declarations
from reconciler.engine.applier import ApplyReport, apply_plan
from reconciler.engine.planning import plan_declared
from reconciler.errors import RateLimitedError
from reconciler.github.http import (
    HttpReader,
    HttpWriter,
    Limits,
    MemoryResponseCache,
    RetryPolicy,
    Session,
    Settings,
    StaticToken,
    Usage,
    least_time,
)
from reconciler.kinds.registry import load_desired_config
from reconciler.plan.model import Plan
from reconciler.sandbox import Sandbox, SecondaryLimits
from reconciler.sandbox.state import Variable


@dataclass(frozen=True)
class Planned:
    plan: Plan
    usage: Usage


def compute_plan(config: Declarations, settings: Settings) -> Planned:
    session = Session(settings)
    try:
        return Planned(plan_declared(config, HttpReader(session)).plan, session.usage())
    finally:
        session.close()


ROOT = Path(__file__).resolve().parents[1]
ORG = "bench-org"


def synthetic(sandbox: Sandbox, directory: Path, count: int) -> Path:
    """N repositories of one organisation, already converged on the example pack, selected
    by an organisation target: the shape of a large fleet on a quiet day."""
    shutil.copytree(ROOT / "desired-state" / "packs", directory / "packs")
    shutil.copytree(ROOT / "desired-state" / "workflows", directory / "workflows")
    (directory / "org.yml").write_text(
        f"organizations:\n  - organization: {ORG}\n    packs: [sovereign-autonomy]\n", encoding="utf-8"
    )
    pack = YAML(typ="safe").load((directory / "packs" / "sovereign-autonomy.yml").read_text())["packs"][0]
    limits = {
        "AUTONOMY_MAX_ISSUES": pack["limits"]["max_issues"],
        "AUTONOMY_MAX_PRS": pack["limits"]["max_prs"],
        "AUTONOMY_MAX_RUNTIME_MINUTES": pack["limits"]["max_runtime_minutes"],
        "AUTONOMY_MAX_FILES_CHANGED": pack["limits"]["max_files_changed"],
    }
    variables = {**pack["variables"]["items"], **{k: str(v) for k, v in limits.items()}}
    workflow = pack["workflows"]["items"][0]
    body = (directory / workflow["source"]).read_bytes()
    with sandbox.state.lock:
        sandbox.state.add_account(ORG, type="Organization")
        sandbox.state.workflow_registration_lag = 0
        for n in range(count):
            repo = sandbox.state.add_repo(ORG, f"service-{n:04}")
            for name, colour in (("bug", "d73a4a"), ("documentation", "0075ca"), ("wontfix", "ffffff")):
                sandbox.state.add_label(repo, name, colour, None, default=True)
            for label in pack["labels"]["items"]:
                sandbox.state.add_label(repo, label["name"], label["color"], label.get("description"))
            for secret in pack["secrets"]["items"]:
                repo.store_secret(secret["name"], b"benchmark")
            for name, value in variables.items():
                repo.variables.append(Variable(name, value, repo.created_at, repo.created_at))
            sandbox.state.commit_files(repo, repo.default_branch, {workflow["path"]: body}, "Install the pack")
    return directory


def set_by_hand(sandbox: Sandbox, report: ApplyReport) -> None:
    for outcome in report.needs_attention:
        change = outcome.change
        owner, name = change.repository.split("/", 1)
        with sandbox.state.lock:
            repo = sandbox.state.find_repo(owner, name)
            if repo is not None and change.kind == "secret" and change.after is not None:
                repo.store_secret(str(change.after["name"]), b"set-by-hand")


def stopped(sandbox: Sandbox, elapsed: float, error: RateLimitedError) -> NoReturn:
    """The plan gave up on a secondary limit, as it would against GitHub at this pace."""
    total, refused = sandbox.stats.total(), sandbox.stats.secondary_limited()
    print(f"plan stopped after {total} requests in {elapsed:.2f} s: {error}")
    print(f"secondary-limit answers:  {refused} ({sandbox.stats.secondary_by_limit()})")
    sys.exit(
        "GitHub refuses this pace too. --no-secondary-limits measures raw speed; "
        "--secondary-limit-scale F changes the limits."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=0, help="synthetic repositories (0: the seeded example)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every sandbox response")
    parser.add_argument("--workers", type=int, default=8, help="concurrent repository reads")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=15000,
        help="hourly request budget (5000: a user token; 15000: a GitHub App on Enterprise Cloud)",
    )
    parser.add_argument(
        "--no-secondary-limits", action="store_true", help="do not enforce GitHub's secondary rate limits"
    )
    parser.add_argument(
        "--secondary-limit-scale", type=float, default=1.0, metavar="F", help="multiply every secondary limit"
    )
    args = parser.parse_args()
    limits = None if args.no_secondary_limits else SecondaryLimits().scaled(args.secondary_limit_scale)
    # The client keeps to the limits the sandbox enforces (a plan writes nothing, so the second
    # between writes only spaces the converging apply's: not measured, and left out).
    if limits is None:
        client_limits = Limits.none(concurrency=args.workers)
    else:
        scaled = Limits.github().scaled(args.secondary_limit_scale)
        client_limits = replace(scaled, concurrency=args.workers, write_interval=0.0)

    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(seed=args.repos == 0, latency_ms=args.latency_ms, secondary_limits=limits) as sandbox,
    ):
        sandbox.set_rate_limit(remaining=args.rate_limit, limit=args.rate_limit)
        path = synthetic(sandbox, Path(tmp), args.repos) if args.repos else ROOT / "desired-state"
        settings = Settings(
            sandbox.url,
            StaticToken("bench-token"),
            limits=client_limits,
            retry=RetryPolicy(attempts=2, max_wait=5),
            environ={},
        )
        desired = load_desired_config(path)
        if not args.repos:
            # The seeded repositories are drifted: converge them first so the plan measured is a no-op.
            # The example reads one secret from the environment; the one it leaves for a person
            # is set by hand, as `gh secret set` would.
            os.environ.setdefault("RECONCILER_DEMO_CODEX_API_KEY", "benchmark-value")
            session = Session(settings)
            report = apply_plan(compute_plan(desired, settings).plan, HttpWriter(session))
            session.close()
            set_by_hand(sandbox, report)
            # The converging apply is set-up, not the measurement: its writes must not leave
            # the plan under way with a spent budget.
            sandbox.set_secondary_limits(limits)
        sandbox.stats.reset()
        started = time.perf_counter()
        try:
            planned = compute_plan(desired, settings)
        except RateLimitedError as exc:
            stopped(sandbox, time.perf_counter() - started, exc)
        elapsed = time.perf_counter() - started
        plan = planned.plan
        requests = sandbox.stats.total()
        sandbox_graphql_queries = sandbox.stats.graphql_queries()
        secondary = sandbox.stats.secondary_limited()
        # The cached repeat starts in a fresh minute, as a later run would.
        sandbox.set_secondary_limits(limits)
        # The same plan again, with the conditional-request cache the CLI uses against GitHub:
        # the first run fills it, the second is answered 304 wherever nothing changed.
        cached = replace(settings, cache=MemoryResponseCache())
        compute_plan(desired, cached)
        sandbox.set_secondary_limits(limits)
        sandbox.stats.reset()
        started = time.perf_counter()
        compute_plan(desired, cached)
        cached_elapsed = time.perf_counter() - started
        revalidated = sandbox.stats.not_modified()
        cached_total = sandbox.stats.total()
        cached_secondary = sandbox.stats.secondary_limited()

    repos = len(plan.repositories)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"repositories:            {repos}")
    print(f"changes planned:         {len(plan.actionable)} (expected 0: a no-op plan)")
    print(f"requests:                {requests} ({requests / max(repos, 1):.2f} per repository)")
    for route, n in sorted(sandbox.stats.by_route().items()):
        print(f"  {route}: {n}")
    print(f"latency per response:    {args.latency_ms:.0f} ms, {args.workers} concurrent reads")
    print(f"rate-limit budget:       {args.rate_limit}/h, {requests / args.rate_limit:.0%} spent by this plan")
    print(f"plan wall time:          {elapsed:.2f} s ({elapsed / max(repos, 1) * 1000:.1f} ms per repository)")
    # The sandbox counts GraphQL queries among its requests, but they spend GraphQL's points,
    # not REST's 900 a minute: counted as REST reads, they would inflate the least time.
    queries = sandbox_graphql_queries
    floor = least_time(client_limits, reads=requests - queries, graphql_queries=queries)
    print(f"least time the limits allow: {floor:.0f} s; the client: {planned.usage.summary()}")
    print(
        f"repeat with ETag cache:  {cached_total} requests, {revalidated} answered 304 (free), "
        f"{cached_total - revalidated} spent budget; {cached_elapsed:.2f} s"
    )
    print(f"peak RSS (whole process, sandbox included): {peak_mb:.0f} MB")
    if limits is None:
        print("secondary-limit answers:  not enforced (--no-secondary-limits)")
    else:
        print(
            f"secondary-limit answers:  {secondary} in the plan, {cached_secondary} in the cached repeat "
            f"({limits.rest_points_per_minute} REST points/min)"
        )
    if secondary or cached_secondary:
        print(
            "  The client keeps to the limits, but its windows start when it sends a request and the "
            "server's when the request arrives: at a window's edge the server may still count a request "
            "the client no longer does. Each refusal is waited out, and the client slows down for a while."
        )
    if plan.actionable or (plan.failures and not secondary):
        sys.exit("unexpected: the benchmark plan was not a clean no-op")


if __name__ == "__main__":
    main()
