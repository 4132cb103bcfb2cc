"""The commands about the desired state itself: validate, explain, import."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.options import DEFAULT_PATH, err_console, github_from, github_options, out_console, path_argument


@click.command()
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
    from reconciler.commands.validate import run_validate

    return run_validate(path, out_console(), err_console(), strict=strict, output_format=output_format)


@click.command()
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
    from reconciler.commands.explain import run_explain

    return run_explain(path, repository, github_from(ctx, github_url, sandbox), output_format, out_console())


@click.command("import")
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
    from reconciler.commands.import_ import ImportOptions, run_import

    options = ImportOptions(
        github=github_from(ctx, github_url, sandbox),
        repositories=repositories,
        organization=organization,
        path=path,
        file=file,
        include_archived=include_archived,
        include_forks=include_forks,
    )
    return run_import(options, out_console(), err_console())


COMMANDS = (validate, explain, import_command)
