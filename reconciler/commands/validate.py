from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.desired.actionlint import lint_workflow_sources
from reconciler.errors import DesiredStateError, Problem
from reconciler.kinds.registry import load_desired_config
from reconciler.kinds.workflows.block import workflow_sources
from reconciler.render.summary import config_summary, plural
from reconciler.render.text import show_problems
from reconciler.render.workflow_commands import annotation


def _show(problem: Problem, out: Console, err: Console, output_format: str, *, as_error: bool = False) -> None:
    if output_format == "github":
        # GitHub Actions reads workflow commands from standard output.
        shown = replace(problem, severity="error") if as_error else problem
        out.file.write(annotation(shown) + "\n")
        return
    show_problems([problem], err)


def run_validate(path: Path, out: Console, err: Console, *, strict: bool = False, output_format: str = "text") -> int:
    """Check the desired state without contacting anything. Every problem is listed.

    `output_format="github"` prints each problem as a GitHub Actions annotation instead.
    """
    try:
        config = load_desired_config(path)
    except DesiredStateError as exc:
        for problem in exc.problems:
            _show(problem, out, err, output_format)
        err.print(Text(str(exc), style="bold red"), soft_wrap=True)
        return 1
    linted = lint_workflow_sources(workflow_sources(config), strict=strict)
    warnings = [*config.warnings, *linted.problems]
    for warning in warnings:
        _show(warning, out, err, output_format, as_error=strict)
    if strict and warnings:
        err.print(Text(f"{plural(len(warnings), 'problem')}; --strict treats warnings as errors", style="bold red"))
        return 1
    out.print(f"Desired state is valid: {config_summary(config)} declared{linted.note}.", soft_wrap=True)
    return 0
