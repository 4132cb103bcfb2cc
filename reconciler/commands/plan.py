from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from reconciler.commands.actions_env import artifact_hint
from reconciler.commands.changed_only import describe, plan_changed_only
from reconciler.commands.github_session import GitHubOptions, github_connection
from reconciler.desired.loader import load_desired_config
from reconciler.desired.resolve import NO_REMOVAL, Removal, resolve
from reconciler.desired.state import DesiredConfig, DesiredState
from reconciler.errors import ConfigurationError
from reconciler.files import write_atomically
from reconciler.github.adapter import Connection, PyGithubReader, PyGithubWriter
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.publish.outcome import Published
from reconciler.publish.pr_comment import upsert_plan_comment
from reconciler.publish.targets import parse_issue_target
from reconciler.render.json_out import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_plan
from reconciler.resources.base import PlanSettings

# Repository → the names of the kinds to read there.
KindsByRepository = Mapping[str, Collection[str]]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2


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


def resolve_and_plan(
    config: DesiredConfig,
    connection: Connection,
    settings: PlanSettings | None = None,
    *,
    repos: Sequence[str] = (),
    removal: Removal = NO_REMOVAL,
    scope: KindsByRepository | Callable[[DesiredState], KindsByRepository] | None = None,
) -> tuple[DesiredState, Plan]:
    """Resolve organisation selectors and plan, through one read-only port. With `scope`
    (repository → kind names, or a function of the resolved state giving them), only those
    repositories and kinds are read."""
    reader = PyGithubReader(connection)
    try:
        desired = resolve(config, reader, only=repos, removal=removal)
        plan = make_plan(
            desired,
            reader,
            github_url=connection.base_url,
            settings=settings,
            max_workers=reader.max_concurrency,
            scope=scope(desired) if callable(scope) else scope,
        )
        return desired, plan
    finally:
        reader.close()


def compute_plan(
    config: DesiredConfig,
    connection: Connection,
    settings: PlanSettings | None = None,
    *,
    repos: Sequence[str] = (),
    scope: KindsByRepository | None = None,
) -> Plan:
    return resolve_and_plan(config, connection, settings, repos=repos, scope=scope)[1]


def show_plan(plan: Plan, output_format: str, out: Console) -> None:
    if output_format == "json":
        out.file.write(render_json(plan))
    elif output_format == "markdown":
        out.file.write(render_markdown(plan))
    else:
        render_plan(plan, out)


def describe_published(published: Published, what: str) -> str:
    where = f"{published.repository}#{published.number}" if published.number else published.repository
    url = f" ({published.url})" if published.url else ""
    return f"{what}: {published.action} on {where}{url}" if published.action != "none" else f"{what}: none open"


def run_plan(options: PlanOptions, out: Console, err: Console) -> int:
    # Parsed before anything is read, so a typo costs no requests.
    target = parse_issue_target(options.comment_on, "--comment-on") if options.comment_on else None
    if options.changed_only and options.repos:
        raise ConfigurationError("--changed-only chooses the repositories itself: it cannot be combined with --repo")
    config = load_desired_config(options.path)
    with github_connection(options.github) as connection:
        if options.changed_only:
            result = plan_changed_only(config, options.path, options.changed_only, connection, options.settings)
            plan = result.plan
            err.print(describe(result, options.changed_only), soft_wrap=True)
        else:
            plan = compute_plan(config, connection, options.settings, repos=options.repos)
        if options.out is not None:
            write_atomically(options.out, render_json(plan))
        show_plan(plan, options.output_format, out)
        if target is not None:
            # Planning stays read-only; only this one comment is written, after the plan is shown.
            writer = PyGithubWriter(connection)
            try:
                published = upsert_plan_comment(
                    writer, target, plan, plan.desired_path or str(options.path), artifact_hint()
                )
            finally:
                writer.close()
            err.print(describe_published(published, "Plan comment"), soft_wrap=True)
    if plan.failures:
        return EXIT_ERROR
    if options.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK
