"""What a cold no-op plan of a fleet costs with GraphQL observation, and without it.

    python benchmarks/graphql_observation.py                  # 100 and 1,000 repositories
    python benchmarks/graphql_observation.py --repos 5000
    python benchmarks/graphql_observation.py --latency-ms 20     # GitHub is further away than 127.0.0.1

For each size, a fresh sandbox gets a fleet (`Sandbox.seed_fleet`: GitHub's nine default
labels, a README and an active CI workflow each), and a desired state declares exactly that
for the whole organisation (labels, the CI workflow file and its state, secrets and variables
managed, none declared), so the plan is a no-op that still reads every kind. The plan is made
twice on a cold client (no ETag cache): through GraphQL, then with it off (`graphql=False`, what
`RECONCILER_GRAPHQL=0` does), and the two plans must be the same. It prints REST requests
and GraphQL points per repository as the sandbox counted them.

Secondary limits are off on both sides: this counts requests; `plan_requests.py` measures how
long GitHub's limits make them take.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ruamel.yaml import YAML

from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import resolve
from reconciler.github.git_data import get_file
from reconciler.github.http import HttpReader, Limits, RetryPolicy, Session, Settings, StaticToken
from reconciler.kinds.labels.live import list_labels
from reconciler.kinds.registry import load_desired_config
from reconciler.plan.model import Plan
from reconciler.sandbox import FleetSpec, Sandbox

ORG = "fleet"
CI = ".github/workflows/ci.yml"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
# The targets the issue sets for 1,000 repositories.
REST_TARGET, POINTS_TARGET = 3.05, 0.05
BUDGET = 10_000_000


@dataclass(frozen=True)
class Cost:
    plan: Plan
    rest: int
    graphql_queries: int
    graphql_points: int
    seconds: float


@contextmanager
def reader_on(sandbox: Sandbox, workers: int) -> Iterator[HttpReader]:
    settings = Settings(
        sandbox.url,
        StaticToken("bench-token"),
        limits=Limits.none(concurrency=workers),
        retry=RetryPolicy(attempts=2, max_wait=5),
        environ={},
    )
    session = Session(settings)
    try:
        yield HttpReader(session)
    finally:
        session.close()


def declare_fleet(sandbox: Sandbox, directory: Path, example: str, workers: int) -> Path:
    """A desired state declaring what the seeded repositories have, read from one of them."""
    with reader_on(sandbox, workers) as reader:
        labels = list_labels(reader, example)
        body = get_file(reader, example, CI)
    (directory / "workflows").mkdir(parents=True)
    (directory / "workflows" / "ci.yml").write_bytes(body)
    target = {
        "organization": ORG,
        "labels": {
            "items": [{"name": lab.name, "color": lab.color, "description": lab.description or ""} for lab in labels]
        },
        "workflows": {"items": [{"path": CI, "source": "workflows/ci.yml"}]},
        "secrets": {"items": []},
        "variables": {"items": {}},
    }
    with (directory / "fleet.yml").open("w", encoding="utf-8") as out:
        YAML().dump({"organizations": [target]}, out)
    return directory


def measure(sandbox: Sandbox, directory: Path, *, graphql: bool, workers: int) -> Cost:
    config = load_desired_config(directory)
    # A budget no fleet spends: this counts requests, whatever an hour allows.
    sandbox.set_rate_limit(remaining=BUDGET, limit=BUDGET)
    sandbox.stats.reset()
    started = time.perf_counter()
    with reader_on(sandbox, workers) as reader:
        state = resolve(config, reader)
        plan = plan_repositories(state, reader, now=NOW, graphql=graphql)
    seconds = time.perf_counter() - started
    stats = sandbox.stats
    rest = stats.total() - stats.graphql_queries()
    return Cost(plan, rest, stats.graphql_queries(), stats.graphql_points(), seconds)


def report(size: int, way: str, cost: Cost) -> None:
    repos = len(cost.plan.repositories)
    print(
        f"{size:>6} repositories, {way:<8}: {cost.rest:>6} REST ({cost.rest / repos:.3f}/repository), "
        f"{cost.graphql_queries:>3} GraphQL queries, {cost.graphql_points:>3} points "
        f"({cost.graphql_points / repos:.3f}/repository); {cost.seconds:.2f} s"
    )


def run(size: int, workers: int, latency_ms: float) -> bool:
    with tempfile.TemporaryDirectory() as tmp, Sandbox(seed=False, latency_ms=latency_ms) as sandbox:
        names = sandbox.seed_fleet(FleetSpec(ORG, size))
        directory = declare_fleet(sandbox, Path(tmp) / "desired-state", names[0], workers)
        through = measure(sandbox, directory, graphql=True, workers=workers)
        without = measure(sandbox, directory, graphql=False, workers=workers)
    report(size, "GraphQL", through)
    report(size, "REST", without)
    ok = True
    for cost in (through, without):
        if cost.plan.actionable or cost.plan.failures or len(cost.plan.repositories) != size:
            print(f"  unexpected: not a clean no-op plan of {size} repositories")
            ok = False
    if through.plan != without.plan:
        print("  unexpected: the plans through GraphQL and REST differ")
        ok = False
    if size >= 1000:
        rest, points = through.rest / size, through.graphql_points / size
        met = rest <= REST_TARGET and points <= POINTS_TARGET
        print(
            f"  targets (REST ≤ {REST_TARGET}, points ≤ {POINTS_TARGET} per repository): {'met' if met else 'MISSED'}"
        )
        ok = ok and met
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, nargs="+", default=[100, 1000], help="fleet sizes to measure")
    parser.add_argument("--workers", type=int, default=8, help="concurrent repository reads")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every sandbox response")
    args = parser.parse_args()
    results = [run(size, args.workers, args.latency_ms) for size in args.repos]
    if not all(results):
        sys.exit(1)


if __name__ == "__main__":
    main()
