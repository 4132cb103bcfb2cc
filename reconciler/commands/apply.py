from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.commands.github_session import GitHubOptions, github_connection
from reconciler.commands.plan import EXIT_ERROR, EXIT_OK, compute_plan
from reconciler.commands.saved_plan import ensure_current, is_saved_plan, load_saved_plan
from reconciler.desired.loader import load_desired_config
from reconciler.errors import ApplyRefused, ConfigurationError
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
    # The desired state, or a saved plan (a `.json` file from `plan --out`).
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    auto_approve: bool = False
    settings: PlanSettings = field(default_factory=PlanSettings)
    allow_deletions: DeletionAllowance = field(default_factory=DeletionAllowance)
    # With a saved plan: ignore what it says and plan afresh from its desired state.
    refresh: bool = False


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
    if is_saved_plan(options.path):
        return _apply_saved(options, out, confirm)
    if options.refresh:
        raise ConfigurationError("--refresh re-plans a saved plan: give the plan file (apply plan.json --refresh)")
    check_kill_switch(options.path)
    config = load_desired_config(options.path)
    with github_connection(options.github) as connection:
        plan = compute_plan(config, connection, options.settings, repos=options.repos)
        return _execute(plan, connection, options, out, confirm)


def _execute(plan: Plan, connection: Connection, options: ApplyOptions, out: Console, confirm: Confirm) -> int:
    return execute(
        plan, connection, out, auto_approve=options.auto_approve, confirm=confirm, allowance=options.allow_deletions
    )


def _apply_saved(options: ApplyOptions, out: Console, confirm: Confirm) -> int:
    saved = load_saved_plan(options.path)
    if saved.desired_path is None:
        raise ConfigurationError(f"{options.path} does not say which desired state it was made from")
    root = Path(saved.desired_path)
    check_kill_switch(root)
    if not options.refresh:
        if options.repos or options.settings != PlanSettings():
            raise ConfigurationError(
                "a saved plan is applied exactly as it is: --repo and --rotate-secrets only apply with --refresh"
            )
        with github_connection(options.github) as connection:
            scope = ensure_current(saved, options.path, connection)
            checked = plural(len(scope), "repository", "repositories")
            note = f"re-read what it changes in {checked}" if scope else "its desired state is unchanged"
            out.print(f"{options.path} is current: {note}.", soft_wrap=True)
            out.print()
            return _execute(saved, connection, options, out, confirm)
    # The same repositories as the saved plan, or those named; resolving refuses any that the
    # desired state no longer declares.
    repos = options.repos or saved.repositories
    if not repos:
        # An empty selection would mean every repository: far more than the plan covered.
        raise ConfigurationError(f"{options.path} names no repository to re-plan")
    config = load_desired_config(root)
    with github_connection(options.github) as connection:
        plan = compute_plan(config, connection, options.settings, repos=repos)
        return _execute(plan, connection, options, out, confirm)
