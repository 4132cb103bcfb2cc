from __future__ import annotations

from pathlib import Path

from rich.console import Console

from reconciler.commands.support.connect import github_connection, github_reader
from reconciler.commands.support.options import GitHubOptions
from reconciler.desired.resolve import resolve_static
from reconciler.desired.state import Declarations, EffectiveState
from reconciler.engine.selection import resolve
from reconciler.kinds.registry import load_desired_config
from reconciler.names import fold
from reconciler.render.explain import render_explain
from reconciler.render.explain_json import render_explain_json


def _needs_github(config: Declarations, slug: str) -> bool:
    """Only an organisation target for the repository's owner needs the live repository list."""
    owner = fold(slug.split("/", 1)[0])
    return any(fold(o.name) == owner for o in config.organizations)


def _resolve_one(config: Declarations, slug: str, github: GitHubOptions) -> EffectiveState:
    if not _needs_github(config, slug):
        return resolve_static(config).select([slug])
    with github_connection(github) as connection, github_reader(connection) as reader:
        return resolve(config, reader, only=[slug])


def run_explain(path: Path, repository: str, github: GitHubOptions, output_format: str, out: Console) -> int:
    """Print one repository's effective desired state and where every value came from."""
    (repo,) = _resolve_one(load_desired_config(path), repository, github).repositories
    if output_format == "json":
        out.file.write(render_explain_json(repo))
    else:
        render_explain(repo, out)
    return 0
