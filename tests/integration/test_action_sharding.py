"""The sharded drift workflow's steps with the real reconciler (drift-sharded.yml): the
matrix from `shards`, a plan per shard, and the merged plan kept as the one drift issue."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.plan.model import Plan
from tests.action_harness import StepRun, bin_dir_with_real_reconciler, run_action_step
from tests.integration.conftest import HANDBOOK


def step(workdir: Path, name: str, inputs: dict[str, str]) -> StepRun:
    return run_action_step(
        "run",
        inputs,
        bin_dir=bin_dir_with_real_reconciler(workdir / "action-bin"),
        work=workdir / "runner-temp" / name,
        job_env={"RECONCILER_SANDBOX_STATE": str(workdir / "sandbox.json")},
        cwd=workdir,
    )


def test_shards_plans_and_the_merged_drift_issue_through_the_action(workdir: Path) -> None:
    listed = step(workdir, "shards", {"command": "shards", "shard-count": "2", "shard-by": "repository"})
    assert listed.returncode == 0, listed.log
    matrix = json.loads(listed.outputs["matrix"])
    assert matrix == {"include": [{"shard": "1/2"}, {"shard": "2/2"}]}

    collected = workdir / "shard-plans"
    collected.mkdir()
    for entry in matrix["include"]:
        shard = entry["shard"]
        planned = step(workdir, f"drift-{shard[0]}", {"command": "drift", "shard": shard, "args": "--sandbox"})
        assert planned.returncode == 0 and planned.outputs["exit-code"] == "2", planned.log
        plan_file = Path(planned.outputs["plan-file"])
        # What upload-artifact and download-artifact with merge-multiple leave in one directory.
        (collected / plan_file.name).write_bytes(plan_file.read_bytes())

    report = step(
        workdir,
        "report",
        {"command": "drift", "merge-plans": f"{collected}/*.json", "report-issue": HANDBOOK, "args": "--sandbox"},
    )

    assert report.returncode == 0 and report.outputs["exit-code"] == "2", report.log
    merged = Plan.model_validate_json(Path(report.outputs["plan-file"]).read_text())
    assert len(merged.repositories) == 3 and merged.shard is None
    assert int(report.outputs["repositories"]) == 3
    assert "Drift issue" in report.stderr and report.summary.startswith("### reconciler drift: drift (exit 2)")
