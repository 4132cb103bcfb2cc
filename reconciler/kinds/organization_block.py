"""The blocks of organisation-scoped kinds (`organization_secrets:`, `organization_variables:`).

They compose per repository like every block (pack < organisation < repository, key by
case-folded name), so each repository ends up with what it needs from its organisation: a list
of `Need`s. Uninstalling a pack withdraws the repository's need; whether the object itself may
then go is the kind's rule (a secret only with --include-secrets).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from reconciler.desired.blocks import Composition, ExplainSection, Layer, Removal
from reconciler.desired.checks import items_of
from reconciler.desired.sources import SourceFiles
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem
from reconciler.kinds.organization_access import Need
from reconciler.names import fold


@dataclass(frozen=True)
class Needs:
    """What one repository needs from its organisation, for one kind."""

    items: tuple[Need, ...]


@dataclass(frozen=True)
class OrganizationBlock:
    key: str
    # Provenance addresses are `<prefix>:<folded name>`.
    prefix: str
    spec: type[BaseModel]
    description: str
    what: str  # "organisation secret"
    # The block's items as needs, in order.
    needs: Callable[[Any], Sequence[Need]]
    # Whether a withdrawn need lets the object itself go (secrets: only with --include-secrets).
    deletes: Callable[[Removal], bool]
    # How explain words one need.
    words: Callable[[Need], str]

    def needs_of(self, repository: EffectiveRepository) -> tuple[Need, ...] | None:
        """What `repository` needs from its organisation through this block; None when it
        does not manage it (what the kind's `desired` answers)."""
        found: Needs | None = repository.block(self.key)
        return found.items if found is not None else None

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterator[Problem]:
        items = items_of(dict(entry), self.key)
        if not isinstance(items, list):
            return
        seen: dict[str, SourceRef] = {}
        for index, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            where = (*loc, self.key, "items", index, "name")
            earlier = seen.get(fold(name))
            if earlier is not None:
                yield doc.problem(where, f"{self.what} {name!r} collides case-insensitively with the one at {earlier}")
            else:
                seen[fold(name)] = doc.ref(where)

    def compose(self, spec: Any, layer: Layer, into: Composition) -> None:
        for index, need in enumerate(self.needs(spec)):
            into.put(self.prefix, fold(need.name), need, layer.origin(self.key, "items", index), what=self.what)

    def remove(self, spec: Any, layer: Layer, into: Composition, removal: Removal) -> None:
        declared = into.values(self.prefix)
        for index, need in enumerate(self.needs(spec)):
            if need.present and fold(need.name) not in declared:
                gone = replace(need, present=False, delete=self.deletes(removal))
                into.put(self.prefix, fold(need.name), gone, layer.origin(self.key, "items", index), what=self.what)

    def check_composed(self, slug: str, composed: Composition) -> Iterator[Problem]:
        return iter(())

    def effective(self, composed: Composition, sources: SourceFiles) -> Needs | None:
        if not composed.manages(self.key, self.prefix):
            return None
        return Needs(tuple(composed.values(self.prefix).values()))

    def content(self, effective: Needs) -> Any:
        return {
            fold(n.name): {"name": n.name, "visibility": n.visibility, "source": n.source, "present": n.present}
            for n in effective.items
        }

    def explain(self, effective: Needs) -> ExplainSection:
        rows = tuple((f"{self.prefix}:{fold(n.name)}", self.words(n)) for n in effective.items)
        return ExplainSection(self.key, None, None, rows)
