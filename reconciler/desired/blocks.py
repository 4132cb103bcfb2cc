"""Blocks: the part of a pack, organisation or repository entry that one resource kind reads.

`labels:`, `workflows:`, `secrets:`, `variables:` and `limits:` are blocks. desired/ knows them
only through the `Block` interface below: how a block is validated (its pydantic model and
the rules over its raw YAML), how layers compose it key by key, what uninstalling a pack
makes absent, and what the effective value is. Each kind's package implements it, and the
kinds registry hands the loader the list, so adding a kind never touches desired/.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from reconciler.desired.sources import SourceFiles
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import Problem


@dataclass(frozen=True)
class Origin:
    """Where an effective value came from: the file position, and the layer that set it."""

    ref: SourceRef
    layer: str
    pack: str | None = None

    def __str__(self) -> str:
        return f"{self.ref} ({self.layer})"


@dataclass(frozen=True)
class Layer:
    """One entry's contribution to a repository: a pack, an organisation target or the
    repository's own entry, with the name `explain` shows for it."""

    name: str
    content: BaseModel
    doc: YamlDocument
    loc: Loc
    pack: str | None = None

    def origin(self, *path: str | int) -> Origin:
        return Origin(self.doc.ref((*self.loc, *path)), self.name, self.pack)

    def block(self, key: str) -> Any:
        """This layer's value for a block (a pydantic model), or None when it has none."""
        return getattr(self.content, key, None)


def problem_at(ref: SourceRef, message: str) -> Problem:
    return Problem(ref.file, ref.line, ref.column, "", message)


@dataclass
class Keyed:
    """Values by key, the origin of each, and what each one overrode."""

    what: str
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    overridden: dict[str, list[Origin]] = field(default_factory=dict)

    def put(self, key: str, value: Any, origin: Origin, problems: list[Problem]) -> None:
        """A later layer overrides an earlier one; two packs that disagree are a conflict,
        since neither pack is more important than the other."""
        earlier = self.origins.get(key)
        if earlier is not None:
            if earlier.pack and origin.pack and earlier.pack != origin.pack:
                if self.values[key] != value:
                    problems.append(
                        problem_at(
                            origin.ref,
                            f"{self.what} {key!r} conflicts: pack {origin.pack!r} and pack {earlier.pack!r} "
                            f"(at {earlier.ref}) declare it differently; override it in the target or "
                            "remove it from one pack",
                        )
                    )
                return
            self.overridden.setdefault(key, []).append(earlier)
        self.values[key] = value
        self.origins[key] = origin


@dataclass
class Composition:
    """Everything the layers of one repository said, key by key, before blocks turn it into
    effective values. Collections are named by their provenance prefix (`label`, `workflow`,
    `secret`, `variable`, `limit`); settings (`labels.prune`, `workflows.mode`) are knobs."""

    problems: list[Problem] = field(default_factory=list)
    collections: dict[str, Keyed] = field(default_factory=dict)
    knobs: Keyed = field(default_factory=lambda: Keyed("setting"))
    # Blocks some layer has, even an empty one: the repository manages those kinds.
    declared: set[str] = field(default_factory=set)

    def collection(self, prefix: str, what: str | None = None) -> Keyed:
        found = self.collections.get(prefix)
        if found is None:
            found = self.collections[prefix] = Keyed(what or prefix)
        return found

    def put(self, prefix: str, key: str, value: Any, origin: Origin, *, what: str | None = None) -> None:
        self.collection(prefix, what).put(key, value, origin, self.problems)

    def knob(self, name: str, value: Any, origin: Origin) -> None:
        self.knobs.put(name, value, origin, self.problems)

    def values(self, prefix: str) -> dict[str, Any]:
        return self.collection(prefix).values

    def manages(self, block: str, prefix: str) -> bool:
        """A repository manages a kind when some layer has its block, or any value for it."""
        return block in self.declared or bool(self.values(prefix))


@dataclass(frozen=True)
class Removal:
    """Packs to uninstall for this run (from `reconciler uninstall`)."""

    packs: frozenset[str] = frozenset()
    include_secrets: bool = False


NO_REMOVAL = Removal()


@dataclass(frozen=True)
class ExplainSection:
    """What `reconciler explain` prints for one block: a title, its setting, and one row per
    value (its provenance address and how it reads)."""

    title: str
    knob: str | None
    knob_value: object
    rows: tuple[tuple[str, str], ...]


class Block(Protocol):
    """One block of the desired-state format; implemented by each kind's package."""

    @property
    def key(self) -> str:
        """The block's key in an entry, e.g. `labels`."""
        ...

    @property
    def spec(self) -> type[BaseModel]:
        """The pydantic model of the block (unknown keys forbidden)."""
        ...

    @property
    def description(self) -> str:
        """What the block is for, in the JSON Schema."""
        ...

    def check_entry(
        self, doc: YamlDocument, loc: Loc, entry: Mapping[str, Any], sources: SourceFiles
    ) -> Iterable[Problem]:
        """Rules over the raw YAML of one entry (duplicates, collisions, source files) that
        concern this block: run even when another part of the file fails validation, so every
        problem shows in one run. `loc` is the entry's; the block's data is `entry[key]`."""
        ...

    def compose(self, spec: Any, layer: Layer, into: Composition) -> None:
        """Put this layer's values into the composition (later layers override earlier ones)."""
        ...

    def remove(self, spec: Any, layer: Layer, into: Composition, removal: Removal) -> None:
        """Make absent what a pack being uninstalled declares and no other layer does."""
        ...

    def check_composed(self, slug: str, composed: Composition) -> Iterable[Problem]:
        """Rules only the composed result can break: collisions across layers."""
        ...

    def effective(self, composed: Composition, sources: SourceFiles) -> Any | None:
        """The effective value planning reads, or None when the repository does not manage it."""
        ...

    def content(self, effective: Any) -> Any:
        """What `--changed-only` compares, as JSON: the value, not where it was written, with
        items keyed by their identity so a difference reads as `labels.items.bug.color`."""
        ...

    def explain(self, effective: Any) -> ExplainSection:
        """How `reconciler explain` shows the effective value."""
        ...
