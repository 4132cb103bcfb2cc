"""`reconciler import`'s arguments: `[PATH] --repo OWNER/NAME... | --org ORG`, and the old form.

Every other command takes the desired-state directory as its one positional PATH; import
used to take repositories there and the directory as `--path DIR`. Both old spellings keep
working, each with a one-line deprecation notice, under a rule that reads every command line
one way only:

- Without --repo and --org, every positional argument is a repository (the old form).
- With either, a positional argument shaped OWNER/NAME is still a repository (the old form);
  any other is PATH. A directory shaped like OWNER/NAME is written ./OWNER/NAME.

So no command line that worked before means something else now: the old form never had
--repo, and with --org it took no positional argument.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

# As reconciler.desired.models.SLUG; not imported, so `reconciler --help` loads no models.
_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


@dataclass(frozen=True)
class ImportTargets:
    path: Path
    repositories: tuple[str, ...]
    deprecations: tuple[str, ...]


def import_targets(
    arguments: Sequence[str],
    repos: Sequence[str],
    organization: str | None,
    legacy_path: Path | None,
    default_path: Path,
) -> ImportTargets:
    """Where to write and which repositories to import, from the command line as given."""
    if repos or organization is not None:
        named = [a for a in arguments if _SLUG.match(a)]
        paths = [a for a in arguments if not _SLUG.match(a)]
    else:
        named, paths = list(arguments), []
    if len(paths) > 1:
        raise click.UsageError(f"import takes one PATH, not {len(paths)}: {' '.join(paths)}")
    if paths and legacy_path is not None:
        raise click.UsageError("give the directory as PATH or as --path, not both")
    notices = []
    if named:
        notices.append(
            f"deprecated: repositories as arguments ({' '.join(named)}); name each with --repo OWNER/NAME "
            "(a directory shaped like OWNER/NAME is written ./OWNER/NAME)"
        )
    if legacy_path is not None:
        notices.append(
            f"deprecated: --path {legacy_path}; give the directory as PATH (reconciler import {legacy_path} ...)"
        )
    path = Path(paths[0]) if paths else legacy_path if legacy_path is not None else default_path
    return ImportTargets(path=path, repositories=(*named, *repos), deprecations=tuple(notices))
