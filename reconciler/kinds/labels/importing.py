"""How `reconciler import` writes labels: each as the plan compares it (the colour quoted, in
lower case), matched to a declared label by case-folded name, never under a name that is an
old name (alias) of a declared label, since the plan renames that one instead."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from reconciler.desired.entry_edit import EntryEdit, first_message
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_edit import Items, quoted
from reconciler.github.port import GitHubReader
from reconciler.kinds.base import declared_elsewhere
from reconciler.kinds.labels.block import KEY, PREFIX
from reconciler.kinds.labels.live import LiveLabel, list_labels
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec, normal_colour
from reconciler.names import fold

Labels = tuple[LiveLabel, ...]


@dataclass(frozen=True)
class InheritedLabels:
    """Case-folded alias → the label it is an old name of, for labels other layers declare:
    the entry cannot declare a label of that name (validation refuses the collision)."""

    aliases: Mapping[str, str] = field(default_factory=dict)


def _item(label: LiveLabel) -> CommentedMap:
    item = CommentedMap([("name", label.name), ("color", quoted(normal_colour(label.color)))])
    if label.description:
        item["description"] = label.description
    return item


def _update_item(item: CommentedMap, label: LiveLabel) -> bool:
    changed = False
    if item["name"] != label.name:
        item["name"] = label.name
        changed = True
    current_colour = item.get("color")
    if not isinstance(current_colour, str) or normal_colour(current_colour) != normal_colour(label.color):
        item["color"] = quoted(normal_colour(label.color))
        changed = True
    description = label.description or ""
    if (item.get("description") or "") != description:
        if description or "description" in item:
            # Emptied rather than removed, so a comment on that line keeps its place.
            item["description"] = description
        changed = True
    return changed


class LabelsImporter:
    block = KEY
    position = 10

    def read(self, reader: GitHubReader, repository: str) -> tuple[Labels, list[str]]:
        return tuple(list_labels(reader, repository)), []

    def importable(self, part: Labels) -> tuple[Labels, list[str]]:
        notes: list[str] = []
        kept = []
        for label in part:
            try:
                LabelSpec(name=label.name, color=label.color, description=label.description or "")
            except ValidationError as exc:
                notes.append(f"label {label.name!r} not imported: {first_message(exc)}")
            else:
                kept.append(label)
        return tuple(kept), notes

    def inherited(self, repository: EffectiveRepository | None) -> InheritedLabels:
        declared: LabelsSpec | None = repository.block(KEY) if repository is not None else None
        if repository is None or declared is None:
            return InheritedLabels()
        return InheritedLabels(
            {
                fold(alias): label.name
                for label in declared.items
                if label.ensure == "present" and declared_elsewhere(repository, f"{PREFIX}:{fold(label.name)}")
                for alias in label.aliases
            }
        )

    def update(self, entry: CommentedMap, part: Labels, inherited: InheritedLabels, edit: EntryEdit) -> None:
        items = Items(entry, KEY)
        if not part or not items.editable:
            return
        report = edit.report
        by_name: dict[str, Any] = {}
        alias_of: dict[str, str] = dict(inherited.aliases)
        for item in items:
            if isinstance(item, CommentedMap) and isinstance(item.get("name"), str):
                by_name.setdefault(fold(item["name"]), item)
                for alias in item.get("aliases") or ():
                    alias_of.setdefault(fold(str(alias)), item["name"])
        for label in sorted(part, key=lambda lbl: (fold(lbl.name), lbl.name)):
            item = by_name.get(fold(label.name))
            if item is None and fold(label.name) in alias_of:
                report.notes.append(
                    f"label {label.name!r} not imported: it is an old name (alias) of "
                    f"{alias_of[fold(label.name)]!r}, so the plan renames it"
                )
            elif item is None:
                items.add(_item(label))
                report.added["label"] += 1
            elif item.get("ensure") == "absent":
                report.notes.append(f"label {label.name!r} exists but is declared absent here: left as declared")
            elif _update_item(item, label):
                report.updated["label"] += 1
        items.done()

    def addresses(self, key: str) -> tuple[str, ...]:
        return (f"{PREFIX}:{key}",)


LABELS_IMPORTER = LabelsImporter()
