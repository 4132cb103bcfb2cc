"""`reconciler drift`: plan everything, read-only, and say whether live GitHub has drifted.

Exit 2 on drift (any change, including one only a person can make), 0 when clean, 1 when a
repository could not be read: that is not "clean". With a report repository, drift is kept
in one issue there; it is the only thing this command writes. `--from-plan` reports a plan
made before (the merged plan of a sharded run) instead of reading GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from reconciler.commands.support.actions_env import artifact_hint
from reconciler.commands.support.connect import (
    Connection,
    declared_owners,
    github_connection,
    github_reader,
    github_writer,
    show_usage,
)
from reconciler.commands.support.estimate import with_least_time
from reconciler.commands.support.exit_codes import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.state import Declarations, EffectiveState
from reconciler.engine.planning import plan_declared
from reconciler.engine.saved_plans import load_saved_plan
from reconciler.engine.selection import resolve
from reconciler.errors import ConfigurationError
from reconciler.files import write_atomically
from reconciler.kinds.labels.kind import would_prune
from reconciler.kinds.registry import load_desired_config
from reconciler.names import fold
from reconciler.plan.model import Plan
from reconciler.plan.shard import Shard
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
    # Only this shard of the repositories (--shard K/N).
    shard: Shard | None = None
    # Report this saved plan (e.g. merged from shards) instead of planning.
    from_plan: Path | None = None


def drift_label(desired: EffectiveState, repository: str) -> str | None:
    """The label for the drift issue, or None where reconciler itself would delete it: in a
    report repository whose labels it manages with prune on and without declaring it."""
    managed = next((r for r in desired.repositories if fold(r.slug) == fold(repository)), None)
    return LABEL if managed is None or not would_prune(managed, LABEL) else None


def _show(plan: Plan, options: DriftOptions, out: Console) -> None:
    if options.out is not None:
        write_atomically(options.out, render_json(plan))
    show_plan(plan, options.output_format, out)


def _may_publish(plan: Plan) -> bool:
    # A repository that could not be read may have drifted: never close the issue on that.
    return plan.has_changes or not plan.failures


def _publish(
    plan: Plan, desired_path: str, label: str | None, repository: str, connection: Connection, err: Console
) -> None:
    with github_writer(connection) as writer:
        published: Published
        if plan.has_changes:
            published = report_drift(writer, repository, plan, desired_path, label=label, artifact_hint=artifact_hint())
        else:
            published = resolve_drift(writer, repository, desired_path, label=label)
    err.print(published.describe("Drift issue"), soft_wrap=True)


def _exit_code(plan: Plan) -> int:
    if plan.failures:
        return EXIT_ERROR
    return EXIT_CHANGES if plan.has_changes else EXIT_OK


def run_drift(options: DriftOptions, out: Console, err: Console) -> int:
    report_to = parse_repository(options.report_issue, "--report-issue") if options.report_issue else None
    if report_to is not None and (options.repos or options.shard):
        # The issue speaks for the whole desired state: a partial check must not close it.
        raise ConfigurationError(
            "--report-issue checks every repository: it cannot be combined with --repo or --shard "
            "(merge the shards' plans with reconciler plan merge, then drift --from-plan)"
        )
    if options.from_plan is not None:
        return _from_plan(options, options.from_plan, report_to, out, err)
    config = load_desired_config(options.path)
    with github_connection(options.github, owners=declared_owners(config)) as connection:
        try:
            with github_reader(connection) as reader:
                everything, plan = plan_declared(
                    config, reader, repos=options.repos, shard=options.shard, progress=connection.progress
                )
            plan = with_least_time(plan, connection)
            _show(plan, options, out)
            if report_to is not None and _may_publish(plan):
                desired_path = plan.desired_path or str(everything.root)
                _publish(plan, desired_path, drift_label(everything, report_to), report_to, connection, err)
        finally:
            show_usage(connection, err)
    return _exit_code(plan)


def _from_plan(options: DriftOptions, path: Path, report_to: str | None, out: Console, err: Console) -> int:
    if options.repos or options.shard:
        raise ConfigurationError("--from-plan reports the plan as it is: --repo and --shard do not apply")
    plan = load_saved_plan(path)
    _show(plan, options, out)
    if report_to is not None and _may_publish(plan):
        owners = [slug.split("/", 1)[0] for slug in plan.repositories]
        with github_connection(options.github, owners=owners) as connection:
            try:
                label = _label_for_saved(plan, path, report_to, connection)
                desired_path = plan.desired_path or str(options.path)
                _publish(plan, desired_path, label, report_to, connection, err)
            finally:
                show_usage(connection, err)
    return _exit_code(plan)


def _label_for_saved(plan: Plan, path: Path, repository: str, connection: Connection) -> str | None:
    """`drift_label` for a saved plan: only a report repository the plan covers can have its
    labels managed, and then its desired state says whether the label would be pruned."""
    if fold(repository) not in {fold(r) for r in plan.repositories}:
        return LABEL
    config: Declarations | None = None
    if plan.desired_path is not None and Path(plan.desired_path).exists():
        config = load_desired_config(Path(plan.desired_path))
    if config is None or config.digest != plan.desired_digest:
        raise ConfigurationError(
            f"{path} covers {repository}, whose labels reconciler manages, but its desired state "
            f"({plan.desired_path}) is gone or changed since: run drift --from-plan where the plan was made"
        )
    with github_reader(connection) as reader:
        return drift_label(resolve(config, reader, only=[repository]), repository)
