"""`reconciler plan`: read live GitHub and show what apply would change."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from reconciler.commands.support.actions_env import artifact_hint
from reconciler.commands.support.connect import (
    declared_owners,
    github_connection,
    github_reader,
    github_writer,
    show_usage,
)
from reconciler.commands.support.estimate import with_least_time
from reconciler.commands.support.exit_codes import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.engine.changed_only import describe, plan_changed_only
from reconciler.engine.planning import plan_declared
from reconciler.errors import ConfigurationError
from reconciler.files import write_atomically
from reconciler.kinds.registry import load_desired_config
from reconciler.plan.settings import PlanSettings
from reconciler.plan.shard import Shard
from reconciler.publish.pr_comment import upsert_plan_comment
from reconciler.publish.targets import parse_issue_target
from reconciler.render.formats import show_plan
from reconciler.render.json_out import render_json


@dataclass(frozen=True)
class PlanOptions:
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    output_format: str = "text"
    out: Path | None = None
    detailed_exitcode: bool = False
    settings: PlanSettings = field(default_factory=PlanSettings)
    # OWNER/NAME#NUMBER: keep the plan as one comment on that pull request.
    comment_on: str | None = None
    # A git revision: plan only repositories whose effective desired state differs from it.
    changed_only: str | None = None
    # Only this shard of the repositories (--shard K/N).
    shard: Shard | None = None


def run_plan(options: PlanOptions, out: Console, err: Console) -> int:
    # Parsed before anything is read, so a typo costs no requests.
    target = parse_issue_target(options.comment_on, "--comment-on") if options.comment_on else None
    if options.changed_only and options.repos:
        raise ConfigurationError("--changed-only chooses the repositories itself: it cannot be combined with --repo")
    if options.changed_only and options.shard:
        raise ConfigurationError("--changed-only plans the few repositories a change touches: it is not sharded")
    config = load_desired_config(options.path)
    with github_connection(options.github, owners=declared_owners(config)) as connection:
        try:
            with github_reader(connection) as reader:
                if options.changed_only:
                    result = plan_changed_only(
                        config, options.path, options.changed_only, reader, options.settings, connection.progress
                    )
                    plan = result.plan
                    err.print(describe(result, options.changed_only), soft_wrap=True)
                else:
                    plan = plan_declared(
                        config,
                        reader,
                        options.settings,
                        repos=options.repos,
                        shard=options.shard,
                        progress=connection.progress,
                    ).plan
            plan = with_least_time(plan, connection)
            if options.out is not None:
                write_atomically(options.out, render_json(plan))
            show_plan(plan, options.output_format, out)
            if target is not None:
                # Planning stays read-only; only this one comment is written, after the plan is shown.
                with github_writer(connection) as writer:
                    published = upsert_plan_comment(
                        writer, target, plan, plan.desired_path or str(options.path), artifact_hint()
                    )
                err.print(published.describe("Plan comment"), soft_wrap=True)
        finally:
            show_usage(connection, err)
    if plan.failures:
        return EXIT_ERROR
    if options.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK
