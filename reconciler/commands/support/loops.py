"""Reading an agent loop's last finished runs, for the two commands that judge a failing
streak: `verify` (its agent-loop check) and `monitor` (its alerts)."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.github.port import GitHubReader
from reconciler.github.runs import LiveRun, last_completed_runs
from reconciler.kinds.workflows.live import list_workflows

# Finished runs read per loop beyond the streak looked for: cancelled runs in between neither
# break nor extend a streak, so a few more than it are needed to see one.
EXTRA_RUNS = 10


@dataclass(frozen=True)
class LoopRuns:
    # GitHub's state for the workflow (active, disabled_manually...).
    state: str
    # Its last finished runs, newest first.
    runs: list[LiveRun]


def read_loop_runs(reader: GitHubReader, repository: str, workflow: str, streak: int) -> LoopRuns | None:
    """The loop's state and enough of its last finished runs to see a failing streak of
    `streak`; None when GitHub does not list the workflow (its file is missing: it has no runs,
    and its runs list would be a 404). The workflow list is read as every other reader reads
    it, so a remembering reader that has read it (the plan, another loop) pays nothing."""
    state = next((w.state for w in list_workflows(reader, repository) if w.path == workflow), None)
    if state is None:
        return None
    return LoopRuns(state, last_completed_runs(reader, repository, workflow, streak + EXTRA_RUNS))
