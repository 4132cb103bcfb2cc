"""What every resource kind implements. Kinds are listed once, in `registry.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from reconciler.desired.blocks import Block
from reconciler.desired.state import EffectiveRepository
from reconciler.errors import RUN_STOPPING, ReconcilerError
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

DesiredT = TypeVar("DesiredT")


ObservedT = TypeVar("ObservedT")


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


class ResourceKind(Protocol[DesiredT, ObservedT]):
    """Everything about one kind of object: observe → diff → apply, and what else needs it.

    `diff` is pure: no I/O, no clock, the same answer for the same inputs. `desired` returns
    None when the repository does not manage this kind, and then nothing is observed.
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

    def scopes(self, private: bool) -> tuple[str, ...]:
        """The classic token scopes apply needs for this kind, in a public or private repository."""
        ...

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> DesiredT | None: ...

    def observe(self, reader: GitHubReader, repository: str, desired: DesiredT) -> ObservedT:
        """Read what the desired state is about, and nothing more (e.g. only changed files)."""
        ...

    def diff(self, repository: str, desired: DesiredT, observed: ObservedT) -> list[Change]: ...

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]: ...


AnyKind = ResourceKind[Any, Any]


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


def apply_each(changes: Sequence[Change], write: Callable[[Change], None]) -> list[Outcome]:
    """Make the changes apply makes (not noops, not those for a person), one at a time, in
    `_APPLY_ORDER`; a failure is recorded and the rest still run."""
    todo = sorted((c for c in changes if c.applicable), key=lambda c: _APPLY_ORDER[c.action])
    outcomes: list[Outcome] = []
    for index, change in enumerate(todo):
        try:
            write(change)
        except RUN_STOPPING as exc:
            outcomes.append(Outcome(change, error=str(exc), fatal=True))
            outcomes.extend(Outcome(c, skipped=True) for c in todo[index + 1 :])
            break
        except ReconcilerError as exc:
            outcomes.append(Outcome(change, error=str(exc)))
        else:
            outcomes.append(Outcome(change))
    return outcomes
