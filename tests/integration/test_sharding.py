"""A fleet split over shards end to end: the shards' plans merged are the plan of one job, each
shard reads only its own repositories, and the merged plan keeps the one drift issue; with the
command lines action.yml builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.plan.model import Plan
from reconciler.plan.shard import ShardBy, shard_number
from reconciler.publish.markers import drift_report_marker
from reconciler.sandbox import FleetSpec, Sandbox
from tests.integration.conftest import HANDBOOK, ORG, run

# Read over REST for every planned repository, whether labels come over REST or GraphQL.
VARIABLES = "GET /repos/{owner}/{repo}/actions/variables"


@pytest.fixture
def fleet(live: Sandbox) -> list[str]:
    """The example organisation grown by twenty repositories its selector picks."""
    names = live.seed_fleet(FleetSpec(organization=ORG, count=20, prefix="fleet", topics=("autonomy",)))
    return names


def saved(path: Path) -> Plan:
    return Plan.model_validate_json(path.read_text())


def test_the_fleet_planned_in_four_shards_and_merged_is_the_unsharded_plan(
    fleet: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "shards", "4", "--format", "github-matrix")
    assert code == 0
    matrix = json.loads(out)
    assert matrix == {"include": [{"shard": f"{k}/4"} for k in range(1, 5)]}

    for entry in matrix["include"]:
        shard = entry["shard"]
        code, _, err = run(capsys, "plan", "--shard", shard, "--out", f"plan-{shard.replace('/', '-of-')}.json")
        assert code == 0, err
    code, _, err = run(capsys, "plan", "merge", *(f"plan-{k}-of-4.json" for k in range(1, 5)), "--out", "merged.json")
    assert code == 0 and "Merged 4 plans (23 repositories) into merged.json" in err
    code, _, _ = run(capsys, "plan", "--out", "whole.json")
    assert code == 0

    shards = [saved(workdir / f"plan-{k}-of-4.json") for k in range(1, 5)]
    whole = saved(workdir / "whole.json")
    everywhere = [repository for shard in shards for repository in shard.repositories]
    assert sorted(everywhere) == sorted(whole.repositories) and len(everywhere) == len(set(everywhere)) == 23
    assert all(shard.repositories for shard in shards), "23 repositories over 4 shards leave none empty"
    merged = saved(workdir / "merged.json")
    assert merged.model_copy(update={"created_at": whole.created_at}) == whole


def test_a_shard_reads_only_its_own_repositories(
    fleet: list[str], live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "plan", "--shard", "2/3", "--shard-by", "repository", "--out", "two.json")

    assert code == 0
    mine = set(saved(workdir / "two.json").repositories)
    assert mine and len(mine) < 23
    for repository in [*fleet, HANDBOOK]:
        read = live.stats.for_repo(repository).get(VARIABLES, 0)
        assert read == (1 if repository in mine else 0), repository


def test_apply_and_verify_keep_to_their_shard(
    fleet: list[str], live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # By owner, the one organisation is all in one of two shards.
    home = shard_number(f"{ORG}/any", 2, ShardBy.OWNER)

    code, out, _ = run(
        capsys, "apply", "desired-state", "--auto-approve", "--shard", f"{3 - home}/2", "--shard-by", "owner"
    )

    assert code == 0 and "No changes." in out, out
    assert not [route for route in live.stats.by_route() if not route.startswith("GET ")]
    code, out, _ = run(
        capsys, "verify", "desired-state", "--format", "json", "--shard", f"{home}/2", "--shard-by", "owner"
    )
    assert code == 2
    assert len(json.loads(out)["plan"]["repositories"]) == 23


def test_a_merged_plan_keeps_the_one_drift_issue(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for k in (1, 2):
        code, _, _ = run(
            capsys, "drift", "desired-state", "--format", "markdown", "--out", f"p{k}.json", "--shard", f"{k}/2"
        )
        assert code == 2
    assert run(capsys, "plan", "merge", "p1.json", "p2.json", "--out", "merged.json")[0] == 0

    code, out, err = run(
        capsys, "drift", "--from-plan", "merged.json", "--format", "markdown", "--report-issue", HANDBOOK
    )

    assert code == 2, err
    assert "Drift issue" in err and out.strip()
    with live.state.lock:
        handbook = live.state.find_repo(ORG, "operations-handbook")
        assert handbook is not None
        issues = [i for i in handbook.issues if drift_report_marker("desired-state") in (i.body or "")]
    assert len(issues) == 1 and issues[0].state == "open"


def test_a_merge_missing_a_shard_is_refused(workdir: Path, live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--shard", "1/3", "--out", "p1.json")[0] == 0
    assert run(capsys, "plan", "--shard", "3/3", "--out", "p3.json")[0] == 0

    code, _, err = run(capsys, "plan", "merge", "p1.json", "p3.json", "--out", "merged.json")

    assert code == 1 and "shard 2/3 is missing" in err
    assert not (workdir / "merged.json").exists()


def test_a_drift_issue_is_not_kept_from_one_shard(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "drift", "--shard", "1/2", "--report-issue", HANDBOOK)

    assert code == 1 and "plan merge" in err


def test_a_shard_that_is_not_k_of_n_is_refused_before_anything_is_read(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "--shard", "5/4")

    assert code == 1 and "K must be between 1 and N (4)" in err
    assert live.stats.total() == 0
