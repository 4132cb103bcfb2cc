"""The commands for running a fleet: drift, verify, stop."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.colour import no_color_option
from reconciler.cli.help import HANDBOOK, KERNEL, examples
from reconciler.cli.options import (
    err_console,
    github_from,
    github_options,
    lock_timeout_option,
    out_console,
    path_argument,
    plan_format_option,
    plan_out_option,
    repo_option,
    shard_from,
    shard_options,
)


@click.command(
    epilog=examples(
        f"reconciler stop --sandbox --repo {KERNEL}   # disable its agent workflow; print the override",
        "reconciler stop --sandbox --write            # everywhere, and record it in the desired state",
    )
)
@path_argument
@repo_option
@click.option("--write", is_flag=True, help="Also write state: disabled into the desired state, without asking.")
@lock_timeout_option
@github_options
@no_color_option
@click.pass_context
def stop(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    write: bool,
    lock_timeout: float,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Emergency stop: disable every agent workflow (agent: true) in the selected repositories
    at once, without planning anything else; then record it in the desired state."""
    from reconciler.commands.stop import StopOptions, run_stop

    options = StopOptions(
        path=path, github=github_from(ctx, github_url, sandbox), repos=repos, write=write, lock_timeout=lock_timeout
    )
    return run_stop(options, out_console())


@click.command(
    epilog=examples(
        "reconciler drift --sandbox                   # exit 2: the sandbox starts drifted",
        "reconciler drift --sandbox --format markdown --out .reconciler/drift.json   # exit 2; the plan saved as JSON",
        f"reconciler drift --sandbox --report-issue {HANDBOOK}   # exit 2; keeps one drift issue there",
    )
)
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
@click.option(
    "--from-plan",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="PLAN.json",
    help="Report this saved plan (from plan --out, or merged by plan merge) instead of reading GitHub.",
)
@shard_options
@github_options
@no_color_option
@click.pass_context
def drift(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    output_format: str,
    out: Path | None,
    report_issue: str | None,
    from_plan: Path | None,
    shard: str | None,
    shard_by: str,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Plan everything and exit 2 on drift, 0 when live GitHub matches. Reads only,
    except the one --report-issue issue. With --from-plan, a sharded run's merged plan is
    reported (and kept in the issue) as one."""
    from reconciler.commands.drift import DriftOptions, run_drift

    options = DriftOptions(
        path=path,
        github=github_from(ctx, github_url, sandbox),
        repos=repos,
        output_format=output_format,
        out=out,
        report_issue=report_issue,
        shard=shard_from(shard, shard_by),
        from_plan=from_plan,
    )
    return run_drift(options, out_console(), err_console())


@click.command(
    epilog=examples(
        "reconciler verify --sandbox                  # exit 2: the sandbox starts drifted",
        "reconciler verify --sandbox --out .reconciler/health.md  # exit 2; the Markdown report, whatever the outcome",
        f"reconciler verify --sandbox --repo {KERNEL} --format json   # exit 2; verify.schema.json's document",
    )
)
@path_argument
@repo_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a table. json: one document on stdout (verify.schema.json). markdown: the report --out writes.",
)
@click.option(
    "--out",
    "--report-file",
    "report_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also write the report as Markdown here (written whatever the outcome). --report-file is the old name.",
)
@shard_options
@github_options
@no_color_option
@click.pass_context
def verify(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    output_format: str,
    report_file: Path | None,
    shard: str | None,
    shard_by: str,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Health check: the plan, plus token, permissions, rate limit, workflow files, secrets and
    pack workflows. Reads GitHub; never writes. Exit 0 healthy, 2 drift, 1 broken."""
    from reconciler.commands.verify import VerifyOptions, run_verify

    options = VerifyOptions(
        path=path,
        github=github_from(ctx, github_url, sandbox),
        repos=repos,
        report_file=report_file,
        output_format=output_format,
        shard=shard_from(shard, shard_by),
    )
    return run_verify(options, out_console(), err=err_console())


COMMANDS = (drift, verify, stop)
