"""The effective desired state, resolved from the files, that planning works from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.desired.models import LabelsSpec, LimitsSpec, SecretsSpec, VariablesSpec
from reconciler.desired.yaml_source import SourceRef
from reconciler.errors import ConfigurationError, Problem
from reconciler.names import fold


@dataclass(frozen=True)
class DesiredWorkflow:
    """A declared workflow file, with its body already read (planning does no file I/O)."""

    path: str
    ensure: str
    state: str
    content: bytes | None
    source: str | None
    ref: SourceRef


@dataclass(frozen=True)
class DesiredWorkflows:
    mode: str
    items: tuple[DesiredWorkflow, ...]


@dataclass(frozen=True)
class DesiredRepository:
    """Everything one repository must have, after resolving every file that mentions it."""

    slug: str
    source: SourceRef
    labels: LabelsSpec | None = None
    workflows: DesiredWorkflows | None = None
    secrets: SecretsSpec | None = None
    variables: VariablesSpec | None = None
    limits: LimitsSpec | None = None


@dataclass(frozen=True)
class DesiredState:
    root: Path
    repositories: tuple[DesiredRepository, ...]
    digest: str
    warnings: tuple[Problem, ...] = field(default=())

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
        return DesiredState(self.root, chosen, self.digest, self.warnings)
