"""Workflow runs: the history of one workflow, newest first, and what it says about health.

`GET /repos/{owner}/{repo}/actions/workflows/{file}/runs` takes GitHub's date syntax in
`created` (`>=2026-12-04T10:00:00Z`) and a status or a conclusion in `status`, so a window of
runs, or the last few that finished, is one request per hundred runs. A run's duration is what
GitHub shows for it: from `run_started_at` to its last update, once it has completed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import repo_path
from reconciler.github.port import Call, GitHubReader

# Conclusions that mean the run did not do its job; `cancelled` and `skipped` mean nobody
# let it (GitHub's own "failure" filter counts only `failure`).
FAILED = frozenset({"failure", "timed_out", "startup_failure"})
SUCCEEDED = "success"
# An agent loop is failing after this many failed runs in a row: one can be a flake (a lost
# runner, a rate limit), two is a pattern. `reconciler monitor --failures` changes it there.
FAILING_AFTER = 2


@dataclass(frozen=True)
class LiveRun:
    """One workflow run as GitHub lists it."""

    id: int
    run_number: int
    event: str
    status: str | None
    conclusion: str | None
    created_at: datetime
    updated_at: datetime
    run_started_at: datetime | None
    html_url: str

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    @property
    def failed(self) -> bool:
        return self.completed and self.conclusion in FAILED

    @property
    def succeeded(self) -> bool:
        return self.completed and self.conclusion == SUCCEEDED

    @property
    def duration_seconds(self) -> float | None:
        """How long a completed run took; None while it runs."""
        if not self.completed:
            return None
        started = self.run_started_at or self.created_at
        return max(0.0, (self.updated_at - started).total_seconds())


class _Run(Wire):
    id: int
    run_number: int = 0
    event: str = ""
    status: str | None = None
    conclusion: str | None = None
    created_at: datetime
    updated_at: datetime
    run_started_at: datetime | None = None
    html_url: str


class _Page(Wire):
    total_count: int = 0
    workflow_runs: list[_Run]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _live(found: _Run) -> LiveRun:
    return LiveRun(
        id=found.id,
        run_number=found.run_number,
        event=found.event,
        status=found.status,
        conclusion=found.conclusion,
        created_at=_utc(found.created_at),
        updated_at=_utc(found.updated_at),
        run_started_at=_utc(found.run_started_at) if found.run_started_at else None,
        html_url=found.html_url,
    )


def github_time(moment: datetime) -> str:
    """A moment as GitHub's date syntax spells it: `2026-12-04T10:00:00Z`."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _workflow_file(workflow: str) -> str:
    """The name GitHub takes for a workflow in a path: its file name (`agent.yml`)."""
    return workflow.rsplit("/", 1)[-1]


def runs_since(reader: GitHubReader, repository: str, workflow: str, since: datetime) -> list[LiveRun]:
    """Every run of `workflow` (its path or file name) created at or after `since`, newest first."""
    path = repo_path(repository, "actions", "workflows", _workflow_file(workflow), "runs")
    call = Call(f"list runs of {_workflow_file(workflow)}", repository)
    items = reader.get_all(path, call, query={"created": f">={github_time(since)}"}, list_key="workflow_runs")
    found = parse_items(_Run, items, call, f"GET {path}")
    return sorted((_live(run) for run in found), key=lambda run: (run.created_at, run.id), reverse=True)


def last_completed_runs(reader: GitHubReader, repository: str, workflow: str, count: int) -> list[LiveRun]:
    """The `count` most recent runs of `workflow` that finished, newest first: one request."""
    path = repo_path(repository, "actions", "workflows", _workflow_file(workflow), "runs")
    call = Call(f"list finished runs of {_workflow_file(workflow)}", repository, fresh=True)
    reply = reader.get(path, call, query={"status": "completed", "per_page": max(1, min(count, 100))})
    page = parse(_Page, reply.body, call, f"GET {path}")
    return sorted((_live(run) for run in page.workflow_runs), key=lambda run: (run.created_at, run.id), reverse=True)


def failures_in_a_row(runs: Sequence[LiveRun]) -> list[LiveRun]:
    """The failed runs since the last successful one, newest first (runs: newest first).
    Runs still going, cancelled or skipped neither break nor extend the streak."""
    streak: list[LiveRun] = []
    for run in runs:
        if run.succeeded:
            break
        if run.failed:
            streak.append(run)
    return streak
