"""What every resource kind implements. Kinds are listed once, in `registry.py`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from ruamel.yaml.comments import CommentedMap

from reconciler.desired.blocks import Block
from reconciler.desired.entry_edit import EntryEdit
from reconciler.desired.state import EffectiveRepository
from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.plan.cost import NOTHING, RequestCost, writes
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

DesiredT = TypeVar("DesiredT")


ObservedT = TypeVar("ObservedT")
PartT = TypeVar("PartT")
InheritedT = TypeVar("InheritedT")


@dataclass(frozen=True)
class Outcome:
    """What happened to one change during apply."""

    change: Change
    error: str | None = None
    skipped: bool = False
    # The failure will repeat for every later write (bad token, spent rate limit): stop the run.
    fatal: bool = False
    # Apply cannot make this change; a person must (the plan says how).
    attention: str | None = None
    # How it was done, when that is worth telling (e.g. "opened pull request #7").
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.skipped and self.attention is None


class KindImporter(Protocol[PartT, InheritedT]):
    """How `reconciler import` writes one kind into a repository's entry.

    `PartT` is what it reads of one repository (its part of the snapshot); `InheritedT` is
    what other layers already declare that the entry must respect. What it writes must make
    the plan empty: each value as the plan compares it, and nothing validation would reject.
    """

    @property
    def block(self) -> str:
        """The entry's key it edits; while that block is shared through a YAML anchor, import
        only notes what is out of date there."""
        ...

    @property
    def position(self) -> int:
        """Where its blocks go in a new entry, lower first (so an entry reads the same
        whatever order kinds apply in); importers also run in this order."""
        ...

    def read(self, reader: GitHubReader, repository: str) -> tuple[PartT, list[str]]:
        """What one repository has of this kind (reading only), and notes on what it did not
        even read because desired state could not declare it."""
        ...

    def importable(self, part: PartT) -> tuple[PartT, list[str]]:
        """The part without what desired state cannot declare, and a note for each such thing.
        The plan leaves undeclared objects alone, so leaving one out keeps it empty."""
        ...

    def inherited(self, repository: EffectiveRepository | None) -> InheritedT:
        """What packs and organisation targets (not the repository's own entry, see
        `declared_elsewhere`) declare for the repository that the entry must respect; None:
        nothing but its own entry targets it."""
        ...

    def update(self, entry: CommentedMap, part: PartT, inherited: InheritedT, edit: EntryEdit) -> None:
        """Make `entry` declare `part`, in place: add and change, never remove; count what it
        did and note what it leaves as declared in `edit.report`. A new entry is one with
        only `repository:`."""
        ...

    def addresses(self, key: str) -> tuple[str, ...]:
        """The provenance addresses that may declare the value of this kind's planned change
        `key` (e.g. `label:bug`), so import's check can say which layer wants a change."""
        ...


AnyImporter = KindImporter[Any, Any]


def declared_elsewhere(repository: EffectiveRepository, address: str) -> bool:
    """Whether the value at `address` comes from a pack or an organisation target rather than
    the repository's own entry: what an importer's `inherited` reads."""
    origin = repository.provenance.get(address)
    return origin is not None and origin.layer != "repository"


class ResourceKind(Protocol[DesiredT, ObservedT]):
    """Everything about one kind of object: observe → diff → apply, and what else needs it.

    `diff` is pure: no I/O, no clock, the same answer for the same inputs. `desired` returns
    None when the repository does not manage this kind, and then nothing is observed. A kind
    may also have a `graphql` attribute (a `GraphQLObservation`): then the planner reads it
    for many repositories per GraphQL query, and its `observe` is the REST fallback.
    """

    @property
    def name(self) -> str:
        """The plan's name for the kind, e.g. `label`."""
        ...

    @property
    def plural(self) -> str:
        """What people call its objects, e.g. `labels`."""
        ...

    @property
    def blocks(self) -> Sequence[Block]:
        """The desired-state blocks it reads: the registry builds the file format from them."""
        ...

    @property
    def address(self) -> str:
        """The provenance prefix its changes' keys share (`label` for `label:<key>`): how
        uninstall and import find where a change's value was declared."""
        ...

    @property
    def role(self) -> str:
        """The repository role apply needs to write this kind (GitHub's: push, admin...)."""
        ...

    @property
    def uninstalls(self) -> bool:
        """Whether uninstalling a pack removes objects of this kind (its blocks make them absent)."""
        ...

    @property
    def importer(self) -> AnyImporter | None:
        """How `reconciler import` writes this kind, or None when import does not write it
        (e.g. it is written along with another kind)."""
        ...

    def scopes(self, private: bool) -> tuple[str, ...]:
        """The classic token scopes apply needs for this kind, in a public or private repository."""
        ...

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> DesiredT | None: ...

    def observe(self, reader: GitHubReader, repository: str, desired: DesiredT) -> ObservedT:
        """Read what the desired state is about, and nothing more (e.g. only changed files)."""
        ...

    def diff(self, repository: str, desired: DesiredT, observed: ObservedT) -> list[Change]: ...

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]: ...

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        """The requests `apply` makes for one repository's changes of this kind (the same
        batch it is handed; changes it does not make cost nothing): for the plan's estimate."""
        ...


AnyKind = ResourceKind[Any, Any]

# Where a kind's objects live: in each repository, or once in its organisation (Actions
# secrets and variables shared with repositories). A kind without a `scope` is per repository.
Scope = Literal["repository", "organization"]
REPOSITORY: Scope = "repository"
ORGANIZATION: Scope = "organization"


def scope_of(kind: object) -> Scope:
    found = getattr(kind, "scope", REPOSITORY)
    return ORGANIZATION if found == ORGANIZATION else REPOSITORY


class OrganizationKind(Protocol[PartT, DesiredT, ObservedT]):
    """A kind whose objects belong to an organisation, not to one repository.

    Its blocks compose per repository like any other's: `desired(repository)` is what that
    repository needs from its organisation (`PartT`). The planner groups the planned
    repositories by owner and asks `combine` for one desired value per organisation, which is
    observed, diffed and applied once there: the changes carry the organisation's login as
    their `repository`. `complete` says whether every repository the desired state targets in
    that organisation is being planned; only then may the kind remove what none of them needs.
    It also has `name`, `plural`, `blocks`, `address`, `role`, `uninstalls`, `importer` and
    `scopes` as `ResourceKind` does.
    """

    @property
    def scope(self) -> Literal["organization"]: ...

    @property
    def name(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def uninstalls(self) -> bool: ...

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> PartT | None: ...

    def combine(
        self, organization: str, parts: Sequence[tuple[str, PartT]], settings: PlanSettings, *, complete: bool
    ) -> DesiredT: ...

    def observe(self, reader: GitHubReader, organization: str, desired: DesiredT) -> ObservedT: ...

    def diff(self, organization: str, desired: DesiredT, observed: ObservedT) -> list[Change]: ...

    def apply(self, writer: GitHubWriter, organization: str, changes: Sequence[Change]) -> list[Outcome]: ...

    def removed_keys(self, repository: str, key: str) -> tuple[str, ...]:
        """The keys of the changes (under the organisation) that uninstalling this kind's
        provenance key `key` from `repository` may make: its access entry, and the object."""
        ...


AnyOrganizationKind = OrganizationKind[Any, Any, Any]


@dataclass(frozen=True)
class GraphQLPage(Generic[PartT]):
    """A kind's part of one repository's GraphQL answer, joined to what earlier answers gave."""

    part: PartT
    # The selection (inside `repository { ... }`) that reads the rest of it, such as the next
    # page of a connection past its first 100 nodes; None once `part` is complete.
    more: str | None = None


@dataclass(frozen=True)
class GraphQLObservation(Generic[DesiredT, ObservedT, PartT]):
    """How a kind is observed through GraphQL, for many repositories in one query.

    A kind that can be offers one as its optional `graphql` attribute (see `graphql_of`). The
    engine puts `selection` inside `rN: repository(owner:, name:) { ... }` for each repository
    of a batch, hands `read` that repository's object from the answer, and then calls
    `observe` with the part in place of the REST read the kind's own `observe` makes. A
    repository GraphQL cannot answer is observed by the kind's `observe`, over REST.
    """

    # The fields it selects inside `repository { ... }`, under response keys no other kind
    # uses (alias them), with literal arguments only: queries carry no variables.
    selection: str
    # The repository's answer (to `selection`, or to the `more` of `earlier`) → its part: what
    # its REST read would have returned. Raises UnexpectedResponseError on a malformed answer.
    read: Callable[[Mapping[str, Any], PartT | None], GraphQLPage[PartT]]
    # What the kind's `observe` returns, given the part instead of reading it.
    observe: Callable[[GitHubReader, str, DesiredT, PartT], ObservedT]


AnyGraphQLObservation = GraphQLObservation[Any, Any, Any]


def graphql_of(kind: AnyKind) -> AnyGraphQLObservation | None:
    """The kind's `graphql` attribute: how it is observed through GraphQL, or None when only
    over REST. Optional, so a kind that has none needs no line about it."""
    found = getattr(kind, "graphql", None)
    return found if isinstance(found, GraphQLObservation) else None


def absent(live: bool) -> tuple[Action, Reason]:
    """What a plan does with an object declared absent, by whether it exists."""
    return (Action.DELETE, Reason.DECLARED_ABSENT) if live else (Action.NOOP, Reason.ABSENT_AS_DECLARED)


def undeclared(prune: bool | None) -> tuple[Action, Reason]:
    """What a plan does with a live object nothing declares: deletes it only when prune is on."""
    if prune:
        return Action.DELETE, Reason.PRUNED
    return Action.NOOP, Reason.UNDECLARED_KEPT


# Renames first, so an object keeps its history (a label its issues) before anything else
# touches names; deletions last, so a run that stops partway has removed as little as it can.
_APPLY_ORDER = {Action.RENAME: 0, Action.UPDATE: 1, Action.CREATE: 2, Action.DELETE: 3}


def one_write_each(changes: Sequence[Change], *, creating: Callable[[Change], bool]) -> RequestCost:
    """The cost of a kind that makes one write per change it applies; `creating` tells which
    of them create content."""
    todo = [c for c in changes if c.applicable]
    if not todo:
        return NOTHING
    return writes(len(todo), creates=sum(1 for c in todo if creating(c)))


def apply_each(changes: Sequence[Change], write: Callable[[Change], None]) -> list[Outcome]:
    """Make the changes apply makes (not noops, not those for a person), one at a time, in
    `_APPLY_ORDER`; a failure is recorded and the rest still run."""
    todo = sorted((c for c in changes if c.applicable), key=lambda c: _APPLY_ORDER[c.action])
    outcomes: list[Outcome] = []
    for index, change in enumerate(todo):
        try:
            write(change)
        except RUN_ENDING_ERRORS as exc:
            outcomes.append(Outcome(change, error=str(exc), fatal=True))
            outcomes.extend(Outcome(c, skipped=True) for c in todo[index + 1 :])
            break
        except ReconcilerError as exc:
            outcomes.append(Outcome(change, error=str(exc)))
        else:
            outcomes.append(Outcome(change))
    return outcomes
