"""Turn the validated configuration into the effective desired state of every repository.

Organisation targets select repositories from GitHub's live list, so resolving them reads
GitHub (read-only: listing an organisation's repositories, or reading one repository when
the run is narrowed with --repo). Repository targets need nothing live.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from reconciler.desired.compose import compose
from reconciler.desired.models import OrganizationSpec, RepositorySpec, SelectSpec
from reconciler.desired.state import Declared, DesiredConfig, DesiredRepository, DesiredState, Selection
from reconciler.errors import ConfigurationError, DesiredStateError, Problem
from reconciler.github.port import LiveRepository
from reconciler.names import fold


class RepositoryDirectory(Protocol):
    """The read-only GitHub calls resolution needs."""

    def list_organization_repositories(self, organization: str) -> list[LiveRepository]: ...

    def get_repository(self, repository: str) -> LiveRepository: ...


@dataclass(frozen=True)
class Removal:
    """Packs to uninstall for this run (from `reconciler uninstall`)."""

    packs: frozenset[str] = frozenset()
    include_secrets: bool = False


NO_REMOVAL = Removal()


def skip_reason(select: SelectSpec, repo: LiveRepository) -> str | None:
    """Why a selector leaves `repo` out, or None when it selects it."""
    name = repo.full_name.split("/", 1)[1].lower()
    if not any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in select.include):
        return "not matched by include"
    excluded = next((p for p in select.exclude if fnmatch.fnmatchcase(name, p.lower())), None)
    if excluded is not None:
        return f"excluded by {excluded!r}"
    if repo.archived and not select.archived:
        return "archived"
    if repo.fork and not select.forks:
        return "a fork"
    missing = [t for t in select.topics if t.lower() not in {x.lower() for x in repo.topics}]
    if missing:
        return f"lacks topic {', '.join(missing)}"
    return None


def _owner(slug: str) -> str:
    return fold(slug.split("/", 1)[0])


def _spec_repository(target: Declared) -> str:
    spec = target.spec
    assert isinstance(spec, RepositorySpec)
    return spec.repository


def _spec_organization(target: Declared) -> OrganizationSpec:
    spec = target.spec
    assert isinstance(spec, OrganizationSpec)
    return spec


def _compose_all(
    config: DesiredConfig,
    targets: Iterable[tuple[str, Declared | None, Declared | None]],
    removal: Removal,
    problems: list[Problem],
) -> list[DesiredRepository]:
    out = []
    for slug, organization, repository in targets:
        target = repository or organization
        assert target is not None, "a repository is targeted by an entry or a selector"
        effective, found = compose(
            slug,
            target.ref,
            organization,
            repository,
            config,
            uninstall=frozenset(fold(p) for p in removal.packs),
            include_secrets=removal.include_secrets,
        )
        problems += found
        out.append(effective)
    return out


def resolve_static(config: DesiredConfig, removal: Removal = NO_REMOVAL) -> DesiredState:
    """The effective state of every repository target; organisation targets are not resolved."""
    problems: list[Problem] = []
    repos = _compose_all(config, ((_spec_repository(t), None, t) for t in config.repositories), removal, problems)
    if problems:
        raise DesiredStateError(problems)
    return DesiredState(config.root, tuple(repos), config.digest, config.warnings)


def resolve(
    config: DesiredConfig,
    directory: RepositoryDirectory,
    *,
    only: Sequence[str] = (),
    removal: Removal = NO_REMOVAL,
) -> DesiredState:
    """Match organisation selectors against GitHub and compose every selected repository.

    With `only`, just those repositories are resolved, each with one read of its own
    metadata instead of a listing of its whole organisation.
    """
    explicit = {fold(_spec_repository(t)): t for t in config.repositories}
    wanted = {fold(s): s for s in only}
    by_owner: dict[str, list[Declared]] = {}
    for org in config.organizations:
        by_owner.setdefault(fold(_spec_organization(org).organization), []).append(org)

    candidates: dict[str, list[LiveRepository]] = {}
    if wanted:
        for slug in wanted.values():
            if _owner(slug) in by_owner:
                candidates.setdefault(_owner(slug), []).append(directory.get_repository(slug))
    else:
        for owner, orgs in by_owner.items():
            candidates[owner] = directory.list_organization_repositories(_spec_organization(orgs[0]).organization)

    problems: list[Problem] = []
    selections: list[Selection] = []
    matched: dict[str, tuple[str, Declared]] = {}
    for owner, orgs in by_owner.items():
        for org in orgs:
            spec = _spec_organization(org)
            chosen, skipped = [], []
            for live in sorted(candidates.get(owner, []), key=lambda r: fold(r.full_name)):
                reason = skip_reason(spec.select, live)
                if reason is not None:
                    skipped.append((live.full_name, reason))
                    continue
                chosen.append(live.full_name)
                earlier = matched.get(fold(live.full_name))
                if earlier is not None:
                    problems.append(
                        Problem(
                            org.ref.file,
                            org.ref.line,
                            org.ref.column,
                            "select",
                            f"{live.full_name} is selected by two organisation targets (also {earlier[1].ref}); "
                            "narrow one selector so each repository has one",
                        )
                    )
                matched[fold(live.full_name)] = (live.full_name, org)
            selections.append(Selection(spec.organization, org.ref, tuple(chosen), tuple(skipped), bool(wanted)))

    # One order whatever the files' layout: by repository, case-insensitively.
    keys = sorted(set(explicit) | set(matched))
    if wanted:
        unknown = [slug for key, slug in wanted.items() if key not in explicit and key not in matched]
        if unknown:
            raise ConfigurationError("not declared in the desired state: " + ", ".join(unknown))
        keys = [k for k in keys if k in wanted]
    targets = []
    for key in keys:
        organization = matched[key][1] if key in matched else None
        repository = explicit.get(key)
        slug = _spec_repository(repository) if repository is not None else matched[key][0]
        targets.append((slug, organization, repository))
    repos = _compose_all(config, targets, removal, problems)
    if problems:
        raise DesiredStateError(problems)
    return DesiredState(config.root, tuple(repos), config.digest, config.warnings, tuple(selections))
