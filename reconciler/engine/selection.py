"""Which repositories the desired state covers: organisation selectors matched against
GitHub's live repository list, then every target composed.

Listing an organisation is one request per 100 repositories; with `only` (the command line's
--repo), just those repositories are read, one request each, instead of whole organisations.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.desired.blocks import NO_REMOVAL, Removal
from reconciler.desired.resolve import Target, by_key, compose_targets, selector, skip_reason
from reconciler.desired.state import Declarations, EffectiveState, Entry, Selection
from reconciler.errors import ConfigurationError, DesiredStateError, GitHubError, Problem
from reconciler.github.port import GitHubReader
from reconciler.github.repositories import LiveRepository, get_repository, list_organization_repositories
from reconciler.names import UnsafeNameError, checked_full_name, fold, slug_problem
from reconciler.plan.shard import Shard, ShardBy, shard_number


def _owner(slug: str) -> str:
    return fold(slug.split("/", 1)[0])


def _named(live: LiveRepository) -> LiveRepository:
    """`live`, once its name is a repository name: what the server answers becomes URL paths."""
    try:
        checked_full_name(live.full_name)
    except UnsafeNameError as exc:
        raise GitHubError(str(exc)) from None
    return live


def resolve(
    config: Declarations,
    reader: GitHubReader,
    *,
    only: Sequence[str] = (),
    removal: Removal = NO_REMOVAL,
) -> EffectiveState:
    """Match organisation selectors against GitHub and compose every selected repository."""
    explicit = by_key(config.repositories)
    for slug in only:
        problem = slug_problem(slug)
        if problem is not None:
            raise ConfigurationError(problem)
    wanted = {fold(s): s for s in only}
    by_owner: dict[str, list[Entry]] = {}
    for org in config.organizations:
        by_owner.setdefault(fold(org.name), []).append(org)

    candidates: dict[str, list[LiveRepository]] = {}
    if wanted:
        for slug in wanted.values():
            if _owner(slug) in by_owner:
                candidates.setdefault(_owner(slug), []).append(_named(get_repository(reader, slug)))
    else:
        for owner, orgs in by_owner.items():
            candidates[owner] = [_named(r) for r in list_organization_repositories(reader, orgs[0].name)]

    problems: list[Problem] = []
    selections: list[Selection] = []
    matched: dict[str, tuple[str, Entry]] = {}
    for owner, orgs in by_owner.items():
        for org in orgs:
            chosen, skipped = [], []
            for live in sorted(candidates.get(owner, []), key=lambda r: fold(r.full_name)):
                reason = skip_reason(selector(org), live)
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
            selections.append(Selection(org.name, org.ref, tuple(chosen), tuple(skipped), bool(wanted)))

    # One order whatever the files' layout: by repository, case-insensitively.
    keys = sorted(set(explicit) | set(matched))
    if wanted:
        unknown = [slug for key, slug in wanted.items() if key not in explicit and key not in matched]
        if unknown:
            raise ConfigurationError("not declared in the desired state: " + ", ".join(unknown))
        keys = [k for k in keys if k in wanted]
    targets: list[Target] = []
    for key in keys:
        organization = matched[key][1] if key in matched else None
        repository = explicit.get(key)
        slug = repository.name if repository is not None else matched[key][0]
        targets.append((slug, organization, repository))
    repos, found = compose_targets(config, targets, removal)
    problems += found
    if problems:
        raise DesiredStateError(problems)
    # With `only`, the organisations were not listed: other repositories may be targeted too.
    complete = not wanted
    return EffectiveState(config.root, tuple(repos), config.digest, config.warnings, tuple(selections), complete)


def in_shard(state: EffectiveState, shard: Shard | None) -> EffectiveState:
    """Only the repositories of `shard` (all of them without one). Selection records keep
    what each organisation matched in full: every shard saw the same listing, which is how
    merging their plans knows they fit together.

    An organisation's own objects (organisation secrets, by organisation-scoped kinds) are
    planned in one shard only, its owner's (`--shard-by owner`'s shard for it), and from every
    repository of that owner, so no two shards plan one object and none plans half of its
    access list."""
    if shard is None:
        return state
    chosen = tuple(repo for repo in state.repositories if shard.holds(repo.slug))
    owners = tuple(r for r in state.repositories if shard_number(r.slug, shard.count, ShardBy.OWNER) == shard.index)
    return EffectiveState(
        state.root, chosen, state.digest, state.warnings, state.selections, state.complete, organization_scope=owners
    )
