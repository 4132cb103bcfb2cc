"""The shipped workflows work when copied into a desired-state repository (the README says to),
and the Action's own steps pass actionlint as the runner would see them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.action_harness import load_action
from tests.unit.test_shipped_workflows import ROOT, SHIPPED, THIS_ACTION, USES_LINE, actionlint

# What a copy writes instead of `uses: ./` (the README's instruction): the Action by commit.
# The outputs the run step prints in one loop, f"{action}s=...".
PLAN_COUNTS = ("creates", "updates", "renames", "deletes")
PINNED_ACTION = "octo-org/reconciler@0123456789abcdef0123456789abcdef01234567 # v0.1.0"


def copy_into_a_desired_state_repository(repository: Path) -> list[Path]:
    shutil.copytree(ROOT / "desired-state", repository / "desired-state")
    workflows = repository / ".github" / "workflows"
    workflows.mkdir(parents=True)
    copies = []
    for path in SHIPPED:
        lines = []
        for line in path.read_text().splitlines(keepends=True):
            match = USES_LINE.match(line)
            if match and match["ref"] == THIS_ACTION:
                line = line.replace(f"uses: {THIS_ACTION}", f"uses: {PINNED_ACTION}")
            lines.append(line)
        (workflows / path.name).write_text("".join(lines))
        copies.append(workflows / path.name)
    subprocess.run(["git", "init", "--quiet", str(repository)], check=True, timeout=60)
    return copies


def test_copies_in_a_desired_state_repository_pass_actionlint(tmp_path: Path) -> None:
    repository = tmp_path / "octo-desired-state"
    copies = copy_into_a_desired_state_repository(repository)

    # As a user would run it there: actionlint finds .github/workflows itself.
    result = subprocess.run([actionlint(), "-no-color"], cwd=repository, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    texts = "".join(p.read_text() for p in copies)
    assert f"uses: {THIS_ACTION}\n" not in texts and texts.count("uses: octo-org/reconciler@") >= 8
    # Nothing in a copy needs this repository's own files: no action.yml, no reconciler/ beside it.
    assert not (repository / "action.yml").exists() and not (repository / "reconciler").exists()


def as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """The Action's steps as one job of a reusable workflow with the same inputs, so actionlint
    checks their expressions (an input or step output that does not exist) and, when
    shellcheck is installed, their scripts."""
    inputs = {
        name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
    }
    return {
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "permissions": {}, "steps": action["runs"]["steps"]}},
    }


def test_the_actions_steps_pass_actionlint(tmp_path: Path) -> None:
    action = load_action()
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    target = workflows / "action-steps.yml"
    with target.open("w") as stream:
        YAML().dump(as_workflow(action), stream)

    result = subprocess.run(
        [actionlint(), "-no-color", "-oneline", str(target)], capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # Every output the Action declares is set by one of its steps.
    assigned = {spec["value"] for spec in action["outputs"].values()}
    assert all(value.startswith("${{ steps.") for value in assigned)
    for value in assigned:
        step_id, output = value.removeprefix("${{ steps.").removesuffix(" }}").split(".outputs.")
        script = next(step["run"] for step in action["runs"]["steps"] if step.get("id") == step_id)
        counted = output in PLAN_COUNTS and '("create", "update", "rename", "delete")' in script
        assert f"{output}=" in script or counted, f"{value} is never set"
