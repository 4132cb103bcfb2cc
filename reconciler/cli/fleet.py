"""The commands for watching a fleet: status and monitor."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from reconciler.cli.colour import no_color_option
from reconciler.cli.help import HANDBOOK, KERNEL, examples
from reconciler.cli.options import err_console, github_from, github_options, out_console, path_argument, repo_option
from reconciler.durations import parse_duration
from reconciler.github.runs import FAILING_AFTER


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, timedelta]:
    """`24h`, `90m`, `7d`, `2w`, or seconds: as typed, and as a length of time."""
    try:
        return value, parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.command(
    epilog=examples(
        "reconciler status --sandbox                  # the fleet table: packs, agent loops, runs, pull requests",
        "reconciler status --sandbox --since 3d --format html --out .reconciler/status.html  # one page",
        f"reconciler status --sandbox --repo {KERNEL} --format json",
    )
)
@path_argument
@repo_option
@click.option(
    "--since",
    metavar="DURATION",
    callback=_duration,
    default="24h",
    show_default=True,
    help="Count workflow runs created this long ago or later (90m, 24h, 7d, 2w).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="text: a table. json: one document (status.schema.json). markdown: for a job summary. "
    "html: one self-contained page with charts.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write the status (in --format) to this file instead of standard output.",
)
@github_options
@no_color_option
@click.pass_context
def status(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    since: tuple[str, timedelta],
    output_format: str,
    out: Path | None,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """The fleet at a glance, read-only: each repository's packs (converged, drifted, not
    installed), agent loop and its runs, STOP file, pull requests waiting for a person, and
    limits; those that need a person first. Exit 1 when a repository could not be read."""
    from reconciler.commands.status import StatusOptions, run_status

    window, length = since
    options = StatusOptions(
        path=path,
        github=github_from(ctx, github_url, sandbox),
        repos=repos,
        since=length,
        window=window,
        output_format=output_format,
        out=out,
    )
    return run_status(options, out_console(), err_console())


@click.command(
    epilog=examples(
        "reconciler monitor --sandbox                 # exit 2: an agent loop keeps failing",
        f"reconciler monitor --sandbox --report-issue {HANDBOOK}   # exit 2; one alert issue per failing loop",
    )
)
@path_argument
@click.option(
    "--report-issue",
    metavar="OWNER/NAME",
    default=None,
    help="Keep one alert issue per failing agent loop in this repository: opened, updated, closed on recovery.",
)
@click.option(
    "--failures",
    type=click.IntRange(min=1, max=50),
    default=FAILING_AFTER,
    show_default=True,
    help="Failed runs in a row (since the last success) that make an agent loop an alert.",
)
@github_options
@no_color_option
@click.pass_context
def monitor(
    ctx: click.Context,
    path: Path,
    report_issue: str | None,
    failures: int,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """The runbook's hourly monitoring: is any agent loop failing? Exit 2 while an alert is
    open, 0 when every loop is healthy, 1 when a loop's runs could not be read. Reads only,
    except the --report-issue issues."""
    from reconciler.commands.monitor import MonitorOptions, run_monitor

    options = MonitorOptions(
        path=path, github=github_from(ctx, github_url, sandbox), report_issue=report_issue, failures=failures
    )
    return run_monitor(options, out_console(), err_console())


COMMANDS = (status, monitor)
