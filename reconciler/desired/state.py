"""The desired state in two stages.

`DesiredConfig` is what the files say, validated without contacting anything: packs,
organisation targets (selectors over live repositories) and repository targets.
`DesiredState` is the effective state, one `DesiredRepository` per repository, composed from
its layers (pack < organisation < repository) once organisation selectors have been matched
against GitHub's live repository list. Planning works from `DesiredState` only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.desired.models import (
    LabelsSpec,
    LimitsSpec,
    OrganizationSpec,
    PackSpec,
    RepositorySpec,
    SecretsSpec,
    VariablesSpec,
)
from reconciler.desired.sources import WorkflowSources
from reconciler.desired.yaml_source import Loc, SourceRef, YamlDocument
from reconciler.errors import ConfigurationError, Problem
from reconciler.names import fold


@dataclass(frozen=True)
class Origin:
    """Where an effective value came from: the file position, and the layer that set it."""

    ref: SourceRef
    layer: str
    pack: str | None = None

    def __str__(self) -> str:
        return f"{self.ref} ({self.layer})"


@dataclass(frozen=True)
class DesiredWorkflow:
    """A declared workflow file, with its body already read (planning does no file I/O)."""

    path: str
    ensure: str
    state: str
    content: bytes | None
    source: str | None
    ref: SourceRef
    agent: bool = False


@dataclass(frozen=True)
class DesiredWorkflows:
    mode: str
    items: tuple[DesiredWorkflow, ...]


@dataclass(frozen=True)
class DesiredRepository:
    """Everything one repository must have, after composing every layer that targets it."""

    slug: str
    source: SourceRef
    labels: LabelsSpec | None = None
    workflows: DesiredWorkflows | None = None
    secrets: SecretsSpec | None = None
    variables: VariablesSpec | None = None
    limits: LimitsSpec | None = None
    # Packs applied (uninstalled ones excluded), in layer order, and packs being uninstalled.
    packs: tuple[str, ...] = ()
    uninstalling: tuple[str, ...] = ()
    # The organisation and repository entries that target this repository.
    targets: tuple[Origin, ...] = ()
    # Address ("label:priority:high", "limit:max_issues", "labels.prune"...) → who set it,
    # and the earlier layers it overrode.
    provenance: Mapping[str, Origin] = field(default_factory=dict)
    overridden: Mapping[str, tuple[Origin, ...]] = field(default_factory=dict)

    def digest(self) -> str:
        """A hash of what this repository must have (not of where it was written), so two
        versions of the desired state can be compared repository by repository."""
        content: dict[str, Any] = {
            "labels": self.labels.model_dump(mode="json") if self.labels else None,
            "secrets": self.secrets.model_dump(mode="json") if self.secrets else None,
            "variables": self.variables.model_dump(mode="json") if self.variables else None,
            "limits": self.limits.model_dump(mode="json") if self.limits else None,
            "workflows": None,
        }
        if self.workflows is not None:
            content["workflows"] = {
                "mode": self.workflows.mode,
                "items": [
                    [w.path, w.ensure, w.state, w.agent, hashlib.sha256(w.content or b"").hexdigest()]
                    for w in self.workflows.items
                ],
            }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


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
class DesiredState:
    root: Path
    repositories: tuple[DesiredRepository, ...]
    digest: str
    warnings: tuple[Problem, ...] = field(default=())
    selections: tuple[Selection, ...] = field(default=())

    def select(self, slugs: Iterable[str]) -> DesiredState:
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
        return DesiredState(self.root, chosen, self.digest, self.warnings, self.selections)


@dataclass(frozen=True)
class Declared:
    """One pack, organisation or repository entry, with the file it is in."""

    doc: YamlDocument
    loc: Loc
    spec: PackSpec | OrganizationSpec | RepositorySpec

    @property
    def ref(self) -> SourceRef:
        return self.doc.ref(self.loc)


@dataclass(frozen=True)
class DesiredConfig:
    root: Path
    packs: Mapping[str, Declared]
    organizations: tuple[Declared, ...]
    repositories: tuple[Declared, ...]
    digest: str
    sources: WorkflowSources
    warnings: tuple[Problem, ...] = field(default=())

    def pack(self, name: str) -> Declared | None:
        return self.packs.get(fold(name))
