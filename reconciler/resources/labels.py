"""Labels: identity is the case-folded name; equality is name, colour and description.

A live label found under one of a desired label's aliases is renamed in place (PATCH with
`new_name`), which keeps its id and therefore every issue and pull request that carries it.
Undeclared labels are kept unless the repository opts into `prune`, and a label matching an
alias is never deleted, even with prune: deleting it would strip it from its issues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from reconciler.desired.models import LabelSpec, LabelsSpec
from reconciler.desired.state import DesiredRepository
from reconciler.github.port import GitHubReader, GitHubWriter, LiveLabel
from reconciler.names import fold
from reconciler.plan.model import Action, Change, JsonScalar
from reconciler.resources.base import Outcome, PlanSettings, apply_each

KIND = "label"
# Renames first: they carry issues over before anything else touches names.
_APPLY_ORDER = {Action.RENAME: 0, Action.UPDATE: 1, Action.CREATE: 2, Action.DELETE: 3}


@dataclass(frozen=True)
class Label:
    """A label in normal form, whichever side it came from."""

    name: str
    color: str
    description: str

    @property
    def key(self) -> str:
        return fold(self.name)

    def as_dict(self) -> dict[str, JsonScalar]:
        return dict(asdict(self))

    @classmethod
    def from_live(cls, live: LiveLabel) -> Label:
        # GitHub keeps a colour's case as sent and returns null for "no description".
        return cls(live.name, live.color.lower().removeprefix("#"), live.description or "")

    @classmethod
    def from_spec(cls, spec: LabelSpec) -> Label:
        return cls(spec.name, spec.color.lower().removeprefix("#"), spec.description or "")


def _differences(live: Label, wanted: Label) -> list[str]:
    notes = []
    if live.name != wanted.name:
        notes.append(f"name case {live.name!r} → {wanted.name!r}")
    if live.color != wanted.color:
        notes.append(f"color {live.color} → {wanted.color}")
    if live.description != wanted.description:
        notes.append("description differs")
    return notes


def diff_labels(repository: str, desired: LabelsSpec, observed: Sequence[LiveLabel]) -> list[Change]:
    """Pure: the changes that make `observed` match `desired`, plus a noop for everything else."""
    live: dict[str, Label] = {}
    for item in observed:
        label = Label.from_live(item)
        live.setdefault(label.key, label)
    alias_owner = {fold(alias): spec.name for spec in desired.items for alias in spec.aliases}
    claimed: set[str] = set()
    changes: list[Change] = []

    def change(
        action: Action,
        key: str,
        before: Label | None,
        after: Label | None,
        reason: str,
        *,
        managed: bool = True,
    ) -> None:
        changes.append(
            Change.make(
                repository,
                KIND,
                key,
                action,
                before.as_dict() if before else None,
                after.as_dict() if after else None,
                reason,
                managed=managed,
            )
        )

    for spec in desired.items:
        wanted = Label.from_spec(spec)
        current = live.get(wanted.key)
        if current is not None:
            claimed.add(wanted.key)
            notes = _differences(current, wanted)
            if notes:
                change(Action.UPDATE, wanted.key, current, wanted, "; ".join(notes))
            else:
                change(Action.NOOP, wanted.key, current, wanted, "matches")
            continue
        found = [live[fold(a)] for a in spec.aliases if fold(a) in live and fold(a) not in claimed]
        if found:
            old = found[0]
            claimed.add(old.key)
            change(
                Action.RENAME,
                wanted.key,
                old,
                wanted,
                f"found under its old name {old.name!r}: renamed in place so its issues keep it",
            )
        else:
            change(Action.CREATE, wanted.key, None, wanted, "declared but missing")

    for key in sorted(live.keys() - claimed):
        label = live[key]
        if key in alias_owner:
            change(
                Action.NOOP,
                key,
                label,
                label,
                f"an old name of {alias_owner[key]!r}, which also exists: kept so its issues keep it; "
                "move them over by hand, then delete it",
                managed=False,
            )
        elif desired.prune:
            change(Action.DELETE, key, label, None, "not declared, and prune is on", managed=False)
        else:
            change(Action.NOOP, key, label, label, "not declared; kept (prune is off)", managed=False)
    return changes


def _apply_one(writer: GitHubWriter, repository: str, change: Change) -> None:
    before, after = change.before or {}, change.after or {}
    if change.action is Action.CREATE:
        writer.create_label(
            repository,
            name=str(after["name"]),
            color=str(after["color"]),
            description=str(after["description"]),
        )
    elif change.action in (Action.UPDATE, Action.RENAME):
        writer.update_label(
            repository,
            str(before["name"]),
            name=str(after["name"]),
            color=str(after["color"]),
            description=str(after["description"]),
        )
    elif change.action is Action.DELETE:
        writer.delete_label(repository, str(before["name"]))


class LabelsKind:
    name = KIND
    plural = "labels"

    def desired(self, repository: DesiredRepository, settings: PlanSettings) -> LabelsSpec | None:
        return repository.labels

    def observe(self, reader: GitHubReader, repository: str, desired: LabelsSpec) -> list[LiveLabel]:
        return reader.list_labels(repository)

    def diff(self, repository: str, desired: LabelsSpec, observed: list[LiveLabel]) -> list[Change]:
        return diff_labels(repository, desired, observed)

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        ordered = sorted((c for c in changes if c.is_change), key=lambda c: _APPLY_ORDER[c.action])
        return apply_each(ordered, lambda c: _apply_one(writer, repository, c))


LABELS = LabelsKind()
