"""The `labels:` block in the desired state: its rules, how layers compose it, what
uninstalling a pack removes, and how `explain` shows it.

A label's key is its case-folded name, so a repository overrides a pack's label of the same
name in any case. Aliases are checked across layers: an old name must not collide with a
label another layer declares.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.desired.blocks import Composition, ExplainSection, Layer, Origin, Removal, problem_at
from reconciler.desired.checks import items_of
from reconciler.desired.sources import SourceFiles
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec
from reconciler.names import fold

KEY = "labels"
# Provenance addresses of labels are `label:<folded name>`; the plan's label changes share the key.
PREFIX = "label"
PRUNE = "labels.prune"


@dataclass(frozen=True)
class _Seen:
    what: str
    ref: SourceRef


def _names_in(doc: YamlDocument, item_loc: Loc, item: Mapping[str, Any]) -> Iterator[tuple[Loc, str, str]]:
    """(position, name, how to call it) for a label item's name and each alias."""
    name = item.get("name")
    own = fold(name) if isinstance(name, str) else None
    if isinstance(name, str):
        yield (*item_loc, "name"), name, f"label {name!r}"
    aliases = item.get("aliases")
    if isinstance(aliases, list):
        for alias_index, alias in enumerate(aliases):
            if isinstance(alias, str) and fold(alias) != own:
                yield (*item_loc, "aliases", alias_index), alias, f"alias {alias!r} of {name!r}"


class LabelsBlock:
    key = KEY
    spec = LabelsSpec
    description = "Labels. Leave out to leave labels alone."

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        items = items_of(dict(entry), KEY)
        if not isinstance(items, list):
            return
        seen: dict[str, _Seen] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            item_loc = (*loc, KEY, "items", index)
            name = item.get("name")
            aliases = item.get("aliases")
            if isinstance(name, str) and isinstance(aliases, list):
                for alias_index, alias in enumerate(aliases):
                    if isinstance(alias, str) and fold(alias) == fold(name):
                        yield doc.problem(
                            (*item_loc, "aliases", alias_index), f"alias {alias!r} is the label's own name"
                        )
            for where, value, what in _names_in(doc, item_loc, item):
                earlier = seen.get(fold(value))
                if earlier is not None:
                    yield doc.problem(where, f"{what} collides case-insensitively with {earlier.what} at {earlier.ref}")
                else:
                    seen[fold(value)] = _Seen(what, doc.ref(where))

    def compose(self, spec: LabelsSpec, layer: Layer, into: Composition) -> None:
        if spec.prune is not None:
            into.knob(PRUNE, spec.prune, layer.origin(KEY, "prune"))
        for i, label in enumerate(spec.items):
            into.put(PREFIX, fold(label.name), label, layer.origin(KEY, "items", i))

    def remove(self, spec: LabelsSpec, layer: Layer, into: Composition, removal: Removal) -> None:
        declared = into.values(PREFIX)
        for i, label in enumerate(spec.items):
            if label.ensure == "present" and fold(label.name) not in declared:
                into.put(
                    PREFIX, fold(label.name), LabelSpec(name=label.name, ensure="absent"), layer.origin(KEY, "items", i)
                )

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        keyed = composed.collection(PREFIX)
        seen: dict[str, tuple[str, Origin]] = {}
        for key, label in keyed.values.items():
            origin = keyed.origins[key]
            if label.ensure != "present":
                continue
            names = [(label.name, f"label {label.name!r}")]
            names += [(a, f"alias {a!r} of {label.name!r}") for a in label.aliases]
            for name, what in names:
                other = seen.get(fold(name))
                # Clashes inside one entry were reported, with their field, when its file was checked.
                same_entry = (
                    other is not None and other[1].layer == origin.layer and other[1].ref.file == origin.ref.file
                )
                if other is not None and other[1] != origin and not same_entry:
                    yield problem_at(origin.ref, f"in {slug}: {what} collides with {other[0]} declared at {other[1]}")
                seen.setdefault(fold(name), (what, origin))

    def effective(self, composed: Composition, sources: SourceFiles) -> LabelsSpec | None:
        if not composed.manages(KEY, PREFIX):
            return None
        return LabelsSpec(prune=bool(composed.knobs.values.get(PRUNE)), items=tuple(composed.values(PREFIX).values()))

    def content(self, effective: LabelsSpec) -> Any:
        items = {fold(i.name): i.model_dump(mode="json", exclude={"name"}) | {"name": i.name} for i in effective.items}
        return {"prune": effective.prune, "items": items}

    def explain(self, effective: LabelsSpec) -> ExplainSection:
        rows = []
        for label in effective.items:
            address = f"{PREFIX}:{fold(label.name)}"
            if label.ensure == "absent":
                rows.append((address, f"{label.name}  absent (deleted if present)"))
                continue
            aliases = f"  aliases: {', '.join(label.aliases)}" if label.aliases else ""
            description = f"  {label.description!r}" if label.description else ""
            rows.append((address, f"{label.name}  {label.color}{description}{aliases}"))
        return ExplainSection(KEY, PRUNE, effective.prune, tuple(rows))


LABELS_BLOCK = LabelsBlock()
