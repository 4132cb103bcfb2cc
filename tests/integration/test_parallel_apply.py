"""Apply across a fleet: repositories side by side under the client's scheduler, each one's
changes in order, and one repository's failure stopping nothing else.

Time is a fake clock shared by the client and the sandbox's secondary limits: every wait the
scheduler makes is recorded, never spent.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reconciler.engine.applier import ApplyReport, apply_plan
from reconciler.engine.planning import plan_declared
from reconciler.github.http import HttpReader, HttpWriter, Limits, RetryPolicy, Session, Settings, StaticToken
from reconciler.kinds.registry import load_desired_config
from reconciler.plan.model import Plan
from reconciler.sandbox import FleetSpec, Sandbox, SecondaryLimits
from reconciler.sandbox.faults import Fault
from reconciler.sandbox.stats import Exchange
from tests.http_support import FakeClock

ORG = "fleet-org"
REPOS = 12
LABELS = ("triage", "needs-review", "blocked")
WORKFLOW = ".github/workflows/agent.yml"


def desired_state(root: Path) -> Path:
    """Every repository of the organisation: three new labels, `bug` recoloured (an update)
    and `wontfix` renamed, a variable, a secret from the environment, and a workflow file."""
    (root / "workflows").mkdir(parents=True)
    (root / "workflows" / "agent.yml").write_text(
        "name: agent\non: workflow_dispatch\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo agent\n"
    )
    labels = "\n".join(f"        - {{name: {name}, color: ededed}}" for name in LABELS)
    (root / "org.yml").write_text(
        f"""version: 1
organizations:
  - organization: {ORG}
    labels:
      items:
{labels}
        - {{name: bug, color: "000000"}}
        - {{name: "won't fix", color: ffffff, aliases: [wontfix]}}
    variables:
      items:
        AGENT_MODE: careful
    secrets:
      items:
        - name: AGENT_KEY
          from_env: PARALLEL_APPLY_AGENT_KEY
    workflows:
      items:
        - path: {WORKFLOW}
          source: workflows/agent.yml
"""
    )
    return root


class Log:
    """Every exchange the sandbox served, in the order it answered them."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def __call__(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def writes_to(self, repository: str) -> list[str]:
        prefix = f"/repos/{repository}/"
        return [f"{e.method} {e.route}" for e in self.exchanges if e.method != "GET" and e.path.startswith(prefix)]


def repositories_in_order(exchanges: list[Exchange]) -> list[str]:
    """The repository of each exchange about one, in order."""
    found = []
    for exchange in exchanges:
        parts = exchange.path.split("/")
        if len(parts) > 3 and parts[1] == "repos":
            found.append(f"{parts[2]}/{parts[3]}")
    return found


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fleet(tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, Log]]:
    monkeypatch.setenv("PARALLEL_APPLY_AGENT_KEY", "value-from-the-environment")
    # GitHub's own secondary limits, on the same fake clock as the client.
    with Sandbox(seed=False, secondary_limits=SecondaryLimits(), clock=clock.now) as sandbox:
        sandbox.seed_fleet(FleetSpec(ORG, REPOS, prefix="svc"))
        log = Log()
        sandbox.add_observer(log)
        yield sandbox, log


def session(sandbox: Sandbox, clock: FakeClock, limits: Limits) -> Session:
    return Session(
        Settings(
            sandbox.url,
            StaticToken("fleet-operator"),
            limits=limits,
            retry=RetryPolicy(attempts=2, backoff_base=0.01, max_wait=3600.0),
            clock=clock,
            environ={},
        )
    )


def plan_and_apply(sandbox: Sandbox, root: Path, clock: FakeClock, limits: Limits) -> tuple[Plan, ApplyReport]:
    config = load_desired_config(root)
    client = session(sandbox, clock, limits)
    try:
        plan = plan_declared(config, HttpReader(client)).plan
        report = apply_plan(plan, HttpWriter(client))
        return plan, report
    finally:
        client.close()


def replan(sandbox: Sandbox, root: Path, clock: FakeClock) -> Plan:
    client = session(sandbox, clock, Limits.github())
    try:
        return plan_declared(load_desired_config(root), HttpReader(client)).plan
    finally:
        client.close()


# GitHub's limits as the CLI keeps them (writes one at a time, a second apart), eight
# repositories at a time: the waits pass on the fake clock.
CLI_LIMITS = replace(Limits.github(), concurrency=8)


def test_apply_over_a_fleet_runs_repositories_side_by_side_and_converges(
    fleet: tuple[Sandbox, Log], tmp_path: Path, clock: FakeClock
) -> None:
    sandbox, log = fleet
    root = desired_state(tmp_path / "desired")
    client = session(sandbox, clock, CLI_LIMITS)
    plan = plan_declared(load_desired_config(root), HttpReader(client)).plan
    planned, started = len(log.exchanges), clock.now()

    report = apply_plan(plan, HttpWriter(client))
    client.close()
    applied, finished = log.exchanges[planned:], clock.now()

    assert report.complete and len(report.outcomes) == len(plan.actionable) > REPOS * 6
    assert not replan(sandbox, root, clock).has_changes
    assert sandbox.stats.secondary_limited() == 0
    # Side by side: with one repository after another, each one's requests would be one block.
    order = repositories_in_order(applied)
    blocks = sum(1 for before, after in itertools.pairwise(order) if before != after) + 1
    assert blocks > REPOS
    # The scheduler, not the pool, set the pace: at least a second between any two writes.
    writes = sum(1 for e in applied if e.method != "GET")
    assert finished - started >= writes - 1
    # The report lists repositories in plan order, whatever order they finished in.
    reported = [o.change.repository for o in report.outcomes]
    assert list(dict.fromkeys(reported)) == list(dict.fromkeys(c.repository for c in plan.actionable))
    assert sorted(o.change.address for o in report.outcomes) == sorted(c.address for c in plan.actionable)


def test_each_repositorys_changes_keep_their_order(
    fleet: tuple[Sandbox, Log], tmp_path: Path, clock: FakeClock
) -> None:
    sandbox, log = fleet
    root = desired_state(tmp_path / "desired")

    _, report = plan_and_apply(sandbox, root, clock, CLI_LIMITS)

    assert report.complete
    label_write = {"POST": "create", "PATCH": "update or rename", "DELETE": "delete"}
    for index in range(REPOS):
        writes = log.writes_to(f"{ORG}/svc-{index:05d}")
        label_steps = [label_write[w.split()[0]] for w in writes if "/labels" in w]
        # Renames and updates first (one PATCH each: bug, wontfix), then the creates.
        assert label_steps == ["update or rename"] * 2 + ["create"] * len(LABELS)
        # Kinds in registry order: labels, variables, secrets, workflow files, workflow state.
        firsts = [
            next(i for i, w in enumerate(writes) if marker in w)
            for marker in ("/labels", "/actions/variables", "/actions/secrets/", "/git/blobs")
        ]
        assert firsts == sorted(firsts)
        # The workflow file is one commit: blob, tree, commit, then the branch moves.
        git = [w for w in writes if "/git/" in w]
        assert git == [
            "POST /repos/{owner}/{repo}/git/blobs",
            "POST /repos/{owner}/{repo}/git/trees",
            "POST /repos/{owner}/{repo}/git/commits",
            "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
        ]


def test_a_failing_repository_stops_nothing_else(fleet: tuple[Sandbox, Log], tmp_path: Path, clock: FakeClock) -> None:
    sandbox, _ = fleet
    root = desired_state(tmp_path / "desired")
    broken = f"{ORG}/svc-00003"
    # Its variables cannot be written (a 422 is not retried); everything else there still is.
    sandbox.inject_fault(Fault("POST", f"^/repos/{broken}/actions/variables$", 422, times=5))

    plan, report = plan_and_apply(sandbox, root, clock, CLI_LIMITS)

    assert {o.change.repository for o in report.failed} == {broken}
    assert [o.change.kind for o in report.failed] == ["variable"]
    assert not report.skipped
    assert len(report.succeeded) == len(plan.actionable) - 1
    after = replan(sandbox, root, clock)
    assert [c.repository for c in after.actionable] == [broken]


def test_a_run_ending_error_skips_what_has_not_started(
    fleet: tuple[Sandbox, Log], tmp_path: Path, clock: FakeClock
) -> None:
    sandbox, log = fleet
    root = desired_state(tmp_path / "desired")
    first = f"{ORG}/svc-00000"
    # The token is rejected at the first write: every other write would be rejected too.
    sandbox.inject_fault(Fault("PATCH", f"^/repos/{first}/labels/", 401))

    _, report = plan_and_apply(sandbox, root, clock, replace(CLI_LIMITS, concurrency=2))

    fatal = [o for o in report.outcomes if o.fatal]
    assert [o.change.repository for o in fatal] == [first]
    skipped_repositories = {o.change.repository for o in report.skipped}
    assert len(skipped_repositories) >= REPOS - 3, "repositories kept starting after the token was rejected"
    for repository in skipped_repositories - {first}:
        untouched = all(o.skipped for o in report.outcomes if o.change.repository == repository)
        if untouched:
            assert log.writes_to(repository) == []


def test_apply_makes_the_requests_the_plan_estimated(
    fleet: tuple[Sandbox, Log], tmp_path: Path, clock: FakeClock
) -> None:
    sandbox, log = fleet
    client = session(sandbox, clock, CLI_LIMITS)
    plan = plan_declared(load_desired_config(desired_state(tmp_path / "desired")), HttpReader(client)).plan
    planned = len(log.exchanges)

    report = apply_plan(plan, HttpWriter(client))
    client.close()

    assert report.complete and plan.estimate is not None
    applied = log.exchanges[planned:]
    writes = [e for e in applied if e.method != "GET"]
    assert len(applied) == plan.estimate.cost.requests
    assert len(writes) == plan.estimate.cost.writes
    assert sum(1 for e in writes if e.status == 201) == plan.estimate.cost.creates
