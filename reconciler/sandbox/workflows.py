"""Actions workflows as GitHub derives them from ``.github/workflows/*.yml`` on the default branch.

Pure data and rules; ``SandboxState.sync_workflows`` applies them whenever the default
branch moves, and ``routes/workflows`` serves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORKFLOWS_DIR = ".github/workflows/"
STATES = ("active", "disabled_manually", "disabled_inactivity", "disabled_fork", "deleted")
DISABLED_STATES = frozenset({"disabled_manually", "disabled_inactivity", "disabled_fork"})

_NAME_LINE = re.compile(r"^name:[ \t]*(?P<value>.*?)[ \t]*$")


@dataclass
class Workflow:
    id: int
    node_id: str
    path: str
    name: str
    state: str = "active"
    created_at: str = "2024-01-01T00:00:00Z"
    updated_at: str = "2024-01-01T00:00:00Z"
    # GitHub registers a pushed workflow file a moment later, not at once: this many more
    # workflow list/get requests for the repository will still not show it.
    hidden_for: int = 0

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def is_workflow_path(path: str) -> bool:
    """Anything under ``.github/workflows/``: what the ``workflow`` scope guards."""
    return path.startswith(WORKFLOWS_DIR)


def is_workflow_file(path: str) -> bool:
    """A file GitHub reads as a workflow: YAML directly inside ``.github/workflows/``."""
    rest = path.removeprefix(WORKFLOWS_DIR)
    return is_workflow_path(path) and "/" not in rest and rest.endswith((".yml", ".yaml"))


def workflow_name(data: bytes, path: str) -> str:
    """The top-level ``name:``, as GitHub shows it; the file's path when there is none."""
    for line in data.decode("utf-8", errors="replace").splitlines():
        match = _NAME_LINE.match(line)
        if match is None:
            continue
        value = match.group("value")
        value = value[1:].split(value[0], 1)[0] if value[:1] in ("'", '"') else value.split(" #", 1)[0].strip()
        if value:
            return value
    return path


def find_workflow(workflows: list[Workflow], key: str) -> Workflow | None:
    """By numeric id or by file name (``ci.yml``), as the ``{workflow_id}`` path parameter allows."""
    if key.isdigit():
        return next((w for w in workflows if w.id == int(key)), None)
    return next((w for w in workflows if w.file_name == key), None)


def take_visible(workflows: list[Workflow]) -> tuple[list[Workflow], bool]:
    """The workflows one list/get request shows, counting that request against the lag of
    those still hidden. The flag says whether any countdown moved (the state changed)."""
    shown = [w for w in workflows if w.hidden_for <= 0]
    moved = False
    for workflow in workflows:
        if workflow.hidden_for > 0:
            workflow.hidden_for -= 1
            moved = True
    return shown, moved


# What a run's ``status`` may be; anything else GitHub accepts in the ``status`` filter is a
# ``conclusion``.
RUN_STATUSES = ("requested", "queued", "pending", "waiting", "in_progress", "completed")
RUN_CONCLUSIONS = ("success", "failure", "cancelled", "skipped", "timed_out", "action_required", "neutral", "stale")


@dataclass
class WorkflowRun:
    """One run of a workflow. ``name`` and ``path`` are the workflow's when it ran, so a run
    still renders after its workflow's file is renamed or gone."""

    id: int
    workflow_id: int
    name: str
    path: str
    run_number: int
    head_branch: str
    head_sha: str
    display_title: str
    actor: str
    created_at: str
    updated_at: str
    run_started_at: str
    event: str = "schedule"
    status: str = "completed"
    conclusion: str | None = "success"
    run_attempt: int = 1
