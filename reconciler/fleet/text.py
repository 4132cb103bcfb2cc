"""The fleet's status at a terminal: totals, what needs a person, then one row per repository."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reconciler.fleet.document import AgentLoop, FleetTotals, LimitInForce, RepositoryStatus, RunFigures, StatusDocument
from reconciler.fleet.runs import duration_text

STATE_STYLES = {
    "converged": "green",
    "drifted": "yellow",
    "not installed": "cyan",
    "unknown": "bold red",
    "enabled": "green",
    "disabled": "yellow",
    "missing": "red",
}


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def totals_lines(document: StatusDocument) -> list[str]:
    """The fleet in three lines, shared by every rendering."""
    totals: FleetTotals = document.totals
    runs = totals.runs
    people = plural(totals.needs_person, "needs a person", "need a person")
    return [
        f"{plural(totals.repositories, 'repository', 'repositories')}, {people}; "
        f"runs since {document.since:%Y-%m-%d %H:%M} UTC ({document.window})",
        f"packs: {totals.converged} converged, {totals.drifted} drifted, {totals.not_installed} not installed"
        + (f", {totals.unknown} unreadable" if totals.unknown else "")
        + f"; agent loops: {totals.loops_enabled} enabled, {totals.loops_disabled} disabled, "
        f"{totals.loops_missing} missing; STOP files: {totals.stop_files}",
        f"agent-loop runs: {runs.runs} ({runs.succeeded} succeeded, {runs.failed} failed, "
        f"{runs.cancelled} cancelled, {runs.in_progress} running), success rate {percent(runs.success_rate)}; "
        f"open pull requests: {totals.security_pulls} security review, {totals.handoff_pulls} handoff",
    ]


def loop_runs(loops: Sequence[AgentLoop]) -> RunFigures | None:
    """The one loop's figures (a repository rarely has two agent loops; the first is shown)."""
    return next((loop.runs for loop in loops if loop.runs is not None), None)


def last_run_text(runs: RunFigures | None) -> str:
    if runs is None or runs.last_run is None:
        return "-"
    last = runs.last_run
    shown = last.conclusion or ("running" if last.status == "in_progress" else last.status) or "?"
    return f"{shown} {last.created_at:%m-%d %H:%M}"


_SYMBOLS = {"success": "✓", "failure": "✗", "cancelled": "⊘", "timed_out": "✗", "startup_failure": "✗"}


def last_run_short(runs: RunFigures | None) -> str:
    """`✗ 12-05 08:17`: the newest run's outcome as a symbol, and when it started."""
    if runs is None or runs.last_run is None:
        return "-"
    last = runs.last_run
    symbol = _SYMBOLS.get(last.conclusion or "", "…" if last.conclusion is None else last.conclusion)
    return f"{symbol} {last.created_at:%m-%d %H:%M}"


def limits_text(limits: Sequence[LimitInForce]) -> str:
    parts = []
    for limit in limits:
        value = limit.value if limit.value is not None else "unset"
        shown = value if value == limit.desired else f"{value} (desired {limit.desired})"
        parts.append(f"{limit.limit}={shown}")
    return ", ".join(parts) or "-"


def packs_text(repository: RepositoryStatus) -> str:
    """`drifted`, or each pack's state when there are several (or none, and objects differ)."""
    if len(repository.packs) == 1 and repository.packs[0].state == repository.state:
        return repository.state
    if not repository.packs:
        return repository.state
    return ", ".join(f"{p.name}: {p.state}" for p in repository.packs)


def _short_names(document: StatusDocument) -> bool:
    """Whether every repository has one owner, so the table can leave it out."""
    return len({r.repository.split("/", 1)[0].casefold() for r in document.repositories}) == 1


def render_status(document: StatusDocument, console: Console) -> None:
    console.print(Text("Fleet status", style="bold"), soft_wrap=True)
    for line in totals_lines(document):
        console.print(Text(f"  {line}"), soft_wrap=True)
    console.print()
    waiting = [r for r in document.repositories if r.needs_person]
    if waiting:
        console.print(Text("Needs a person", style="bold underline"), soft_wrap=True)
        for repository in waiting:
            console.print(Text(f"  {repository.repository}", style="bold"), soft_wrap=True)
            for reason in repository.needs_person:
                console.print(Text(f"    - {reason}", style="magenta"), soft_wrap=True)
        console.print()
    short = _short_names(document)
    owner = document.repositories[0].repository.split("/", 1)[0] if short and document.repositories else ""
    table = Table(
        title=f"{owner} repositories" if owner else None,
        title_justify="left",
        box=None,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        header_style="bold",
        expand=False,
    )
    table.add_column("Repository", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Loop", no_wrap=True)
    for column in ("Runs", "OK", "Fail"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Median", justify="right", overflow="fold")
    table.add_column("Last run", overflow="fold")
    table.add_column("STOP", overflow="fold")
    table.add_column("PRs", justify="right", no_wrap=True)
    for repository in document.repositories:
        runs = loop_runs(repository.agent_loops)
        loops = Text(", ".join(loop.state for loop in repository.agent_loops) or "-")
        if repository.agent_loops:
            loops.stylize(STATE_STYLES.get(repository.agent_loops[0].state, ""))
        stop = "?" if repository.stop_file is None else ("STOP" if repository.stop_file else "-")
        name = repository.repository.split("/", 1)[1] if short else repository.repository
        table.add_row(
            Text(name, style="bold" if repository.needs_person else ""),
            Text(packs_text(repository), style=STATE_STYLES.get(repository.state, "")),
            loops,
            str(runs.runs) if runs else "-",
            str(runs.succeeded) if runs else "-",
            Text(str(runs.failed), style="red" if runs.failed else "") if runs else "-",
            duration_text(runs.median_duration_seconds) if runs else "-",
            last_run_short(runs),
            Text(stop, style="bold red" if repository.stop_file else ""),
            f"{len(repository.security_pulls)}/{len(repository.handoff_pulls)}",
        )
    console.print(table)
    console.print(
        Text(
            "Runs: in the window (OK: succeeded, Fail: failed); Last run: the newest (✓ success, ✗ failure, "
            "⊘ cancelled, … running); PRs: open, labelled security:review-required/agent:handoff",
            style="dim",
        ),
        soft_wrap=True,
    )
    limited = [r for r in document.repositories if r.limits]
    if limited:
        console.print(Text("Limits in force (live value; the desired one when it differs)", style="bold"))
        for repository in limited:
            name = repository.repository.split("/", 1)[1] if short else repository.repository
            console.print(Text(f"  {name}: {limits_text(repository.limits)}"), soft_wrap=True)
