"""Show a plan, check the deletion guard, ask, then apply exactly that plan.

`apply` (of desired state or of a saved plan) and `uninstall` end the same way; this is that
ending, so the guard and the question can never be skipped by one of them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.connect import Connection, github_writer
from reconciler.commands.support.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.engine.applier import apply_plan
from reconciler.engine.guards import DeletionAllowance, check_deletions
from reconciler.errors import ApplyRefused
from reconciler.plan.model import Plan
from reconciler.render.summary import plural
from reconciler.render.text import render_apply_summary, render_outcome, render_plan

Confirm = Callable[[str], bool]


def ask_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        raise ApplyRefused(
            "refusing to apply: there is no terminal to ask for confirmation. "
            "Review the plan above and re-run with --auto-approve."
        )
    answer = input(f"{question} Only 'yes' will be accepted: ")
    return answer.strip() == "yes"


def confirm_and_apply(
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
        # A live progress display must not sit on the question.
        connection.watch.pause()
        if not confirm(f"Apply these changes to {touched}?"):
            raise ApplyRefused("apply cancelled; nothing was changed")
    out.print()
    with github_writer(connection) as writer:
        report = apply_plan(plan, writer, on_outcome=lambda o: render_outcome(o, out), progress=connection.progress)
    render_apply_summary(report, out)
    if plan.failures:
        out.print(Text(f"Not applied: {', '.join(f.repository for f in plan.failures)}", style="red"))
    return EXIT_OK if report.complete and not plan.failures else EXIT_ERROR
