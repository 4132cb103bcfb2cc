"""Workflow runs: recording one, and the filters GitHub's run lists take.

The sandbox runs nothing: runs are seeded (``seed_runs``) or recorded by an operator
(``POST /_sandbox/runs``, ``reconciler sandbox record-run``), so a test can make a failing
agent loop recover. Times come from the sandbox's clock.

``created`` takes GitHub's search syntax for dates: ``2026-12-04`` (that day), ``>=``, ``>``,
``<=``, ``<`` before a date or date-time, and ranges ``A..B`` (either end may be ``*``). A date
alone means the whole day, in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import clock
from .model import RepoState
from .mutations import StateMutations
from .workflows import RUN_CONCLUSIONS, RUN_STATUSES, Workflow, WorkflowRun

RunFilter = Callable[[WorkflowRun], bool]


class BadFilter(ValueError):
    """A filter value GitHub would not accept."""


@dataclass(frozen=True)
class RunSpec:
    """What an operator says about a run to record; the rest comes from the repository."""

    conclusion: str | None = "success"  # None: still going (``status`` says how far)
    status: str = "completed"
    event: str = "workflow_dispatch"
    branch: str | None = None  # the default branch unless given
    duration_seconds: int = 300
    title: str | None = None  # the workflow's name unless given
    actor: str | None = None  # the operator unless given


def check_spec(spec: RunSpec) -> None:
    if spec.status not in RUN_STATUSES:
        raise ValueError(f"status must be one of {', '.join(RUN_STATUSES)}, got {spec.status!r}")
    if spec.status == "completed" and spec.conclusion not in RUN_CONCLUSIONS:
        raise ValueError(f"a completed run's conclusion must be one of {', '.join(RUN_CONCLUSIONS)}")
    if spec.status != "completed" and spec.conclusion is not None:
        raise ValueError("only a completed run has a conclusion")
    if spec.duration_seconds < 0:
        raise ValueError("duration_seconds must not be negative")


def record_run(
    state: StateMutations, repo: RepoState, workflow: Workflow, spec: RunSpec, *, ended: float | None = None
) -> WorkflowRun:
    """Add a run of ``workflow`` that ends at ``ended`` (now by default); one still going
    started ``duration_seconds`` ago and was last updated then."""
    check_spec(spec)
    finish = clock.now() if ended is None else ended
    start = finish - spec.duration_seconds
    branch = spec.branch or repo.default_branch
    head = repo.branch_head(branch) or repo.branch_head(repo.default_branch) or ""
    number = 1 + max((run.run_number for run in repo.workflow_runs if run.workflow_id == workflow.id), default=0)
    run = WorkflowRun(
        id=state.next_id("workflow_run"),
        workflow_id=workflow.id,
        name=workflow.name,
        path=workflow.path,
        run_number=number,
        head_branch=branch,
        head_sha=head,
        display_title=spec.title or workflow.name,
        actor=spec.actor or state.operator_login,
        created_at=clock.iso(start),
        updated_at=clock.iso(finish if spec.status == "completed" else start),
        run_started_at=clock.iso(start),
        event=spec.event,
        status=spec.status,
        conclusion=spec.conclusion if spec.status == "completed" else None,
    )
    repo.workflow_runs.append(run)
    return run


# -- filters ------------------------------------------------------------------------------------


def _bound(text: str) -> tuple[float, float]:
    """The half-open span [start, end) a date (a whole day) or a date-time (an instant) covers."""
    try:
        moment = clock.parse_iso(text)
    except ValueError:
        raise BadFilter(f"{text!r} is not a date") from None
    if "T" in text or " " in text.strip():
        return moment, moment + 1
    return moment, clock.next_day(moment)


def created_filter(expression: str) -> RunFilter:
    """A predicate on ``created_at`` from GitHub's date search syntax."""
    text = expression.strip()
    low, high = float("-inf"), float("inf")
    if ".." in text:
        first, _, last = text.partition("..")
        if first.strip() != "*":
            low = _bound(first)[0]
        if last.strip() != "*":
            high = _bound(last)[1]
    elif text.startswith(">="):
        low = _bound(text[2:])[0]
    elif text.startswith("<="):
        high = _bound(text[2:])[1]
    elif text.startswith(">"):
        low = _bound(text[1:])[1]
    elif text.startswith("<"):
        high = _bound(text[1:])[0]
    else:
        low, high = _bound(text)

    def matches(run: WorkflowRun) -> bool:
        return low <= clock.parse_iso(run.created_at) < high

    return matches


def status_filter(value: str) -> RunFilter:
    """``status`` takes a status (``in_progress``) or a conclusion (``failure``), as on GitHub."""
    if value in RUN_STATUSES:
        return lambda run: run.status == value
    if value in RUN_CONCLUSIONS:
        return lambda run: run.conclusion == value
    raise BadFilter(f"{value!r} is not a workflow run status or conclusion")


def _equals(attribute: str, wanted: str) -> RunFilter:
    return lambda run: bool(getattr(run, attribute) == wanted)


def run_filters(query_value: Callable[[str], str | None]) -> list[RunFilter]:
    """Every filter the query names (``status``, ``branch``, ``event``, ``actor``,
    ``head_sha``, ``created``); an empty value filters nothing, as on GitHub."""
    filters: list[RunFilter] = []
    status = query_value("status")
    if status:
        filters.append(status_filter(status))
    for name, attribute in (
        ("branch", "head_branch"),
        ("event", "event"),
        ("actor", "actor"),
        ("head_sha", "head_sha"),
    ):
        wanted = query_value(name)
        if wanted:
            filters.append(_equals(attribute, wanted))
    created = query_value("created")
    if created:
        filters.append(created_filter(created))
    return filters


def newest_first(runs: list[WorkflowRun]) -> list[WorkflowRun]:
    return sorted(runs, key=lambda run: (run.created_at, run.id), reverse=True)
