"""Command line. Each command parses its options and calls one function.

Exit codes: 0 OK or no changes; 2 changes or drift present; 1 a known error (bad input,
authentication, API); 3 a bug in reconciler.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from reconciler import __version__
from reconciler.commands.apply import ApplyOptions, run_apply
from reconciler.commands.github_session import GitHubOptions, sandbox_state_file
from reconciler.commands.import_repositories import ImportOptions, run_import
from reconciler.commands.plan import PlanOptions, run_plan
from reconciler.commands.validate import run_validate
from reconciler.errors import ReconcilerError
from reconciler.resources.base import PlanSettings

EXIT_BUG = 3
DEFAULT_PATH = Path("desired-state")
F = TypeVar("F", bound=Callable[..., Any])


def _out() -> Console:
    return Console(highlight=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def github_options(command: F) -> F:
    """--github-url and --sandbox, accepted before or after the command name."""
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


def _github(ctx: click.Context, github_url: str | None, sandbox: bool | None) -> GitHubOptions:
    parent: GitHubOptions = ctx.find_object(GitHubOptions) or GitHubOptions()
    return GitHubOptions(
        github_url=github_url if github_url is not None else parent.github_url,
        sandbox=sandbox if sandbox is not None else parent.sandbox,
    )


path_argument = click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH, required=False)
repo_option = click.option(
    "--repo", "repos", multiple=True, metavar="OWNER/NAME", help="Only this repository (repeatable)."
)
rotate_option = click.option(
    "--rotate-secrets",
    is_flag=True,
    help="Also replace secrets that exist and have a value source (from_env). Never done otherwise.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@github_options
@click.pass_context
def cli(ctx: click.Context, github_url: str | None, sandbox: bool | None) -> None:
    """Declare what GitHub repositories must have; plan and apply the difference.

    The token is read from GITHUB_TOKEN or GH_TOKEN.
    """
    ctx.obj = GitHubOptions(github_url=github_url, sandbox=bool(sandbox))


@cli.command()
@path_argument
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. actionlint findings).")
def validate(path: Path, strict: bool) -> int:
    """Check desired-state files. Contacts nothing; lists every problem as file:line:column."""
    return run_validate(path, _out(), _err(), strict=strict)


@cli.command()
@path_argument
@repo_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Also save the plan as JSON here.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes (0 when none).")
@rotate_option
@github_options
@click.pass_context
def plan(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    output_format: str,
    out: Path | None,
    detailed_exitcode: bool,
    rotate_secrets: bool,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Show what apply would change. Reads GitHub; never writes."""
    options = PlanOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        repos=repos,
        output_format=output_format,
        out=out,
        detailed_exitcode=detailed_exitcode,
        settings=PlanSettings(rotate_secrets=rotate_secrets),
    )
    return run_plan(options, _out())


@cli.command()
@path_argument
@repo_option
@click.option("--auto-approve", is_flag=True, help="Apply without asking (needed when there is no terminal).")
@rotate_option
@github_options
@click.pass_context
def apply(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    auto_approve: bool,
    rotate_secrets: bool,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Plan, show the plan, ask, then make live GitHub match the desired state."""
    options = ApplyOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        repos=repos,
        auto_approve=auto_approve,
        settings=PlanSettings(rotate_secrets=rotate_secrets),
    )
    return run_apply(options, _out())


@cli.command("import")
@click.argument("repositories", nargs=-1, metavar="[OWNER/NAME]...")
@click.option("--org", "organization", metavar="ORG", default=None, help="Import every repository of an organisation.")
@click.option(
    "--path",
    type=click.Path(path_type=Path),
    default=DEFAULT_PATH,
    show_default=True,
    help="The desired-state directory to write into.",
)
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path),
    default=None,
    help="Put the imported repositories in this one file (inside --path), not one file per repository.",
)
@click.option("--include-archived", is_flag=True, help="With --org, also import archived repositories.")
@click.option("--include-forks", is_flag=True, help="With --org, also import forks.")
@github_options
@click.pass_context
def import_command(
    ctx: click.Context,
    repositories: tuple[str, ...],
    organization: str | None,
    path: Path,
    file: Path | None,
    include_archived: bool,
    include_forks: bool,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Write desired state from what repositories have on GitHub now. Reads GitHub; never writes it.

    Labels, workflow files (bodies under PATH/workflows/) and their state, secret names and
    variables. A repository already declared is updated in place, keeping comments and order.
    Afterwards `reconciler plan` shows no changes for it, or this command says why it would.
    """
    options = ImportOptions(
        github=_github(ctx, github_url, sandbox),
        repositories=repositories,
        organization=organization,
        path=path,
        file=file,
        include_archived=include_archived,
        include_forks=include_forks,
    )
    return run_import(options, _out(), _err())


@cli.group()
def sandbox() -> None:
    """The built-in GitHub sandbox: a stateful stand-in for GitHub's REST API on 127.0.0.1."""


@sandbox.command("serve")
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--state", "state", type=click.Path(path_type=Path), default=None, help="State file.")
def sandbox_serve(port: int, state: Path | None) -> int:
    """Serve the sandbox in the foreground, for curl or any GitHub client."""
    from reconciler.sandbox import serve

    serve(port=port, state_file=state or sandbox_state_file())
    return 0


@sandbox.command("reset")
@click.option("--state", "state", type=click.Path(path_type=Path), default=None, help="State file.")
def sandbox_reset(state: Path | None) -> int:
    """Forget every change: the next --sandbox command starts from the seeded, drifted state."""
    target = state or sandbox_state_file()
    target.unlink(missing_ok=True)
    _out().print(f"Sandbox state reset ({target}).")
    return 0


def invoke(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    err = _err()
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        err.print("Aborted.")
        return 1
    except click.ClickException as exc:
        exc.show()
        return 1
    except ReconcilerError as exc:
        err.print(Text(f"Error: {exc}", style="bold red"), soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err.print("Interrupted.")
        return 1
    except Exception:
        err.print(Text("reconciler hit a bug. Please report it with the trace below.", style="bold red"))
        traceback.print_exc()
        return EXIT_BUG
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(invoke())
