"""Plans and apply results for a terminal (rich; plain text when not a terminal)."""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterable

from rich.console import Console
from rich.text import Text

from reconciler.engine.applier import ApplyReport
from reconciler.errors import Problem
from reconciler.kinds.base import Outcome
from reconciler.plan.frozen import EMPTY
from reconciler.plan.model import Action, Change, Plan, Unchanged
from reconciler.render.summary import (
    SYMBOLS,
    estimate_line,
    failure_line,
    field_changes,
    plural,
    selection_lines,
    summary_line,
)

_STYLES = {
    Action.CREATE: "green",
    Action.UPDATE: "yellow",
    Action.RENAME: "cyan",
    Action.DELETE: "red",
    Action.NOOP: "dim",
}
_PAST = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.RENAME: "renamed",
    Action.DELETE: "deleted",
    Action.NOOP: "unchanged",
}
_HEX = re.compile(r"^[0-9a-f]{6}$")
# Undeclared objects of one kind are named up to this many, counted beyond.
_NAMED_UNMANAGED = 3


def _value(key: str, value: object, swatch: bool) -> Text:
    if value is None or value == "":
        return Text("(empty)", style="dim")
    if key == "source":
        # Where apply reads a secret's value: a description such as env:VAR, never the value.
        return Text(f"from {value}")
    text = Text(str(value) if key == "color" else repr(value))
    if swatch and key == "color" and isinstance(value, str) and _HEX.match(value):
        # A swatch, so "d93f0b" means something at a glance. Only where colour shows: without
        # colour it would be a blank cell, so then the hex value stands alone.
        return Text.assemble(Text("  ", style=f"on #{value}"), " ", text)
    return text


def shows_colour(console: Console) -> bool:
    """Whether this console paints colours (not so under NO_COLOR, or off a terminal)."""
    return console.color_system is not None and not console.no_color


def change_line(change: Change, *, swatch: bool = False) -> Text:
    line = Text("  ")
    line.append(f"{SYMBOLS[change.action]} {change.kind} ", style=_STYLES[change.action])
    line.append(change.title, style="bold")
    details = field_changes(change)
    if change.attention is not None:
        line.append(f"\n      needs attention: {change.attention}", style="magenta")
        return line
    # Nothing observed to compare against (a secret being rotated): show it like a create.
    write_only = change.action is Action.UPDATE and bool(details) and all(old is None for _, old, _ in details)
    if (change.action is Action.CREATE and change.diff is None) or write_only:
        # One line per new object: its values are the whole story, unless the reason adds to it.
        for key, _, new in details:
            line.append("  ")
            line.append_text(_value(key, new, swatch))
        if change.reason_text != change.reason.text:
            line.append(f"\n      {change.reason_text}", style="dim")
        return line
    for key, old, new in details:
        line.append(f"\n      {key}: ")
        line.append_text(_value(key, old, swatch))
        line.append(" → ")
        line.append_text(_value(key, new, swatch))
    if change.action is not Action.UPDATE or change.diff is not None or not details:
        # Updates explain themselves through their fields; the rest need their reason.
        line.append(f"\n      {change.reason_text}", style="dim")
    if change.diff and change.action is Action.CREATE:
        # A whole new file is noise at a terminal; the JSON and Markdown plans carry it.
        body = base64.b64decode(change.content) if change.content else b""
        after = change.after or EMPTY
        lines = plural(len(body.splitlines()), "line")
        blob = str(after.get("sha"))[:7]
        line.append(f"\n      new file, {lines}, {after.get('size')} bytes, blob {blob}", style="dim")
    elif change.diff:
        line.append_text(diff_text(change.diff))
    return line


def diff_text(diff: str, indent: str = "      ") -> Text:
    text = Text()
    for row in diff.splitlines():
        if row.startswith(("+++", "---")):
            style = "bold"
        elif row.startswith("@@"):
            style = "cyan"
        elif row.startswith("+"):
            style = "green"
        elif row.startswith("-"):
            style = "red"
        else:
            style = "dim" if row.startswith(("#", "\\")) else ""
        text.append(f"\n{indent}{row}", style=style)
    return text


def _unchanged_line(changes: list[Change], counted: Unchanged | None) -> Text | None:
    """The repository's unchanged objects in one line: those listed among its changes (kinds
    with a change) and those the plan only counted."""
    noops = [c for c in changes if c.action is Action.NOOP]
    total = len(noops) + (sum(counted.counts.values()) if counted is not None else 0)
    if not total:
        return None
    unmanaged: dict[str, list[str]] = {}
    for change in noops:
        if not change.managed:
            unmanaged.setdefault(change.kind, []).append(change.title)
    for kind, names in (counted.undeclared if counted is not None else {}).items():
        unmanaged.setdefault(kind, []).extend(names)
    count = sum(len(names) for names in unmanaged.values())
    parts = []
    if total > count:
        parts.append(f"{total - count} unchanged")
    if unmanaged:
        # By kind, and by name when there are few, so an undeclared variable or secret is not
        # lost among GitHub's default labels.
        kinds = ", ".join(
            f"{kind} {', '.join(names)}" if len(names) <= _NAMED_UNMANAGED else plural(len(names), kind)
            for kind, names in unmanaged.items()
        )
        parts.append(f"not declared, left alone: {kinds}")
    return Text("  = " + "; ".join(parts), style="dim")


def render_selections(plan: Plan, console: Console) -> None:
    for selection in plan.selections:
        heading, details = selection_lines(selection)
        console.print(Text(heading, style="bold"), soft_wrap=True)
        for line in details:
            console.print(Text(f"  {line}", style="dim"), soft_wrap=True)
        console.print()


def render_plan(plan: Plan, console: Console, *, show_unchanged: bool | None = None) -> None:
    """The plan, repository by repository; unchanged objects one by one when the plan lists
    them (--show-unchanged) or `show_unchanged` says so, else counted."""
    if show_unchanged is None:
        show_unchanged = plan.unchanged_listed
    render_selections(plan, console)
    failed = {f.repository: f for f in plan.failures}
    unchanged_in = plan.unchanged_in()
    for repository, changes in plan.by_repository().items():
        failure = failed.get(repository)
        actionable = [c for c in changes if c.is_change]
        if failure is None and not actionable and not show_unchanged:
            continue
        console.print(Text(repository, style="bold underline"), soft_wrap=True)
        if failure is not None:
            console.print(Text(f"  ✗ could not be planned: {failure.error}", style="red"), soft_wrap=True)
        for change in changes if show_unchanged else actionable:
            console.print(change_line(change, swatch=shows_colour(console)), soft_wrap=True)
        unchanged = _unchanged_line(changes, unchanged_in.get(repository))
        if unchanged is not None and not show_unchanged:
            console.print(unchanged, soft_wrap=True)
        console.print()
    estimate = estimate_line(plan)
    if estimate is not None:
        console.print(Text(estimate, style="dim"), soft_wrap=True)
    console.print(Text(summary_line(plan), style="bold"), soft_wrap=True)
    failures = failure_line(plan)
    if failures:
        console.print(Text(failures, style="bold red"), soft_wrap=True)


def render_outcome(outcome: Outcome, console: Console) -> None:
    change = outcome.change
    if outcome.attention is not None:
        text = Text(
            f"  ! {change.kind} {change.title} in {change.repository} needs attention: {outcome.attention}",
            style="magenta",
        )
    elif outcome.skipped:
        text = Text(f"  · skipped {change.kind} {change.title} in {change.repository}", style="dim")
    elif outcome.error is not None:
        text = Text(f"  ✗ {change.kind} {change.title} in {change.repository}: {outcome.error}", style="red")
    else:
        note = f" ({outcome.note})" if outcome.note else ""
        done = f"  ✓ {_PAST[change.action]} {change.kind} {change.title} in {change.repository}{note}"
        text = Text(done, style="green")
    console.print(text, soft_wrap=True)


def apply_summary_line(report: ApplyReport) -> str:
    done = Counter(o.change.action for o in report.succeeded)
    line = (
        f"Apply complete: {done[Action.CREATE]} created, {done[Action.UPDATE]} updated, "
        f"{done[Action.RENAME]} renamed, {done[Action.DELETE]} deleted"
    )
    if report.failed:
        line += f", {len(report.failed)} failed"
    if report.skipped:
        line += f", {len(report.skipped)} skipped"
    if report.needs_attention:
        attention = len(report.needs_attention)
        line += f", {attention} {'needs' if attention == 1 else 'need'} attention"
    return line + "."


def render_apply_summary(report: ApplyReport, console: Console) -> None:
    console.print()
    style = "bold green" if report.complete else "bold red"
    console.print(Text(apply_summary_line(report), style=style), soft_wrap=True)
    for outcome in report.failed:
        change = outcome.change
        console.print(
            Text(f"  failed: {change.repository} {change.kind} {change.title}: {outcome.error}", style="red"),
            soft_wrap=True,
        )


def show_problems(problems: Iterable[Problem], console: Console) -> None:
    """Desired-state problems, one a line: errors in red, warnings in yellow."""
    for problem in problems:
        console.print(Text(str(problem), style="red" if problem.severity == "error" else "yellow"), soft_wrap=True)
