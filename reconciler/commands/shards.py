"""`reconciler shards N` and `reconciler plan merge`: splitting a fleet over jobs, and joining
the jobs' plans into one. Neither contacts GitHub."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from reconciler.commands.support.connect import github_limits
from reconciler.commands.support.estimate import with_least_time
from reconciler.commands.support.exit_codes import EXIT_OK
from reconciler.engine.merge import PlanMergeError, merge_plans
from reconciler.engine.saved_plans import load_saved_plan
from reconciler.errors import ConfigurationError
from reconciler.files import write_atomically
from reconciler.plan.shard import all_shards
from reconciler.render.json_out import render_json
from reconciler.render.summary import plural


def run_shards(count: int, output_format: str, out: Console) -> int:
    """Every shard of `count`: one `K/N` a line, or GitHub Actions' matrix
    (`{"include":[{"shard":"1/N"},...]}`, for `strategy.matrix: ${{ fromJSON(...) }}`)."""
    try:
        shards = all_shards(count)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    if output_format == "github-matrix":
        matrix = {"include": [{"shard": shard} for shard in shards]}
        out.file.write(json.dumps(matrix, separators=(",", ":")) + "\n")
    else:
        out.file.write("".join(f"{shard}\n" for shard in shards))
    return EXIT_OK


def run_plan_merge(paths: Sequence[Path], out_file: Path, err: Console) -> int:
    parts = [(str(path), load_saved_plan(path)) for path in paths]
    try:
        merged = merge_plans(parts)
    except PlanMergeError as exc:
        raise ConfigurationError(f"cannot merge these plans: {exc}") from None
    # The parts' costs add up; their least times do not: worked out again for the whole.
    merged = with_least_time(merged, github_limits())
    write_atomically(out_file, render_json(merged))
    repositories = plural(len(merged.repositories), "repository", "repositories")
    err.print(f"Merged {plural(len(parts), 'plan')} ({repositories}) into {out_file}.", soft_wrap=True)
    return EXIT_OK
