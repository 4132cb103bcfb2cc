"""The command line: a thin layer that parses options and calls one command function.

Exit codes: 0 OK or no changes; 2 changes or drift present; 1 a known error (bad input,
authentication, API); 3 a bug in reconciler. Command modules are loaded only when their
command runs, so `--help` and `validate` stay quick and never load the GitHub client.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click
from rich.text import Text

from reconciler import __version__
from reconciler.cli import declaring, fleet, housekeeping, operating, planning, sharding
from reconciler.cli.colour import NO_COLOR_FLAG, no_color_option
from reconciler.cli.help import TOP_LEVEL_EPILOG
from reconciler.cli.options import err_console, github_options
from reconciler.cli.redacted import redact_log_records
from reconciler.commands.support.exit_codes import EXIT_BUG, EXIT_ERROR
from reconciler.commands.support.options import GitHubOptions
from reconciler.errors import DesiredStateError, ReconcilerError
from reconciler.lazy_group import LazyGroup
from reconciler.render.text import show_problems


class ReconcilerGroup(click.Group):
    """`plan` takes a PATH, yet `reconciler plan merge A B --out F` merges plans: a command
    name followed by a subcommand's name goes to that subcommand (a desired-state directory
    named `merge` is written `./merge`)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if len(args) >= 2:
            found = sharding.SUBCOMMANDS.get((args[0], args[1]))
            if found is not None:
                return f"{args[0]} {args[1]}", found, args[2:]
        return super().resolve_command(ctx, args)


@click.group(cls=ReconcilerGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=TOP_LEVEL_EPILOG)
@click.version_option(__version__, "-V", "--version", prog_name="reconciler")
@github_options
@no_color_option
@click.pass_context
def cli(ctx: click.Context, github_url: str | None, sandbox: bool | None) -> None:
    """Declare what GitHub repositories must have; plan and apply the difference.

    Credentials, the first found: a GitHub App (--app-id and --app-private-key, or
    RECONCILER_APP_ID and RECONCILER_APP_PRIVATE_KEY, else GITHUB_APP_ID and
    GITHUB_APP_PRIVATE_KEY); GH_TOKEN; GITHUB_TOKEN; `gh auth token` for the API's host.
    PATH, the desired-state directory, is ./desired-state unless given.
    --sandbox, --github-url, the --app-* options and --no-color go before or after the command
    name.
    """
    ctx.obj = GitHubOptions(github_url=github_url, sandbox=bool(sandbox))


COMMANDS = (
    *declaring.COMMANDS,
    *planning.COMMANDS,
    *operating.COMMANDS,
    *fleet.COMMANDS,
    *sharding.COMMANDS,
    *housekeeping.COMMANDS,
)
for command in COMMANDS:
    cli.add_command(command)
# The sandbox owns its commands; they load only when `reconciler sandbox ...` runs.
cli.add_command(LazyGroup("sandbox", "reconciler.sandbox.cli:sandbox_group", help="The built-in GitHub sandbox."))


def invoke(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting. Whatever it prints, errors
    and traces included, goes through the redacting consoles (reconciler.cli.redacted)."""
    redact_log_records()
    colour = NO_COLOR_FLAG.set(False)
    try:
        return _run(argv)
    finally:
        NO_COLOR_FLAG.reset(colour)


def _run(argv: Sequence[str] | None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        err_console().print("Aborted.")
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show(err_console().file)
        return EXIT_ERROR
    except DesiredStateError as exc:
        # Every command that loads the desired state lists every problem, as validate does.
        # The console is made only now, after --no-color was read.
        err = err_console()
        show_problems(exc.problems, err)
        err.print(Text(f"Error: {exc}", style="bold red"), soft_wrap=True)
        return EXIT_ERROR
    except ReconcilerError as exc:
        err_console().print(Text(f"Error: {exc}", style="bold red"), soft_wrap=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        err_console().print("Interrupted.")
        return EXIT_ERROR
    except Exception:
        err = err_console()
        err.print(Text("reconciler hit a bug. Please report it with the trace below.", style="bold red"))
        err.file.write(traceback.format_exc())
        return EXIT_BUG
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(invoke())
