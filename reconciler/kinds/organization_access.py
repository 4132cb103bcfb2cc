"""What organisation-level Actions secrets and variables share: who needs each one, and the
access list of those with `visibility: selected`.

A pack (or a target) declares an organisation secret or variable; every repository it applies
to needs it. One organisation object replaces a copy per repository, and the repositories that
must have access are exactly those that need it: installing the pack in one more repository is
one more access entry. Each entry is an object of its own in the plan (`NAME:owner/repo`), so a
plan shows every repository that gains or loses access, and removing one goes through the
deletion guard like any deletion.

A repository's need is a `Need`; `combine` turns every planned repository's needs into one
`Wanted` per name for the organisation, refusing two needs that disagree (one repository wants
it `private`, another `selected`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from reconciler.errors import ConfigurationError, ReconcilerError
from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import org_path, repo_path, segment
from reconciler.github.port import Call, GitHubReader, GitHubWriter
from reconciler.kinds.base import Outcome, apply_each, one_write_each
from reconciler.names import fold
from reconciler.plan.cost import RequestCost, writes
from reconciler.plan.frozen import JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason

Visibility = Literal["all", "private", "selected"]
Family = Literal["secrets", "variables"]
# What becomes of an object no planned repository needs: deleted, or kept as it is.
Fate = Literal["present", "absent", "kept"]
ACCESS_SEPARATOR = " for "


@dataclass(frozen=True)
class Need:
    """What one repository's desired state says about one organisation object."""

    name: str
    visibility: Visibility
    # A secret's `from_env`, a variable's value.
    source: str | None
    present: bool = True
    # For a need withdrawn (declared absent, or its pack uninstalled): whether the object
    # itself may go once nothing needs it (a secret only with --include-secrets).
    delete: bool = True


@dataclass(frozen=True)
class Wanted:
    """One organisation object as every planned repository's needs add up."""

    name: str
    visibility: Visibility
    source: str | None
    fate: Fate
    needing: tuple[str, ...]  # repositories that must have access
    withdrawn: tuple[str, ...]  # repositories whose access must go


def combine_needs(organization: str, parts: Sequence[tuple[str, Sequence[Need]]], *, complete: bool) -> list[Wanted]:
    """One `Wanted` per name, in name order. An object nobody needs is deleted only when the
    plan covers the whole organisation and a withdrawal allows it; otherwise it is kept."""
    by_name: dict[str, list[tuple[str, Need]]] = {}
    for slug, needs in parts:
        for need in needs:
            by_name.setdefault(fold(need.name), []).append((slug, need))
    found = []
    for key in sorted(by_name):
        entries = by_name[key]
        needing = [(slug, need) for slug, need in entries if need.present]
        withdrawn = tuple(slug for slug, need in entries if not need.present)
        if needing:
            settings = {(need.visibility, need.source) for _, need in needing}
            if len(settings) > 1:
                shown = "; ".join(f"{slug}: visibility {n.visibility}, {n.source!r}" for slug, n in needing)
                raise ConfigurationError(
                    f"{organization} {needing[0][1].name}: repositories declare it differently ({shown}); "
                    "one organisation object can be declared only one way"
                )
            first = needing[0][1]
            found.append(
                Wanted(first.name, first.visibility, first.source, "present", tuple(s for s, _ in needing), withdrawn)
            )
            continue
        first = entries[0][1]
        fate: Fate = "absent" if complete and all(need.delete for _, need in entries) else "kept"
        found.append(Wanted(first.name, first.visibility, first.source, fate, (), withdrawn))
    return found


# -- the access list on GitHub ------------------------------------------------------------------


@dataclass(frozen=True)
class LiveAccess:
    """A repository on an object's access list."""

    repository: str
    id: int


class _Repository(Wire):
    id: int
    full_name: str


def list_access(reader: GitHubReader, organization: str, family: Family, name: str) -> list[LiveAccess]:
    path = org_path(organization, "actions", family, name, "repositories")
    call = Call(f"list repositories with access to {name}", organization)
    items = reader.get_all(path, call, list_key="repositories")
    return [LiveAccess(r.full_name, r.id) for r in parse_items(_Repository, items, call, f"GET {path}")]


class Listed(Protocol):
    """An organisation secret or variable as its listing shows it."""

    @property
    def name(self) -> str: ...
    @property
    def visibility(self) -> str: ...


def live_access(
    access: Mapping[str, tuple[LiveAccess, ...]], key: str, current: Listed | None
) -> tuple[LiveAccess, ...]:
    """The access list observed for the object under folded name `key`: only an object GitHub
    shares with selected repositories has one (`selected_access` read no other)."""
    return access.get(key, ()) if current is not None and current.visibility == "selected" else ()


def selected_access(
    reader: GitHubReader, organization: str, family: Family, listed: Sequence[Listed], wanted: Sequence[Wanted]
) -> dict[str, tuple[LiveAccess, ...]]:
    """The access lists of the listed objects the plan wants and GitHub shares with selected
    repositories (by folded name): the only ones a plan compares, so the only ones read."""
    names = {fold(w.name) for w in wanted}
    return {
        fold(item.name): tuple(list_access(reader, organization, family, item.name))
        for item in listed
        if fold(item.name) in names and item.visibility == "selected"
    }


def repository_id(reader: GitHubReader, repository: str) -> int:
    path = repo_path(repository)
    call = Call("read repository id", repository)
    return parse(_Repository, reader.get(path, call).body, call, f"GET {path}").id


def grant_access(writer: GitHubWriter, organization: str, family: Family, name: str, repository: str) -> None:
    """Add a repository to the access list (204 whether or not it was there)."""
    found = repository_id(writer, repository)
    path = org_path(organization, "actions", family, name, "repositories", str(found))
    writer.send("PUT", path, Call(f"give {repository} access to {name}", organization))


def revoke_access(writer: GitHubWriter, organization: str, family: Family, name: str, repository_id: int) -> None:
    path = org_path(organization, "actions", family, name, "repositories", segment(str(repository_id)))
    writer.send("DELETE", path, Call(f"take access to {name} from repository {repository_id}", organization))


# -- access entries in the plan ----------------------------------------------------------------


def access_key(name: str, repository: str) -> str:
    return f"{fold(name)}:{fold(repository)}"


def access_title(name: str, repository: str) -> str:
    return f"{name}{ACCESS_SEPARATOR}{repository}"


def parse_access_title(title: str) -> tuple[str, str]:
    """(object name, repository) from an access entry's `name`; names hold no spaces."""
    name, _, repository = title.partition(ACCESS_SEPARATOR)
    return name, repository


def is_access(change: Change) -> bool:
    return ":" in change.key


def removed_keys(repository: str, key: str) -> tuple[str, ...]:
    """The plan keys uninstalling `key` from `repository` may touch: its access entry, and
    the object itself."""
    return (key, access_key(key, repository))


def diff_access(
    organization: str,
    kind: str,
    wanted: Wanted,
    live: Sequence[LiveAccess],
    *,
    complete: bool,
    attention: str | None = None,
) -> list[Change]:
    """The access entries of one `selected` object: one per repository that needs it, one per
    repository that has it and must lose it. Where the plan does not cover the whole
    organisation, a repository outside it keeps its access (nothing is known about it)."""
    have = {fold(entry.repository): entry for entry in live}
    changes: list[Change] = []

    def change(action: Action, slug: str, entry: LiveAccess | None, reason: Reason, text: str | None = None) -> None:
        title = access_title(wanted.name, entry.repository if entry else slug)
        before: dict[str, JsonScalar] | None = {"name": title, "repository_id": entry.id} if entry else None
        after: dict[str, JsonScalar] | None = {"name": title} if action is not Action.DELETE else None
        changes.append(
            Change.make(
                organization,
                kind,
                access_key(wanted.name, slug),
                action,
                before,
                after,
                reason,
                text,
                attention=attention if action is Action.CREATE else None,
            )
        )

    for slug in sorted(wanted.needing, key=fold):
        entry = have.get(fold(slug))
        if entry is None:
            change(Action.CREATE, slug, None, Reason.MISSING, "needs it; not on its access list yet")
        else:
            change(Action.NOOP, slug, entry, Reason.MATCHES, "has access")
    needed = {fold(slug) for slug in wanted.needing}
    withdrawn = {fold(slug) for slug in wanted.withdrawn}
    for key in sorted(have.keys() - needed):
        entry = have[key]
        if key in withdrawn:
            change(Action.DELETE, entry.repository, entry, Reason.DECLARED_ABSENT)
        elif complete:
            text = "no target applies it to this repository any more"
            change(Action.DELETE, entry.repository, entry, Reason.PRUNED, text)
    return changes


def access_cost(changes: Sequence[Change]) -> RequestCost:
    """A write each; a new object creates content; giving a repository access first reads its id."""
    each = one_write_each(changes, creating=lambda c: c.action is Action.CREATE and not is_access(c))
    granted = sum(1 for c in changes if c.applicable and is_access(c) and c.action is Action.CREATE)
    return each + writes(0, reads=granted)


def apply_organization(
    writer: GitHubWriter,
    organization: str,
    family: Family,
    changes: Sequence[Change],
    write_object: Callable[[Change], None],
) -> list[Outcome]:
    """Apply an organisation kind's changes: access entries here, the objects themselves by
    `write_object`; an object's access is given only once the object exists (`AccessAfterObject`)."""
    order = AccessAfterObject()

    def write(change: Change) -> None:
        if is_access(change):
            apply_access(writer, organization, family, change)
        else:
            write_object(change)

    return apply_each(changes, lambda c: order.write(c, lambda: write(c)))


def apply_access(writer: GitHubWriter, organization: str, family: Family, change: Change) -> None:
    if change.action is Action.CREATE and change.after is not None:
        name, repository = parse_access_title(str(change.after["name"]))
        grant_access(writer, organization, family, name, repository)
    elif change.action is Action.DELETE and change.before is not None:
        name, _ = parse_access_title(str(change.before["name"]))
        revoke_access(writer, organization, family, name, int(str(change.before["repository_id"])))


class AccessAfterObject:
    """Within one apply: an access entry is given only once its object exists, so an object
    whose create failed makes its access entries fail with that reason rather than a 404."""

    def __init__(self) -> None:
        self._failed: set[str] = set()

    def write(self, change: Change, write: Callable[[], None]) -> None:
        if is_access(change) and change.action is Action.CREATE and change.after is not None:
            name, _ = parse_access_title(str(change.after["name"]))
            if fold(name) in self._failed:
                raise ReconcilerError(f"{name} could not be created in this apply, so no access was given")
        try:
            write()
        except ReconcilerError:
            if not is_access(change) and change.action is Action.CREATE:
                self._failed.add(change.key)
            raise
