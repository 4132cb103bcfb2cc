"""`reconciler status`: the fleet at a glance, as one versioned value (`status.schema.json`).

Every rendering (text, Markdown, HTML) reads this value and nothing else, and `--format json`
prints it as it is. It is made by `fleet.build` from the plan and what was read live.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from reconciler.plan.model import Frozen

STATUS_FORMAT_VERSION: Literal[1] = 1

# converged: nothing to change; drifted: apply has changes to make; not installed: none of the
# pack's objects is there yet; unknown: the repository could not be planned.
PackState = Literal["converged", "drifted", "not installed", "unknown"]
LoopState = Literal["enabled", "disabled", "missing", "unknown"]


class PackStatus(Frozen):
    name: str
    state: PackState
    changes: int = Field(description="Changes apply (or a person) would make for what this pack declares.")


class RunRecord(Frozen):
    """One workflow run, as a link to it."""

    id: int
    number: int
    conclusion: str | None = Field(description="success, failure, cancelled...; null while it runs.")
    status: str | None = Field(description="completed, in_progress, queued...")
    created_at: datetime
    url: str = Field(description="The run's page on GitHub.")


class DayFigures(Frozen):
    """Runs created on one UTC day of the window."""

    day: date
    runs: int
    succeeded: int
    failed: int


class RunFigures(Frozen):
    """The runs of one workflow (or of the fleet) created in the window."""

    runs: int
    succeeded: int
    failed: int = Field(description="failure, timed_out or startup_failure.")
    cancelled: int
    in_progress: int = Field(description="Not completed yet (queued, in progress, waiting).")
    success_rate: float | None = Field(description="succeeded / (succeeded + failed); null without either.")
    median_duration_seconds: float | None = Field(description="Of completed runs; null without any.")
    failing_streak: int = Field(description="Failed runs since the last successful one in the window.")
    last_run: RunRecord | None = Field(description="The newest run in the window.")
    last_failure: RunRecord | None = Field(description="The newest failed run in the window.")
    days: tuple[DayFigures, ...] = Field(description="Per UTC day of the window, oldest first.")


class AgentLoop(Frozen):
    """A workflow the desired state marks `agent: true`."""

    path: str
    state: LoopState = Field(description="As GitHub lists it: enabled (active), disabled (by hand or idle), missing.")
    runs: RunFigures | None = Field(description="null when its runs could not be read.")


class LabelledPull(Frozen):
    number: int
    title: str
    url: str


class LimitInForce(Frozen):
    """A runbook limit and the Actions variable that carries it."""

    limit: str
    variable: str
    value: str | None = Field(description="What the repository has now; null when the variable is missing.")
    desired: str = Field(description="What the desired state sets.")


class RepositoryStatus(Frozen):
    repository: str = Field(description="owner/name")
    url: str = Field(description="The repository's page on GitHub.")
    state: PackState = Field(description="The worst of its packs' states, and of changes no pack declares.")
    needs_person: tuple[str, ...] = Field(description="Why a person should look, most urgent first; empty: nothing.")
    packs: tuple[PackStatus, ...]
    changes: int = Field(description="Changes apply would make.")
    needs_attention: int = Field(description="Changes only a person can make.")
    agent_loops: tuple[AgentLoop, ...]
    stop_file: bool | None = Field(
        description="Whether .agent-workspace/STOP is there; null when it could not be read."
    )
    handoff_pulls: tuple[LabelledPull, ...] = Field(description="Open pull requests labelled agent:handoff.")
    security_pulls: tuple[LabelledPull, ...] = Field(
        description="Open pull requests labelled security:review-required."
    )
    limits: tuple[LimitInForce, ...]
    errors: tuple[str, ...] = Field(description="What could not be read.")


class FleetTotals(Frozen):
    repositories: int
    needs_person: int = Field(description="Repositories with at least one reason for a person to look.")
    converged: int
    drifted: int
    not_installed: int
    unknown: int
    loops_enabled: int
    loops_disabled: int
    loops_missing: int
    stop_files: int
    handoff_pulls: int
    security_pulls: int
    runs: RunFigures = Field(description="Every agent loop's runs in the window, together.")


class StatusDocument(Frozen):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True, title="reconciler status"
    )

    format_version: Literal[1] = STATUS_FORMAT_VERSION
    generator: str = Field(description="The reconciler version that made this status.")
    created_at: datetime = Field(description="GitHub's time when the status was read.")
    since: datetime = Field(description="The start of the window runs are counted in.")
    window: str = Field(description="The window as given, e.g. 24h.")
    github_url: str
    desired_path: str
    totals: FleetTotals
    repositories: tuple[RepositoryStatus, ...] = Field(
        description="Those that need a person first (most reasons first), then the rest by name."
    )
