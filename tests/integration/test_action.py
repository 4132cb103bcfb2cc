"""The Action's run step with the real reconciler: what a workflow gets from plan, apply and
validate on the example desired state (the sandbox stands in for GitHub, as in the README's
demo: `args: --sandbox`)."""

from __future__ import annotations

from pathlib import Path

from reconciler.plan.model import Action, Plan
from tests.action_harness import StepRun, bin_dir_with_real_reconciler, run_action_step


def step(workdir: Path, name: str, inputs: dict[str, str], **job_env: str) -> StepRun:
    return run_action_step(
        "run",
        inputs,
        bin_dir=bin_dir_with_real_reconciler(workdir / "action-bin"),
        work=workdir / "runner-temp" / name,
        job_env={"RECONCILER_SANDBOX_STATE": str(workdir / "sandbox.json"), **job_env},
        cwd=workdir,
    )


def test_plan_apply_plan_through_the_action(workdir: Path) -> None:
    first = step(workdir, "plan", {"command": "plan", "args": "--sandbox"})

    assert first.returncode == 0, first.log
    assert first.outputs["exit-code"] == "2" and first.outputs["has-changes"] == "true"
    plan = Plan.model_validate_json(Path(first.outputs["plan-file"]).read_text())
    counts = plan.counts()
    assert int(first.outputs["creates"]) == counts[Action.CREATE] > 0
    assert int(first.outputs["updates"]) == counts[Action.UPDATE] > 0
    assert int(first.outputs["renames"]) == counts[Action.RENAME]
    assert int(first.outputs["deletes"]) == counts[Action.DELETE]
    assert int(first.outputs["needs-attention"]) == len(plan.needs_attention) == 1
    assert int(first.outputs["changes"]) == len([c for c in plan.actionable if c.attention is None])
    assert int(first.outputs["repositories"]) == len(plan.repositories)
    assert int(first.outputs["repositories-with-changes"]) == len(plan.repositories_with_changes())
    # The Markdown plan is the job summary, under a heading that gives the outcome.
    report = Path(first.outputs["report-file"]).read_text()
    assert first.summary.startswith("### reconciler plan: changes to make (exit 2)\n")
    assert report.strip() and report.strip() in first.summary

    # The workflow gives `from_env` values to the Action's step through `env:`.
    applied = step(
        workdir, "apply", {"command": "apply", "args": "--sandbox"}, RECONCILER_DEMO_CODEX_API_KEY="codex-key-for-tests"
    )

    # apply exits 1 when a change only a person can make is left: an error, so the step fails.
    assert applied.returncode == 1 and applied.outputs["exit-code"] == "1", applied.log
    assert "codex-key-for-tests" not in applied.log + applied.summary
    assert applied.summary.startswith("### reconciler apply: error, see the log (exit 1)\n\n````text\n")

    again = step(workdir, "plan-again", {"command": "plan", "args": "--sandbox"})

    assert again.returncode == 0 and again.outputs["exit-code"] == "2"
    assert again.outputs["changes"] == "0" and again.outputs["needs-attention"] == "1"


def test_validate_annotates_a_broken_workflow_source_and_fails(workdir: Path) -> None:
    source = workdir / "desired-state" / "workflows" / "autonomous-agent-loop.yml"
    source.write_text(source.read_text().replace("${{ inputs.max_issues }}", "${{ inputs.max_issues "))

    run = step(workdir, "validate", {"command": "validate"})

    assert run.returncode == 1 and run.outputs["exit-code"] == "1"
    assert "::error file=desired-state/workflows/autonomous-agent-loop.yml,line=" in run.stdout
    assert run.summary.startswith("### reconciler validate: error, see the log (exit 1)\n")
    assert "::error" not in run.summary


def test_validate_passes_the_example_desired_state(workdir: Path) -> None:
    run = step(workdir, "validate", {"command": "validate"})

    assert run.returncode == 0, run.log
    assert "Desired state is valid" in run.summary and "actionlint is not installed" not in run.summary
