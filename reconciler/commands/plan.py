from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from reconciler.commands.github_session import GitHubOptions, github_connection
from reconciler.desired.loader import load_desired_config
from reconciler.desired.resolve import NO_REMOVAL, Removal, resolve
from reconciler.desired.state import DesiredConfig, DesiredState
from reconciler.github.adapter import Connection, PyGithubReader
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.render.json_out import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_plan
from reconciler.resources.base import PlanSettings

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


def resolve_and_plan(
    config: DesiredConfig,
    connection: Connection,
    settings: PlanSettings | None = None,
    *,
    repos: Sequence[str] = (),
    removal: Removal = NO_REMOVAL,
) -> tuple[DesiredState, Plan]:
    """Resolve organisation selectors and plan, through one read-only port."""
    reader = PyGithubReader(connection)
    try:
        desired = resolve(config, reader, only=repos, removal=removal)
        plan = make_plan(
            desired,
            reader,
            github_url=connection.base_url,
            settings=settings,
            max_workers=reader.max_concurrency,
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
) -> Plan:
    return resolve_and_plan(config, connection, settings, repos=repos)[1]


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def show_plan(plan: Plan, output_format: str, out: Console) -> None:
    if output_format == "json":
        out.file.write(render_json(plan))
    elif output_format == "markdown":
        out.file.write(render_markdown(plan))
    else:
        render_plan(plan, out)


def run_plan(options: PlanOptions, out: Console) -> int:
    config = load_desired_config(options.path)
    with github_connection(options.github) as connection:
        plan = compute_plan(config, connection, options.settings, repos=options.repos)
    if options.out is not None:
        write_atomically(options.out, render_json(plan))
    show_plan(plan, options.output_format, out)
    if plan.failures:
        return EXIT_ERROR
    if options.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK
