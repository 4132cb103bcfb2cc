"""The desired state in two stages.

`Declarations` is what the files say, validated without contacting anything: packs,
organisation targets (selectors over live repositories) and repository targets, each an
`Entry`. `EffectiveState` is one `EffectiveRepository` per repository, composed from its
layers (pack < organisation < repository) once organisation selectors have been matched
against GitHub's live repository list. Planning works from `EffectiveState` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from reconciler.desired.blocks import Origin
from reconciler.desired.documents import DocumentModels
from reconciler.desired.models import PackUse
from reconciler.desired.sources import SourceFiles
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import ConfigurationError, Problem
from reconciler.names import fold

EntryKind = Literal["pack", "organization", "repository"]


@dataclass(frozen=True)
class EffectiveRepository:
    """Everything one repository must have, after composing every layer that targets it."""

    slug: str
    source: SourceRef
    # Block key ("labels", "workflows"...) → its effective value, for the blocks it manages.
    blocks: Mapping[str, Any] = field(default_factory=dict)
    # Packs applied (uninstalled ones excluded), in layer order, and packs being uninstalled.
    packs: tuple[str, ...] = ()
    uninstalling: tuple[str, ...] = ()
    # The organisation and repository entries that target this repository.
    targets: tuple[Origin, ...] = ()
    # Address ("label:priority:high", "limit:max_issues", "labels.prune"...) → who set it,
    # and the earlier layers it overrode.
    provenance: Mapping[str, Origin] = field(default_factory=dict)
    overridden: Mapping[str, tuple[Origin, ...]] = field(default_factory=dict)
    # What this repository must have as JSON, block by block (not where it was written), and
    # its hash: two versions of the desired state are compared repository by repository.
    content: Mapping[str, Any] = field(default_factory=dict)
    digest: str = ""

    def block(self, key: str) -> Any:
        """The effective value of a block, or None when the repository does not manage it."""
        return self.blocks.get(key)


@dataclass(frozen=True)
class Selection:
    """What an organisation target matched in the live repository list, and what it left out."""

    organization: str
    source: SourceRef
    matched: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    # --repo limited the run: only the named repositories were looked at.
    narrowed: bool = False


@dataclass(frozen=True)
class EffectiveState:
    root: Path
    repositories: tuple[EffectiveRepository, ...]
    digest: str
    warnings: tuple[Problem, ...] = field(default=())
    selections: tuple[Selection, ...] = field(default=())
    # Every repository the desired state targets is here. False when narrowed (--repo,
    # --changed-only): then what no repository here needs may still be needed by one left out,
    # so organisation-scoped kinds add what is needed and remove nothing.
    complete: bool = True
    # The repositories organisation-scoped kinds plan from, when not `repositories`: a shard
    # plans its owners' organisation objects from every repository of those owners.
    organization_scope: tuple[EffectiveRepository, ...] | None = None

    def select(self, slugs: Iterable[str]) -> EffectiveState:
        """Narrow to the named repositories; naming one that is not declared is an error."""
        wanted = list(slugs)
        if not wanted:
            return self
        by_key = {fold(repo.slug): repo for repo in self.repositories}
        unknown = [slug for slug in wanted if fold(slug) not in by_key]
        if unknown:
            raise ConfigurationError("not declared in the desired state: " + ", ".join(unknown))
        keys = {fold(slug) for slug in wanted}
        chosen = tuple(repo for repo in self.repositories if fold(repo.slug) in keys)
        whole = self.complete and len(chosen) == len(self.repositories)
        return EffectiveState(self.root, chosen, self.digest, self.warnings, self.selections, whole)


@dataclass(frozen=True)
class Entry:
    """One pack, organisation or repository entry, with the file it is in."""

    kind: EntryKind
    doc: YamlDocument
    loc: Loc
    spec: BaseModel

    @property
    def ref(self) -> SourceRef:
        return self.doc.ref(self.loc)

    @property
    def name(self) -> str:
        """The pack's name, the organisation's login, or the repository's owner/name."""
        field_name = {"pack": "name", "organization": "organization", "repository": "repository"}[self.kind]
        return str(getattr(self.spec, field_name))

    @property
    def pack_uses(self) -> tuple[tuple[int, str, bool], ...]:
        """(index, pack name, uninstall) for each pack a target applies, as written."""
        uses = getattr(self.spec, "packs", ())
        return tuple(
            (index, use.name, use.uninstall) if isinstance(use, PackUse) else (index, str(use), False)
            for index, use in enumerate(uses)
        )


@dataclass(frozen=True)
class Declarations:
    """Everything the desired-state files declare, validated; nothing live."""

    root: Path
    packs: Mapping[str, Entry]
    organizations: tuple[Entry, ...]
    repositories: tuple[Entry, ...]
    digest: str
    sources: SourceFiles
    models: DocumentModels
    warnings: tuple[Problem, ...] = field(default=())

    def pack(self, name: str) -> Entry | None:
        return self.packs.get(fold(name))
