"""Turn the validated declarations into the effective desired state of every repository.

Which repositories an organisation target selects is decided against GitHub's live list
(`reconciler.engine.selection` reads it); everything here is pure: the selector rules, and
composing each targeted repository from its layers. Composition runs once per distinct pair
of entries: a thousand repositories an organisation target selects share one composition.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from reconciler.desired.blocks import NO_REMOVAL, Removal
from reconciler.desired.compose import compose
from reconciler.desired.models import SelectSpec
from reconciler.desired.state import Declarations, EffectiveRepository, EffectiveState, Entry
from reconciler.errors import DesiredStateError, Problem
from reconciler.names import fold


class RepositoryFacts(Protocol):
    """What a selector looks at in a live repository."""

    @property
    def full_name(self) -> str: ...

    @property
    def archived(self) -> bool: ...

    @property
    def fork(self) -> bool: ...

    @property
    def topics(self) -> tuple[str, ...]: ...


def skip_reason(select: SelectSpec, repo: RepositoryFacts) -> str | None:
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


def selector(entry: Entry) -> SelectSpec:
    select = getattr(entry.spec, "select", None)
    assert isinstance(select, SelectSpec), "organisation entries have a selector"
    return select


# (slug, organisation entry, repository entry) for each repository to compose.
Target = tuple[str, Entry | None, Entry | None]


def compose_targets(
    config: Declarations, targets: Iterable[Target], removal: Removal = NO_REMOVAL
) -> tuple[list[EffectiveRepository], list[Problem]]:
    """Compose every target; the problems found, each once."""
    problems: list[Problem] = []
    shared: dict[tuple[int, int], tuple[EffectiveRepository, list[Problem]]] = {}
    out = []
    for slug, organization, repository in targets:
        target = repository or organization
        assert target is not None, "a repository is targeted by an entry or a selector"
        # What composes is the pair of entries, not the repository's name: compose each pair once.
        pair = (id(organization), id(repository))
        if pair not in shared:
            shared[pair] = compose(slug, target.ref, organization, repository, config, removal)
            problems += shared[pair][1]
        effective = shared[pair][0]
        out.append(replace(effective, slug=slug, source=target.ref) if effective.slug != slug else effective)
    return out, _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: dict[tuple[str, int, int, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.file, problem.line, problem.column, problem.message), problem)
    return list(seen.values())


def resolve_static(config: Declarations, removal: Removal = NO_REMOVAL) -> EffectiveState:
    """The effective state of every repository target; organisation targets are not resolved."""
    repos, problems = compose_targets(config, ((t.name, None, t) for t in config.repositories), removal)
    if problems:
        raise DesiredStateError(problems)
    return EffectiveState(config.root, tuple(repos), config.digest, config.warnings)


def by_key(entries: Iterable[Entry]) -> dict[str, Entry]:
    return {fold(entry.name): entry for entry in entries}
