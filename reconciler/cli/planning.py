"""The commands that plan and change: plan, apply, uninstall."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.colour import no_color_option
from reconciler.cli.help import KERNEL, RUNTIME, examples
from reconciler.cli.options import (
    auto_approve_option,
    err_console,
    github_from,
    github_options,
    lock_timeout_option,
    out_console,
    path_argument,
    plan_format_option,
    plan_out_option,
    repo_option,
    rotate_option,
    shard_from,
    shard_options,
)
from reconciler.engine.guards import MAX_DELETIONS, MAX_SHARE, DeletionAllowance
from reconciler.plan.settings import PlanSettings


@click.command(
    epilog=examples(
        "reconciler plan --sandbox                    # what apply would change",
        "reconciler plan --sandbox --detailed-exitcode --out .reconciler/plan.json   # exit 2: changes; plan saved",
        f"reconciler plan --sandbox --repo {RUNTIME} --format markdown",
    )
)
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
@click.option(
    "--show-unchanged",
    is_flag=True,
    help="List every unchanged object too (the plan otherwise counts them per repository and kind).",
)
@rotate_option
@shard_options
@github_options
@no_color_option
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
    show_unchanged: bool,
    rotate_secrets: bool,
    shard: str | None,
    shard_by: str,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Show what apply would change. Reads GitHub; never writes (except --comment-on's comment).

    reconciler plan merge A.json B.json ... --out plan.json joins the plans of shards
    (--shard K/N) into one; see reconciler shards --help. (A desired-state directory named
    merge is written ./merge.)
    """
    from reconciler.commands.plan import PlanOptions, run_plan

    options = PlanOptions(
        path=path,
        github=github_from(ctx, github_url, sandbox),
        repos=repos,
        output_format=output_format,
        out=out,
        detailed_exitcode=detailed_exitcode,
        settings=PlanSettings(rotate_secrets=rotate_secrets, keep_unchanged=show_unchanged),
        comment_on=comment_on,
        changed_only=changed_only,
        shard=shard_from(shard, shard_by),
    )
    return run_plan(options, out_console(), err_console())


@click.command(
    epilog=examples(
        f"reconciler apply --sandbox --repo {KERNEL} --auto-approve",
        "reconciler plan --sandbox --out .reconciler/plan.json    # save a plan to review, then apply exactly it:",
        "reconciler apply .reconciler/plan.json --sandbox --auto-approve   # exit 1: one secret needs a person",
    )
)
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
@lock_timeout_option
@shard_options
@github_options
@no_color_option
@click.pass_context
def apply(
    ctx: click.Context,
    path: Path,
    repos: tuple[str, ...],
    auto_approve: bool,
    refresh: bool,
    rotate_secrets: bool,
    allow_deletions: str | None,
    lock_timeout: float,
    shard: str | None,
    shard_by: str,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Plan, show the plan, ask, then make live GitHub match the desired state.

    PATH is the desired state, or a saved plan (a .json file from plan --out): apply makes
    exactly that plan, or refuses with "stale plan" when what it relied on changed since.

    Refuses to run while a STOP file sits at the root of the desired state (the kill switch).
    """
    from reconciler.commands.apply import ApplyOptions, run_apply

    options = ApplyOptions(
        path=path,
        github=github_from(ctx, github_url, sandbox),
        repos=repos,
        auto_approve=auto_approve,
        settings=PlanSettings(rotate_secrets=rotate_secrets),
        allow_deletions=DeletionAllowance.parse(allow_deletions),
        refresh=refresh,
        lock_timeout=lock_timeout,
        shard=shard_from(shard, shard_by),
    )
    return run_apply(options, out_console())


@click.command(
    epilog=examples(
        "reconciler uninstall --pack sovereign-autonomy --sandbox --plan-only   # exit 2: what it would remove",
        f"reconciler uninstall --pack sovereign-autonomy --sandbox --repo {KERNEL} --auto-approve",
        "reconciler uninstall --pack sovereign-autonomy --sandbox --include-secrets --plan-only   # exit 2",
    )
)
@click.option("--pack", required=True, metavar="NAME", help="The pack to remove.")
@path_argument
@repo_option
@click.option("--include-secrets", is_flag=True, help="Also delete the secrets the pack declares.")
@click.option("--plan-only", is_flag=True, help="Show what would be removed; exit 2 if anything would be.")
@auto_approve_option
@lock_timeout_option
@github_options
@no_color_option
@click.pass_context
def uninstall(
    ctx: click.Context,
    pack: str,
    path: Path,
    repos: tuple[str, ...],
    include_secrets: bool,
    plan_only: bool,
    auto_approve: bool,
    lock_timeout: float,
    github_url: str | None,
    sandbox: bool | None,
) -> int:
    """Remove exactly what a pack put in its repositories (labels with their issue counts,
    workflow files, variables; secrets only with --include-secrets). Anything another pack or
    the repository itself declares stays."""
    from reconciler.commands.uninstall import UninstallOptions, run_uninstall

    options = UninstallOptions(
        path=path,
        github=github_from(ctx, github_url, sandbox),
        pack=pack,
        repos=repos,
        include_secrets=include_secrets,
        auto_approve=auto_approve,
        plan_only=plan_only,
        lock_timeout=lock_timeout,
    )
    return run_uninstall(options, out_console())


COMMANDS = (plan, apply, uninstall)
