"""The least time apply of a plan can take under the limits the command's client keeps.

The plan counts the requests apply makes (each kind knows its own); only a command knows the
limits its client keeps (GitHub's, the sandbox's, or scaled for a benchmark), so the time is
worked out here, with which limit sets it, and written into the plan before it is shown.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.commands.support.connect import Connection
from reconciler.github.http import Limits, least_time
from reconciler.plan.cost import RequestCost
from reconciler.plan.model import Plan


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:g}"


def least_time_for(limits: Limits, cost: RequestCost) -> tuple[float, str | None]:
    """The least seconds `limits` allow for `cost`, and the limit that sets it, in words."""
    total = least_time(limits, reads=cost.reads, writes=cost.writes, creates=cost.creates)
    if total <= 0:
        return 0.0, None
    only_points = replace(limits, creates_per_minute=None, creates_per_hour=None, write_interval=0.0)
    candidates: list[tuple[float, str]] = []
    if limits.rest_points_per_minute is not None:
        seconds = least_time(only_points, reads=cost.reads, writes=cost.writes)
        candidates.append((seconds, f"{_number(limits.rest_points_per_minute)} REST points a minute"))
    if limits.creates_per_hour is not None:
        hourly = replace(only_points, rest_points_per_minute=None, creates_per_hour=limits.creates_per_hour)
        seconds = least_time(hourly, writes=cost.creates, creates=cost.creates)
        candidates.append((seconds, f"{_number(limits.creates_per_hour)} content-creating requests an hour"))
    if limits.creates_per_minute is not None:
        minute = replace(only_points, rest_points_per_minute=None, creates_per_minute=limits.creates_per_minute)
        seconds = least_time(minute, writes=cost.creates, creates=cost.creates)
        candidates.append((seconds, f"{_number(limits.creates_per_minute)} content-creating requests a minute"))
    if limits.write_interval > 0:
        seconds = max(0, cost.writes - 1) * limits.write_interval
        candidates.append((seconds, f"writes {limits.write_interval:g} s apart"))
    bound = max(candidates, key=lambda c: c[0], default=None)
    return total, bound[1] if bound is not None and bound[0] > 0 else None


def with_least_time(plan: Plan, connection: Connection | Limits) -> Plan:
    """The plan with its estimate's least time under the limits of `connection`'s client (or
    under `limits`, for a command that reaches no GitHub, such as `plan merge`)."""
    if plan.estimate is None:
        return plan
    limits = connection if isinstance(connection, Limits) else connection.session.limits
    seconds, bound = least_time_for(limits, plan.estimate.cost)
    return plan.model_copy(update={"estimate": plan.estimate.with_time(seconds, bound)})
