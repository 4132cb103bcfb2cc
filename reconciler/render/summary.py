"""Counting and wording shared by every renderer."""

from __future__ import annotations

from reconciler.desired.state import Declarations
from reconciler.plan.cost import describe
from reconciler.plan.frozen import EMPTY
from reconciler.plan.model import Action, Change, Plan, SelectionRecord

SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.RENAME: ">",
    Action.DELETE: "-",
    Action.NOOP: "=",
}


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def config_summary(config: Declarations) -> str:
    """What the desired-state files declare, e.g. `3 repository targets, 1 pack`."""
    parts = [plural(len(config.repositories), "repository target")]
    if config.organizations:
        parts.append(plural(len(config.organizations), "organisation target"))
    if config.packs:
        parts.append(plural(len(config.packs), "pack"))
    return ", ".join(parts)


def summary_line(plan: Plan) -> str:
    counts = plan.counts()
    if not plan.has_changes:
        planned = len(plan.repositories) - len(plan.failures)
        where = plural(planned, "repository", "repositories")
        return f"No changes. Live GitHub matches the desired state in {where}."
    touched = len(plan.repositories_with_changes())
    line = (
        f"Plan: {counts[Action.CREATE]} to create, {counts[Action.UPDATE]} to update, "
        f"{counts[Action.RENAME]} to rename, {counts[Action.DELETE]} to delete, "
        f"in {plural(touched, 'repository', 'repositories')}."
    )
    attention = len(plan.needs_attention)
    if attention:
        line += f" {attention} {'needs' if attention == 1 else 'need'} attention."
    return line


def estimate_line(plan: Plan) -> str | None:
    """What apply of the plan costs in requests and at least in time; None when it writes nothing."""
    if plan.estimate is None or plan.estimate.cost.empty:
        return None
    return describe(plan.estimate)


def failure_line(plan: Plan) -> str | None:
    if not plan.failures:
        return None
    return f"{plural(len(plan.failures), 'repository', 'repositories')} could not be planned."


def field_changes(change: Change) -> list[tuple[str, object, object]]:
    """(field, old, new) worth showing; file changes show their diff instead."""
    if change.diff is not None:
        return []
    before, after = change.before or EMPTY, change.after or EMPTY
    if change.action is Action.CREATE:
        return [(k, None, v) for k, v in after.items() if k != "name" and v not in (None, "")]
    if change.action in (Action.UPDATE, Action.RENAME):
        return [(k, before.get(k), after.get(k)) for k in change.changed_fields() if k != "name"]
    return []


def selection_lines(selection: SelectionRecord) -> tuple[str, list[str]]:
    """A heading and detail lines saying what an organisation selector matched and left out."""
    total = len(selection.matched) + len(selection.skipped)
    if selection.narrowed:
        heading = f"Organisation {selection.organization} ({selection.source}), looking only at what --repo names"
    else:
        heading = (
            f"Organisation {selection.organization} ({selection.source}) selected "
            f"{len(selection.matched)} of {plural(total, 'repository', 'repositories')}"
        )
    details = []
    if selection.matched:
        details.append("selected: " + ", ".join(r.split("/", 1)[1] for r in selection.matched))
    by_reason: dict[str, list[str]] = {}
    for skipped in selection.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.repository.split("/", 1)[1])
    for reason, names in by_reason.items():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        details.append(f"left out ({reason}): {shown}")
    return heading, details
