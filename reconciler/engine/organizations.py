"""Planning the kinds whose objects belong to an organisation (`scope = "organization"`).

The planned repositories are grouped by owner; for each owner and kind, every repository's
need (`kind.desired(repository)`) is combined into one desired value, observed once and diffed
once, and the changes carry the owner's login as their `repository`. A failure is that owner's:
recorded, and every other owner and repository still planned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from reconciler.desired.state import EffectiveState
from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.github.port import GitHubReader
from reconciler.kinds.base import AnyKind, AnyOrganizationKind, scope_of
from reconciler.names import fold
from reconciler.plan.model import Change, RepositoryFailure
from reconciler.plan.settings import PlanSettings


def repository_kinds(kinds: Sequence[AnyKind]) -> list[AnyKind]:
    return [kind for kind in kinds if scope_of(kind) == "repository"]


def organization_kinds(kinds: Sequence[AnyKind]) -> list[AnyOrganizationKind]:
    return [cast(AnyOrganizationKind, kind) for kind in kinds if scope_of(kind) == "organization"]


def owner_of(slug: str) -> str:
    return slug.split("/", 1)[0]


def plan_organizations(
    desired: EffectiveState,
    reader: GitHubReader,
    kinds: Sequence[AnyKind],
    settings: PlanSettings,
    kinds_for: Callable[[str], Sequence[AnyKind]],
) -> tuple[list[Change], list[RepositoryFailure]]:
    """The organisation-scoped kinds' changes, owner by owner (in the order owners first
    appear); `kinds_for(owner)` narrows which kinds are read there."""
    owners: dict[str, tuple[str, list[Any]]] = {}
    scope = desired.organization_scope if desired.organization_scope is not None else desired.repositories
    for repository in scope:
        owner = owner_of(repository.slug)
        owners.setdefault(fold(owner), (owner, []))[1].append(repository)
    wanted_kinds = organization_kinds(kinds)
    changes: list[Change] = []
    failures: list[RepositoryFailure] = []
    for owner, repositories in owners.values():
        names = {kind.name for kind in kinds_for(owner)}
        chosen = [kind for kind in wanted_kinds if kind.name in names]
        try:
            for kind in chosen:
                parts = [(r.slug, part) for r in repositories if (part := kind.desired(r, settings)) is not None]
                if not parts:
                    continue
                wanted = kind.combine(owner, parts, settings, complete=desired.complete)
                observed = kind.observe(reader, owner, wanted)
                changes.extend(kind.diff(owner, wanted, observed))
        except RUN_ENDING_ERRORS:
            raise
        except ReconcilerError as exc:
            failures.append(RepositoryFailure(repository=owner, error=str(exc)))
    return changes, failures
