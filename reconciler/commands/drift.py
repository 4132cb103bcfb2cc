"""`reconciler drift`: plan everything, read-only, and say whether live GitHub has drifted.

Exit 2 on drift (any change, including one only a person can make), 0 when clean, 1 when a
repository could not be read: that is not "clean". With a report repository, drift is kept
in one issue there; it is the only thing this command writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from reconciler.commands.support.actions_env import artifact_hint
from reconciler.commands.support.connect import Connection, github_connection, github_reader, github_writer, show_usage
from reconciler.commands.support.exit_codes import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.state import EffectiveState
from reconciler.engine.planning import plan_declared
from reconciler.errors import ConfigurationError
from reconciler.files import write_atomically
from reconciler.kinds.labels.kind import would_prune
from reconciler.kinds.registry import load_desired_config
from reconciler.names import fold
from reconciler.plan.model import Plan
from reconciler.publish.drift_issue import LABEL, report_drift, resolve_drift
from reconciler.publish.outcome import Published
from reconciler.publish.targets import parse_repository
from reconciler.render.formats import show_plan
from reconciler.render.json_out import render_json


@dataclass(frozen=True)
class DriftOptions:
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    output_format: str = "text"
    out: Path | None = None
    # OWNER/NAME: keep one drift issue there.
    report_issue: str | None = None


def drift_label(desired: EffectiveState, repository: str) -> str | None:
    """The label for the drift issue, or None where reconciler itself would delete it: in a
    report repository whose labels it manages with prune on and without declaring it."""
    managed = next((r for r in desired.repositories if fold(r.slug) == fold(repository)), None)
    return LABEL if managed is None or not would_prune(managed, LABEL) else None


def _publish(plan: Plan, desired: EffectiveState, repository: str, connection: Connection) -> Published:
    desired_path = plan.desired_path or str(desired.root)
    label = drift_label(desired, repository)
    with github_writer(connection) as writer:
        if plan.has_changes:
            return report_drift(writer, repository, plan, desired_path, label=label, artifact_hint=artifact_hint())
        return resolve_drift(writer, repository, desired_path, label=label)


def run_drift(options: DriftOptions, out: Console, err: Console) -> int:
    report_to = parse_repository(options.report_issue, "--report-issue") if options.report_issue else None
    if report_to is not None and options.repos:
        # The issue speaks for the whole desired state: a partial check must not close it.
        raise ConfigurationError("--report-issue checks every repository: it cannot be combined with --repo")
    config = load_desired_config(options.path)
    with github_connection(options.github) as connection:
        try:
            with github_reader(connection) as reader:
                everything, plan = plan_declared(config, reader, repos=options.repos, progress=connection.progress)
            if options.out is not None:
                write_atomically(options.out, render_json(plan))
            show_plan(plan, options.output_format, out)
            # A repository that could not be read may have drifted: never close the issue on that.
            if report_to is not None and (plan.has_changes or not plan.failures):
                published = _publish(plan, everything, report_to, connection)
                err.print(published.describe("Drift issue"), soft_wrap=True)
        finally:
            show_usage(connection, err)
    if plan.failures:
        return EXIT_ERROR
    return EXIT_CHANGES if plan.has_changes else EXIT_OK
