"""Agent loops: the workflows marked `agent: true` are not failing run after run.

A loop is failing once its last finished runs failed `FAILING_AFTER` times in a row (cancelled
runs neither count nor break the streak): that is drift a person must look at, with a link to
the failed run. A loop whose runs could not be read is a note, not a failure of verify: reading
runs needs Actions read access, which apply itself does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.checks.model import Check, Finding, Status, Unavailable, skipped
from reconciler.github.runs import FAILING_AFTER, LiveRun, failures_in_a_row
from reconciler.render.summary import plural

# (repository, workflow path) → its last finished runs, newest first.
LoopRuns = Mapping[tuple[str, str], Sequence[LiveRun] | Unavailable]


def check_agent_loops(runs: LoopRuns, skip: str | None) -> Check:
    name = "Agent loops"
    if skip is not None:
        return skipped(name, skip)
    if not runs:
        return Check(name, Status.OK, "no agent loop (agent: true) is running yet")
    findings: list[Finding] = []
    notes: list[str] = []
    for (repository, path), found in sorted(runs.items()):
        if isinstance(found, Unavailable):
            notes.append(f"{repository}: the runs of `{path}` could not be read: {found.reason}")
            continue
        streak = failures_in_a_row(found)
        if len(streak) >= FAILING_AFTER:
            newest, oldest = streak[0], streak[-1]
            text = (
                f"`{path}` failed its last {len(streak)} finished runs (since {oldest.created_at:%Y-%m-%d %H:%M} UTC); "
                f"the latest, run #{newest.run_number} at {newest.created_at:%Y-%m-%d %H:%M} UTC: {newest.html_url}"
            )
            findings.append(Finding(Status.DRIFT, text, repository))
    where = plural(len(runs), "agent loop")
    if findings:
        return Check(name, Status.DRIFT, f"{len(findings)} of {where} failing", tuple(findings), tuple(notes))
    return Check(name, Status.OK, f"{where}: none failing", (), tuple(notes))
