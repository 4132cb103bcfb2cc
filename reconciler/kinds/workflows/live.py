"""Workflows as GitHub's Actions API lists them, and the calls that enable and disable them.

GitHub registers a newly pushed workflow file a moment later, not always at once:
`wait_for_workflow` polls the list (always afresh) on the session's clock, a little longer
between each read, until the file is listed or the time is up.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.github.parse import Wire, parse_items
from reconciler.github.paths import repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter

MAX_POLL_INTERVAL = 8.0


@dataclass(frozen=True)
class LiveWorkflow:
    id: int
    path: str
    name: str
    # GitHub's own: active, disabled_manually, disabled_inactivity, disabled_fork, deleted.
    state: str


class _Workflow(Wire):
    id: int
    path: str
    name: str
    state: str


def list_workflows(reader: GitHubReader, repository: str, *, fresh: bool = False) -> list[LiveWorkflow]:
    path = repo_path(repository, "actions", "workflows")
    call = Call("list workflows", repository, fresh=fresh)
    items = reader.get_all(path, call, list_key="workflows")
    return [LiveWorkflow(w.id, w.path, w.name, w.state) for w in parse_items(_Workflow, items, call, f"GET {path}")]


def set_workflow_enabled(writer: GitHubWriter, repository: str, workflow_id: int, enabled: bool) -> None:
    verb = "enable" if enabled else "disable"
    path = repo_path(repository, "actions", "workflows", str(workflow_id), verb)
    writer.send("PUT", path, Call(f"{verb} workflow {workflow_id}", repository))


def wait_for_workflow(reader: GitHubReader, repository: str, path: str, timeout: float) -> LiveWorkflow | None:
    """The workflow of file `path` once GitHub lists it; None when it still does not after `timeout` seconds."""
    clock = reader.clock
    deadline = clock.now() + timeout
    delay = reader.poll_interval
    while True:
        found = next((w for w in list_workflows(reader, repository, fresh=True) if w.path == path), None)
        if found is not None or clock.now() >= deadline:
            return found
        clock.sleep(min(delay, max(0.0, deadline - clock.now())))
        delay = min(delay * 2, MAX_POLL_INTERVAL)
