"""Labels, pure: identity is the case-folded name; equality is name, colour and description.

A live label found under one of a desired label's aliases is renamed in place (PATCH with
`new_name`), which keeps its id and therefore every issue and pull request that carries it.
Undeclared labels are kept unless the repository opts into `prune`, and a label matching an
alias is never deleted, even with prune: deleting it would strip it from its issues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reconciler.kinds.base import absent, undeclared
from reconciler.kinds.labels.live import LiveLabel
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec, normal_colour
from reconciler.names import by_folded_name, fold
from reconciler.plan.frozen import JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason

KIND = "label"


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
        # By hand: `dataclasses.asdict` deep-copies, and a fleet's plan calls this for every label.
        return {"name": self.name, "color": self.color, "description": self.description}

    @classmethod
    def from_live(cls, live: LiveLabel) -> Label:
        # GitHub keeps a colour's case as sent and returns null for "no description".
        return cls(live.name, normal_colour(live.color), live.description or "")

    @classmethod
    def from_spec(cls, spec: LabelSpec) -> Label:
        assert spec.color is not None, "validation requires a colour for a present label"
        return cls(spec.name, normal_colour(spec.color), spec.description or "")


def _differences(live: Label, wanted: Label) -> list[str]:
    notes = []
    if live.name != wanted.name:
        notes.append(f"name case {live.name!r} → {wanted.name!r}")
    if live.color != wanted.color:
        notes.append(f"color {live.color} → {wanted.color}")
    if live.description != wanted.description:
        notes.append("description differs")
    return notes


@dataclass(frozen=True)
class Decision:
    action: Action
    key: str
    before: Label | None
    after: Label | None
    reason: Reason
    # The reason in words, when there is more to say than the code's own words.
    text: str | None = None
    managed: bool = True


def decide(desired: LabelsSpec, observed: Sequence[LiveLabel]) -> tuple[Decision, ...]:
    """Pure: what happens to every declared and every live label."""
    live = {key: Label.from_live(item) for key, item in by_folded_name(observed).items()}
    present = [spec for spec in desired.items if spec.ensure == "present"]
    alias_owner = {fold(alias): spec.name for spec in present for alias in spec.aliases}
    claimed: set[str] = set()
    decisions: list[Decision] = []

    for spec in present:
        wanted = Label.from_spec(spec)
        current = live.get(wanted.key)
        if current is not None:
            claimed.add(wanted.key)
            notes = _differences(current, wanted)
            if notes:
                decisions.append(Decision(Action.UPDATE, wanted.key, current, wanted, Reason.DIFFERS, "; ".join(notes)))
            else:
                decisions.append(Decision(Action.NOOP, wanted.key, current, wanted, Reason.MATCHES))
            continue
        found = [live[fold(a)] for a in spec.aliases if fold(a) in live and fold(a) not in claimed]
        if found:
            old = found[0]
            claimed.add(old.key)
            text = f"found under its old name {old.name!r}: renamed in place so its issues keep it"
            decisions.append(Decision(Action.RENAME, wanted.key, old, wanted, Reason.FOUND_UNDER_ALIAS, text))
        else:
            decisions.append(Decision(Action.CREATE, wanted.key, None, wanted, Reason.MISSING))

    # After the renames, so a label renamed onto a declared name is not also deleted.
    for spec in desired.items:
        key = fold(spec.name)
        if spec.ensure != "absent" or key in claimed:
            continue
        claimed.add(key)
        gone = live.get(key)
        action, reason = absent(gone is not None)
        decisions.append(Decision(action, key, gone, None, reason))

    for key in sorted(live.keys() - claimed):
        label = live[key]
        if key in alias_owner:
            text = (
                f"an old name of {alias_owner[key]!r}, which also exists: kept so its issues keep it; "
                "move them over by hand, then delete it"
            )
            decisions.append(Decision(Action.NOOP, key, label, label, Reason.ALIAS_KEPT, text, managed=False))
        else:
            action, reason = undeclared(desired.prune)
            kept = None if action is Action.DELETE else label
            decisions.append(Decision(action, key, label, kept, reason, managed=False))
    return tuple(decisions)


def deleted_labels(decisions: Sequence[Decision]) -> list[str]:
    """Names of the live labels these decisions delete (for counting the issues that carry them)."""
    return [d.before.name for d in decisions if d.action is Action.DELETE and d.before]


def _carried(count: int) -> str:
    if count == 0:
        return "no open issue or pull request carries it"
    if count == 1:
        return "1 open issue or pull request carries it and loses it"
    return f"{count} open issues and pull requests carry it and lose it"


def diff_labels(
    repository: str,
    desired: LabelsSpec,
    observed: Sequence[LiveLabel],
    carried_by: Mapping[str, int] | None = None,
    decided: Sequence[Decision] | None = None,
) -> list[Change]:
    """Pure: the changes that make `observed` match `desired`, plus a noop for everything else.
    `carried_by` (label key → open issues and pull requests) annotates deletions. `decided`:
    `decide(desired, observed)` when observing already made it (to count those issues)."""
    counts = carried_by or {}
    changes = []
    for d in decide(desired, observed) if decided is None else decided:
        before = d.before.as_dict() if d.before else None
        text = d.text
        if d.action is Action.DELETE and before is not None and d.key in counts:
            before["open_issues"] = counts[d.key]
            text = f"{text or d.reason.text}; {_carried(counts[d.key])}"
        after = d.after.as_dict() if d.after else None
        changes.append(Change.make(repository, KIND, d.key, d.action, before, after, d.reason, text, managed=d.managed))
    return changes
