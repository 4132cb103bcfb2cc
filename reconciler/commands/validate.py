from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.desired.actionlint import lint_workflow_sources
from reconciler.errors import ConfigurationError, DesiredStateError, Problem
from reconciler.kinds.registry import load_desired_config
from reconciler.kinds.workflows.block import workflow_sources
from reconciler.render.summary import config_summary, plural
from reconciler.render.text import show_problems
from reconciler.render.validate_json import render_validate_json, validate_report
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

    `output_format="github"` prints each problem as a GitHub Actions annotation instead;
    `"json"` prints one versioned document (validate.schema.json) and nothing else on stdout.
    """
    if output_format == "json":
        return _validate_json(path, out, err, strict=strict)
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


def _validate_json(path: Path, out: Console, err: Console, *, strict: bool) -> int:
    """The same checks, as one document on stdout; the one-line verdict goes to stderr."""
    try:
        config = load_desired_config(path)
    except DesiredStateError as exc:
        out.file.write(render_validate_json(validate_report(path, strict=strict, valid=False, problems=exc.problems)))
        err.print(Text(str(exc), style="bold red"), soft_wrap=True)
        return 1
    except ConfigurationError as exc:
        out.file.write(render_validate_json(validate_report(path, strict=strict, valid=False, error=str(exc))))
        err.print(Text(f"Error: {exc}", style="bold red"), soft_wrap=True)
        return 1
    linted = lint_workflow_sources(workflow_sources(config), strict=strict)
    warnings = [*config.warnings, *linted.problems]
    valid = not (strict and warnings)
    notes = [linted.note.strip(" ()")] if linted.note else []
    report = validate_report(path, strict=strict, valid=valid, problems=warnings, config=config, notes=notes)
    out.file.write(render_validate_json(report))
    if not valid:
        err.print(Text(f"{plural(len(warnings), 'problem')}; --strict treats warnings as errors", style="bold red"))
        return 1
    return 0
