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
from reconciler.plan.shard import Shard, ShardBy

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


# The App options reach commands through the context, not as parameters: every command takes
# them (before or after its name) without each command function naming them.
_APP_META = "reconciler.github_app"


def _remember_app_option(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None and param.name is not None:
        ctx.meta.setdefault(_APP_META, {})[param.name] = value


def github_options(command: F) -> F:
    """--github-url, --sandbox and the GitHub App's options (and how the run is watched),
    accepted before or after the command name."""
    command = watch_options(command)
    for name, metavar, kind, help_text in (
        (
            "--app-installation-id",
            "ID",
            click.STRING,
            "With --app-id: use this installation for every repository instead of finding each owner's "
            "(env RECONCILER_APP_INSTALLATION_ID, else GITHUB_APP_INSTALLATION_ID).",
        ),
        (
            "--app-private-key",
            "FILE",
            click.Path(path_type=Path, dir_okay=False),
            "The GitHub App's private key, a .pem file (env RECONCILER_APP_PRIVATE_KEY, else GITHUB_APP_PRIVATE_KEY: "
            "the PEM text).",
        ),
        (
            "--app-id",
            "ID",
            click.STRING,
            "Act as this GitHub App (its ID or client ID), minting installation tokens (env RECONCILER_APP_ID, else "
            "GITHUB_APP_ID).",
        ),
    ):
        command = click.option(
            name,
            metavar=metavar,
            type=kind,
            default=None,
            expose_value=False,
            callback=_remember_app_option,
            help=help_text,
        )(command)
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
    app: dict[str, Any] = ctx.meta.get(_APP_META, {})
    watching = settings(ctx)
    return GitHubOptions(
        github_url=github_url if github_url is not None else parent.github_url,
        sandbox=sandbox if sandbox is not None else parent.sandbox,
        app_id=app.get("app_id"),
        app_private_key=app.get("app_private_key"),
        app_installation_id=app.get("app_installation_id"),
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


def shard_options(command: F) -> F:
    """--shard K/N and --shard-by, for the commands that plan (plan, apply, drift, verify)."""
    command = click.option(
        "--shard-by",
        type=click.Choice([by.value for by in ShardBy]),
        default=ShardBy.REPOSITORY.value,
        show_default=True,
        help="How --shard splits: by repository (owner/name), or by owner, keeping an owner's repositories "
        "(and its GitHub App installation's budget) in one shard.",
    )(command)
    command = click.option(
        "--shard",
        metavar="K/N",
        default=None,
        help="Only shard K of N of the selected repositories (each is in exactly one shard, by a hash of its "
        "name). reconciler plan merge joins the shards' plans.",
    )(command)
    return command


def shard_from(shard: str | None, shard_by: str) -> Shard | None:
    if shard is None:
        return None
    try:
        return Shard.parse(shard, shard_by)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--shard'") from None
