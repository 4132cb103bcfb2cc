"""The commands about the desired state itself: validate, explain, import."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from reconciler.cli.colour import no_color_option
from reconciler.cli.help import HANDBOOK, INFRA, ORG, RELEASE, RUNTIME, SITE, examples
from reconciler.cli.import_arguments import import_targets
from reconciler.cli.options import DEFAULT_PATH, err_console, github_from, github_options, out_console, path_argument


@click.command(
    epilog=examples(
        "reconciler validate                          # every problem, as file:line:column",
        "reconciler validate desired-state --strict --format github   # as GitHub Actions annotations",
        "reconciler validate --format json            # one versioned JSON document (validate.schema.json)",
    )
)
@path_argument
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. actionlint findings).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text: problems on stderr, a verdict on stdout. github: GitHub Actions annotations "
    "(::error file=...,line=...::) on stdout. json: one document on stdout (validate.schema.json).",
)
@no_color_option
def validate(path: Path, strict: bool, output_format: str) -> int:
    """Check desired-state files. Contacts nothing; lists every problem as file:line:column."""
    from reconciler.commands.validate import run_validate

    return run_validate(path, out_console(), err_console(), strict=strict, output_format=output_format)


@click.command(
    epilog=examples(
        f"reconciler explain {RUNTIME} --sandbox",
        f"reconciler explain {HANDBOOK} desired-state --sandbox",
        f"reconciler explain {RUNTIME} --sandbox --format json",
    )
)
@click.argument("repository", metavar="OWNER/NAME")
@path_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: each value with the file:line and layer it came from. json: one document on stdout "
    "(explain.schema.json).",
)
@github_options
@no_color_option
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


@click.command(
    "import",
    epilog=examples(
        f"reconciler import --repo {SITE} --sandbox",
        f"reconciler import onboarded --org {ORG} --sandbox   # into ./onboarded",
        f"reconciler import --repo {INFRA} --repo {RELEASE} --file desired-state/platform.yml --sandbox",
    ),
)
@click.argument("arguments", nargs=-1, metavar="[PATH]")
@click.option("--repo", "repos", multiple=True, metavar="OWNER/NAME", help="Import this repository (repeatable).")
@click.option("--org", "organization", metavar="ORG", default=None, help="Import every repository of an organisation.")
@click.option(
    "--path",
    "legacy_path",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Deprecated: give the directory as PATH.",
)
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Put the imported repositories in this one file (inside PATH), not one file per repository.",
)
@click.option("--include-archived", is_flag=True, help="With --org, also import archived repositories.")
@click.option("--include-forks", is_flag=True, help="With --org, also import forks.")
@github_options
@no_color_option
@click.pass_context
def import_command(
    ctx: click.Context,
    arguments: tuple[str, ...],
    repos: tuple[str, ...],
    organization: str | None,
    legacy_path: Path | None,
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

    The old form, `reconciler import OWNER/NAME... [--path DIR]`, still works.
    """
    from reconciler.commands.import_ import ImportOptions, run_import

    targets = import_targets(arguments, repos, organization, legacy_path, DEFAULT_PATH)
    err = err_console()
    for notice in targets.deprecations:
        err.print(Text(notice, style="yellow"), soft_wrap=True)
    options = ImportOptions(
        github=github_from(ctx, github_url, sandbox),
        repositories=targets.repositories,
        organization=organization,
        path=targets.path,
        file=file,
        include_archived=include_archived,
        include_forks=include_forks,
    )
    return run_import(options, out_console(), err)


COMMANDS = (validate, explain, import_command)
