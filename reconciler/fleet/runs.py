"""Figures from a window of workflow runs: counts, success rate, median duration, per day."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from reconciler.fleet.document import DayFigures, RunFigures, RunRecord
from reconciler.github.runs import LiveRun, failures_in_a_row


def run_record(run: LiveRun) -> RunRecord:
    return RunRecord(
        id=run.id,
        number=run.run_number,
        conclusion=run.conclusion,
        status=run.status,
        created_at=run.created_at,
        url=run.html_url,
    )


def window_days(since: datetime, now: datetime) -> list[date]:
    """Every UTC day the window touches, oldest first."""
    first, last = since.date(), now.date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def figures(runs: Sequence[LiveRun], since: datetime, now: datetime) -> RunFigures:
    """What the runs (any order) created in [since, now] add up to."""
    inside = sorted(
        (run for run in runs if since <= run.created_at <= now), key=lambda r: (r.created_at, r.id), reverse=True
    )
    succeeded = sum(1 for run in inside if run.succeeded)
    failed = sum(1 for run in inside if run.failed)
    cancelled = sum(1 for run in inside if run.completed and run.conclusion == "cancelled")
    durations = [d for run in inside if (d := run.duration_seconds) is not None]
    by_day = {day: [0, 0, 0] for day in window_days(since, now)}
    for run in inside:
        counts = by_day.setdefault(run.created_at.date(), [0, 0, 0])
        counts[0] += 1
        counts[1] += run.succeeded
        counts[2] += run.failed
    failures = [run for run in inside if run.failed]
    return RunFigures(
        runs=len(inside),
        succeeded=succeeded,
        failed=failed,
        cancelled=cancelled,
        in_progress=sum(1 for run in inside if not run.completed),
        success_rate=succeeded / (succeeded + failed) if succeeded + failed else None,
        median_duration_seconds=statistics.median(durations) if durations else None,
        failing_streak=len(failures_in_a_row(inside)),
        last_run=run_record(inside[0]) if inside else None,
        last_failure=run_record(failures[0]) if failures else None,
        days=tuple(DayFigures(day=day, runs=c[0], succeeded=c[1], failed=c[2]) for day, c in sorted(by_day.items())),
    )


def combined(parts: Sequence[RunFigures], since: datetime, now: datetime) -> RunFigures:
    """Several workflows' figures as one: sums, and per day; the median and the streak do not
    add up, so the fleet's are left out (null and 0)."""
    by_day: dict[date, list[int]] = {day: [0, 0, 0] for day in window_days(since, now)}
    for part in parts:
        for day in part.days:
            counts = by_day.setdefault(day.day, [0, 0, 0])
            counts[0] += day.runs
            counts[1] += day.succeeded
            counts[2] += day.failed
    succeeded = sum(p.succeeded for p in parts)
    failed = sum(p.failed for p in parts)
    lasts = [p.last_run for p in parts if p.last_run is not None]
    failures = [p.last_failure for p in parts if p.last_failure is not None]
    return RunFigures(
        runs=sum(p.runs for p in parts),
        succeeded=succeeded,
        failed=failed,
        cancelled=sum(p.cancelled for p in parts),
        in_progress=sum(p.in_progress for p in parts),
        success_rate=succeeded / (succeeded + failed) if succeeded + failed else None,
        median_duration_seconds=None,
        failing_streak=0,
        last_run=max(lasts, key=lambda r: r.created_at) if lasts else None,
        last_failure=max(failures, key=lambda r: r.created_at) if failures else None,
        days=tuple(DayFigures(day=day, runs=c[0], succeeded=c[1], failed=c[2]) for day, c in sorted(by_day.items())),
    )


def duration_text(seconds: float | None) -> str:
    """`12m 05s`, `1h 02m`, or `-` when there is none."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s"
