"""What several commands share on the command line: consoles, GitHub options, common flags.

Nothing here imports a command module: the CLI loads a command's module when the command
runs, so `reconciler --help` and `reconciler validate` never load the GitHub client or the
sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from reconciler.cli.colour import styling_allowed
from reconciler.cli.redacted import RedactingConsole
from reconciler.cli.watching import settings, start_watch, watch_options
from reconciler.commands.support.options import DEFAULT_LOCK_TIMEOUT, GitHubOptions

DEFAULT_PATH = Path("desired-state")
F = TypeVar("F", bound=Callable[..., Any])


def _console(*, stderr: bool) -> Console:
    # Everything printed passes through the redactor; no colour system means no escape
    # sequence at all (see reconciler.cli.colour).
    if styling_allowed():
        return RedactingConsole(stderr=stderr, highlight=False)
    return RedactingConsole(stderr=stderr, highlight=False, color_system=None, no_color=True)


def out_console() -> Console:
    return _console(stderr=False)


def err_console() -> Console:
    return _console(stderr=True)


def github_options(command: F) -> F:
    """--github-url and --sandbox (and how the run is watched), accepted before or after the
    command name."""
    command = watch_options(command)
    command = click.option(
        "--sandbox",
        is_flag=True,
        default=None,
        help="Talk to the built-in GitHub sandbox (state in .reconciler/, or $RECONCILER_SANDBOX_STATE).",
    )(command)
    command = click.option(
        "--github-url",
        metavar="URL",
        default=None,
        help="GitHub API URL (env GITHUB_API_URL; default https://api.github.com; GHES: https://HOST/api/v3).",
    )(command)
    return command


def github_from(ctx: click.Context, github_url: str | None, sandbox: bool | None) -> GitHubOptions:
    """This command's GitHub options, falling back to those given before the command name."""
    parent: GitHubOptions = ctx.find_object(GitHubOptions) or GitHubOptions()
    watching = settings(ctx)
    return GitHubOptions(
        github_url=github_url if github_url is not None else parent.github_url,
        sandbox=sandbox if sandbox is not None else parent.sandbox,
        connect_timeout=watching.connect_timeout,
        read_timeout=watching.read_timeout,
        watch=start_watch(ctx),
    )


path_argument = click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH, required=False)
auto_approve_option = click.option(
    "--auto-approve", is_flag=True, help="Apply without asking (needed when there is no terminal)."
)
repo_option = click.option(
    "--repo", "repos", multiple=True, metavar="OWNER/NAME", help="Only this repository (repeatable)."
)
plan_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: for people. json: the plan document (plan.schema.json). markdown: for a pull request or an issue.",
)
plan_out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also save the plan as JSON here (whatever --format prints).",
)
rotate_option = click.option(
    "--rotate-secrets",
    is_flag=True,
    help="Also replace secrets that exist and have a value source (from_env). Never done otherwise.",
)
lock_timeout_option = click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another apply, stop or uninstall on the same desired state and GitHub "
    "to finish (0: fail at once).",
)
