"""Fleets split over jobs: `reconciler shards N` (the list, or GitHub Actions' matrix) and
`reconciler plan merge` (the shards' plans as one). Neither contacts GitHub."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.colour import no_color_option
from reconciler.cli.help import examples
from reconciler.cli.options import err_console, out_console, path_argument
from reconciler.plan.shard import MAX_SHARDS, ShardBy


@click.command(
    epilog=examples(
        "reconciler shards 4 --format github-matrix    # the matrix for strategy.matrix",
        "reconciler plan --sandbox --shard 1/2 --out .reconciler/plan-1-of-2.json",
        "reconciler plan --sandbox --shard 2/2 --out .reconciler/plan-2-of-2.json",
        "reconciler plan merge .reconciler/plan-1-of-2.json .reconciler/plan-2-of-2.json --out .reconciler/plan.json",
    )
)
@click.argument("count", type=click.IntRange(1, MAX_SHARDS), metavar="N")
@path_argument
@click.option(
    "--shard-by",
    type=click.Choice([by.value for by in ShardBy]),
    default=ShardBy.REPOSITORY.value,
    show_default=True,
    help="Accepted for symmetry with the jobs' --shard-by: the list of shards is the same either way.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github-matrix"]),
    default="text",
    show_default=True,
    help='text: one K/N a line. github-matrix: {"include":[{"shard":"1/N"},...]} for a workflow\'s '
    "strategy.matrix (fromJSON).",
)
@no_color_option
def shards(count: int, path: Path, shard_by: str, output_format: str) -> int:
    """List the N shards to split the repositories over, for N jobs that each run
    plan, apply, drift or verify with --shard K/N (and the same --shard-by).

    Each repository lands in exactly one shard, by a hash of its case-folded owner/name (with
    --shard-by owner, of its owner), so shards stay put as repositories come and go. PATH is
    not read: which repositories a shard holds is settled when it is planned.
    """
    from reconciler.commands.shards import run_shards

    return run_shards(count, output_format, out_console())


@click.command("merge")
@click.argument(
    "plans", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False), metavar="PLAN.json..."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Where to write the merged plan (JSON, as plan --out writes it).",
)
@no_color_option
def plan_merge(plans: tuple[Path, ...], out: Path) -> int:
    """Merge the plans of shards (plan --shard K/N --out ...) into one plan: one drift issue
    (drift --from-plan), one report. Refuses plans of different desired states, GitHubs or
    settings, plans that overlap, and a set of shards with one missing."""
    from reconciler.commands.shards import run_plan_merge

    return run_plan_merge(plans, out, err_console())


COMMANDS = (shards,)
# `reconciler plan merge ...`: a command of its own, reached through `plan` (see main.py).
SUBCOMMANDS = {("plan", "merge"): plan_merge}
