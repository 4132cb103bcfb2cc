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
from reconciler.commands.drift import DriftOptions, run_drift
from reconciler.commands.explain import run_explain
from reconciler.commands.import_repositories import ImportOptions, run_import
from reconciler.commands.plan import PlanOptions, run_plan
from reconciler.commands.stop import StopOptions, run_stop
from reconciler.commands.support.connect import GitHubOptions
from reconciler.commands.uninstall import UninstallOptions, run_uninstall
from reconciler.commands.validate import run_validate
from reconciler.commands.verify import VerifyOptions, run_verify
from reconciler.engine.guards import MAX_DELETIONS, MAX_SHARE, DeletionAllowance
from reconciler.errors import DesiredStateError, ReconcilerError
from reconciler.lazy_group import LazyGroup
from reconciler.plan.settings import PlanSettings
from reconciler.render.text import show_problems

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
    help="Output format.",
)
plan_out_option = click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Also save the plan as JSON here."
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
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: print problems as GitHub Actions annotations (::error file=...,line=...::).",
)
def validate(path: Path, strict: bool, output_format: str) -> int:
    """Check desired-state files. Contacts nothing; lists every problem as file:line:column."""
    return run_validate(path, _out(), _err(), strict=strict, output_format=output_format)


@cli.command()
@path_argument
@repo_option
@plan_format_option
@plan_out_option
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes (0 when none).")
@click.option(
    "--changed-only",
    metavar="BASE_REF",
    default=None,
    help="Plan only repositories whose effective desired state differs from the one at this git revision.",
)
@click.option(
    "--comment-on",
    metavar="OWNER/NAME#NUMBER",
    default=None,
    help="Also keep the plan as one Markdown comment on this pull request (the only write).",
)
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
    changed_only: str | None,
    comment_on: str | None,
    rotate_secrets: bool,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Show what apply would change. Reads GitHub; never writes (except --comment-on's comment)."""
    options = PlanOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        repos=repos,
        output_format=output_format,
        out=out,
        detailed_exitcode=detailed_exitcode,
        settings=PlanSettings(rotate_secrets=rotate_secrets),
        comment_on=comment_on,
        changed_only=changed_only,
    )
    return run_plan(options, _out(), _err())


@cli.command()
@path_argument
@repo_option
@auto_approve_option
@click.option("--refresh", is_flag=True, help="With a saved plan: ignore it and plan afresh from its desired state.")
@rotate_option
@click.option(
    "--allow-deletions",
    metavar="N|all",
    default=None,
    help=f"Allow up to N deletions (or all). Without it apply refuses more than {MAX_DELETIONS} deletions, "
    f"or more than {MAX_SHARE:.0%} of what it found in a repository.",
)
@github_options
@click.pass_context
def apply(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    auto_approve: bool,
    refresh: bool,
    rotate_secrets: bool,
    allow_deletions: str | None,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Plan, show the plan, ask, then make live GitHub match the desired state.

    PATH is the desired state, or a saved plan (a .json file from plan --out): apply makes
    exactly that plan, or refuses with "stale plan" when what it relied on changed since.

    Refuses to run while a STOP file sits at the root of the desired state (the kill switch).
    """
    options = ApplyOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        repos=repos,
        auto_approve=auto_approve,
        settings=PlanSettings(rotate_secrets=rotate_secrets),
        allow_deletions=DeletionAllowance.parse(allow_deletions),
        refresh=refresh,
    )
    return run_apply(options, _out())


@cli.command()
@click.option("--pack", required=True, metavar="NAME", help="The pack to remove.")
@path_argument
@repo_option
@click.option("--include-secrets", is_flag=True, help="Also delete the secrets the pack declares.")
@click.option("--plan-only", is_flag=True, help="Show what would be removed; exit 2 if anything would be.")
@auto_approve_option
@github_options
@click.pass_context
def uninstall(
    ctx: click.Context,
    pack: str,
    path: Path,
    repos: tuple[str, ...],
    include_secrets: bool,
    plan_only: bool,
    auto_approve: bool,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Remove exactly what a pack put in its repositories (labels with their issue counts,
    workflow files, variables; secrets only with --include-secrets). Anything another pack or
    the repository itself declares stays."""
    options = UninstallOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        pack=pack,
        repos=repos,
        include_secrets=include_secrets,
        auto_approve=auto_approve,
        plan_only=plan_only,
    )
    return run_uninstall(options, _out())


@cli.command()
@click.argument("repository", metavar="OWNER/NAME")
@path_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@github_options
@click.pass_context
def explain(
    ctx: click.Context,
    repository: str,
    path: Path,
    output_format: str,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Show one repository's effective desired state, and the file:line every value came from.

    Contacts GitHub (read-only) only when an organisation target could select the repository.
    """
    return run_explain(path, repository, _github(ctx, github_url, sandbox), output_format, _out())


@cli.command()
@path_argument
@repo_option
@click.option("--write", is_flag=True, help="Also write state: disabled into the desired state, without asking.")
@github_options
@click.pass_context
def stop(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    write: bool,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Emergency stop: disable every agent workflow (agent: true) in the selected repositories
    at once, without planning anything else; then record it in the desired state."""
    options = StopOptions(path=path, github=_github(ctx, github_url, sandbox), repos=repos, write=write)
    return run_stop(options, _out())


@cli.command()
@path_argument
@repo_option
@plan_format_option
@plan_out_option
@click.option(
    "--report-issue",
    metavar="OWNER/NAME",
    default=None,
    help="Keep one drift issue in this repository: opened, updated, and closed when drift is gone.",
)
@github_options
@click.pass_context
def drift(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    output_format: str,
    out: Path | None,
    report_issue: str | None,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Plan everything and exit 2 on drift, 0 when live GitHub matches. Reads only,
    except the one --report-issue issue."""
    options = DriftOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        repos=repos,
        output_format=output_format,
        out=out,
        report_issue=report_issue,
    )
    return run_drift(options, _out(), _err())


@cli.command()
@path_argument
@repo_option
@click.option(
    "--report-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write the report as Markdown here (written whatever the outcome).",
)
@github_options
@click.pass_context
def verify(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    report_file: Path | None,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Health check: the plan, plus token, permissions, rate limit, workflow files, secrets and
    pack workflows. Reads GitHub; never writes. Exit 0 healthy, 2 drift, 1 broken."""
    options = VerifyOptions(
        path=path,
        github=_github(ctx, github_url, sandbox),
        repos=repos,
        report_file=report_file,
    )
    return run_verify(options, _out())


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


# The sandbox owns its commands; they load only when `reconciler sandbox ...` runs.
cli.add_command(LazyGroup("sandbox", "reconciler.sandbox.cli:sandbox_group", help="The built-in GitHub sandbox."))


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
    except DesiredStateError as exc:
        # Every command that loads the desired state lists every problem, as validate does.
        show_problems(exc.problems, err)
        err.print(Text(f"Error: {exc}", style="bold red"), soft_wrap=True)
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
