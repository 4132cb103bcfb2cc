from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.commands.github_session import GitHubOptions, github_connection
from reconciler.commands.plan import EXIT_ERROR, EXIT_OK, compute_plan
from reconciler.desired.loader import load_desired_config
from reconciler.errors import ApplyRefused
from reconciler.github.adapter import Connection, PyGithubWriter
from reconciler.guards import DeletionAllowance, check_deletions, check_kill_switch
from reconciler.plan.applier import apply_plan
from reconciler.plan.model import Plan
from reconciler.render.summary import plural
from reconciler.render.text import render_apply_summary, render_outcome, render_plan
from reconciler.resources.base import PlanSettings

Confirm = Callable[[str], bool]


@dataclass(frozen=True)
class ApplyOptions:
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    auto_approve: bool = False
    settings: PlanSettings = field(default_factory=PlanSettings)
    allow_deletions: DeletionAllowance = field(default_factory=DeletionAllowance)


def ask_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        raise ApplyRefused(
            "refusing to apply: there is no terminal to ask for confirmation. "
            "Review the plan above and re-run with --auto-approve."
        )
    answer = input(f"{question} Only 'yes' will be accepted: ")
    return answer.strip() == "yes"


def execute(
    plan: Plan,
    connection: Connection,
    out: Console,
    *,
    auto_approve: bool,
    confirm: Confirm,
    allowance: DeletionAllowance,
) -> int:
    """Show the plan, check the deletion guard, ask, then apply exactly the plan."""
    render_plan(plan, out)
    if not plan.has_changes:
        return EXIT_ERROR if plan.failures else EXIT_OK
    check_deletions(plan, allowance)
    if not auto_approve and any(c.applicable for c in plan.changes):
        touched = plural(len(plan.repositories_with_changes()), "repository", "repositories")
        if not confirm(f"Apply these changes to {touched}?"):
            raise ApplyRefused("apply cancelled; nothing was changed")
    out.print()
    writer = PyGithubWriter(connection)
    try:
        report = apply_plan(plan, writer, on_outcome=lambda o: render_outcome(o, out))
    finally:
        writer.close()
    render_apply_summary(report, out)
    if plan.failures:
        out.print(Text(f"Not applied: {', '.join(f.repository for f in plan.failures)}", style="red"))
    return EXIT_OK if report.complete and not plan.failures else EXIT_ERROR


def run_apply(options: ApplyOptions, out: Console, confirm: Confirm = ask_on_terminal) -> int:
    check_kill_switch(options.path)
    config = load_desired_config(options.path)
    with github_connection(options.github) as connection:
        plan = compute_plan(config, connection, options.settings, repos=options.repos)
        return execute(
            plan,
            connection,
            out,
            auto_approve=options.auto_approve,
            confirm=confirm,
            allowance=options.allow_deletions,
        )
