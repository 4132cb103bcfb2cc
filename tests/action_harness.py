"""Runs a step of the composite Action (`action.yml`) the way the GitHub runner does: its
`env:` evaluated from the inputs, its script under `bash --noprofile --norc -eo pipefail`, with
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files to read back.

Only the expressions the Action is allowed to use are evaluated (`${{ inputs.X }}`,
`${{ steps.S.outputs.O }}`); anything else fails the test, which keeps the scripts free of
expressions the harness (and a reviewer) cannot see through.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
ACTION_FILE = ROOT / "action.yml"
_EXPRESSION = re.compile(
    r"^\$\{\{ (?:inputs\.(?P<input>[\w-]+)|steps\.(?P<step>[\w-]+)\.outputs\.(?P<output>[\w-]+)) \}\}$"
)


def load_action() -> dict[str, Any]:
    action = YAML(typ="safe").load(ACTION_FILE.read_text())
    assert isinstance(action, dict)
    return action


def action_step(step_id: str) -> dict[str, Any]:
    for step in load_action()["runs"]["steps"]:
        if step.get("id") == step_id:
            return dict(step)
    raise AssertionError(f"action.yml has no step {step_id!r}")


@dataclass(frozen=True)
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def log(self) -> str:
        return self.stdout + self.stderr


def read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines; a later line wins, as on GitHub."""
    outputs: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, sep, value = line.partition("=")
            assert sep and "<<" not in name, f"unexpected GITHUB_OUTPUT line {line!r}"
            outputs[name] = value
    return outputs


def bin_dir_with_real_reconciler(where: Path) -> Path:
    """What the install step leaves: a bin directory with `python` and `reconciler`. Here they
    are this test run's interpreter and the reconciler under test."""
    where.mkdir(parents=True, exist_ok=True)
    python = where / "python"
    if not python.exists():
        python.symlink_to(sys.executable)
    reconciler = where / "reconciler"
    reconciler.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m reconciler "$@"\n')
    reconciler.chmod(0o755)
    return where


def run_action_step(
    step_id: str,
    inputs: Mapping[str, str],
    *,
    bin_dir: Path,
    work: Path,
    job_env: Mapping[str, str] | None = None,
    cwd: Path,
    timeout: float = 180,
) -> StepRun:
    """Run one step; `job_env` is what the workflow's `env:` gives the step (it reaches the
    Action's steps, as on GitHub), on top of a bare environment."""
    step = action_step(step_id)
    declared = load_action()["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"action.yml declares no input {sorted(unknown)}"
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()} | dict(inputs)
    step_outputs = {"install": {"bin": str(bin_dir), "work": str(work)}}

    def evaluate(expression: str) -> str:
        match = _EXPRESSION.match(expression)
        assert match, f"action.yml step {step_id}: expression the harness does not know: {expression!r}"
        if match["input"]:
            return values[match["input"]]
        return step_outputs[match["step"]][match["output"]]

    work.mkdir(parents=True, exist_ok=True)
    output_file, summary_file = work / "github-output", work / "step-summary"
    for file in (output_file, summary_file):
        file.write_text("")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "RUNNER_TEMP": str(work),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_STEP_SUMMARY": str(summary_file),
        "RECONCILER_HTTP_CACHE": "off",
        **(job_env or {}),
    }
    env.update({name: evaluate(str(expression)) for name, expression in step.get("env", {}).items()})
    script = work / f"{step_id}.sh"
    script.write_text(step["run"])
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return StepRun(
        result.returncode,
        result.stdout,
        result.stderr,
        read_outputs(output_file),
        summary_file.read_text(),
    )
