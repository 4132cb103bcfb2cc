"""Which repositories import reads: those named (each looked up, so a name GitHub does not know
is reported rather than written), or an organisation's, without archived repositories and
forks unless asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.desired.models import SelectSpec
from reconciler.desired.resolve import skip_reason
from reconciler.errors import RUN_ENDING_ERRORS, GitHubError
from reconciler.github.port import GitHubReader
from reconciler.github.repositories import get_repository, list_organization_repositories
from reconciler.names import UnsafeNameError, checked_full_name, fold


@dataclass(frozen=True)
class Chosen:
    # Canonical names (as GitHub spells them), in the order to import them.
    repositories: tuple[str, ...]
    # (name, why) for an organisation's repositories left out: "archived" or "a fork".
    skipped: tuple[tuple[str, str], ...] = ()
    # Named repositories that could not be read, and names GitHub answered that are not names.
    errors: tuple[str, ...] = ()


def choose_organization(reader: GitHubReader, organization: str, *, archived: bool, forks: bool) -> Chosen:
    select = SelectSpec(archived=archived, forks=forks)
    chosen, skipped, errors = [], [], []
    for live in sorted(list_organization_repositories(reader, organization), key=lambda r: fold(r.full_name)):
        try:
            # The name becomes a file name and URL paths: '..' or '/' in it must go no further.
            checked_full_name(live.full_name)
        except UnsafeNameError as exc:
            errors.append(str(exc))
            continue
        reason = skip_reason(select, live)
        if reason is None:
            chosen.append(live.full_name)
        else:
            skipped.append((live.full_name, reason))
    return Chosen(tuple(chosen), tuple(skipped), tuple(errors))


def choose_named(reader: GitHubReader, slugs: Sequence[str]) -> Chosen:
    chosen, errors = [], []
    seen: set[str] = set()
    for slug in slugs:
        if fold(slug) in seen:
            continue
        seen.add(fold(slug))
        try:
            chosen.append(checked_full_name(get_repository(reader, slug).full_name))
        except RUN_ENDING_ERRORS:
            raise
        except (GitHubError, UnsafeNameError) as exc:
            errors.append(str(exc))
    return Chosen(tuple(chosen), errors=tuple(errors))
