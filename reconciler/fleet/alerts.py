"""When an agent loop is an alert, and how its alert issue reads.

An agent loop is an alert while its last `failures` finished runs failed (cancelled and
skipped runs neither count nor break the streak), and stops being one at its first success.
The issue's body names the failing runs with links, so a person goes from the issue straight to
the logs; it changes only when a run finished since, so an hourly monitor does not touch it
every hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.github.runs import LiveRun
from reconciler.kinds.labels.spec import LabelSpec

# The labels the runbook's monitoring script puts on its alert issue.
ALERT_LABELS = ("alert", "operations")
# Runs listed in the body; the rest are counted.
_LISTED = 10


@dataclass(frozen=True)
class LoopHealth:
    """What the last finished runs of one agent loop say."""

    repository: str
    workflow: str
    # GitHub's state for the workflow (active, disabled_manually...); None when it is not listed.
    state: str | None
    # The failed runs since the last success, newest first.
    streak: tuple[LiveRun, ...]
    # The newest finished run, whatever its conclusion.
    last: LiveRun | None

    @property
    def key(self) -> str:
        return f"{self.repository}:{self.workflow}"


def is_alert(health: LoopHealth, failures: int) -> bool:
    return len(health.streak) >= failures


@dataclass(frozen=True)
class AlertLabel:
    name: str
    color: str
    description: str


def alert_labels(declared: Sequence[LabelSpec]) -> tuple[AlertLabel, ...]:
    """The alert's labels as the desired state declares them (their colour and description),
    or with a colour of their own where it does not."""
    found = {label.name.casefold(): label for label in declared}
    labels = []
    for name in ALERT_LABELS:
        spec = found.get(name)
        if spec is not None and spec.color is not None:
            labels.append(AlertLabel(spec.name, spec.color.removeprefix("#").lower(), spec.description or ""))
        else:
            labels.append(AlertLabel(name, "e99695" if name == "alert" else "006b75", "Raised by reconciler monitor"))
    return tuple(labels)


def alert_title(health: LoopHealth) -> str:
    name = health.workflow.rsplit("/", 1)[-1]
    return f"Monitoring alert: {name} failing in {health.repository}"


def _run_line(run: LiveRun) -> str:
    return f"- [run #{run.run_number}]({run.html_url}): {run.conclusion} at {run.created_at:%Y-%m-%d %H:%M} UTC"


def alert_body(health: LoopHealth, failures: int, desired_path: str) -> str:
    """The issue's text below its hidden marker: what failed, since when, and what to do."""
    streak = health.streak
    newest, oldest = streak[0], streak[-1]
    state = {None: "not listed by GitHub", "active": "enabled"}.get(health.state, f"{health.state}")
    lines = [
        "## Agent loop failing",
        "",
        f"`{health.workflow}` in `{health.repository}` failed its last {len(streak)} finished runs "
        f"(an alert from {failures} in a row), the first at {oldest.created_at:%Y-%m-%d %H:%M} UTC and the "
        f"latest at {newest.created_at:%Y-%m-%d %H:%M} UTC: [run #{newest.run_number}]({newest.html_url}).",
        "",
        f"The workflow is {state}. What the runbook says to do (SEV-3; SEV-2 if agents open wrong pull "
        "requests): read the failed run's log; pause agents with `.agent-workspace/STOP` or stop the loop "
        f"everywhere with `reconciler stop`; fix, then let a run succeed. `reconciler status {desired_path}` "
        "shows the fleet.",
        "",
        "### Failed runs, newest first",
        "",
        *(_run_line(run) for run in streak[:_LISTED]),
    ]
    if len(streak) > _LISTED:
        lines.append(f"- … and {len(streak) - _LISTED} earlier")
    lines += [
        "",
        "`reconciler monitor` keeps this issue current while the loop fails and closes it at the first successful run.",
    ]
    return "\n".join(lines) + "\n"


def recovery_comment(health: LoopHealth | None) -> str:
    """What the closing comment says: the run that succeeded, when it is known."""
    if health is not None and health.last is not None and health.last.succeeded:
        run = health.last
        return (
            f"Recovered: [run #{run.run_number}]({run.html_url}) succeeded at "
            f"{run.created_at:%Y-%m-%d %H:%M} UTC. Closing."
        )
    return "Recovered: the agent loop is no longer failing (or no longer monitored). Closing."
